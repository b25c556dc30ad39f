"""Benchmark (not a test): the yield of each transformation of the transformation Alice.

    python scripts/bench/bench_transform.py [--programs 24] [--seed 0] [--out bench_transform.json]

For a seeded sample of pool programs, every transformation that applies proposes one candidate Q
(a seeded random site), and every candidate goes through self-play's verification: SINQ
candidates through hsx's counterexample search (no input given, no proof search), SEQ candidates
through the search and then the automatic proof search with the prover hsx finds (HSX_LIQUID).
Prints verified / proposed per transformation and the outcome counts; candidates that are P up
to renaming count as "identical", as in self-play.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hsx.agents import parsing  # noqa: E402

from hsx.config import load_config  # noqa: E402
from hsx.pool.programs import load_pool  # noqa: E402
from hsx.selfplay import transform
from hsx.selfplay.outcomes import classify  # noqa: E402
from hsx.verify.pipeline import PairRequest, Verifier  # noqa: E402
from hsx.verify.syntax import syntax_reader  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--programs", type=int, default=24, help="pool programs sampled")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--config", default=str(ROOT / "configs" / "cpu.toml"), help="search and proof settings")
    ap.add_argument("--out", default=None, help="also write the JSON here")
    args = ap.parse_args()
    config = load_config(args.config)
    pool = sorted(load_pool(ROOT / "data" / "programs"), key=lambda p: p.id)
    programs = random.Random(args.seed).sample(pool, args.programs)
    t0 = time.monotonic()
    per: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    reqs: dict[str, list[PairRequest]] = {"seq": [], "sinq": []}
    names: dict[str, str] = {}
    with Verifier(config) as verifier:
        ghc = syntax_reader(verifier)
        for p in programs:
            for name, (kind, _) in transform.TRANSFORMS.items():
                found = transform.variants(p.code, p.entry, name, syntax=ghc)
                if not found:
                    continue
                _site, q = random.Random(f"{args.seed}-{p.id}-{name}").choice(found)
                per[name]["proposed"] += 1
                if parsing.same_program(p.code, q):
                    per[name]["identical"] += 1
                    continue
                rid = f"{p.id}/{name}"
                names[rid] = name
                reqs[kind].append(PairRequest(p.code, q, entry_a=p.entry, entry_b=p.entry, id=rid))
        with Verifier(config.with_proof(enabled=False)) as search_only:
            for kind, v in (("sinq", search_only), ("seq", verifier)):
                for res in v.verify_many(reqs[kind]):
                    rec = classify(res, kind)
                    per[names[res.id]][rec.outcome] += 1
                    per[names[res.id]]["verified"] += rec.ok
    seconds = time.monotonic() - t0
    rows = {name: dict(c) for name, c in sorted(per.items(), key=lambda kv: (transform.TRANSFORMS[kv[0]][0], kv[0]))}
    print(f"{args.programs} programs, seed {args.seed}, {seconds:.0f} s")
    print(f"{'transformation':18s} kind  proposed verified yield  outcomes")
    for name, c in rows.items():
        kind = transform.TRANSFORMS[name][0]
        other = {k: v for k, v in c.items() if k not in ("proposed", "verified")}
        print(f"{name:18s} {kind:5s} {c['proposed']:8d} {c.get('verified', 0):8d} "
              f"{c.get('verified', 0) / c['proposed']:5.2f}  {other}")
    if args.out:
        Path(args.out).write_text(json.dumps({"programs": args.programs, "seed": args.seed, "seconds": round(seconds, 1),
                                              "transforms": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
