"""Datasets: OpInstruct-HSx (built or imported), the verified pairs of self-play runs, statistics.

Four entry points, one per `hsx dataset` subcommand:

* `build(config, options, verifier)`: the OpInstruct-HSx pipeline.  Consumes Python instruction
  items in OpenCodeInstruct's schema (a local JSONL/parquet file or a hub id) and produces
  validated Haskell programs in the pool schema (`hsx.pool.programs.Program`).  Stages, each writing
  its output under `OUT/stages/` atomically, so that an existing output means "done" and a rerun
  of the same command resumes:

      source     filter to generic self-instruct items, sort by test score (best first) and
                 solution length (shortest first), drop repeated instructions or solutions
                 -> source.jsonl (+ source_counts.json)
      translate  few-shot Python->Haskell prompt (`prompts.translate_python`), batched; an
                 append-only log keyed by item id -> translate.log.jsonl, then translate.jsonl
      extract    the last ```haskell block of the answer -> extract.jsonl
      validate   sandbox policy -> compile and synthesize seeded inputs from the entry's type
                 (`Verifier.synthesize_inputs`) -> run on them (`Verifier.evaluate`); kept only
                 when every input gives a value -> validate.log.jsonl, then validate.jsonl
      dataset    de-duplicate by normalized code hash, split train/test by that hash (a
                 program is never in both), write the dataset and its card

* `import_released(verifier, source, out)`: the released OpInstruct-HSx (fields code, input,
  status, output, size) into the pool schema, re-running every record's input with hsx.
* `export_pairs(run_dirs, out)`: every verified pair of self-play runs, split by P.
* `dataset_stats(directory)`: size, type, arity and label distributions, printed and plotted.

Every dataset directory has the same layout: `train.jsonl` and `test.jsonl` (for eyes),
`hf/` (`DatasetDict.save_to_disk`), `parquet/{train,test}.parquet`, `counts.json` and a card
`README.md`, written last (its presence marks a complete dataset).

Untrusted code (the model's Haskell, the released records) runs only through the `Verifier`,
i.e. the sandbox.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from rich.console import Console
from rich.table import Table

from hsx.agents import parsing, prompts

from hsx.haskell import sandbox
from hsx.config import HsxConfig, to_dict
from hsx.models.generation import Generator, make_generator
from hsx.pool.programs import Program, normalized_code, program_from_evaluation
from hsx.runs import (JsonlError, JsonlLog, iter_jsonl, read_json, read_jsonl, write_atomic, write_json,
                      write_jsonl)
from hsx.haskell.source import SourceError, parse_source
from hsx.verdict import ErrorKind, Result, Verdict
from hsx.verify.pipeline import Evaluation, Verifier

GeneratorFactory = Callable[[HsxConfig, str, dict[str, str]], Generator]

OPENCODEINSTRUCT = "nvidia/OpenCodeInstruct"
OPINSTRUCT_HSX = "Trevor0501/OpInstruct-HSx"
SOURCE_LICENSE = ("Derived from nvidia/OpenCodeInstruct, released under CC BY 4.0 "
                  "(https://creativecommons.org/licenses/by/4.0/): keep this attribution when "
                  "redistributing.")
# The paper's filter: OpenCodeInstruct items of the generic domain made by self-instruct.
GENERIC_DOMAIN = "generic"
SELF_INSTRUCT = "self-instruct"
SPLITS = ("train", "test")


class DatasetError(Exception):
    """A dataset that cannot be read, written or pushed: the message says what to do."""


# ------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class PythonItem:
    """One Python instruction item (OpenCodeInstruct's fields, renamed)."""
    id: str
    instruction: str  # OpenCodeInstruct: input
    solution: str  # OpenCodeInstruct: output (a Python solution, often inside a ```python block)
    domain: str = ""
    generation_algorithm: str = ""
    score: float = 0.0  # average_test_score in [0, 1]

    @staticmethod
    def from_record(d: dict) -> "PythonItem | None":
        """None when the record lacks an id, an instruction or a solution."""
        ident, instruction, solution = d.get("id"), d.get("input"), d.get("output")
        if not all(isinstance(x, str) and x.strip() for x in (instruction, solution)) or ident in (None, ""):
            return None
        try:
            score = float(d.get("average_test_score") or 0.0)  # a string in the released data
        except (TypeError, ValueError):
            score = 0.0
        return PythonItem(str(ident), instruction, solution, str(d.get("domain") or ""),
                          str(d.get("generation_algorithm") or ""), score)


@dataclass(frozen=True)
class BuildOptions:
    """What `hsx dataset build` reads and how much of it."""
    source: str  # a local .jsonl/.parquet file (or a directory of them), or a hub dataset id
    out: Path
    limit: int = 0  # translate at most this many items, the first after sorting (0: all)
    max_read: int = 0  # read at most this many source records (0: all; the hub source has 5M)
    split: str = "train"  # the hub split to read
    inputs_per_program: int = 5  # synthesized inputs each program must run on
    test_fraction: float = 0.1
    batch_size: int = 16  # prompts per checkpoint of the translation log
    seed: int = 0

    def __post_init__(self):
        if not 0.0 <= self.test_fraction < 1.0:
            raise ValueError(f"test_fraction must be in [0, 1), got {self.test_fraction}")
        if self.inputs_per_program < 1:
            raise ValueError("inputs_per_program must be at least 1")
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")

    def to_json(self) -> dict:
        """What the stages depend on (not `out`: a moved directory still resumes)."""
        d = dataclasses.asdict(self)
        del d["out"]
        return d


# ------------------------------------------------------------------------------------------------
# Reading sources


def read_records(source: str, *, split: str = "train", max_read: int = 0) -> Iterator[dict]:
    """Records of a local .jsonl/.json/.parquet file, a directory of them, or a hub dataset
    (streamed, so `max_read` bounds the download)."""
    path = Path(source)
    if path.exists():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".json", ".parquet")) \
            if path.is_dir() else [path]
        if not files:
            raise DatasetError(f"{path}: no .jsonl, .json or .parquet files")
        records = (r for f in files for r in _read_file(f))
    else:
        records = _read_hub(source, split)
    for i, r in enumerate(records):
        if max_read and i >= max_read:
            return
        yield r


def _read_file(path: Path) -> Iterator[dict]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        try:
            yield from pq.read_table(path).to_pylist()
        except Exception as e:  # pyarrow's errors are many classes
            raise DatasetError(f"{path}: cannot read parquet: {e}") from None
        return
    try:
        for _, record in iter_jsonl(path):
            yield record
    except JsonlError as e:
        raise DatasetError(str(e)) from None


def _read_hub(name: str, split: str) -> Iterator[dict]:
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", name):
        raise DatasetError(f"{name}: no such file, and not a hub dataset id (owner/name)")
    import datasets
    try:
        yield from datasets.load_dataset(name, split=split, streaming=True)
    except Exception as e:  # network, auth and missing-dataset errors differ by version
        raise DatasetError(f"cannot load {name} (split {split}) from the Hugging Face hub: {e}. "
                           f"Check the network (HF_HUB_OFFLINE must be unset), or download it and "
                           f"pass a local .jsonl/.parquet file instead") from None


# ------------------------------------------------------------------------------------------------
# Code identity and the split


def code_hash(code: str) -> str:
    return hashlib.sha256(normalized_code(code).encode()).hexdigest()[:16]


def split_of(key_hash: str, test_fraction: float) -> str:
    """train or test, from the hash alone: the same program lands in the same split in every run
    and every dataset built from it."""
    return "test" if int(key_hash[:8], 16) / 0x1_0000_0000 < test_fraction else "train"


# ------------------------------------------------------------------------------------------------
# Build: stages


def select_items(records: Iterable[dict]) -> tuple[list[PythonItem], dict[str, int]]:
    """The source stage: generic self-instruct items, best-tested and shortest first, with
    repeated instructions or solutions dropped (the first in that order is kept)."""
    counts = collections.Counter()
    items = []
    for r in records:
        counts["read"] += 1
        item = PythonItem.from_record(r)
        if item is None:
            continue
        if item.domain != GENERIC_DOMAIN or item.generation_algorithm != SELF_INSTRUCT:
            continue
        counts["generic self-instruct"] += 1
        items.append(item)
    items.sort(key=lambda it: (-it.score, len(it.solution), it.id))
    seen: set[str] = set()
    unique = []
    for it in items:
        keys = {"i:" + " ".join(it.instruction.lower().split()), "s:" + " ".join(it.solution.split())}
        if keys & seen:
            continue
        seen |= keys
        unique.append(it)
    counts["unique items"] = len(unique)
    return unique, {k: counts[k] for k in ("read", "generic self-instruct", "unique items")}


def extract_code(text: str) -> str | None:
    """The last complete ```haskell (or ```hs) block of an answer, reasoning removed."""
    blocks = [body for label, body in parsing.fenced_blocks(parsing.strip_think(text))
              if label in parsing.Q_LABELS]
    if not blocks or not blocks[-1].strip():
        return None
    return blocks[-1].strip("\n") + "\n"


# Where each rejection reason stops a candidate (for the per-stage counts).
_STAGE_OF = {"unreadable": "sandbox", "unsafe": "sandbox", "compile-error": "compile", "no-entry": "compile",
             "unsupported-type": "compile", "helper-failure": "compile", "crash": "run",
             "non-terminating": "run", "resource-limit": "run", "run-error": "run"}
_OUTCOME_REASON = {"exception": "crash", "timeout": "non-terminating", "resource": "resource-limit"}


def _reason(result: Result) -> str:
    kind = result.error_kind
    if result.verdict != Verdict.ERROR or kind is None:
        return "helper-failure"
    return {ErrorKind.COMPILE: "compile-error", ErrorKind.ENTRY: "no-entry", ErrorKind.REJECTED: "unsafe",
            ErrorKind.SOURCE: "unreadable", ErrorKind.UNSUPPORTED_TYPE: "unsupported-type",
            ErrorKind.TYPE_MISMATCH: "unsupported-type"}.get(kind, "helper-failure")


def validate_candidate(verifier: Verifier, ident: str, code: str, *, inputs: int, seed: int) \
        -> tuple[str, str, Evaluation | None, list[tuple[str, ...]]]:
    """(status, detail, evaluation, inputs) of one Haskell candidate: status "ok" or the rejection
    reason.  Sandbox policy, then compile and synthesize inputs, then run on every input."""
    path = f"{ident}.hs"
    try:
        src = parse_source(code, path)
    except SourceError as e:
        return "unreadable", str(e), None, []
    violations = sandbox.check_source(src)
    if violations:
        return "unsafe", "; ".join(str(v) for v in violations), None, []
    rows = verifier.synthesize_inputs(code, inputs, seed=seed, path=path)
    if isinstance(rows, Result):
        return _reason(rows), rows.reason, None, []
    ev = verifier.evaluate(code, rows, path=path)
    if isinstance(ev, Result):
        reason = _reason(ev)
        return ("run-error" if reason == "helper-failure" else reason), ev.reason, None, rows
    for row, out in zip(rows, ev.outputs):
        if out.kind != "value":
            return _OUTCOME_REASON.get(out.kind, "run-error"), f"{ev.entry.name} {' '.join(row)}: " \
                                                                f"{out.describe()}", ev, rows
    return "ok", "", ev, rows


def _stage_dir(out: Path) -> Path:
    return out / "stages"


def build(config: HsxConfig, options: BuildOptions, verifier: Verifier, *,
          generator_factory: GeneratorFactory | None = None, models_dir: Path | None = None,
          console: Console | None = None) -> dict:
    """Runs (or resumes) every stage of the OpInstruct-HSx pipeline; returns the counts."""
    console = console or Console(stderr=True)
    out, stages = options.out, _stage_dir(options.out)
    stages.mkdir(parents=True, exist_ok=True)
    saved = stages / "options.json"
    if saved.exists() and read_json(saved) != options.to_json():
        raise DatasetError(f"{out} was started with other options ({saved}); rerun with the same "
                           f"options to resume, or choose another --out")
    if not saved.exists():
        write_json(saved, options.to_json())
        write_json(stages / "config.json", to_dict(config))

    # -- source
    source_file = stages / "source.jsonl"
    if not source_file.exists():
        items, source_counts = select_items(read_records(options.source, split=options.split,
                                                         max_read=options.max_read))
        if options.limit:
            items = items[:options.limit]
        write_json(stages / "source_counts.json", source_counts)
        write_jsonl(source_file, [dataclasses.asdict(it) for it in items])
    items = [PythonItem(**r) for r in read_jsonl(source_file)]
    saved_counts = read_json(stages / "source_counts.json")  # written with sorted keys: restore the order
    counts: dict[str, int] = {k: saved_counts[k] for k in ("read", "generic self-instruct", "unique items")}
    counts["selected"] = len(items)

    # -- translate
    translate_file = stages / "translate.jsonl"
    if not translate_file.exists():
        _translate(config, options, items, stages / "translate.log.jsonl", generator_factory or make_generator,
                   models_dir or Path(config.selfplay.runs_dir) / ".models", console)
        log = JsonlLog(stages / "translate.log.jsonl")
        write_jsonl(translate_file, [log.records[it.id] for it in items])
    translations = read_jsonl(translate_file)
    counts["translated"] = len(translations)

    # -- extract
    extract_file = stages / "extract.jsonl"
    if not extract_file.exists():
        write_jsonl(extract_file, [{"id": t["id"], "code": extract_code(t["text"]), "truncated": t["truncated"]}
                                   for t in translations])
    extracted = read_jsonl(extract_file)
    rejections: collections.Counter[str] = collections.Counter()
    for e in extracted:
        if e["code"] is None:
            rejections["truncated, no code block" if e["truncated"] else "no code block"] += 1
    candidates = [e for e in extracted if e["code"] is not None]
    counts["code extracted"] = len(candidates)

    # -- validate
    validate_file = stages / "validate.jsonl"
    if not validate_file.exists():
        _validate(verifier, options, candidates, stages / "validate.log.jsonl", console)
        log = JsonlLog(stages / "validate.log.jsonl")
        write_jsonl(validate_file, [log.records[c["id"]] for c in candidates])
    validated = read_jsonl(validate_file)
    stage_reached = collections.Counter(_STAGE_OF.get(v["status"], "ok") for v in validated)
    counts["passed sandbox checks"] = len(validated) - stage_reached["sandbox"]
    counts["compiled, inputs synthesized"] = counts["passed sandbox checks"] - stage_reached["compile"]
    counts["ran on all inputs"] = stage_reached["ok"]
    rejections.update(v["status"] for v in validated if v["status"] != "ok")

    # -- de-duplicate, split, write
    programs: list[Program] = []
    seen: dict[str, str] = {}
    for v in validated:
        if v["status"] != "ok":
            continue
        p = Program.from_json(v["program"])
        h = code_hash(p.code)
        if h in seen:
            rejections["duplicate"] += 1
            continue
        seen[h] = p.id
        programs.append(p)
    counts["unique programs"] = len(programs)
    splits = _split_programs(programs, options.test_fraction)
    counts.update({s: len(splits[s]) for s in SPLITS})
    summary = {"stages": counts, "rejections": dict(sorted(rejections.items(), key=lambda kv: -kv[1])),
               "source": options.source, "model": config.model.base}
    if not (out / "README.md").exists():
        card = _build_card(summary, options)
        write_dataset(out, {s: [p.to_json() for p in ps] for s, ps in splits.items()}, PROGRAM_COLUMNS,
                      card, summary)
    return summary


def _translate(config: HsxConfig, options: BuildOptions, items: list[PythonItem], log_path: Path,
               factory: GeneratorFactory, models_dir: Path, console: Console) -> None:
    log = JsonlLog(log_path)
    position = {it.id: i for i, it in enumerate(items)}
    todo = [it for it in items if it.id not in log]
    if not todo:
        return
    from hsx.models.tinymodel import resolve_base_model  # imports torch: only when there is work

    generator = factory(config, resolve_base_model(config.model, models_dir), {})
    try:
        with _progress(console) as progress:
            task = progress.add_task("translate", total=len(todo))
            for start in range(0, len(todo), options.batch_size):
                batch = todo[start:start + options.batch_size]
                # Seeded by position in the source order, so a resumed run asks as a fresh one would.
                samples = generator.generate([prompts.translate_python(it) for it in batch], n=1, adapter=None,
                                             seed=options.seed * 1_000_003 + position[batch[0].id])
                for it, gens in zip(batch, samples):
                    g = gens[0]
                    log.append({"id": it.id, "text": g.text, "tokens": g.tokens, "truncated": g.truncated})
                progress.advance(task, len(batch))
    finally:
        generator.close()


def _validate(verifier: Verifier, options: BuildOptions, candidates: list[dict], log_path: Path,
              console: Console) -> None:
    log = JsonlLog(log_path)
    todo = [c for c in candidates if c["id"] not in log]
    if not todo:
        return

    def one(c: dict) -> dict:
        # Each item's inputs are seeded by its id, so they do not depend on the order or the resume.
        seed = options.seed * 1_000_003 + int(hashlib.sha256(c["id"].encode()).hexdigest()[:6], 16)
        status, detail, ev, rows = validate_candidate(verifier, c["id"], c["code"],
                                                      inputs=options.inputs_per_program, seed=seed)
        record = {"id": c["id"], "status": status, "detail": detail[:2000], "program": None}
        if status == "ok":
            assert ev is not None
            record["program"] = program_from_evaluation(
                id=f"ocihsx-{code_hash(c['code'])}", code=c["code"], rows=rows, evaluation=ev,
                tags=("opinstruct-hsx",), source=f"{OPENCODEINSTRUCT}:{c['id']}").to_json()
        return record

    with _progress(console) as progress, \
            concurrent.futures.ThreadPoolExecutor(max_workers=verifier.config.worker_count()) as pool:
        task = progress.add_task("validate", total=len(todo))
        futures = [pool.submit(one, c) for c in todo]
        try:
            for f in concurrent.futures.as_completed(futures):
                log.append(f.result())
                progress.advance(task)
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def _split_programs(programs: Sequence[Program], test_fraction: float) -> dict[str, list[Program]]:
    out: dict[str, list[Program]] = {s: [] for s in SPLITS}
    for p in programs:
        out[split_of(code_hash(p.code), test_fraction)].append(p)
    return out


def _progress(console: Console):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


# ------------------------------------------------------------------------------------------------
# Writing datasets


PROGRAM_COLUMNS = {"id": "string", "code": "string", "entry": "string", "type": "string", "arity": "int64",
                   "inputs": [["string"]], "outputs": ["string"], "size": "int64", "tags": ["string"],
                   "reflectable": "string", "source": "string", "difficulty": "float64"}
PAIR_COLUMNS = {"id": "string", "run": "string", "iteration": "int64", "pair_id": "string", "p_id": "string",
                "p_code": "string", "p_entry": "string", "p_type": "string", "p_arity": "int64",
                "p_size": "int64", "q_code": "string", "label": "string", "proof": "string",
                "counterexample": ["string"], "p_output": "string", "q_output": "string",
                "difficulty": "float64", "model": "string", "seed": "int64",
                # who wrote Q: "model" (Alice's LLM) or "transform" (hsx/selfplay/transform.py, named in `transform`)
                "source": "string", "transform": "string"}


def _features(columns: dict):
    import datasets

    def one(spec):
        if isinstance(spec, list):
            return datasets.Sequence(one(spec[0]))
        return datasets.Value(spec)
    return datasets.Features({name: one(spec) for name, spec in columns.items()})


def write_dataset(out: Path, splits: dict[str, list[dict]], columns: dict, card: str, counts: dict) -> None:
    """JSONL, `save_to_disk` and parquet of every split, then counts.json, then the card (last:
    its presence means the dataset is complete)."""
    import datasets

    datasets.disable_progress_bars()  # the console shows hsx's own progress and counts
    out.mkdir(parents=True, exist_ok=True)
    (out / "README.md").unlink(missing_ok=True)
    features = _features(columns)
    # Column by column, so that an empty split still has every column.
    dd = datasets.DatasetDict({s: datasets.Dataset.from_dict({c: [r[c] for r in rows] for c in columns}, features=features)
                               for s, rows in splits.items()})
    for s, rows in splits.items():
        write_jsonl(out / f"{s}.jsonl", rows)
    if (out / "hf").exists():
        shutil.rmtree(out / "hf")  # a partial copy from an interrupted run
    dd.save_to_disk(str(out / "hf"))
    (out / "parquet").mkdir(exist_ok=True)
    for s, ds in dd.items():
        ds.to_parquet(str(out / "parquet" / f"{s}.parquet"))
    write_json(out / "counts.json", counts)
    write_atomic(out / "README.md", card)


def counts_table(title: str, counts: dict[str, int], rejections: dict[str, int] | None = None) -> Table:
    table = Table(title=title)
    table.add_column("stage")
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(name, str(n))
    for name, n in (rejections or {}).items():
        table.add_row(f"[red]rejected: {name}[/red]", str(n))
    return table


def _markdown_counts(counts: dict, header: tuple[str, str] = ("stage", "count")) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in counts.items()]
    return "\n".join(lines)


def _front_matter(license_id: str, tags: Sequence[str]) -> str:
    configs = "\n".join(f"  - split: {s}\n    path: parquet/{s}.parquet" for s in SPLITS)
    tag_lines = "\n".join(f"- {t}" for t in tags)
    return (f"---\nlicense: {license_id}\nlanguage:\n- en\ntags:\n{tag_lines}\nconfigs:\n- config_name: default\n"
            f"  data_files:\n{configs}\n---\n")


_LAYOUT = """\
## Files

- `train.jsonl`, `test.jsonl`: one record per line, for reading
- `hf/`: `datasets.load_from_disk("hf")`
- `parquet/train.parquet`, `parquet/test.parquet`
- `counts.json`: the counts below, machine-readable
"""


def _build_card(summary: dict, options: BuildOptions) -> str:
    return f"""{_front_matter("cc-by-4.0", ["code", "haskell"])}
# OpInstruct-HSx (built by hsx)

Haskell programs translated from Python instruction items and validated by hsx: each program
passed the sandbox policy, compiled, and returned a value on every one of its
{options.inputs_per_program} seeded inputs, synthesized from its entry's type.  Records follow
the hsx pool schema (`hsx.pool.programs.Program`).  The train/test split is by normalized code hash,
so a program is never in both splits.

- source: `{options.source}` (generic self-instruct items, best test score and shortest solution
  first, repeated instructions or solutions removed{f"; first {options.limit}" if options.limit else ""})
- model: `{summary["model"]}`; seed {options.seed}; test fraction {options.test_fraction}

## Counts at every stage

{_markdown_counts(summary["stages"])}

## Rejections

{_markdown_counts(summary["rejections"], ("reason", "count")) if summary["rejections"] else "none"}

## License

{SOURCE_LICENSE}

{_LAYOUT}"""


# ------------------------------------------------------------------------------------------------
# Import: the released OpInstruct-HSx


def split_arguments(text, arity: int, entry: str) -> tuple[str, ...] | None:
    """One Haskell expression per argument from a released `input` field: a JSON list, one
    expression per line, comma-separated (Python style) or an application's arguments (an
    optional leading entry name is dropped).  None when no reading gives `arity` arguments."""
    if isinstance(text, list):
        return tuple(str(x).strip() for x in text) if len(text) == arity else None
    text = str(text).strip()
    if not text:
        return None
    words = _top_level(text, " ")
    if words and words[0] == entry:
        text = text[len(entry):].strip()
        words = words[1:]
    if arity == 1:
        return (text,)
    for parts in ([ln.strip() for ln in text.splitlines() if ln.strip()], _top_level(text, ","), words):
        if len(parts) == arity:
            return tuple(parts)
    return None


def _top_level(text: str, sep: str) -> list[str]:
    """Splits at `sep` outside brackets, strings and characters."""
    parts, depth, current, quote, i = [], 0, [], None, 0
    while i < len(text):
        ch = text[i]
        if quote:
            current.append(ch)
            if ch == "\\" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch == '"' or (ch == "'" and (not current or not (current[-1].isalnum() or current[-1] == "_"))):
            quote = ch
            current.append(ch)
        elif ch in "([{":
            depth += 1
            current.append(ch)
        elif ch in ")]}":
            depth -= 1
            current.append(ch)
        elif depth == 0 and (ch == sep or (sep == " " and ch.isspace())):
            if "".join(current).strip():
                parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def import_released(verifier: Verifier, source: str, out: Path, *, split: str = "train", max_read: int = 0,
                    test_fraction: float = 0.1, console: Console | None = None) -> dict:
    """The released OpInstruct-HSx records re-validated into the pool schema: records with the
    same code (up to comments and layout) become one program with one input row each; every row
    is run again, and a row counts only when hsx gets a value.  Resumable (a log keyed by code
    hash under OUT/stages/)."""
    console = console or Console(stderr=True)
    groups: dict[str, list[dict]] = {}
    statuses: collections.Counter[str] = collections.Counter()
    read = 0
    for r in read_records(source, split=split, max_read=max_read):
        read += 1
        statuses[str(r.get("status"))] += 1
        code = r.get("code")
        if not isinstance(code, str) or not code.strip():
            groups.setdefault("", []).append(r)
            continue
        groups.setdefault(code_hash(code), []).append(r)
    log = JsonlLog(_stage_dir(out) / "import.log.jsonl")
    todo = [(h, rs) for h, rs in groups.items() if h not in log]

    def one(h: str, records: list[dict]) -> dict:
        return _import_group(verifier, h, records)

    if todo:
        with _progress(console) as progress, \
                concurrent.futures.ThreadPoolExecutor(max_workers=verifier.config.worker_count()) as pool:
            task = progress.add_task("re-validate", total=len(todo))
            for f in concurrent.futures.as_completed([pool.submit(one, h, rs) for h, rs in todo]):
                log.append(f.result())
                progress.advance(task)
    rejections: collections.Counter[str] = collections.Counter()
    programs, rows_kept, mismatches = [], 0, 0
    for h in groups:
        rec = log.records[h]
        rejections.update(rec["rejections"])
        mismatches += rec["mismatches"]
        if rec["program"] is not None:
            p = Program.from_json(rec["program"])
            programs.append(p)
            rows_kept += len(p.inputs)
    splits = _split_programs(programs, test_fraction)
    summary = {"stages": {"records read": read, "distinct programs": len([h for h in groups if h]),
                          "records re-validated": rows_kept, "programs kept": len(programs),
                          **{s: len(splits[s]) for s in SPLITS}},
               "rejections": dict(sorted(rejections.items(), key=lambda kv: -kv[1])),
               "released status": dict(statuses), "outputs differing from the released record": mismatches,
               "source": source}
    card = f"""{_front_matter("cc-by-4.0", ["code", "haskell"])}
# OpInstruct-HSx (imported and re-validated by hsx)

`{source}` in the hsx pool schema (`hsx.pool.programs.Program`).  Every record was run again by hsx
in its sandbox: hsx found the entry, ran it on the record's input and kept the input only when it
gave a value; a program's outputs are hsx's.  Records with the same code (up to comments and
layout) are one program.  Split by normalized code hash (test fraction {test_fraction}).

## Counts

{_markdown_counts(summary["stages"])}

Outputs that differ from the released `output` field (hsx's kept): {mismatches}

Released `status` values: {", ".join(f"{k}: {v}" for k, v in statuses.items()) or "none"}

## Rejected records

{_markdown_counts(summary["rejections"], ("reason", "records")) if rejections else "none"}

## License

{SOURCE_LICENSE}

{_LAYOUT}"""
    write_dataset(out, {s: [p.to_json() for p in ps] for s, ps in splits.items()}, PROGRAM_COLUMNS, card, summary)
    return summary


def _import_group(verifier: Verifier, h: str, records: list[dict]) -> dict:
    result = {"id": h, "program": None, "rejections": {}, "mismatches": 0}
    rejections: collections.Counter[str] = collections.Counter()
    if not h:
        rejections["no code"] += len(records)
        result["rejections"] = dict(rejections)
        return result
    code = records[0]["code"]
    path = f"oihsx-{h}.hs"
    try:
        if sandbox.check_source(parse_source(code, path)):
            rejections["unsafe"] += len(records)
    except SourceError:
        rejections["unreadable"] += len(records)
    if rejections:
        result["rejections"] = dict(rejections)
        return result
    bare = verifier.evaluate(code, [], path=path)  # entry detection and arity
    if isinstance(bare, Result):
        rejections[_reason(bare)] += len(records)
        result["rejections"] = dict(rejections)
        return result
    rows, recorded = [], []
    for r in records:
        row = split_arguments(r.get("input", ""), bare.arity, bare.entry.name)
        if row is None:
            rejections["bad-input"] += 1
        elif row not in rows:
            rows.append(row)
            recorded.append(r.get("output"))
    ev = verifier.evaluate(code, rows, path=path) if rows else bare
    if isinstance(ev, Result):
        rejections[_reason(ev) if ev.error_kind != ErrorKind.BAD_INPUT else "bad-input"] += len(rows)
        result["rejections"] = dict(rejections)
        return result
    kept = []
    for row, out, rec in zip(rows, ev.outputs, recorded):
        if out.kind != "value":
            rejections[_OUTCOME_REASON.get(out.kind, "run-error")] += 1
            continue
        if rec is not None and " ".join(str(rec).split()) != " ".join(str(out.value).split()):
            result["mismatches"] += 1
        kept.append(row)
    if kept:
        good = dataclasses.replace(ev, outputs=tuple(o for o in ev.outputs if o.kind == "value"))
        result["program"] = program_from_evaluation(id=f"oihsx-{h}", code=code, rows=kept, evaluation=good,
                                                    tags=("opinstruct-hsx",), source=OPINSTRUCT_HSX).to_json()
    result["rejections"] = dict(rejections)
    return result


# ------------------------------------------------------------------------------------------------
# Export: the verified pairs of self-play runs


def _iteration_dirs(run: Path) -> list[tuple[int, Path]]:
    found = []
    for d in run.glob("iter_*"):
        suffix = d.name[len("iter_"):]
        if d.is_dir() and suffix.isdigit():
            found.append((int(suffix), d))
    return sorted(found)


def collect_pairs(run_dirs: Sequence[Path]) -> tuple[list[dict], dict[str, int]]:
    """Every verified pair of the runs as a flat record (PAIR_COLUMNS), and what was skipped."""
    pairs: list[dict] = []
    skipped: collections.Counter[str] = collections.Counter()
    for run in run_dirs:
        config_file = run / "config.json"
        if not config_file.exists():
            raise DatasetError(f"{run}: not a self-play run directory (no config.json)")
        cfg = read_json(config_file)
        model, seed = cfg.get("model", {}).get("base", ""), int(cfg.get("selfplay", {}).get("seed", 0))
        for k, it in _iteration_dirs(run):
            if not (it / "bob.jsonl").exists():
                continue  # an iteration that did not get that far
            selected = {p["id"]: Program.from_json(p) for p in read_jsonl(it / "selected.jsonl")}
            for b in read_jsonl(it / "bob.jsonl"):
                verification = b.get("verification") or {}
                result = verification.get("result") or {}
                verdict = result.get("verdict")
                label = {"equivalent": "equivalent", "inequivalent": "inequivalent"}.get(verdict)
                wanted = "equivalent" if b.get("kind") == "seq" else "inequivalent"
                if not b.get("verified", True) or verification.get("ok") is False or label != wanted:
                    skipped["not verified"] += 1
                    continue
                p = selected.get(b["program_id"])
                if p is None:
                    skipped["P missing from selected.jsonl"] += 1
                    continue
                cex = result.get("counterexample") or {}
                proof = (result.get("proof") or {}).get("text") if label == "equivalent" else None
                if (label == "equivalent" and not proof) or (label == "inequivalent" and not cex):
                    skipped["no proof or counterexample"] += 1
                    continue
                describe = lambda o: None if not o else (o.get("value") if o.get("kind") == "value"  # noqa: E731
                                                         else f"{o.get('kind')}: {o.get('exception') or ''} "
                                                              f"{o.get('message') or ''}".strip())
                pairs.append({
                    "id": f"{run.name}/{k}/{b['id']}", "run": run.name, "iteration": k, "pair_id": b["id"],
                    "p_id": p.id, "p_code": p.code, "p_entry": p.entry, "p_type": p.type, "p_arity": p.arity,
                    "p_size": p.size, "q_code": b["q"], "label": label, "proof": proof,
                    "counterexample": list(cex.get("inputs") or []), "p_output": describe(cex.get("left")),
                    "q_output": describe(cex.get("right")), "difficulty": float(b.get("difficulty", 0.0)),
                    "model": model, "seed": seed, "source": b.get("source", "model"),
                    "transform": b.get("transform")})
    return pairs, dict(skipped)


def export_pairs(run_dirs: Sequence[Path], out: Path, *, test_fraction: float = 0.1) -> dict:
    """The verified pairs of the runs as a dataset split by P (the normalized code of P decides,
    so a P that appears in several runs or iterations stays in one split)."""
    pairs, skipped = collect_pairs(run_dirs)
    splits: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for pair in pairs:
        splits[split_of(code_hash(pair["p_code"]), test_fraction)].append(pair)
    balance = {s: dict(collections.Counter(p["label"] for p in rows)) for s, rows in splits.items()}
    models = sorted({p["model"] for p in pairs})
    summary = {"stages": {"verified pairs": len(pairs), "distinct P": len({code_hash(p["p_code"]) for p in pairs}),
                          **{s: len(splits[s]) for s in SPLITS}},
               "labels": balance, "skipped": skipped, "runs": [str(r) for r in run_dirs], "models": models,
               "sources": dict(collections.Counter(p["source"] for p in pairs))}
    label_rows = {f"{s}: {lab}": n for s, b in balance.items() for lab, n in sorted(b.items())}
    card = f"""{_front_matter("cc-by-4.0", ["code", "haskell", "program-equivalence"])}
# hsx verified program pairs

Pairs (P, Q) from hsx self-play, each verified: `equivalent` pairs carry the Liquid Haskell proof
that hsx checked, `inequivalent` pairs a counterexample input re-run from its printed form, with
both sides' results.  `difficulty` is Bob's failure rate on the pair (0-10).  Split by P: no
program P appears in both splits.

- runs: {", ".join(r.name for r in run_dirs)}
- models: {", ".join(models) or "none"}
- Q written by: {", ".join(f"{k}: {v}" for k, v in sorted(summary["sources"].items())) or "none"} (`source`:
  "model" is Alice's LLM, "transform" a program transformation named in `transform`)

## Counts

{_markdown_counts(summary["stages"])}

## Label balance

{_markdown_counts(label_rows, ("split: label", "pairs")) if label_rows else "no pairs"}

Skipped records: {", ".join(f"{k}: {v}" for k, v in skipped.items()) or "none"}

{_LAYOUT}"""
    write_dataset(out, splits, PAIR_COLUMNS, card, summary)
    return summary


def push_dataset(out: Path, repo: str) -> None:
    """Uploads a written dataset (its `hf/` copy) to the hub, with its card."""
    import datasets
    try:
        dd = datasets.load_from_disk(str(out / "hf"))
        dd.push_to_hub(repo)
        from huggingface_hub import HfApi
        HfApi().upload_file(path_or_fileobj=str(out / "README.md"), path_in_repo="README.md", repo_id=repo,
                            repo_type="dataset")
    except Exception as e:  # offline, no token, no permission: all say the same to the user
        raise DatasetError(f"could not push {out} to the hub as {repo}: {type(e).__name__}: {e}. Pushing needs "
                           f"network access (HF_HUB_OFFLINE unset) and a token with write access "
                           f"(`huggingface-cli login`); the dataset on disk is complete without it") from None


# ------------------------------------------------------------------------------------------------
# Statistics


def load_dataset_records(directory: Path) -> dict[str, list[dict]]:
    """The records of each split of a dataset directory written by this module."""
    splits = {s: read_jsonl(directory / f"{s}.jsonl") for s in SPLITS if (directory / f"{s}.jsonl").exists()}
    if not splits:
        raise DatasetError(f"{directory}: no train.jsonl or test.jsonl (not a dataset written by hsx dataset)")
    return splits


def dataset_stats(directory: Path, *, plots: bool = True) -> dict:
    """Size, type, arity and label distributions (per split) of a program or pair dataset; with
    `plots`, PNG bar charts under DIRECTORY/stats/.  Programs have no label: their `reflectable`
    guess stands in."""
    splits = load_dataset_records(directory)
    pairs = any("label" in r for rows in splits.values() for r in rows)
    prefix = "p_" if pairs else ""
    stats: dict = {"kind": "pairs" if pairs else "programs", "splits": {s: len(r) for s, r in splits.items()}}
    for name, key in (("size", "size"), ("type", "type"), ("arity", "arity")):
        stats[name] = {s: dict(collections.Counter(r[prefix + key] for r in rows).most_common())
                       for s, rows in splits.items()}
    label = "label" if pairs else "reflectable"
    stats["label"] = {s: dict(collections.Counter(r[label] for r in rows).most_common()) for s, rows in splits.items()}
    if plots:
        stats["plots"] = _plot(stats, directory / "stats", label)
        write_json(directory / "stats" / "stats.json", stats)
    return stats


def _plot(stats: dict, out: Path, label_name: str) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, title in (("size", "size (non-blank lines)"), ("arity", "arity"), ("type", "entry type (top 15)"),
                        ("label", label_name)):
        per_split = stats[name]
        keys = collections.Counter()
        for counter in per_split.values():
            keys.update(counter)
        if name in ("size", "arity"):
            order = sorted(keys, key=lambda k: int(k))
        else:
            order = [k for k, _ in keys.most_common(15)]
        fig, ax = plt.subplots(figsize=(8, 4.5) if name != "type" else (9, 6))
        width = 0.8 / max(1, len(per_split))
        for i, (s, counter) in enumerate(per_split.items()):
            positions = [j + i * width for j in range(len(order))]
            values = [counter.get(k, 0) for k in order]
            if name == "type":
                ax.barh(positions, values, height=width, label=s)
            else:
                ax.bar(positions, values, width=width, label=s)
        ticks = [j + width * (len(per_split) - 1) / 2 for j in range(len(order))]
        if name == "type":
            ax.set_yticks(ticks, [str(k) for k in order], fontsize=7)
            ax.invert_yaxis()
            ax.set_xlabel("count")
        else:
            ax.set_xticks(ticks, [str(k) for k in order], rotation=0 if len(order) < 20 else 90)
            ax.set_ylabel("count")
        ax.set_title(title)
        ax.legend()
        fig.tight_layout()
        path = out / f"{name}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(str(path))
    return written


__all__ = ["BuildOptions", "DatasetError", "PAIR_COLUMNS", "PROGRAM_COLUMNS", "PythonItem", "build",
           "code_hash", "collect_pairs", "counts_table", "dataset_stats", "export_pairs", "extract_code",
           "import_released", "push_dataset", "read_records", "select_items",
           "split_arguments", "split_of", "validate_candidate", "write_dataset"]
