"""Loaders of the evaluation benchmarks: each benchmark in its published form -> typed records.

Consumes local files, local clones of hub dataset repositories, or hub ids; produces lists of
frozen records, in file order:

* `load_equibench(source, categories=None)` -> `EquiPair`s, from any of EquiBench's forms:
  - the hub id `anjiangwei/EquiBench-Datasets`, or a local clone of that dataset repository (a
    folder whose README.md declares one *config* per category in its `configs:` block, with data
    files `preprocess/<CAT>/pairs.jsonl`, STOKE `preprocess/STOKE/pairs_v2.jsonl`): read as
    EquiBench's own tools read it, `datasets.load_dataset(source, name=CAT, split="train")`;
  - a folder written by EquiBench's downloader (`step1_data.py DATA`): `DATA/<CAT>/pairs.json`,
    one JSON array per category;
  - a folder of `<CAT>/pairs.jsonl` files (one record per line).
  Records are EquiBench's `Pair`: `category`, `pair_id`, `program_1_code`, `program_2_code`,
  `truth_label`, and `problem_html_content` (OJ_*: the problem statement), `problem_def_in` and
  `problem_live_out` (STOKE: the registers).  Other fields are ignored.  A record without a field
  its category's prompt needs is an error naming the record and the field.
* `load_pysecdb(source)` -> `Commit`s, from the hub id `sunlab/PySecDB` (gated: the user's own
  hub login, after accepting its terms; split `train`) or a local clone of it, both read with
  `datasets.load_dataset`, or a local JSONL, JSON (a list) or CSV file.  Fields: id, label
  ("security"/"non-security"), content, source, CVE-ID ("NA": none).
* `load_haskell_pairs(path)` -> `HaskellPair`s: exported self-play pairs (fields p, q, label
  "equivalent"/"inequivalent", id) from a JSONL file, a folder holding `test.jsonl`, or a
  `datasets.save_to_disk` folder (its "test" split).
* `load_humaneval_hs(path)` -> `CodeTask`s from a JSONL file in either of two layouts, told
  apart record by record:
  - the HumanEval-hs file of the self-play paper (`src/Evaluation/HumanEval-hs/humaneval-hs.jsonl`
    in its repository): task_id ("Haskell/0"), prompt (comment lines with doctest examples, then
    the type signature), canonical_solution (a whole Haskell solution) and test (a `check`
    helper and a `main` that calls the function by its name);
  - MultiPL-E's humaneval-hs: name, prompt (Haddock comment, signature and the head of the first
    equation), tests (a Haskell `main` that binds `candidate`), stop_tokens.

Labels are normalised to booleans (True = equivalent / security patch); a label hsx cannot read
is an error that names the file, the record and the value, never a silent guess.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

EQUIBENCH_HUB_ID = "anjiangwei/EquiBench-Datasets"
PYSECDB_HUB_ID = "sunlab/PySecDB"
EQUIBENCH_CATEGORIES = ("DCE", "STOKE", "TVM", "OJ_A", "OJ_V", "OJ_VA")
BENCHMARKS = ("equibench", "pysecdb", "haskell-pairs", "humaneval-hs")
# The fields each category's prompt needs besides the two programs (EquiBench's Prompt.format).
EQUIBENCH_CONTEXT_FIELDS = {"STOKE": ("problem_def_in", "problem_live_out"), "OJ_A": ("problem_html_content",),
                            "OJ_V": ("problem_html_content",), "OJ_VA": ("problem_html_content",)}
HUMANEVAL_LAYOUTS = ("paper", "multipl-e")


class BenchmarkError(ValueError):
    pass


@dataclass(frozen=True)
class EquiPair:
    id: str  # str(pair_id); unique within a category only
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
    id: str  # paper: task_id ("Haskell/0"); MultiPL-E: name ("HumanEval_0_has_close_elements")
    prompt: str  # paper: comments + signature; MultiPL-E: Haddock comment, signature, `f x y =`
    tests: str  # paper: `check` + `main` calling the function by name; MultiPL-E: `main` with `candidate`
    stop_tokens: tuple[str, ...] = ()
    layout: str = "multipl-e"  # one of HUMANEVAL_LAYOUTS
    canonical_solution: str | None = None  # paper only: a whole reference solution


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
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise BenchmarkError(f"{path}: not JSON: {e}") from None
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


def _hub_rows(source: str, *, name: str | None = None, split: str = "train") -> list[dict]:
    """Rows of one split of a hub dataset or of a local clone of its repository."""
    from datasets import load_dataset  # heavy, and only needed here

    try:
        data = load_dataset(source, name=name, split=split)
    except Exception as e:  # datasets raises many kinds; the message must say what to do
        local = Path(source).exists()
        hint = ("" if local else " If it is a hub id, check the network, log in (`huggingface-cli login` or "
                "HF_TOKEN) and, for a gated data set, accept its terms on the hub; if it is a local path, it "
                "does not exist.")
        raise BenchmarkError(f"{source}{f' (config {name})' if name else ''}: datasets.load_dataset failed: "
                             f"{type(e).__name__}: {e}.{hint}") from e
    return [dict(r) for r in data]


def _is_dataset_repo(folder: Path) -> bool:
    """A clone of a hub dataset repository: a README.md whose YAML header has a `configs:` block."""
    readme = folder / "README.md"
    if not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    header = text.split("---", 2)[1] if text.count("---") >= 2 else ""
    return any(line.startswith("configs:") for line in header.splitlines())


# ------------------------------------------------------------------------------------------------
# EquiBench

def equibench_pair(row: dict, where: str, category: str | None = None) -> EquiPair:
    cat = row.get("category") or category
    if not cat:
        raise BenchmarkError(f"{where}: no category")
    if category and cat != category:
        raise BenchmarkError(f"{where}: a {cat} record among the {category} pairs")
    pair_id = _field(row, "pair_id", where)
    where = f"{where} (pair {cat}/{pair_id})"
    for name in EQUIBENCH_CONTEXT_FIELDS.get(str(cat), ()):
        if not row.get(name):
            raise BenchmarkError(f"{where}: missing field {name!r}, which the {cat} prompt needs "
                                 f"(fields: {', '.join(sorted(row))})")
    return EquiPair(
        id=str(pair_id),
        category=str(cat),
        program_1=_field(row, "program_1_code", where),
        program_2=_field(row, "program_2_code", where),
        label=read_label(_field(row, "truth_label", where), where),
        problem_html=row.get("problem_html_content") or None,
        def_in=row.get("problem_def_in") or None,
        live_out=row.get("problem_live_out") or None,
    )


def load_equibench(source: str | Path, categories: tuple[str, ...] | None = None) -> list[EquiPair]:
    """Every pair of the chosen categories (default: all six), category by category.

    `source` is a hub id, a local clone of the dataset repository, a downloader folder
    (`<CAT>/pairs.json`) or a folder of `<CAT>/pairs.jsonl` (see the module docstring).  A
    category named in `categories` must be there; without `categories`, the categories present
    are read (a folder or clone with only some of them).
    """
    unknown = [c for c in categories or () if c not in EQUIBENCH_CATEGORIES]
    if unknown:
        raise BenchmarkError(f"unknown EquiBench categories {', '.join(unknown)}: "
                             f"known are {', '.join(EQUIBENCH_CATEGORIES)}")
    wanted = tuple(categories) if categories else EQUIBENCH_CATEGORIES
    local = Path(source)
    pairs: list[EquiPair] = []
    if local.is_dir() and not _is_dataset_repo(local):
        found = False
        for cat in wanted:
            files = [f for f in (local / cat / "pairs.json", local / cat / "pairs.jsonl") if f.is_file()]
            if len(files) > 1:
                raise BenchmarkError(f"{local / cat}: both pairs.json and pairs.jsonl; keep one")
            if not files:
                if categories:
                    raise BenchmarkError(f"{local / cat}: no pairs.json or pairs.jsonl (category {cat})")
                continue
            found = True
            pairs.extend(equibench_pair(r, f"{files[0]}:{i}", cat) for i, r in enumerate(read_records(files[0]), 1))
        if not found:
            raise BenchmarkError(f"{local}: none of <CATEGORY>/pairs.json (EquiBench's downloader), "
                                 f"<CATEGORY>/pairs.jsonl or a dataset card with `configs:` (a clone of "
                                 f"{EQUIBENCH_HUB_ID}), for categories {', '.join(wanted)}")
        return pairs
    if local.exists() and not local.is_dir():
        raise BenchmarkError(f"{local}: EquiBench is a hub id or a folder (a clone of the dataset repository, "
                             f"or <CATEGORY>/pairs.json[l] files), not a file")
    from datasets import get_dataset_config_names

    try:
        available = get_dataset_config_names(str(source))
    except Exception as e:
        raise BenchmarkError(f"{source}: not a local folder, and its configs cannot be read "
                             f"({type(e).__name__}: {e}); for the hub, check the network and your login") from e
    missing = [c for c in wanted if c not in available]
    if categories and missing:
        raise BenchmarkError(f"{source}: no config {', '.join(missing)} (configs: {', '.join(available)})")
    present = [c for c in wanted if c in available]
    if not present:
        raise BenchmarkError(f"{source}: none of the configs {', '.join(wanted)} (configs: {', '.join(available)})")
    for cat in present:
        rows = _hub_rows(str(source), name=cat)
        pairs.extend(equibench_pair(r, f"{source}[{cat}]:{i}", cat) for i, r in enumerate(rows, 1))
    return pairs


# ------------------------------------------------------------------------------------------------
# PySecDB, held-out Haskell pairs, HumanEval-hs

def load_pysecdb(source: str | Path) -> list[Commit]:
    """PySecDB from a local file, or with `datasets.load_dataset(source, split="train")` from a
    local clone of the dataset repository or the hub (`sunlab/PySecDB`)."""
    path = Path(source)
    rows = read_records(path) if path.is_file() else _hub_rows(str(source), split="train")
    out = []
    for i, r in enumerate(rows, 1):
        where = f"{source}:{i}"
        cve = str(r.get("CVE-ID") or "")
        out.append(Commit(id=str(_field(r, "id", where)), content=_field(r, "content", where),
                          label=read_label(_field(r, "label", where), where),
                          source=str(r.get("source") or ""), cve_id="" if cve.upper() == "NA" else cve))
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


def humaneval_task(row: dict, where: str) -> CodeTask:
    """One HumanEval-hs record, in the paper's layout or MultiPL-E's."""
    if "task_id" in row:
        return CodeTask(id=str(row["task_id"]), prompt=_field(row, "prompt", where), tests=_field(row, "test", where),
                        layout="paper", canonical_solution=_field(row, "canonical_solution", where))
    if "name" in row:
        return CodeTask(id=str(row["name"]), prompt=_field(row, "prompt", where), tests=_field(row, "tests", where),
                        stop_tokens=tuple(row.get("stop_tokens") or ()), layout="multipl-e")
    raise BenchmarkError(f"{where}: neither the paper's HumanEval-hs layout (task_id, prompt, canonical_solution, "
                         f"test) nor MultiPL-E's (name, prompt, tests, stop_tokens); fields: {', '.join(sorted(row))}")


def load_humaneval_hs(path: str | Path) -> list[CodeTask]:
    return [humaneval_task(r, f"{path}:{i}") for i, r in enumerate(read_records(Path(path)), 1)]


def check_unique_ids(ids: list[str], benchmark: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise BenchmarkError(f"{benchmark}: duplicate item id {i!r}; per-item comparison needs unique ids")
        seen.add(i)


__all__ = ["BENCHMARKS", "BenchmarkError", "CodeTask", "Commit", "EQUIBENCH_CATEGORIES", "EQUIBENCH_CONTEXT_FIELDS",
           "EQUIBENCH_HUB_ID", "EquiPair", "HUMANEVAL_LAYOUTS", "HaskellPair", "PYSECDB_HUB_ID", "check_unique_ids",
           "equibench_pair", "humaneval_task", "load_equibench", "load_haskell_pairs", "load_humaneval_hs",
           "load_pysecdb", "read_label", "read_records"]
