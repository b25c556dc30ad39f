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
  apart record by record by the SET of fields present (`HUMANEVAL_FIELDS`; a MultiPL-E record that
  also carries a `task_id`, as an earlier file in the paper's repository does, is MultiPL-E's):
  - the HumanEval-hs file of the self-play paper (`src/Evaluation/HumanEval-hs/humaneval-hs.jsonl`
    in its repository): task_id ("Haskell/0"), prompt (comment lines with doctest examples, then
    the type signature), canonical_solution (a whole Haskell solution) and test (a `check`
    helper and a `main` that calls the function by its name);
  - MultiPL-E's humaneval-hs: name, prompt (Haddock comment, signature and the head of the first
    equation), tests (a Haskell `main` that binds `candidate`), stop_tokens.

Labels are normalised to booleans (True = equivalent / security patch); a label hsx cannot read
is an error that names the file, the record and the value, never a silent guess.  Every loader
takes `skipped=`: given a list, a record hsx cannot use is appended to it as a `Skipped` (where,
id, reason) and the others are still loaded (an evaluation reports them and goes on); without it,
the first such record raises `BenchmarkError`.
"""

from __future__ import annotations

import csv
import json
import re
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
# The fields that make a record one layout or the other (MultiPL-E's stop_tokens is optional).
HUMANEVAL_FIELDS = {"paper": ("task_id", "prompt", "canonical_solution", "test"), "multipl-e": ("name", "prompt", "tests")}


class BenchmarkError(ValueError):
    pass


@dataclass(frozen=True)
class Skipped:
    """A record hsx cannot use: where it is (file:line), its id if it has one, and why."""
    where: str
    id: str
    reason: str


def build_each(rows: list, build, where: str, skipped: list | None, category: str | None = None) -> list:
    """`build(row, "where:i")` for each row; with a `skipped` list, a row that raises
    BenchmarkError is recorded there (its id prefixed by `category`, where ids repeat across
    categories) and the rest go on."""
    out = []
    for i, row in enumerate(rows, 1):
        at = f"{where}:{i}"
        try:
            if not isinstance(row, dict):
                raise BenchmarkError(f"{at}: not a JSON object")
            out.append(build(row, at))
        except BenchmarkError as e:
            if skipped is None:
                raise
            rid = next((str(row[k]) for k in ("task_id", "name", "pair_id", "id") if isinstance(row, dict) and k in row), "")
            if rid and category:  # EquiBench's pair ids repeat across categories
                rid = f"{category}/{rid}"
            skipped.append(Skipped(at, rid, str(e)))
    return out


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
    program_2_path: str | None = None  # where EquiBench built program 2 ("dataset/organized/STOKE/2/eq_0.s")


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
    entry: str = ""  # the function the task asks for (`find_entry`); empty: found when needed


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
        program_2_path=row.get("program_2_path") or None,
    )


def load_equibench(source: str | Path, categories: tuple[str, ...] | None = None, *,
                   skipped: list | None = None) -> list[EquiPair]:
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
            pairs.extend(build_each(read_records(files[0]), lambda r, w, c=cat: equibench_pair(r, w, c),
                                    str(files[0]), skipped, cat))
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
        pairs.extend(build_each(rows, lambda r, w, c=cat: equibench_pair(r, w, c), f"{source}[{cat}]", skipped, cat))
    return pairs


# ------------------------------------------------------------------------------------------------
# PySecDB, held-out Haskell pairs, HumanEval-hs

def load_pysecdb(source: str | Path, *, skipped: list | None = None) -> list[Commit]:
    """PySecDB from a local file, or with `datasets.load_dataset(source, split="train")` from a
    local clone of the dataset repository or the hub (`sunlab/PySecDB`)."""
    path = Path(source)
    rows = read_records(path) if path.is_file() else _hub_rows(str(source), split="train")

    def commit(r: dict, where: str) -> Commit:
        cve = str(r.get("CVE-ID") or "")
        return Commit(id=str(_field(r, "id", where)), content=_field(r, "content", where),
                      label=read_label(_field(r, "label", where), where),
                      source=str(r.get("source") or ""), cve_id="" if cve.upper() == "NA" else cve)

    return build_each(rows, commit, str(source), skipped)


def load_haskell_pairs(path: str | Path, *, skipped: list | None = None) -> list[HaskellPair]:
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
    return build_each(rows, lambda r, w: HaskellPair(id=str(_field(r, "id", w)), p=_field(r, "p", w), q=_field(r, "q", w),
                                                     label=read_label(_field(r, "label", w), w)), str(path), skipped)


_SIGNATURE = re.compile(r"^([a-z_][A-Za-z0-9_']*)\s*::", re.MULTILINE)
_EQUATION = re.compile(r"^([a-z_][A-Za-z0-9_']*)(?![A-Za-z0-9_'])(?!\s*::)[^\n]*?(?<![=<>/!:])=(?![=>])", re.MULTILINE)
# A `>>>` example runs to the next `>>>` or the end of its line (Haskell/22 has all on one line).
_DOCTEST = re.compile(r">>>\s*([^\n]*?)(?=>>>|\n|$)")
_LITERAL = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])\'')
_IDENT = re.compile(r"(?<![A-Za-z0-9_'.])([a-z_][A-Za-z0-9_']*)")


def find_entry(prompt: str, layout: str) -> str | None:
    """The function a HumanEval-hs task asks for, or None.

    MultiPL-E: the head of the prompt's last line (`f x y =`).  The paper's layout: the last type
    signature in the prompt with no equation there (the prompt usually ends with it); failing
    that, the first name used in the prompt's `>>>` examples that the prompt does not define;
    failing that, the last signature.  The second rule is for prompts that define helpers above
    the task (Haskell/32: `roundTo` and `poly` come with equations, the examples call
    `find_zero`) or give no signature at all (Haskell/22: one comment line,
    `filter_integers(["a", ...])`); the third for a prompt that holds a whole solution
    (Haskell/133)."""
    if layout != "paper":
        lines = [ln for ln in prompt.rstrip().splitlines() if ln.strip()]
        m = re.match(r"\s*([a-z_][A-Za-z0-9_']*)", lines[-1]) if lines else None
        return m.group(1) if m else None
    defined = set(_EQUATION.findall(prompt))
    open_signatures = [n for n in _SIGNATURE.findall(prompt) if n not in defined]
    if open_signatures:
        return open_signatures[-1]
    for example in _DOCTEST.findall(prompt):
        for name in _IDENT.findall(_LITERAL.sub('""', example)):
            if name not in defined:
                return name
    signatures = _SIGNATURE.findall(prompt)
    return signatures[-1] if signatures else None


def humaneval_layout(row: dict, where: str) -> str:
    """Which layout a record is in, from the set of its fields (`HUMANEVAL_FIELDS`)."""
    present = {k for k, v in row.items() if v is not None}
    full = [layout for layout, fields in HUMANEVAL_FIELDS.items() if set(fields) <= present]
    if len(full) == 1:
        return full[0]
    described = "; ".join(f"{layout}: {', '.join(fields)}" for layout, fields in HUMANEVAL_FIELDS.items())
    raise BenchmarkError(f"{where}: " + ("has the fields of both HumanEval-hs layouts" if full else
                                         "neither the paper's HumanEval-hs layout nor MultiPL-E's")
                         + f" ({described}); fields: {', '.join(sorted(row))}")


def humaneval_task(row: dict, where: str) -> CodeTask:
    """One HumanEval-hs record, in the paper's layout or MultiPL-E's (told apart by its fields)."""
    layout = humaneval_layout(row, where)
    paper = layout == "paper"
    task_id = str(row["task_id"] if paper else row["name"])
    prompt = row["prompt"]
    entry = find_entry(prompt, layout) if isinstance(prompt, str) else None
    if not entry:
        raise BenchmarkError(f"{where} ({task_id}): cannot tell which function the task asks for: the prompt has "
                             + ("no type signature and no `>>>` example naming an undefined function" if paper
                                else "no function head in its last line"))
    return CodeTask(id=task_id, prompt=prompt, tests=row["test" if paper else "tests"], layout=layout, entry=entry,
                    stop_tokens=tuple(row.get("stop_tokens") or ()), canonical_solution=row.get("canonical_solution") if paper else None)


def load_humaneval_hs(path: str | Path, *, skipped: list | None = None) -> list[CodeTask]:
    return build_each(read_records(Path(path)), humaneval_task, str(path), skipped)


def check_unique_ids(ids: list[str], benchmark: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise BenchmarkError(f"{benchmark}: duplicate item id {i!r}; per-item comparison needs unique ids")
        seen.add(i)


__all__ = ["BENCHMARKS", "BenchmarkError", "CodeTask", "Commit", "EQUIBENCH_CATEGORIES", "EQUIBENCH_CONTEXT_FIELDS",
           "EQUIBENCH_HUB_ID", "EquiPair", "HUMANEVAL_FIELDS", "HUMANEVAL_LAYOUTS", "HaskellPair", "PYSECDB_HUB_ID",
           "Skipped", "build_each", "check_unique_ids", "equibench_pair", "find_entry", "humaneval_layout", "humaneval_task", "load_equibench", "load_haskell_pairs", "load_humaneval_hs",
           "load_pysecdb", "read_label", "read_records"]
