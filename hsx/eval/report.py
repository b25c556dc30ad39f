"""`hsx eval report`: tables and charts of evaluation runs.

Consumes run directories (their summary.json read as `hsx.eval.runfiles.Summary`, or a summary
computed by hsx/eval/score.py when a run has none); produces a markdown table (`report_table`)
and, in an output folder, one PNG bar chart per benchmark with 95% intervals and `report.md`
(`write_eval_report`).

    from hsx.eval.report import write_eval_report
    write_eval_report([Path("runs/eval/base"), Path("runs/eval/trained")], Path("runs/eval/report"))
"""

from __future__ import annotations

from pathlib import Path

from hsx.eval.runfiles import Summary, read_summary, summary_file
from hsx.eval.score import summarize


def _pct(x) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f}"


def report_table(summaries: list[Summary]) -> str:
    """A markdown table: one row per run and category (overall last)."""
    rows = ["| benchmark | model | category | items | strict (%) | 95% CI | parse rate (%) | "
            "parsed-only (%) | EquiBench's rule (%) | F1 | truncated | repeats |",
            "|---|---|---|---:|---:|---|---:|---:|---|---:|---:|---:|"]
    for s in summaries:
        for cat, m in [*s.categories.items(), ("overall", s.overall)]:
            f1 = f"{m.f1:.3f}" if m.f1 is not None else "–"
            e = (m.protocols or {}).get("equibench")
            rule = (f"{_pct(e['accuracy'])} [{_pct(e['interval'][0])}–{_pct(e['interval'][1])}], "
                    f"{e['coin_flips']} flips" if e else "–")
            rows.append(f"| {s.benchmark} | {s.model_label} | {cat} | {m.items} | {_pct(m.score)} | "
                        f"{_pct(m.ci[0])}–{_pct(m.ci[1])} | {_pct(m.parse_rate)} | "
                        f"{_pct(m.parsed_accuracy)} | {rule} | {f1} | {m.truncated}/{m.answers} | "
                        f"{s.repeats} |")
    notes = []
    for s in summaries:
        if s.baseline is not None:
            b = s.baseline
            notes.append(f"- {s.benchmark} ({s.model_label}): majority-class baseline "
                         f"(always {'YES' if b.majority else 'NO'}): accuracy {_pct(b.accuracy)}%, "
                         f"F1 {b.f1:.3f}; model accuracy {_pct(s.overall.score)}%, "
                         f"F1 {s.overall.f1:.3f}.")
    notes.append("- strict: unparsed answers count as wrong; parsed-only: they leave the denominator (the paper's "
                 "scripts); EquiBench's rule: exact YES/NO, its judge if one was run (`hsx eval judge`), else a coin "
                 "flip: expected accuracy with the 95% interval of the flips.  Overall = mean of the category "
                 "scores; strict intervals are seeded percentile bootstraps over items.")
    for s in summaries:
        if s.skipped:
            notes.append(f"- {s.benchmark} ({s.model_label}): {s.skipped} record(s) skipped (skipped.jsonl).")
    return "\n".join(rows) + "\n\n" + "\n".join(notes) + "\n"


def write_eval_report(run_dirs: list[Path], out_dir: Path) -> list[Path]:
    """One PNG bar chart per benchmark (a bar per run and category, 95% intervals) and
    `report.md`; returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hsx.runs import write_atomic

    summaries = [read_summary(d) if summary_file(d).exists() else summarize(Path(d)) for d in run_dirs]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for bench in sorted({s.benchmark for s in summaries}):
        group = [s for s in summaries if s.benchmark == bench]
        cats = list(dict.fromkeys(c for s in group for c in s.categories)) + ["overall"]
        fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(cats) * max(1, len(group)) / 2 + 2), 3.8))
        width = 0.8 / len(group)
        for i, s in enumerate(group):
            ms = [s.categories.get(c) if c != "overall" else s.overall for c in cats]
            ys = [m.score if m else 0.0 for m in ms]
            err = [[max(0.0, y - m.ci[0]) if m else 0 for y, m in zip(ys, ms)],
                   [max(0.0, m.ci[1] - y) if m else 0 for y, m in zip(ys, ms)]]
            ax.bar([x + i * width for x in range(len(cats))], ys, width, yerr=err, capsize=3,
                   label=f"{s.model_label} (×{s.repeats})")
        if bench == "pysecdb" and group[0].baseline is not None:
            ax.axhline(group[0].baseline.accuracy, color="grey", linestyle="--", label="majority class")
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(cats))], cats)
        ax.set(ylim=(0, 1), ylabel=group[0].metric, title=f"{bench}: {group[0].metric} with 95% intervals")
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = out_dir / f"{bench}.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        written.append(path)
    md = out_dir / "report.md"
    write_atomic(md, "# hsx eval report\n\n" + report_table(summaries))
    written.append(md)
    return written


__all__ = ["report_table", "write_eval_report"]
