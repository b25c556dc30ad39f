"""Equivalence proofs with Liquid Haskell.

Consumes two parsed programs and their entries (from hsx.haskell); produces hsx's own theorem
module (`lhmodule`: the theorem is built here, never written by a model), candidate proofs
(`search`, with the lemma library `lemmas`), the proof-text policy and the classification of the
prover's output (`liquid`), and a checked result from the real prover (`prover`).
"""
