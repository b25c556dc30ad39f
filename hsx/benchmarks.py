"""Loaders of the evaluation benchmarks: files in each benchmark's own schema -> typed records.

Consumes local files (or, for EquiBench only, the Hugging Face hub); produces lists of frozen
records, in file order:

* `load_equibench(source, categories=None)` -> `EquiPair`s.  `source` is the hub id
  `anjiangwei/EquiBench-Datasets` (read with `datasets.load_dataset`, data files
  `<CAT>/pairs.jsonl`) or a local folder laid out the same way.  Fields: program_1_code,
  program_2_code, truth_label, category, pair_id, and problem_html (OJ_*) / def_in, live_out
  (STOKE) when present.
* `load_pysecdb(path)` -> `Commit`s, from a local JSONL, JSON (a list) or CSV file: the data
  set is gated and not redistributable, so hsx never downloads it.  Fields: id, label, content,
  source, CVE-ID.
* `load_haskell_pairs(path)` -> `HaskellPair`s: exported self-play pairs (fields p, q, label
  "equivalent"/"inequivalent", id) from a JSONL file, a folder holding `test.jsonl`, or a
  `datasets.save_to_disk` folder (its "test" split).
* `load_humaneval_hs(path)` -> `CodeTask`s, MultiPL-E JSONL (name, prompt = Haddock comment,
  signature and the head of the first equation; tests = a Haskell `main`; stop_tokens).

Labels are normalised to booleans (True = equivalent / security patch); a label hsx cannot read
is an error that names the file, the record and the value, never a silent guess.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

EQUIBENCH_HUB_ID = "anjiangwei/EquiBench-Datasets"
EQUIBENCH_CATEGORIES = ("DCE", "STOKE", "TVM", "OJ_A", "OJ_V", "OJ_VA")
BENCHMARKS = ("equibench", "pysecdb", "haskell-pairs", "humaneval-hs")


class BenchmarkError(ValueError):
    pass


@dataclass(frozen=True)
class EquiPair:
    id: str
    category: str
    program_1: str
    program_2: str
    label: bool  # True: equivalent
    problem_html: str | None = None  # OJ_*: the problem statement the programs solve
    def_in: str | None = None  # STOKE: registers defined on entry
    live_out: str | None = None  # STOKE: registers live on exit


@dataclass(frozen=True)
class Commit:
    id: str
    content: str  # the commit message and diff
    label: bool  # True: a security patch
    source: str = ""
    cve_id: str = ""


@dataclass(frozen=True)
class HaskellPair:
    id: str
    p: str
    q: str
    label: bool  # True: equivalent


@dataclass(frozen=True)
class CodeTask:
    id: str  # MultiPL-E's name, e.g. HumanEval_0_has_close_elements
    prompt: str  # Haddock comment, signature, `f x y =`
    tests: str  # a Haskell `main` that calls `candidate`
    stop_tokens: tuple[str, ...] = ()


_TRUE = {"1", "true", "yes", "y", "eq", "equivalent", "equiv", "security", "sec", "positive", "pos"}
_FALSE = {"0", "false", "no", "n", "neq", "inequivalent", "not equivalent", "non-equivalent",
          "nonequivalent", "non-security", "nonsecurity", "non_security", "not security", "non-sec",
          "negative", "neg"}


def read_label(value, where: str) -> bool:
    """A boolean from the spellings benchmarks use (1/0, true/false, "Equivalent", "security" ...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    raise BenchmarkError(f"{where}: cannot read label {value!r} (expected 1/0, true/false, "
                         f"equivalent/inequivalent or security/non-security)")


def read_records(path: Path) -> list[dict]:
    """Rows of a JSONL, JSON (list of objects) or CSV file."""
    path = Path(path)
    if not path.is_file():
        raise BenchmarkError(f"{path}: no such file")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        return list(csv.DictReader(text.splitlines()))
    if path.suffix == ".json":
        data = json.loads(text)
        if not isinstance(data, list):
            raise BenchmarkError(f"{path}: a .json file must hold a list of records")
        return data
    rows = []
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise BenchmarkError(f"{path}:{i}: not JSON: {e}") from None
    return rows


def _field(row: dict, name: str, where: str):
    if name not in row or row[name] is None:
        raise BenchmarkError(f"{where}: missing field {name!r} (fields: {', '.join(sorted(row))})")
    return row[name]


def _optional(row: dict, name: str) -> str | None:
    value = row.get(name)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value)


# ------------------------------------------------------------------------------------------------
# EquiBench

def equibench_pair(row: dict, where: str, category: str | None = None) -> EquiPair:
    cat = row.get("category") or category
    if not cat:
        raise BenchmarkError(f"{where}: no category")
    return EquiPair(
        id=str(_field(row, "pair_id", where)),
        category=str(cat),
        program_1=_field(row, "program_1_code", where),
        program_2=_field(row, "program_2_code", where),
        label=read_label(_field(row, "truth_label", where), where),
        problem_html=_optional(row, "problem_html"),
        def_in=_optional(row, "def_in"),
        live_out=_optional(row, "live_out"),
    )


def load_equibench(source: str | Path, categories: tuple[str, ...] | None = None) -> list[EquiPair]:
    """Every pair of the chosen categories (default: all six), category by category.

    A local folder must hold `<CAT>/pairs.jsonl` for each chosen category; a missing one is an
    error when named in `categories`, and skipped otherwise (a folder with only some categories).
    Anything else is taken as a hub id and read with `datasets.load_dataset`.
    """
    wanted = tuple(categories) if categories else EQUIBENCH_CATEGORIES
    local = Path(source)
    pairs: list[EquiPair] = []
    if local.is_dir():
        found = False
        for cat in wanted:
            f = local / cat / "pairs.jsonl"
            if not f.exists():
                if categories:
                    raise BenchmarkError(f"{f}: no such file (category {cat})")
                continue
            found = True
            pairs.extend(equibench_pair(r, f"{f}:{i}", cat) for i, r in enumerate(read_records(f), 1))
        if not found:
            raise BenchmarkError(f"{local}: no <CATEGORY>/pairs.jsonl for any of {', '.join(wanted)}")
        return pairs
    if local.exists():
        raise BenchmarkError(f"{local}: EquiBench is a folder of <CATEGORY>/pairs.jsonl or a hub id")
    from datasets import load_dataset  # heavy, and only needed for the hub

    data = load_dataset(str(source), data_files={cat: f"{cat}/pairs.jsonl" for cat in wanted})
    for cat in wanted:
        pairs.extend(equibench_pair(dict(r), f"{source}/{cat}:{i}", cat) for i, r in enumerate(data[cat], 1))
    return pairs


# ------------------------------------------------------------------------------------------------
# PySecDB, held-out Haskell pairs, HumanEval-hs

def load_pysecdb(path: str | Path) -> list[Commit]:
    rows = read_records(Path(path))
    out = []
    for i, r in enumerate(rows, 1):
        where = f"{path}:{i}"
        out.append(Commit(id=str(_field(r, "id", where)), content=_field(r, "content", where),
                          label=read_label(_field(r, "label", where), where),
                          source=str(r.get("source") or ""), cve_id=str(r.get("CVE-ID") or "")))
    return out


def load_haskell_pairs(path: str | Path) -> list[HaskellPair]:
    path = Path(path)
    if path.is_dir():
        if (path / "test.jsonl").exists():
            rows = read_records(path / "test.jsonl")
        elif (path / "dataset_dict.json").exists() or (path / "dataset_info.json").exists():
            from datasets import DatasetDict, load_from_disk

            data = load_from_disk(str(path))
            if isinstance(data, DatasetDict):
                if "test" not in data:
                    raise BenchmarkError(f"{path}: no test split (splits: {', '.join(data)})")
                data = data["test"]
            rows = [dict(r) for r in data]
        else:
            raise BenchmarkError(f"{path}: expected test.jsonl or a datasets.save_to_disk folder")
    else:
        rows = read_records(path)
    out = []
    for i, r in enumerate(rows, 1):
        where = f"{path}:{i}"
        out.append(HaskellPair(id=str(_field(r, "id", where)), p=_field(r, "p", where), q=_field(r, "q", where),
                               label=read_label(_field(r, "label", where), where)))
    return out


def load_humaneval_hs(path: str | Path) -> list[CodeTask]:
    out = []
    for i, r in enumerate(read_records(Path(path)), 1):
        where = f"{path}:{i}"
        out.append(CodeTask(id=str(_field(r, "name", where)), prompt=_field(r, "prompt", where),
                            tests=_field(r, "tests", where), stop_tokens=tuple(r.get("stop_tokens") or ())))
    return out


def check_unique_ids(ids: list[str], benchmark: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise BenchmarkError(f"{benchmark}: duplicate item id {i!r}; per-item comparison needs unique ids")
        seen.add(i)


__all__ = ["BENCHMARKS", "BenchmarkError", "CodeTask", "Commit", "EQUIBENCH_CATEGORIES", "EQUIBENCH_HUB_ID",
           "EquiPair", "HaskellPair", "check_unique_ids", "load_equibench", "load_haskell_pairs",
           "load_humaneval_hs", "load_pysecdb", "read_label", "read_records"]
