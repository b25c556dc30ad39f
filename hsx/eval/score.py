"""Scores of finished evaluation runs: summaries per category and overall, and paired comparisons.

Consumes run directories written by hsx/eval/run.py (run.json and judge.jsonl read as
`hsx.eval.runfiles.EvalRun` and `JudgeDecision`s, predictions_r<k>.jsonl as
`hsx.eval.predictions.Prediction`s);
produces `summarize` (a `hsx.eval.runfiles.Summary`: score with a bootstrap interval per category
and overall, binary metrics or execution outcomes, truncations, PySecDB's majority baseline,
throughput) and, as a plain dict, `compare_runs` (McNemar per repeat and a paired bootstrap of
the difference, B against A).

Headline numbers are means over repeats; intervals resample items with all their repeats
(hsx/eval/statistics.py).  EquiBench's overall accuracy is the mean of its category accuracies.
Beside them, for YES/NO benchmarks, `protocols`: the same saved answers scored as `strict`,
`equibench` and `parsed-only` (hsx/eval/protocols.py), EquiBench's decisions taken from the run's
judge.jsonl when `hsx eval judge` wrote one (else the exact rule and coin flips); for EquiBench
pairs flagged `known_mislabeled`, the score without them; and the count of skipped records.

    from hsx.eval.score import compare_runs, summarize
    summary = summarize(Path("runs/eval/base"))
    diff = compare_runs(Path("runs/eval/base"), Path("runs/eval/trained"))
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hsx.eval.benchmarks import BenchmarkError, EQUIBENCH_CATEGORIES
from hsx.eval.humaneval import EXEC_STATUSES
from hsx.eval.judge import decide
from hsx.eval.predictions import Prediction, load_predictions
from hsx.eval.protocols import category_block, overall_block
from hsx.eval.statistics import (binary_metrics, bootstrap_mean_ci, discordant, majority_baseline, mcnemar_exact,
                                 mean, paired_bootstrap_diff, stratified_bootstrap_ci)
from hsx.eval.runfiles import CategoryScore, CleanScore, MajorityBaseline, Summary, read_judge_file, read_run
from hsx.runs import read_json, read_jsonl

BOOTSTRAP_SAMPLES = 1000


def _by_item(repeats: list[list[Prediction]]) -> dict[str, list[Prediction]]:
    """(category/id) -> that item's predictions across repeats."""
    out: dict[str, list[Prediction]] = {}
    for records in repeats:
        for r in records:
            out.setdefault(r.key, []).append(r)
    return out


def read_decisions(run_dir: Path) -> tuple[dict[tuple[str, int], dict], str | None]:
    """EquiBench's decisions written by `hsx eval judge` (judge.jsonl), by (item key, repeat)."""
    rows = read_judge_file(run_dir)
    return ({(r.key, r.repeat): {"decision": r.decision, "by": r.by} for r in rows}, rows[0].judge if rows else None)


def _decisions(flat: list[Prediction], judged: dict) -> list[dict]:
    missing = [r for r in flat if (r.key, r.repeat) not in judged]
    fresh = iter(decide([r.output for r in missing], None))
    return [judged.get((r.key, r.repeat)) or next(fresh) for r in flat]


def _correct_share(rs: list[Prediction]) -> float:
    """The share of `rs` that is correct: an item's score over its repeats, or a repeat's."""
    return mean([1.0 if r.correct else 0.0 for r in rs])


def _binary(flat: list[Prediction]) -> dict:
    """The YES/NO metrics of CategoryScore (binary_metrics' accuracy is the score, set apart)."""
    m = binary_metrics([r.label for r in flat], [r.answer for r in flat])
    return {k: m[k] for k in ("precision", "recall", "f1", "parse_rate", "parsed_accuracy", "confusion")}


def _category_metrics(records_by_item: dict[str, list[Prediction]], generation: bool, seed: int,
                      judged: dict | None = None, judge: str | None = None) -> CategoryScore:
    scores = [_correct_share(rs) for rs in records_by_item.values()]
    flat = [r for rs in records_by_item.values() for r in rs]
    repeats = sorted({r.repeat for r in flat})
    per_repeat = tuple(_correct_share([r for r in flat if r.repeat == k]) for k in repeats)
    ci = bootstrap_mean_ci(scores, samples=BOOTSTRAP_SAMPLES, seed=seed)
    m = CategoryScore(len(scores), mean(scores), ci, sum(1 for r in flat if r.truncated), len(flat), per_repeat)
    if generation:
        return dataclasses.replace(m, outcomes={s: sum(1 for r in flat if r.status == s) for s in EXEC_STATUSES})
    clean = [_correct_share(rs) for rs in records_by_item.values() if not rs[0].known_mislabeled]
    return dataclasses.replace(
        m, accuracy=m.score, **_binary(flat),
        protocols=category_block(flat, _decisions(flat, judged or {}), seed=seed, judge=judge),
        without_known_mislabeled=CleanScore(len(clean), mean(clean)) if len(clean) < len(scores) else None)


def summarize(run_dir: Path, *, seed: int = 0) -> Summary:
    """Metrics of a run directory, per category and overall (see the module docstring)."""
    run_dir = Path(run_dir)
    meta = read_run(run_dir)
    repeats = load_predictions(run_dir)
    by_item = _by_item(repeats)
    generation = meta.benchmark == "humaneval-hs"
    categories = sorted({k.split("/", 1)[0] for k in by_item},
                        key=lambda c: (EQUIBENCH_CATEGORIES.index(c) if c in EQUIBENCH_CATEGORIES else 99, c))
    per_cat = {c: {k: v for k, v in by_item.items() if k.split("/", 1)[0] == c} for c in categories}
    judged, judge = read_decisions(run_dir)
    cats = {c: _category_metrics(per_cat[c], generation, seed, judged, judge) for c in categories}
    groups = [[_correct_share(rs) for rs in per_cat[c].values()] for c in categories]
    ci = stratified_bootstrap_ci(groups, samples=BOOTSTRAP_SAMPLES, seed=seed)
    overall = CategoryScore(len(by_item), mean([cats[c].score for c in categories]), ci,
                            sum(cats[c].truncated for c in categories), sum(cats[c].answers for c in categories))
    flat = [r for rs in by_item.values() for r in rs]
    if generation:
        overall = dataclasses.replace(overall, outcomes={s: sum(1 for r in flat if r.status == s)
                                                         for s in EXEC_STATUSES})
    else:
        clean = None
        if any(cats[c].without_known_mislabeled for c in categories):
            parts = [cats[c].without_known_mislabeled or CleanScore(cats[c].items, cats[c].score) for c in categories]
            clean = CleanScore(sum(p.items for p in parts), mean([p.score for p in parts]))
        overall = dataclasses.replace(overall, accuracy=overall.score, **_binary(flat),
                                      protocols=overall_block([cats[c].protocols for c in categories]),
                                      without_known_mislabeled=clean)
    skipped = run_dir / "skipped.jsonl"
    baseline = None
    if meta.benchmark == "pysecdb":
        b = majority_baseline([rs[0].label for rs in by_item.values()])
        baseline = MajorityBaseline(b["majority"], b["accuracy"], b["f1"])
    timings = run_dir / "timings.json"
    rates = []
    if timings.exists():
        rates = [v["items_per_s"] for v in read_json(timings).values() if v.get("items_per_s")]
    return Summary(meta.benchmark, meta.model, meta.model_label, "pass@1" if generation else "accuracy",
                   len(repeats), meta.seeds, meta.max_new_tokens, cats, overall,
                   len(read_jsonl(skipped)) if skipped.exists() else 0, baseline, timings.exists(),
                   mean(rates) if rates else None)


# ------------------------------------------------------------------------------------------------
# Comparing two runs

def compare_runs(run_a: Path, run_b: Path, *, seed: int = 0) -> dict:
    """Paired per-item comparison of run B against run A, per category and overall.

    Items are matched by (category, id); only items in both runs count.  For each pair of
    repeats k (A's k-th against B's k-th, same seed when both used the defaults) the exact
    McNemar test on the discordant items; over items, a paired bootstrap of the difference of
    the per-item mean correctness (B - A), stratified by category for the overall difference.
    """
    meta_a, meta_b = read_run(run_a), read_run(run_b)
    if meta_a.benchmark != meta_b.benchmark:
        raise BenchmarkError(f"the runs evaluate different benchmarks: {meta_a.benchmark} and {meta_b.benchmark}")
    a, b = _by_item(load_predictions(run_a)), _by_item(load_predictions(run_b))
    keys = [k for k in a if k in b]
    if not keys:
        raise BenchmarkError("the runs share no items")
    pairs = min(min(len(a[k]) for k in keys), min(len(b[k]) for k in keys))
    categories = sorted({k.split("/", 1)[0] for k in keys},
                        key=lambda c: (EQUIBENCH_CATEGORIES.index(c) if c in EQUIBENCH_CATEGORIES else 99, c))

    def block(ks: list[str], stratified: bool) -> dict:
        sa = [_correct_share(a[k]) for k in ks]
        sb = [_correct_share(b[k]) for k in ks]
        mcnemar = []
        for rep in range(pairs):
            only_a, only_b = discordant([a[k][rep].correct for k in ks], [b[k][rep].correct for k in ks])
            mcnemar.append({"repeat": rep, "only_a": only_a, "only_b": only_b, "p": mcnemar_exact(only_a, only_b)})
        boot = paired_bootstrap_diff(sa, sb, samples=BOOTSTRAP_SAMPLES, seed=seed)
        out = {"items": len(ks), "score_a": mean(sa), "score_b": mean(sb), "diff": boot["diff"],
               "ci": list(boot["ci"]), "p_not_better": boot["p_not_better"], "mcnemar": mcnemar}
        if stratified:
            groups = [[sb[i] - sa[i] for i, k in enumerate(ks) if k.split("/", 1)[0] == c] for c in categories]
            cat_a = [mean([sa[i] for i, k in enumerate(ks) if k.split("/", 1)[0] == c]) for c in categories]
            cat_b = [mean([sb[i] for i, k in enumerate(ks) if k.split("/", 1)[0] == c]) for c in categories]
            out.update(score_a=mean(cat_a), score_b=mean(cat_b), diff=mean(cat_b) - mean(cat_a),
                       ci=list(stratified_bootstrap_ci(groups, samples=BOOTSTRAP_SAMPLES, seed=seed)))
            out.pop("p_not_better")
        return out

    return {"benchmark": meta_a.benchmark, "a": {"dir": str(run_a), "label": meta_a.model_label},
            "b": {"dir": str(run_b), "label": meta_b.model_label}, "repeat_pairs": pairs,
            "only_in_a": len(a) - len(keys), "only_in_b": len(b) - len(keys),
            "categories": {c: block([k for k in keys if k.split("/", 1)[0] == c], False) for c in categories},
            "overall": block(keys, True)}


__all__ = ["compare_runs", "read_decisions", "summarize"]
