"""`hsx dataset build`: the OpInstruct-HSx pipeline.

Consumes Python instruction items in OpenCodeInstruct's schema (a local JSONL/parquet file or a
hub id) and produces validated Haskell programs in the pool schema (`hsx.pool.programs.Program`).
Stages, each writing its output under `OUT/stages/` atomically, so that an existing output means
"done" and a rerun of the same command resumes:

    source     filter to generic self-instruct items, sort by test score (best first) and
               solution length (shortest first), drop repeated instructions or solutions
               -> source.jsonl (+ source_counts.json)                     (hsx.data.sources)
    translate  few-shot Python->Haskell prompt (`prompts.translate_python`), batched; an
               append-only log keyed by item id -> translate.log.jsonl, then translate.jsonl
                                                                          (hsx.data.translate)
    extract    the last ```haskell block of the answer -> extract.jsonl
    validate   sandbox policy -> compile and synthesize seeded inputs from the entry's type
               (`Verifier.synthesize_inputs`) -> run on them (`Verifier.evaluate`); kept only
               when every input gives a value -> validate.log.jsonl, then validate.jsonl
                                                                          (hsx.data.validate)
    dataset    de-duplicate by normalized code hash, split train/test by that hash (a
               program is never in both), write the dataset and its card
                                             (hsx.data.splits, hsx.data.card, hsx.data.files)
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from hsx.config import HsxConfig, to_dict
from hsx.data.card import LAYOUT, front_matter, markdown_counts
from hsx.data.files import PROGRAM_COLUMNS, DatasetError, stage_dir, write_dataset
from hsx.data.sources import OPENCODEINSTRUCT, SOURCE_LICENSE, PythonItem, read_records, select_items
from hsx.data.splits import SPLITS, code_hash, split_programs
from hsx.data.translate import extract_code, translate
from hsx.data.validate import validate_candidate
from hsx.models.generation import GeneratorFactory, make_generator
from hsx.pool.programs import Program
from hsx.pool.validate import program_from_evaluation
from hsx.runs import JsonlLog, progress_bar, read_json, read_jsonl, write_json, write_jsonl
from hsx.verify.pipeline import Verifier

# Where each rejection reason stops a candidate (for the per-stage counts).
_STAGE_OF = {"unreadable": "sandbox", "unsafe": "sandbox", "compile-error": "compile", "no-entry": "compile",
             "unsupported-type": "compile", "helper-failure": "compile", "crash": "run",
             "non-terminating": "run", "resource-limit": "run", "run-error": "run"}


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


def build(config: HsxConfig, options: BuildOptions, verifier: Verifier, *,
          generator_factory: GeneratorFactory | None = None, models_dir: Path | None = None,
          console: Console | None = None) -> dict:
    """Runs (or resumes) every stage of the OpInstruct-HSx pipeline; returns the counts."""
    console = console or Console(stderr=True)
    out, stages = options.out, stage_dir(options.out)
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
        translate(config, items, stages / "translate.log.jsonl", generator_factory or make_generator,
                  models_dir or config.models_dir, console,
                  batch_size=options.batch_size, seed=options.seed)
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
    splits = split_programs(programs, options.test_fraction)
    counts.update({s: len(splits[s]) for s in SPLITS})
    summary = {"stages": counts, "rejections": dict(sorted(rejections.items(), key=lambda kv: -kv[1])),
               "source": options.source, "model": config.model.base}
    if not (out / "README.md").exists():
        card = _build_card(summary, options)
        write_dataset(out, {s: [p.to_json() for p in ps] for s, ps in splits.items()}, PROGRAM_COLUMNS,
                      card, summary)
    return summary


def _validate(verifier: Verifier, options: BuildOptions, candidates: list[dict], log_path: Path,
              console: Console) -> None:
    log = JsonlLog(log_path)
    todo = [c for c in candidates if c["id"] not in log]
    if not todo:
        return

    if verifier.config.ray:  # on the Ray cluster's workers, each with its own helper; item order
        from hsx.verify.cluster import map_on_cluster
        with progress_bar(console) as progress:
            task = progress.add_task("validate", total=len(todo))
            for record in map_on_cluster(verifier.config, _validate_one, [(c, options) for c in todo]):
                log.append(record)
                progress.advance(task)
        return

    with progress_bar(console) as progress, \
            concurrent.futures.ThreadPoolExecutor(max_workers=verifier.config.worker_count()) as pool:
        task = progress.add_task("validate", total=len(todo))
        futures = [pool.submit(_validate_one, verifier, (c, options)) for c in todo]
        try:
            for f in concurrent.futures.as_completed(futures):
                log.append(f.result())
                progress.advance(task)
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def _validate_one(verifier: Verifier, item: tuple[dict, BuildOptions]) -> dict:
    """One candidate's validation record (module-level: it also runs on Ray workers)."""
    c, options = item
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


def _build_card(summary: dict, options: BuildOptions) -> str:
    return f"""{front_matter("cc-by-4.0", ["code", "haskell"])}
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

{markdown_counts(summary["stages"])}

## Rejections

{markdown_counts(summary["rejections"], ("reason", "count")) if summary["rejections"] else "none"}

## License

{SOURCE_LICENSE}

{LAYOUT}"""
