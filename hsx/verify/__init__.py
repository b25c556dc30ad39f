"""The verdict pipeline: is program A equivalent to program B?

Consumes a `pipeline.PairRequest` (two sources, optional entries, inputs or a proof) and the
config; produces a `hsx.verdict.Result`: `inequivalent` only with a counterexample re-run from its
printed form, `equivalent` only with a proof of hsx's theorem checked by Liquid Haskell (and a
search for machine-integer overflow), otherwise `unknown` or `error` with the reason.  `entries`
picks the compared functions and the type they are tested at; `batch` runs many pairs from JSONL,
resumably.
"""
