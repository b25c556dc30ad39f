"""How a config key is declared, checked and described: the machinery under hsx.config.

Consumes the dataclass fields of a config section; produces `setting(...)` declarations (a
default, a help text and the values accepted), the load-time check of a section
(`check_fields`, raising `ConfigError` that names `section.key`, the bad value and what is
allowed) and each key's description (`Setting`, `settings`) for the CLI's `--help` and
docs/CONFIG.md.  hsx.config declares the sections themselves with it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Callable


class ConfigError(ValueError):
    pass


def setting(default: Any, help: str, *, choices: tuple = (), low: float | None = None,
            high: float | None = None, above: float | None = None, nonempty: bool = False,
            check: Callable[[Any], bool] | None = None, allowed: str = "") -> Any:
    """A config field: its default, its help text and the values it accepts.

    `choices` are the allowed values (of each element, for a list); `low` and `high` are
    inclusive bounds and `above` an exclusive lower bound; `nonempty` rejects "" and [].  A rule
    that these cannot say is a `check` predicate with its `allowed` description.
    """
    return field(default=default, metadata={"help": help, "choices": choices, "low": low, "high": high,
                                            "above": above, "nonempty": nonempty, "check": check,
                                            "allowed": allowed})


def toml_value(value: Any) -> str:
    """A value as it is written in a TOML file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


def allowed_text(f: dataclasses.Field) -> str:
    """What a field accepts, in words (messages and docs)."""
    m = f.metadata
    if m["allowed"]:
        return m["allowed"]
    listed = f.type.startswith("tuple")
    words = []
    if m["choices"]:
        words.append(("a list of " if listed else "one of ") + ", ".join(toml_value(c) for c in m["choices"]))
    lo, hi, above = m["low"], m["high"], m["above"]
    if above is not None and hi is not None:
        words.append(f"in ({above:g}, {hi:g}]")
    elif lo is not None and hi is not None:
        words.append(f"in [{lo:g}, {hi:g}]")
    elif above is not None:
        words.append(f"above {above:g}")
    elif lo is not None:
        words.append(f"at least {lo:g}")
    if m["nonempty"]:
        words.append("not empty" if words else ("a non-empty list" if listed else "a non-empty string"))
    return ", ".join(words) or "any"


def _accepts(m: dict, value: Any) -> bool:
    if m["check"] is not None:
        return m["check"](value)
    if m["nonempty"] and not value:
        return False
    for v in value if isinstance(value, tuple) else (value,):
        if m["choices"] and v not in m["choices"]:
            return False
        # Written as "in range" tests, so that NaN fails them.
        if m["low"] is not None and not v >= m["low"]:
            return False
        if m["high"] is not None and not v <= m["high"]:
            return False
        if m["above"] is not None and not v > m["above"]:
            return False
    return True


def key_name(section: str, name: str) -> str:
    return f"{section}.{name}" if section else name


def check_fields(obj: Any, section: str) -> None:
    """Raises ConfigError for the first field of `obj` outside what its `setting` accepts."""
    for f in dataclasses.fields(obj):
        if "help" not in f.metadata:
            continue  # a section of HsxConfig: checked by its own __post_init__
        value = getattr(obj, f.name)
        if not _accepts(f.metadata, value):
            raise ConfigError(f"{key_name(section, f.name)} must be {allowed_text(f)}; got {toml_value(value)}")


@dataclass(frozen=True)
class Setting:
    """One key as the docs and the CLI describe it."""
    key: str  # "search.budget", or "jobs" at the top level
    type: str
    default: Any
    help: str
    allowed: str


def settings(section_cls: type, section: str) -> list[Setting]:
    return [Setting(key_name(section, f.name), "list of str" if f.type.startswith("tuple") else f.type, f.default,
                    f.metadata["help"], allowed_text(f))
            for f in dataclasses.fields(section_cls) if "help" in f.metadata]
