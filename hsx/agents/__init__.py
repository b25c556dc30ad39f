"""The text the two agents read and write.

Consumes programs (hsx.pool) and hsx's theorem name (hsx.proof); produces the prompts for Alice
(write an equivalent variant with a proof, or an inequivalent one with a diverging input) and Bob
(judge equivalence), and parses their answers.  An answer that does not parse is never counted
as correct.  It sits below hsx.models (the tiny model's tokenizer learns from these prompts),
hsx.data, hsx.eval and hsx.selfplay, which all use it.
"""
