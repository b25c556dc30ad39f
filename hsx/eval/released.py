"""`hsx eval score --released`: the paper's released EquiBench / PySecDB result files, re-scored.

Consumes the JSON files the self-play paper's evaluation scripts write and its repository keeps
under `src/Evaluation/EquiBench/results/` and `src/Evaluation/pysecdb/results/` (one file per
benchmark category and pass; read at TrevorPoon/llm-self-play-liquidhaskell 490fe084d705):

    {"timestamp": str, "setup": {"model", "adapter_path" ("" or null: the base model),
     "gpu_memory_utilization", "sampling_parameters": {...}}, "iteration": int,
     "datasets": "DCE" | ... | "pysecdb",
     "evaluation_metrics": {"accuracy", "precision", "recall", "f1_score",
                            "confusion_matrix": [[tn, fp], [fn, tp]]}   (sklearn, parsed answers only;
                            {} when nothing parsed),
     "predictions_summary": {"total_samples", "parsed_samples", "unparsed_samples"}}

Produces per (benchmark, model, category) the three protocols of hsx/eval/protocols.py on the
counts (files of the same model and category are repeats, pooled), and each adapter against the
base model.  What the files allow and what they do not:

* `parsed-only` is the paper's own number (recomputed from the confusion matrix and checked
  against the file's `accuracy`); `strict` counts the unparsed answers as wrong;
* `equibench` can only be its coin-flip part: the files keep no answers, so EquiBench's exact rule
  and judge cannot be applied; the paper's (more lenient) parser stands in for them and its
  unparsed answers are flipped.  Reported as the expected accuracy and the 95% interval of the flips;
* the files keep no per-item predictions (none of the 304 result files there has any), so base
  and adapter cannot be paired item by item: the interval of a difference is an UNPAIRED seeded
  bootstrap, each run's answers resampled from its own counts (`BOOTSTRAP_SAMPLES` draws).  It is
  wider than a paired one would be.

A file that is not in this shape, or whose counts contradict each other, is skipped with its reason.

    from hsx.eval.released import load_released, rescore
    runs, skipped = load_released([Path("results")])
    table = rescore(runs)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from hsx.eval.benchmarks import EQUIBENCH_CATEGORIES, BenchmarkError, Skipped
from hsx.eval.protocols import PROTOCOLS, binomial_quantiles, mean_flip_interval

BOOTSTRAP_SAMPLES = 2000
_ADAPTER_RUN = re.compile(r"([^/]+)/(iteration_\d+)/")


@dataclass(frozen=True)
class ReleasedRun:
    """One result file: one pass of one model over one category."""
    path: str
    benchmark: str  # equibench | pysecdb
    category: str
    model: str  # "base", or the self-play run and iteration of the adapter
    total: int
    correct: int  # parsed and right: tn + tp
    parsed: int
    reported_accuracy: float | None


def model_label(adapter_path: str | None) -> str:
    """"base" for no adapter; else "<self-play run>/<iteration>" from the adapter's path."""
    if not adapter_path:
        return "base"
    m = _ADAPTER_RUN.search(adapter_path)
    return f"{m.group(1)}/{m.group(2)}" if m else adapter_path.rstrip("/").rsplit("/", 1)[-1]


def read_released(path: Path) -> ReleasedRun:
    """One result file (see the module docstring); BenchmarkError names what is wrong."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise BenchmarkError(f"{path}: not readable JSON ({e})") from None
    missing = [k for k in ("setup", "datasets", "evaluation_metrics", "predictions_summary") if not isinstance(d, dict)
               or k not in d]
    if missing:
        raise BenchmarkError(f"{path}: not a result file of the paper's evaluation: no {', '.join(missing)}")
    s, m, dataset = d["predictions_summary"], d["evaluation_metrics"], d["datasets"]
    try:
        total, parsed, unparsed = int(s["total_samples"]), int(s["parsed_samples"]), int(s["unparsed_samples"])
    except (KeyError, TypeError, ValueError):
        raise BenchmarkError(f"{path}: predictions_summary needs total_samples, parsed_samples, unparsed_samples") from None
    if total != parsed + unparsed or total <= 0:
        raise BenchmarkError(f"{path}: total_samples {total} is not parsed {parsed} + unparsed {unparsed}")
    if parsed == 0:
        correct, reported = 0, None
    else:
        cm = m.get("confusion_matrix")
        if not (isinstance(cm, list) and len(cm) == 2 and all(isinstance(r, list) and len(r) == 2 for r in cm)):
            raise BenchmarkError(f"{path}: confusion_matrix is not 2x2 ({cm!r}); with one class only, sklearn "
                                 f"writes 1x1 and the classes cannot be told apart")
        (tn, fp), (fn, tp) = cm
        if tn + fp + fn + tp != parsed:
            raise BenchmarkError(f"{path}: the confusion matrix counts {tn + fp + fn + tp} answers, parsed_samples {parsed}")
        correct, reported = tn + tp, m.get("accuracy")
        if reported is not None and abs(reported - correct / parsed) > 1e-9:
            raise BenchmarkError(f"{path}: accuracy {reported} is not (tn + tp) / parsed = {correct / parsed}")
    benchmark = "equibench" if dataset in EQUIBENCH_CATEGORIES else "pysecdb" if dataset == "pysecdb" else None
    if benchmark is None:
        raise BenchmarkError(f"{path}: datasets {dataset!r} is neither an EquiBench category nor pysecdb")
    return ReleasedRun(str(path), benchmark, dataset, model_label(d["setup"].get("adapter_path")), total, correct,
                       parsed, reported)


def load_released(paths: list[Path]) -> tuple[list[ReleasedRun], list[Skipped]]:
    """Every *.json under the given files and folders; unusable files are skipped with a reason."""
    runs, skipped = [], []
    files = sorted({f for p in map(Path, paths) for f in ([p] if p.is_file() else p.rglob("*.json"))})
    if not files:
        raise BenchmarkError(f"no .json result files under {', '.join(map(str, paths))}")
    for f in files:
        try:
            runs.append(read_released(f))
        except BenchmarkError as e:
            skipped.append(Skipped(str(f), f.name, str(e)))
    return runs, skipped


def _protocols(total: int, correct: int, parsed: int, *, interval: bool = True) -> dict:
    flips = total - parsed
    lo, hi = binomial_quantiles(flips) if interval else (0, 0)  # bootstrap draws need no flip interval
    return {"strict": correct / total, "parsed-only": correct / parsed if parsed else float("nan"),
            "equibench": (correct + flips / 2) / total, "equibench_interval": [(correct + lo) / total, (correct + hi) / total],
            "parse_rate": parsed / total, "coin_flips": flips}


def _resample(rng, total: int, correct: int, parsed: int) -> tuple[int, int, int]:
    """One bootstrap draw of a run's (total, correct, parsed) from its own outcome shares."""
    c = int(rng.binomial(total, correct / total))
    wrong_share = (parsed - correct) / (total - correct) if total > correct else 0.0  # of the answers not right
    return total, c, c + int(rng.binomial(total - c, wrong_share))


def _blocks(pooled: dict, draws: dict, bench: str, model: str) -> dict:
    """category -> (protocol figures, bootstrap draws of them) for one model, plus "overall" for an
    EquiBench model with all six categories (the mean of the category figures, EquiBench's
    step3_stat.py; the flip interval of that mean from the exact distribution of the flips)."""
    order = {c: i for i, c in enumerate((*EQUIBENCH_CATEGORIES, "pysecdb"))}
    cats = sorted((k[2] for k in pooled if k[:2] == (bench, model)), key=order.get)
    blocks = {}
    for c in cats:
        total, correct, parsed, files = pooled[(bench, model, c)]
        blocks[c] = ({**_protocols(total, correct, parsed), "files": files, "answers": total},
                     draws[(bench, model, c)])
    if bench == "equibench" and set(cats) == set(EQUIBENCH_CATEGORIES):
        k = len(cats)
        rows = [blocks[c][0] for c in cats]
        row = {p: sum(r[p] for r in rows) / k for p in PROTOCOLS}
        certain = sum(r["strict"] for r in rows) / k  # the flips' share comes on top of the strict figure
        lo, hi = mean_flip_interval([(1 / (k * r["answers"]), r["coin_flips"]) for r in rows])
        row.update(equibench_interval=[certain + lo, certain + hi], files=min(r["files"] for r in rows),
                   answers=sum(r["answers"] for r in rows), coin_flips=sum(r["coin_flips"] for r in rows),
                   parse_rate=sum(r["parse_rate"] * r["answers"] for r in rows) / sum(r["answers"] for r in rows))
        boot = [{p: sum(blocks[c][1][i][p] for c in cats) / k for p in PROTOCOLS} for i in range(BOOTSTRAP_SAMPLES)]
        blocks["overall"] = (row, boot)
    return blocks


def rescore(runs: list[ReleasedRun], *, seed: int = 0) -> list[dict]:
    """One row per (benchmark, model, category), and "overall" for EquiBench models with all six
    categories; an adapter row carries its difference to the base model under each protocol, with
    a seeded unpaired bootstrap interval (see the module docstring)."""
    import numpy as np  # matplotlib's dependency; pure-Python binomial draws of 30,000 answers are too slow

    pooled: dict[tuple[str, str, str], tuple[int, int, int, int]] = {}
    for r in runs:
        t, c, p, n = pooled.get((r.benchmark, r.model, r.category), (0, 0, 0, 0))
        pooled[(r.benchmark, r.model, r.category)] = (t + r.total, c + r.correct, p + r.parsed, n + 1)
    rng = np.random.default_rng(seed)
    draws = {k: [_protocols(*_resample(rng, *v[:3]), interval=False) for _ in range(BOOTSTRAP_SAMPLES)] for k, v in sorted(pooled.items())}
    rows = []
    for bench, model in sorted({k[:2] for k in pooled}, key=lambda bm: (bm[0], bm[1] != "base", bm[1])):
        base = _blocks(pooled, draws, bench, "base") if (bench, "base") in {k[:2] for k in pooled} else {}
        for c, (row, boot) in _blocks(pooled, draws, bench, model).items():
            out = {"benchmark": bench, "model": model, "category": c, **row}
            if model != "base" and c in base:
                b_row, b_boot = base[c]
                out["vs_base"] = {p: {"diff": row[p] - b_row[p], "interval": _interval([y[p] - x[p] for x, y in zip(b_boot, boot)])}
                                  for p in PROTOCOLS}
            rows.append(out)
    return rows


def _interval(xs: list[float]) -> list[float]:
    xs = sorted(xs)
    return [xs[int(0.025 * (len(xs) - 1))], xs[int(round(0.975 * (len(xs) - 1)))]]


def _pp(x: float) -> str:
    return "–" if x != x else f"{100 * x:.1f}"


def released_table(rows: list[dict]) -> str:
    """A markdown table of `rescore`'s rows: the paper's number (parsed-only) beside strict and
    equibench, and each adapter's difference to the base model in points with its interval."""
    out = ["| benchmark | model | category | files | parse rate | parsed-only (paper) | strict | equibench (coin flips) "
           "| Δ parsed-only vs base | Δ strict vs base |",
           "|---|---|---|---:|---:|---:|---:|---|---|---|"]
    for r in rows:
        d = r.get("vs_base")

        def delta(p):
            if not d:
                return ""
            v = d[p]
            return f"{100 * v['diff']:+.1f} [{100 * v['interval'][0]:+.1f}, {100 * v['interval'][1]:+.1f}]"

        lo, hi = r["equibench_interval"]
        out.append(f"| {r['benchmark']} | {r['model']} | {r['category']} | {r['files']} | {_pp(r['parse_rate'])} | "
                   f"{_pp(r['parsed-only'])} | {_pp(r['strict'])} | {_pp(r['equibench'])} [{_pp(lo)}, {_pp(hi)}] | "
                   f"{delta('parsed-only')} | {delta('strict')} |")
    return "\n".join(out) + "\n"


__all__ = ["BOOTSTRAP_SAMPLES", "ReleasedRun", "load_released", "model_label", "read_released", "released_table",
           "rescore"]
