"""Haskell programs and running them.

Consumes Haskell source text (user files, model answers, pool programs); produces tokens
(`tokens`), parsed sources (`source.HaskellSource`, with GHC's own parse through the helper; data
types read by `datatypes`), types (`hstypes`; the library types hsx can test in `libtypes`, what the harness accepts and how
it spells it in `testable`), the generated harness modules (`harness`, with the
literals `hints` mines for its generators), and the helper's answers (`helper.Helper`: types,
counterexample search, runs on given inputs).  Every process starts through `sandbox`, which also
holds the static policy for untrusted code; `toolchain` finds GHC and the helper.
"""
