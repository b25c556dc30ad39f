"""The train/test split of every hsx dataset, decided by the code alone.

Consumes programs (`hsx.pool.programs.Program`) or their code; produces the code's hash and its
split, `train` or `test`.  The hash is taken of the normalized code
(`hsx.pool.programs.normalized_code`), so the same program lands in the same split in every run
and every dataset built from it, whichever command (build, import, export) wrote it.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from hsx.pool.programs import Program, normalized_code

SPLITS = ("train", "test")


def code_hash(code: str) -> str:
    return hashlib.sha256(normalized_code(code).encode()).hexdigest()[:16]


def split_of(key_hash: str, test_fraction: float) -> str:
    """train or test, from the hash alone: the same program lands in the same split in every run
    and every dataset built from it."""
    return "test" if int(key_hash[:8], 16) / 0x1_0000_0000 < test_fraction else "train"


def split_programs(programs: Sequence[Program], test_fraction: float) -> dict[str, list[Program]]:
    out: dict[str, list[Program]] = {s: [] for s in SPLITS}
    for p in programs:
        out[split_of(code_hash(p.code), test_fraction)].append(p)
    return out


__all__ = ["SPLITS", "code_hash", "split_of", "split_programs"]
