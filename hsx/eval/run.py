"""`hsx eval run` / `hsx eval score`: a model's (or someone else's) answers to a benchmark, scored
item by item into a run directory.

Consumes an `EvalSpec` with its items (hsx/eval/items.py), the base model and optionally one LoRA
adapter (or any generator, for tests), or the raw outputs of a model run elsewhere; produces a
run directory, and returns its summary (hsx/eval/score.py):

    <out>/run.json                 what was run (`hsx.eval.runfiles.EvalRun`): benchmark, data,
                                   model, adapter, seeds, config
    <out>/predictions_r<k>.jsonl   one `hsx.eval.predictions.Prediction` per item of repeat k:
                                   id, category, label, the exact conversation sent, raw output,
                                   parsed answer, answer protocol, correct, seed, repeat, model,
                                   adapter, tokens, truncated (HumanEval-hs: the execution status
                                   instead of the answer)
    <out>/skipped.jsonl            one line per benchmark record hsx could not use: status
                                   "skipped", where (file:line), id, reason; the run goes on
    <out>/judge.jsonl              (`hsx eval judge`) EquiBench's decision on each saved output
                                   (`hsx.eval.runfiles.JudgeDecision`)
    <out>/timings.json             generation and scoring seconds per repeat
    <out>/summary.json             the metrics (hsx.eval.runfiles.Summary); written last, so its presence
                                   marks a finished run

    from hsx.eval.run import run_eval, score_outputs
    summary = run_eval(config, EvalSpec("equibench", "data/equibench", repeats=3), Path("runs/eval/base"))
    summary = score_outputs(config, EvalSpec("equibench", "data/equibench"), Path("api.jsonl"), Path("runs/eval/api"),
                            model="gpt-x")

Protocol (hsx's own prompts: the same as self-play, and stricter than the reference evaluation):

* an unparsed answer counts as WRONG in the headline accuracy (`strict`); the same saved outputs
  are also scored as EquiBench scores them and as the paper's scripts do (`equibench`,
  `parsed-only`: hsx/eval/protocols.py), each with its parse rate;
* a configurable token budget (`sampling.max_new_tokens`, `--max-new-tokens`); truncated answers
  are counted per category;
* every prompt of a benchmark goes to the generator in one batched call per repeat;
* `repeats` runs with seeds `seed + k` (k = 0 .. repeats-1), the same seeds for every compared
  model, the base included; a repeat whose predictions file exists is not run again (resume);
* HumanEval-hs answers are executed in the sandbox (hsx/eval/humaneval.py), on all cores.
"""

from __future__ import annotations

import dataclasses
import json
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

from hsx.config import HsxConfig, to_dict
from hsx.eval.benchmarks import BenchmarkError, read_records
from hsx.eval.humaneval import untrusted_check_completion
from hsx.eval.items import EvalItem, EvalSpec, load_items
from hsx.eval.predictions import Prediction, load_predictions, predictions_file, write_predictions
from hsx.eval.runfiles import (EvalRun, JudgeDecision, Summary, read_run, run_file, write_decisions, write_run,
                               write_summary)
from hsx.eval.score import summarize
from hsx.runs import read_json, write_json, write_jsonl

ADAPTER_NAME = "eval"  # the one adapter of an evaluation run, as the generator knows it


def _config_for(config: HsxConfig, spec: EvalSpec) -> HsxConfig:
    if spec.max_new_tokens is None:
        return config
    return dataclasses.replace(config, sampling=dataclasses.replace(config.sampling,
                                                                    max_new_tokens=spec.max_new_tokens))


def _score(items: list[EvalItem], generations, config: HsxConfig, *, seed: int | None, repeat: int, model: str,
           adapter: str | None) -> list[Prediction]:
    """One prediction per item: what was sent, what came back, how it was read and whether it is
    right."""
    texts = [g[0].text for g in generations]
    if items[0].task is not None:  # HumanEval-hs: execute, on all cores
        with ThreadPoolExecutor(max_workers=config.worker_count()) as pool:
            outcomes = list(pool.map(lambda a: untrusted_check_completion(a[0].task, a[1], config.toolchain.ghc,
                                                                          config.sandbox), zip(items, texts)))
    records = []
    for i, (item, gen) in enumerate(zip(items, generations)):
        g = gen[0]
        common = dict(id=item.id, category=item.category, label=item.label, output=g.text, repeat=repeat,
                      truncated=g.truncated, conversation=tuple(item.conversation), protocol=item.protocol,
                      seed=seed, model=model, adapter=adapter, tokens=g.tokens,
                      known_mislabeled=item.known_mislabeled)
        if item.task is not None:
            records.append(Prediction(**common, answer=None, correct=outcomes[i].status == "passed",
                                      status=outcomes[i].status, detail=outcomes[i].detail))
        else:
            answer = item.parse(g.text)
            records.append(Prediction(**common, answer=answer, correct=answer is not None and answer == item.label))
    return records


def write_skipped(out_dir: Path, skipped: list) -> None:
    """The records hsx cannot use, one `skipped` line each in <out>/skipped.jsonl (counted in the
    summary), instead of stopping the run."""
    write_jsonl(out_dir / "skipped.jsonl", [{"status": "skipped", "where": k.where, "id": k.id, "reason": k.reason}
                                            for k in skipped])


def judge_run(run_dir: Path, judge, *, progress=None) -> Summary:
    """EquiBench's decisions (exact rule, then `judge`) on every saved output of a run, written to
    <run>/judge.jsonl; returns the summary recomputed with them (also written)."""
    from hsx.eval.judge import decide

    run_dir = Path(run_dir)
    rows = []
    for k, records in enumerate(load_predictions(run_dir)):
        if records and records[0].label is None:
            raise BenchmarkError(f"{run_dir}: {records[0].category} is not a YES/NO benchmark; nothing to judge")
        if progress:
            progress(f"repeat {k}: {len(records)} outputs to {judge.name}")
        for r, d in zip(records, decide([r.output for r in records], judge)):
            rows.append(JudgeDecision(r.key, r.repeat, d["decision"], d["by"], judge.name))
    write_decisions(run_dir, rows)
    summary = summarize(run_dir)
    write_summary(run_dir, summary)
    return summary


def _start_run(out_dir: Path, meta: EvalRun) -> None:
    """Writes run.json, or checks that the one there describes the same evaluation (resume)."""
    if run_file(out_dir).exists():
        old = read_run(out_dir)
        # The same evaluation, perhaps with more repeats: the finished ones are kept.
        same = json.loads(json.dumps({**meta.spec, "repeats": 0}))
        if ({**old.spec, "repeats": 0}, old.model, old.source) != (same, meta.model, meta.source):
            raise BenchmarkError(f"{out_dir} holds a different evaluation ({old.spec}, model {old.model}); "
                                 f"choose another --out")
    write_run(out_dir, meta)


def run_eval(config: HsxConfig, spec: EvalSpec, out_dir: Path, *, model_path: str | None = None,
             generator=None, progress=None) -> Summary:
    """Runs (or resumes) an evaluation and returns its summary (also written to summary.json).

    `model_path` defaults to the resolved `config.model.base`; `generator` (anything with the
    `hsx.models.generation.Generator` interface) replaces the model, for tests; `progress(message)` is
    told about each repeat.
    """
    out_dir = Path(out_dir)
    config = _config_for(config, spec)
    skipped: list = []
    items = load_items(spec, skipped=skipped)
    if model_path is None:
        from hsx.models.tinymodel import resolve_base_model
        model_path = resolve_base_model(config.model, config.models_dir)
    meta = EvalRun(spec.benchmark, dataclasses.asdict(spec), config.model.base, spec.model_label, spec.seeds,
                   len(items), config.sampling.max_new_tokens, to_dict(config), source="generation")
    _start_run(out_dir, meta)
    write_skipped(out_dir, skipped)
    todo = [k for k in range(spec.repeats) if not predictions_file(out_dir, k).exists()]
    timings = read_json(out_dir / "timings.json") if (out_dir / "timings.json").exists() else {}
    if todo:
        own = generator is None
        if own:
            from hsx.models.generation import make_generator
            generator = make_generator(model_path, {ADAPTER_NAME: spec.adapter} if spec.adapter else None,
                                       model=config.model, sampling=config.sampling, lora=config.lora)
        try:
            for k in todo:
                seed = spec.seeds[k]
                if progress:
                    progress(f"repeat {k + 1}/{spec.repeats} (seed {seed}): {len(items)} prompts")
                started = time.perf_counter()
                generations = generator.generate([it.conversation for it in items], n=1,
                                                 adapter=ADAPTER_NAME if spec.adapter else None, seed=seed)
                generated = time.perf_counter() - started
                records = _score(items, generations, config, seed=seed, repeat=k, model=config.model.base,
                                 adapter=spec.adapter)
                timings[str(k)] = {"generate_s": generated, "score_s": time.perf_counter() - started - generated,
                                   "items_per_s": len(items) / generated if generated else None}
                write_predictions(out_dir, k, records)
                write_json(out_dir / "timings.json", timings)
        finally:
            if own:
                with closing(generator):
                    pass
    summary = summarize(out_dir)
    write_summary(out_dir, summary)
    return summary


def read_outputs(path: Path, items: list[EvalItem], *, ignore: set[str] = frozenset()) -> dict[int, dict[str, dict]]:
    """Outputs produced elsewhere: a JSONL file of {"id", "output"} objects, optionally with
    "category" (needed where ids repeat across categories, as EquiBench's pair ids do; an id may
    also be written "CATEGORY/ID"), "repeat" (default 0), "seed", "tokens" and "truncated".
    Returns repeat -> item key -> row; every item must have an output in every repeat.  Rows
    whose id is in `ignore` (the ids of skipped records) are left out."""
    by_key = {it.key: it for it in items}
    by_id: dict[str, list[str]] = {}
    for it in items:
        by_id.setdefault(it.id, []).append(it.key)
    out: dict[int, dict[str, dict]] = {}
    for i, row in enumerate(read_records(path), 1):
        where = f"{path}:{i}"
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("output"), str):
            raise BenchmarkError(f"{where}: expected an object with \"id\" and \"output\" (a string)")
        rid = str(row["id"])
        if rid in ignore or f"{row.get('category')}/{rid}" in ignore:
            continue
        if "category" in row:
            key = f"{row['category']}/{rid}"
        elif rid in by_key:
            key = rid
        elif len(by_id.get(rid, ())) == 1:
            key = by_id[rid][0]
        elif rid in by_id:
            raise BenchmarkError(f"{where}: id {rid!r} is in several categories ({', '.join(by_id[rid])}); "
                                 f"add \"category\"")
        else:
            key = rid
        if key not in by_key:
            raise BenchmarkError(f"{where}: no item {key!r} in the benchmark")
        repeat = row.get("repeat", 0)
        if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 0:
            raise BenchmarkError(f"{where}: \"repeat\" must be 0, 1, ...; got {repeat!r}")
        if key in out.setdefault(repeat, {}):
            raise BenchmarkError(f"{where}: a second output for {key!r} in repeat {repeat}")
        out[repeat][key] = row
    if not out:
        raise BenchmarkError(f"{path}: no outputs")
    if sorted(out) != list(range(len(out))):
        raise BenchmarkError(f"{path}: repeats must be numbered 0, 1, ...; found {sorted(out)}")
    for repeat, rows in out.items():
        missing = [k for k in by_key if k not in rows]
        if missing:
            raise BenchmarkError(f"{path}: repeat {repeat} has no output for {len(missing)} of {len(by_key)} items "
                                 f"(first: {', '.join(missing[:5])})")
    return out


def score_outputs(config: HsxConfig, spec: EvalSpec, outputs: Path, out_dir: Path, *, model: str) -> Summary:
    """Scores raw outputs produced elsewhere (an API model, another harness) exactly as `run_eval`
    scores its own generations, into a run directory that `compare_runs` and `write_eval_report`
    read like any other; returns the summary.  `model` names the model in the reports."""
    from hsx.models.generation import Generation

    out_dir = Path(out_dir)
    skipped: list = []
    items = load_items(spec, skipped=skipped)
    rows = read_outputs(Path(outputs), items, ignore={k.id for k in skipped})
    seeds = [next((r.get("seed") for r in rows[k].values() if r.get("seed") is not None), None) for k in sorted(rows)]
    meta = EvalRun(spec.benchmark, dataclasses.asdict(dataclasses.replace(spec, repeats=len(rows))), model, model,
                   seeds, len(items), None, to_dict(config), source="outputs", outputs=str(outputs))
    _start_run(out_dir, meta)
    write_skipped(out_dir, skipped)
    for k in sorted(rows):
        generations = [[Generation(rows[k][it.key]["output"], rows[k][it.key].get("tokens"),
                                   bool(rows[k][it.key].get("truncated", False)))] for it in items]
        records = _score(items, generations, config, seed=seeds[k], repeat=k, model=model, adapter=None)
        write_predictions(out_dir, k, records)
    summary = summarize(out_dir)
    write_summary(out_dir, summary)
    return summary


__all__ = ["ADAPTER_NAME", "read_outputs", "run_eval", "score_outputs"]
