"""Equivalence proofs with Liquid Haskell.

Consumes two parsed programs, their entries and GHC's types (from hsx.verify, through hsx.haskell),
and optional proof text; produces a `hsx.verdict.ProofRecord` (`stage`).  On the way: hsx's own
theorem module (`lhmodule`, with termination metrics read by `metrics`: the theorem is built
here, never written by a model), candidate proofs (`search`, with the lemma library `lemmas` and
the induction schemes of `induction`), the automatic search's driver (`auto`: candidates checked
in batches by `explore`, then lemma discovery: conjectures from `discovery`, tested by
`evaluate` at the values of `samples`, pruned by `rewriting`, proved by Liquid Haskell before use and called where they
apply: at the variables of each case and at the terms of the case unfolded, by `instances` and
`unfold`), the proof-text policy (`policy`), a run of the
real prover (`prover`, whose `Checker` carries the settings every run shares) and the classification of what it printed (`liquid`).
"""
