"""Prompted benchmark items: what `hsx eval` sends to the model, and how it reads each answer.

Consumes an `EvalSpec` (which benchmark, its data, the prompts to use) and the benchmark's records
(loaded by hsx/eval/benchmarks.py); produces `EvalItem`s in file order: id, category, label, the
conversation to send, and the answer protocol that reads the reply.

hsx's own prompts are the same as self-play's: the model's chat template and self-play's answer
format; the answer is read from the LAST `ANSWER:` marker after the reasoning
(`hsx.agents.parsing.parse_bob`).  HumanEval-hs items carry their `CodeTask` and are scored by
execution (hsx/eval/humaneval.py).

EquiBench's prompts (`--prompts prompts.yaml`, `load_official_prompts`) are formatted as
EquiBench formats them (`str.format` with the category's fields and the file's `true_label` /
`false_label`; one user turn), and answers are read with `parse_official`: hsx's reading, the
last label in the closing sentences of the answer.  That is NOT EquiBench's own rule (exact
YES/NO, else an LLM judge, else a coin flip): that one is the `equibench` protocol, computed
from the same saved outputs (hsx/eval/judge.py, hsx/eval/protocols.py).

A record hsx cannot use is skipped, not fatal, when `load_items` is given a `skipped` list.
EquiBench pairs on the known-mislabeled list (hsx/eval/mislabeled.py) are flagged, or left out
with `EvalSpec.exclude_known_mislabeled`.

    from hsx.eval.items import EvalSpec, load_items
    items = load_items(EvalSpec("equibench", "data/equibench", limit=5))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hsx.agents import prompts
from hsx.agents.parsing import parse_bob, strip_think
from hsx.eval.benchmarks import (BENCHMARKS, BenchmarkError, CodeTask, EQUIBENCH_CATEGORIES, EquiPair, check_unique_ids,
                                 load_equibench, load_haskell_pairs, load_humaneval_hs, load_pysecdb)
from hsx.eval.mislabeled import check_matchable, known_mislabeled

OFFICIAL_MODES = ("ZERO", "ZERO_COT", "FEW", "FEW_COT")
# Keys of EquiBench's prompts.yaml besides the labels and the categories; its loader ignores them.
OFFICIAL_EXTRA_KEYS = ("true_keywords", "false_keywords")


@dataclass(frozen=True)
class EvalItem:
    id: str
    category: str
    label: bool | None  # True: equivalent / security patch; None: a generation task
    conversation: list[dict]
    task: CodeTask | None = None  # HumanEval-hs only
    labels: tuple[str, str] | None = None  # official prompts: (true_label, false_label), read by parse_official
    known_mislabeled: bool = False  # EquiBench: on hsx/eval/mislabeled.py's list

    @property
    def key(self) -> str:  # EquiBench pair ids repeat across categories
        return f"{self.category}/{self.id}"

    @property
    def protocol(self) -> str:
        return "execution" if self.task else "official" if self.labels else "hsx"

    def parse(self, text: str) -> bool | None:
        return parse_official(text, *self.labels) if self.labels else parse_bob(text)


@dataclass(frozen=True)
class EvalSpec:
    """What one `hsx eval run` (or `hsx eval score`) evaluates."""
    benchmark: str  # equibench | pysecdb | haskell-pairs | humaneval-hs
    data: str  # a local file or folder; for EquiBench and PySecDB also a hub id
    adapter: str | None = None  # a LoRA adapter directory; None: the base model
    repeats: int = 1  # runs with seeds seed, seed+1, ...
    seed: int = 0
    max_new_tokens: int | None = None  # None: config.sampling.max_new_tokens
    prompts_file: str | None = None  # EquiBench's official prompts.yaml (see load_official_prompts)
    prompt_mode: str = "ZERO_COT"  # which template of the official file
    categories: tuple[str, ...] = ()  # EquiBench: a subset of categories; empty: all
    limit: int = 0  # >0: the first `limit` items per category (smoke runs)
    name: str = ""  # the model's name in reports; empty: the adapter folder's name, or "base"
    exclude_known_mislabeled: bool = False  # EquiBench: leave out the pairs of hsx/eval/mislabeled.py

    def __post_init__(self):
        if self.benchmark not in BENCHMARKS:
            raise ValueError(f"unknown benchmark {self.benchmark!r}: one of {', '.join(BENCHMARKS)}")
        if self.repeats < 1:
            raise ValueError("repeats must be at least 1")
        if self.prompt_mode not in OFFICIAL_MODES:
            raise ValueError(f"prompt mode must be one of {', '.join(OFFICIAL_MODES)}")
        if self.prompts_file and self.benchmark != "equibench":
            raise ValueError("--prompts is EquiBench's official prompts file; other benchmarks use hsx's prompts")
        if self.exclude_known_mislabeled and self.benchmark != "equibench":
            raise ValueError("--exclude-known-mislabeled applies to EquiBench only")

    @property
    def seeds(self) -> list[int]:
        return [self.seed + k for k in range(self.repeats)]

    @property
    def model_label(self) -> str:
        return self.name or (Path(self.adapter).name if self.adapter else "base")


# ------------------------------------------------------------------------------------------------
# EquiBench's prompts, and hsx's reading of the answers

@dataclass(frozen=True)
class OfficialPrompts:
    """EquiBench's prompts.yaml: `true_label`, `false_label` and, per category, the templates
    ZERO, ZERO_COT, FEW and FEW_COT (strings for `str.format`)."""
    path: str
    true_label: str
    false_label: str
    templates: dict[str, dict[str, str]]  # category -> mode -> template


def load_official_prompts(path: str | Path) -> OfficialPrompts:
    """Reads and checks EquiBench's prompts file (YAML; see the module docstring)."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise BenchmarkError(f"cannot read prompts file {path}: {e}") from None
    if not isinstance(data, dict):
        raise BenchmarkError(f"{path}: expected a mapping with true_label, false_label and one entry per category")
    for key in ("true_label", "false_label"):
        if isinstance(data.get(key), bool):  # YAML 1.1 reads an unquoted YES / NO as a boolean
            raise BenchmarkError(f"{path}: {key} must be a string; quote it (\"YES\", \"NO\"): unquoted, YAML "
                                 f"reads it as the boolean {data[key]}")
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise BenchmarkError(f"{path}: {key} must be a non-empty string (EquiBench's file has \"YES\" / \"NO\")")
    templates: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        if key in ("true_label", "false_label") or key in OFFICIAL_EXTRA_KEYS:
            continue
        if key not in EQUIBENCH_CATEGORIES:
            raise BenchmarkError(f"{path}: unknown key {key!r}: expected true_label, false_label or a category "
                                 f"({', '.join(EQUIBENCH_CATEGORIES)})")
        if not isinstance(value, dict):
            raise BenchmarkError(f"{path}: {key}: expected a mapping with {', '.join(OFFICIAL_MODES)}")
        unknown = sorted(set(value) - set(OFFICIAL_MODES))
        if unknown:
            raise BenchmarkError(f"{path}: {key}: unknown template(s) {', '.join(unknown)}; "
                                 f"known: {', '.join(OFFICIAL_MODES)}")
        for mode, template in value.items():
            if not isinstance(template, str):
                raise BenchmarkError(f"{path}: {key}.{mode}: a template is a string")
        templates[key] = dict(value)
    return OfficialPrompts(str(path), data["true_label"].strip(), data["false_label"].strip(), templates)


def format_official(official: OfficialPrompts, mode: str, pair: EquiPair) -> list[dict]:
    """The conversation EquiBench sends for `pair`: its template filled with `str.format`, with the
    fields EquiBench passes for the pair's category (its `Prompt.format`), as one user turn."""
    template = official.templates.get(pair.category, {}).get(mode)
    if template is None:
        raise BenchmarkError(f"{official.path}: no {mode} template for category {pair.category}")
    fields = {"true_label": official.true_label, "false_label": official.false_label,
              "program_1_code": pair.program_1, "program_2_code": pair.program_2}
    if pair.category == "STOKE":
        fields.update(def_in=pair.def_in, live_out=pair.live_out)
    elif pair.category.startswith("OJ_"):
        fields.update(problem_html=pair.problem_html)
    missing = [k for k, v in fields.items() if v is None]
    if missing:  # the loader requires these fields; this guards records built elsewhere
        raise BenchmarkError(f"pair {pair.category}/{pair.id}: no {', '.join(missing)} for its {mode} prompt")
    try:
        text = template.format(**fields)
    except KeyError as e:
        raise BenchmarkError(f"{official.path}: {pair.category}.{mode} uses the placeholder {{{e.args[0]}}}, which "
                             f"EquiBench does not fill for {pair.category} (it fills {', '.join(fields)}); "
                             f"write literal braces doubled: {{{{ }}}}") from None
    except (IndexError, ValueError) as e:
        raise BenchmarkError(f"{official.path}: {pair.category}.{mode} is not a str.format template ({e}); "
                             f"write literal braces doubled: {{{{ }}}}") from None
    return [{"role": "user", "content": text}]


_MARKDOWN_ONLY = re.compile(r"^[\s`*_#>\-=~|.:]*$")


def parse_official(text: str, true_label: str = "YES", false_label: str = "NO") -> bool | None:
    """hsx's reading of an answer to EquiBench's prompts (not EquiBench's own rule, which is
    hsx/eval/judge.py): the templates ask for the label "in the
    end", so the answer is the LAST of the two labels in the closing two sentences of the answer
    (after any reasoning block), as a whole word, in the file's capitals ("... so the answer is
    YES.", "**NO**", a fenced "YES").  A closing sentence that is just the label in other case
    ("Yes.") counts too.  Anything else is None (unparsed, hence wrong)."""
    answer = strip_think(text)
    pieces = [p.strip() for p in re.split(r"(?<=[.!?])\s+|\n+", answer)]
    sentences = [p for p in pieces if p and not _MARKDOWN_ONLY.match(p)]
    if not sentences:
        return None
    words = re.compile(rf"(?<![A-Za-z0-9_])({re.escape(true_label)}|{re.escape(false_label)})(?![A-Za-z0-9_])")
    found = words.findall(" ".join(sentences[-2:]))
    if found:
        return found[-1] == true_label
    bare = re.sub(r"[\s`*_#>.!:\"']", "", sentences[-1]).lower()
    if bare in (true_label.lower(), false_label.lower()):
        return bare == true_label.lower()
    return None


# ------------------------------------------------------------------------------------------------
# Items: records -> conversations

def load_items(spec: EvalSpec, *, skipped: list | None = None) -> list[EvalItem]:
    """The benchmark's records as prompted items, in file order.  With a `skipped` list, records
    hsx cannot use are recorded there (`Skipped`: where, id, reason) instead of raising."""
    official = load_official_prompts(spec.prompts_file) if spec.prompts_file else None
    items: list[EvalItem] = []
    if spec.benchmark == "equibench":
        pairs = load_equibench(spec.data, spec.categories or None, skipped=skipped)
        if spec.exclude_known_mislabeled:
            check_matchable(pairs)
            pairs = [r for r in pairs if not known_mislabeled(r)]
        for r in pairs:
            flag = known_mislabeled(r)
            if official is not None:
                items.append(EvalItem(r.id, r.category, r.label, format_official(official, spec.prompt_mode, r),
                                      labels=(official.true_label, official.false_label), known_mislabeled=flag))
            else:
                conv = prompts.equibench_judge(r.category, r.program_1, r.program_2, problem_html=r.problem_html,
                                               def_in=r.def_in, live_out=r.live_out)
                items.append(EvalItem(r.id, r.category, r.label, conv, known_mislabeled=flag))
    elif spec.benchmark == "pysecdb":
        items = [EvalItem(r.id, "pysecdb", r.label, prompts.pysecdb_judge(r.content))
                 for r in load_pysecdb(spec.data, skipped=skipped)]
    elif spec.benchmark == "haskell-pairs":
        items = [EvalItem(r.id, "haskell-pairs", r.label, prompts.bob_judge(r.p, r.q))
                 for r in load_haskell_pairs(spec.data, skipped=skipped)]
    else:
        items = [EvalItem(t.id, "humaneval-hs", None, prompts.alice_complete(t.prompt), task=t)
                 for t in load_humaneval_hs(spec.data, skipped=skipped)]
    if spec.limit > 0:
        seen: dict[str, int] = {}
        limited = []
        for it in items:
            seen[it.category] = seen.get(it.category, 0) + 1
            if seen[it.category] <= spec.limit:
                limited.append(it)
        items = limited
    check_unique_ids([it.key for it in items], spec.benchmark)
    if not items:
        raise BenchmarkError(f"{spec.data}: no items")
    return items


__all__ = ["EvalItem", "EvalSpec", "OFFICIAL_MODES", "OfficialPrompts", "format_official", "load_items",
           "load_official_prompts", "parse_official"]
