"""Haskell programs and running them.

Consumes Haskell source text (user files, model answers, pool programs); produces parsed sources
(`source.HaskellSource`, read by GHC's own parser through the helper), types (`hstypes`), the
generated harness modules (`harness`), and the helper's answers (`helper.Helper`: types,
counterexample search, runs on given inputs).  Every process starts through `sandbox`, which also
holds the static policy for untrusted code; `toolchain` finds GHC and the helper.
"""
