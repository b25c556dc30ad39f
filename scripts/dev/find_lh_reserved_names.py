"""Which names of a program clash with Liquid Haskell's own: each candidate as a user's data
type, constructor or function, checked by the real prover with and without hsx's renaming.

usage: python scripts/dev/find_lh_reserved_names.py [type|cons|fun ...] > names.jsonl

One JSON line per candidate: {"kind", "name", "plain", "renamed"}, each `verdict:proof status`.
A name clashes when `plain` is not proved and `renamed` is (the pairs are equivalent, and the
proofs correct); those belong in hsx.proof.lhmodule.LH_RESERVED.  Candidates are the type and
predicate aliases, measures and exports that liquid-base, liquid-ghc-prim, liquid-prelude and
ProofCombinators bring into scope, plus the refinement logic's keywords.  Needs the prover
(`make liquid`); takes about 10 s per name on 2 cores.
"""
import dataclasses
import json
import sys

import hsx.proof.lhmodule as L
from hsx.config import load_config
from hsx.verify.pipeline import PairRequest, Verifier

TYPES = ["Nat", "Pos", "NonZero", "Even", "Odd", "GeInt", "LeInt", "BNat", "TT", "FF", "Nat64", "Max", "Min",
         "PValid", "Proof", "QED", "Set", "Map", "Prop", "Expr", "List", "Real", "Sort", "Tuple", "Pred", "Vector",
         "PtrN", "PtrV", "IncrListD", "Measure", "Bexp", "Str", "Stream", "Size", "Result"]
CONS = ["QED", "Admit", "Z", "S", "Nil", "Cons", "Even", "Odd", "TT", "FF", "Nat", "Pos", "Set", "Map", "Empty"]
FUNS = ["len", "isJust", "fromJust", "isLeft", "isRight", "autolen", "stringlen", "totalityError", "listElts",
        "keys", "elems", "size", "setEmpty", "measure", "inline", "bound", "predicate", "assume", "lazy", "ignore",
        "qualif", "invariant", "define", "decrease", "lazyvar", "embed", "expression", "autosize", "using", "with",
        "exists", "forall", "mod", "true", "false", "trivial", "impossible", "withProof", "toProof", "pleUnfold",
        "unreachable", "cast", "papp1", "isTrue", "v", "addrLen", "strLen", "fplen", "plen", "pbase", "deref",
        "isNullPtr", "cStringLen", "reflect", "axiomatize", "equiv", "hsxInd", "app", "rev", "nat", "prop", "tt"]

def pair(kind, n):
    if kind == "type":
        a = f"data {n} = A0 | A1 {n}\n  deriving (Show, Eq)\n\nf :: {n} -> Int\nf A0 = 0\nf (A1 t) = 1 + f t\n"
        return a, a.replace("1 + f t", "f t + 1"), "equiv A0 = ()\nequiv (A1 t) = equiv t\n"
    if kind == "cons":
        a = f"data T = {n} | M Int\n  deriving (Show, Eq)\n\nf :: T -> Int\nf {n} = 0\nf (M k) = k\n"
        return a, a.replace("f (M k) = k", "f (M k) = k + 0"), "equiv _ = ()\n"
    a = f"{n} :: [Int] -> Int\n{n} [] = 0\n{n} (x : xs) = x + {n} xs\n"
    return a, a.replace(f"x + {n} xs", f"{n} xs + x"), "equiv [] = ()\nequiv (_ : ys) = equiv ys\n"

cfg = load_config(None)
cfg = dataclasses.replace(cfg, proof=dataclasses.replace(cfg.proof, cache=False))
which = sys.argv[1:] or ["type", "cons", "fun"]
reserved = L.LH_RESERVED
with Verifier(cfg) as v:
    for kind, names in (("type", TYPES), ("cons", CONS), ("fun", FUNS)):
        if kind not in which: continue
        for n in names:
            a, b, proof = pair(kind, n)
            row = {"kind": kind, "name": n}
            for mode in ("plain", "renamed"):
                L.LH_RESERVED = frozenset() if mode == "plain" else reserved | {n}
                r = v.verify(PairRequest(a, b, proof=proof))
                row[mode] = r.verdict.value + ":" + ((r.proof and r.proof.status) or r.error_kind and r.error_kind.value or "")
            L.LH_RESERVED = reserved
            print(json.dumps(row), flush=True)
