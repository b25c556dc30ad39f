"""Export: the verified pairs of self-play runs as a dataset.

Consumes self-play run directories (`config.json`, and per iteration `selected.jsonl` and
`bob.jsonl`, read as `hsx.records.PairRecord`s); produces one flat record per verified pair
(`PAIR_COLUMNS`: P, Q, the label, the proof or the counterexample, each side's output rendered by
`Outcome.describe`) and writes them, split by P (`hsx.data.splits`), with their card
(`hsx.data.card`, `hsx.data.files`).
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Sequence

from hsx.config import ConfigError, config_from_dict
from hsx.data.card import LAYOUT, front_matter, markdown_counts
from hsx.data.files import DatasetError, write_dataset
from hsx.data.splits import SPLITS, code_hash, split_of
from hsx.pool.programs import Program
from hsx.records import PairRecord
from hsx.runs import read_json, read_jsonl


PAIR_COLUMNS = {"id": "string", "run": "string", "iteration": "int64", "pair_id": "string", "p_id": "string",
                "p_code": "string", "p_entry": "string", "p_type": "string", "p_arity": "int64",
                "p_size": "int64", "q_code": "string", "label": "string", "proof": "string",
                "counterexample": ["string"], "p_output": "string", "q_output": "string",
                "difficulty": "float64", "model": "string", "seed": "int64",
                # who wrote Q: "model" (Alice's LLM) or "transform" (hsx/selfplay/transform/__init__.py, named in `transform`)
                "source": "string", "transform": "string"}


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
        try:
            cfg = config_from_dict(read_json(config_file))
        except ConfigError as e:
            raise DatasetError(f"{config_file}: {e}") from None
        model, seed = cfg.model.base, cfg.selfplay.seed
        for k, it in _iteration_dirs(run):
            if not (it / "bob.jsonl").exists():
                continue  # an iteration that did not get that far
            selected = {p["id"]: Program.from_json(p) for p in read_jsonl(it / "selected.jsonl")}
            for b in (PairRecord.from_json(d) for d in read_jsonl(it / "bob.jsonl")):
                v = b.verification
                wanted = b.kind.wanted
                if not b.verified or v is None or not v.ok or v.result.verdict != wanted:
                    skipped["not verified"] += 1
                    continue
                result, label = v.result, wanted.value
                p = selected.get(b.program_id)
                if p is None:
                    skipped["P missing from selected.jsonl"] += 1
                    continue
                cex = result.counterexample
                proof = result.proof.text if label == "equivalent" and result.proof else None
                if (label == "equivalent" and not proof) or (label == "inequivalent" and not cex):
                    skipped["no proof or counterexample"] += 1
                    continue
                pairs.append({
                    "id": f"{run.name}/{k}/{b.id}", "run": run.name, "iteration": k, "pair_id": b.id,
                    "p_id": p.id, "p_code": p.code, "p_entry": p.entry, "p_type": p.type, "p_arity": p.arity,
                    "p_size": p.size, "q_code": b.q, "label": label, "proof": proof,
                    "counterexample": list(cex.inputs) if cex else [],
                    "p_output": cex.left.describe() if cex else None,
                    "q_output": cex.right.describe() if cex else None, "difficulty": b.difficulty,
                    "model": model, "seed": seed, "source": b.source, "transform": b.transform})
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
    card = f"""{front_matter("cc-by-4.0", ["code", "haskell", "program-equivalence"])}
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

{markdown_counts(summary["stages"])}

## Label balance

{markdown_counts(label_rows, ("split: label", "pairs")) if label_rows else "no pairs"}

Skipped records: {", ".join(f"{k}: {v}" for k, v in skipped.items()) or "none"}

{LAYOUT}"""
    write_dataset(out, splits, PAIR_COLUMNS, card, summary)
    return summary
