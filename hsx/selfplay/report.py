"""`hsx report runs/<name>`: plots and a markdown summary of a self-play run.

Consumes `runs/<name>/iter_*/metrics.json` (`hsx.selfplay.metrics.IterationMetrics`, written by
hsx/selfplay/loop.py); produces
`runs/<name>/report/{yields,difficulty,bob_accuracy,stage_times}.png`, `heldout.png` (when the run
has a held-out split: Bob's held-out accuracy, base vs adapter with 95% intervals, beside the
verified SEQ/SINQ yield per iteration) and `summary.md` (with the held-out numbers and the yield
of each transformation).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and in CI
import matplotlib.pyplot as plt  # noqa: E402

from hsx.runs import read_json, write_atomic  # noqa: E402
from hsx.selfplay.metrics import IterationMetrics  # noqa: E402

BINS = ["0-2", "2-4", "4-6", "6-8", "8-10"]


def load_metrics(run_dir: Path) -> list[IterationMetrics]:
    files = sorted(run_dir.glob("iter_*/metrics.json"), key=lambda p: int(p.parent.name.split("_")[1]))
    return [IterationMetrics.from_json(read_json(f)) for f in files]


def write_report(run_dir: Path) -> Path:
    metrics = load_metrics(run_dir)
    if not metrics:
        raise FileNotFoundError(f"no finished iteration in {run_dir} (no iter_*/metrics.json)")
    out = run_dir / "report"
    out.mkdir(exist_ok=True)
    its = [m.iteration for m in metrics]

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key, label in (("verified-seq", "verified SEQ"), ("verified-sinq", "verified SINQ")):
        ax.plot(its, [m.outcomes.get(key, 0) for m in metrics], marker="o", label=label)
    ax.set(xlabel="iteration", ylabel="pairs", title="Verified pairs per iteration")
    ax.legend()
    _save(fig, out / "yields.png")

    fig, ax = plt.subplots(figsize=(6, 3.5))
    width = 0.8 / len(metrics)
    for i, m in enumerate(metrics):
        hist = m.difficulty_histogram
        ax.bar([b + i * width for b in range(len(BINS))], [hist.get(b, 0) for b in BINS], width,
               label=f"iter {m.iteration}")
    ax.set_xticks([b + 0.4 - width / 2 for b in range(len(BINS))], BINS)
    ax.set(xlabel="difficulty (10 x Bob's failure rate)", ylabel="pairs", title="Difficulty distribution")
    ax.legend()
    _save(fig, out / "difficulty.png")

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(its, [m.bob.accuracy or 0 for m in metrics], marker="o")
    ax.set(xlabel="iteration", ylabel="accuracy", ylim=(0, 1), title="Bob's accuracy on verified pairs")
    _save(fig, out / "bob_accuracy.png")

    fig, ax = plt.subplots(figsize=(6, 3.5))
    stages = sorted({s for m in metrics for s in m.times})
    bottom = [0.0] * len(metrics)
    for s in stages:
        vals = [m.times.get(s, 0.0) for m in metrics]
        ax.bar(its, vals, bottom=bottom, label=s)
        bottom = [a + b for a, b in zip(bottom, vals)]
    ax.set(xlabel="iteration", ylabel="seconds", title="Time per stage")
    ax.legend()
    _save(fig, out / "stage_times.png")

    held = [m.heldout for m in metrics if m.heldout]
    if held:
        fig, (ax, ay) = plt.subplots(1, 2, figsize=(10, 3.5))
        hits = [m.iteration for m in metrics if m.heldout]
        for sides, label, shift in (([h.base for h in held], "base model", -0.05),
                                    ([h.current for h in held], "current adapter", 0.05)):
            acc = [s.accuracy for s in sides]
            lo = [s.accuracy - s.ci95[0] for s in sides]
            hi = [s.ci95[1] - s.accuracy for s in sides]
            ax.errorbar([i + shift for i in hits], acc, yerr=[lo, hi], marker="o", capsize=3, label=label)
        base = held[0].majority_baseline
        if base is not None:
            ax.axhline(base, color="grey", linestyle=":", label="majority label")
        ax.set(xlabel="iteration", ylabel="accuracy", ylim=(0, 1.05), xticks=hits,
               title=f"Bob on the held-out split ({held[0].pairs} pairs, 95% CI)")
        ax.legend(fontsize=8)
        for key, label in (("verified-seq", "verified SEQ"), ("verified-sinq", "verified SINQ")):
            ay.plot(its, [m.outcomes.get(key, 0) for m in metrics], marker="o", label=label)
        ay.set(xlabel="iteration", ylabel="pairs", xticks=its, title="Verified yield per iteration")
        ay.legend(fontsize=8)
        _save(fig, out / "heldout.png")

    write_atomic(out / "summary.md", _summary(run_dir, metrics))
    return out


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _summary(run_dir: Path, metrics: list[IterationMetrics]) -> str:
    keys = sorted({k for m in metrics for k in m.outcomes})
    lines = [f"# Self-play run `{run_dir.name}`", "",
             "| iteration | programs | " + " | ".join(keys) + " | Bob accuracy | Bob unparsed |",
             "|" + "---|" * (len(keys) + 4)]
    for m in metrics:
        acc = m.bob.accuracy
        lines.append(f"| {m.iteration} | {m.programs} | "
                     + " | ".join(str(m.outcomes.get(k, 0)) for k in keys)
                     + f" | {'-' if acc is None else f'{acc:.2f}'} | {m.bob.unparsed} |")
    held = [m for m in metrics if m.heldout]
    if held:
        lines += ["", "## Bob on the held-out split", "",
                  "Same pairs, prompts and seeds for both; 95% bootstrap intervals over pairs; paired tests: "
                  "bootstrap of the per-pair difference, exact McNemar over paired samples.", "",
                  "| iteration | pairs | base | current adapter | difference (95% CI) | McNemar p |",
                  "|---|---|---|---|---|---|"]
        for m in held:
            h = m.heldout
            b, c, d = h.base, h.current, h.paired
            lines.append(f"| {m.iteration} | {h.pairs} | {b.accuracy:.3f} [{b.ci95[0]:.3f}, {b.ci95[1]:.3f}] "
                         f"| {c.accuracy:.3f} [{c.ci95[0]:.3f}, {c.ci95[1]:.3f}] "
                         f"| {d.diff:+.3f} [{d.ci95[0]:+.3f}, {d.ci95[1]:+.3f}] | {d.mcnemar_p:.3g} |")
        lines.append(f"\nLabels: {held[0].heldout.labels}; majority-label baseline "
                     f"{held[0].heldout.majority_baseline or 0:.3f}.")
    per: dict[str, dict] = {}
    for m in metrics:
        for name, t in m.transforms.items():
            agg = per.setdefault(name, {"kind": t.kind.value, "proposed": 0, "verified": 0})
            agg["proposed"] += t.proposed
            agg["verified"] += t.verified
    if per:
        lines += ["", "## Yield per transformation (all iterations)", "",
                  "| transformation | kind | proposed | verified | yield |", "|---|---|---|---|---|"]
        for name, t in sorted(per.items(), key=lambda kv: (kv[1]["kind"], kv[0])):
            lines.append(f"| {name} | {t['kind']} | {t['proposed']} | {t['verified']} | "
                         f"{t['verified'] / t['proposed']:.2f} |" if t["proposed"] else f"| {name} | {t['kind']} | 0 | 0 | - |")
    lines += ["", "Plots: `yields.png`, `difficulty.png`, `bob_accuracy.png`, `stage_times.png`"
              + (", `heldout.png`" if held else "") + ".", ""]
    return "\n".join(lines)
