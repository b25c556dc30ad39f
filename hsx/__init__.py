"""hsx: self-play on Haskell program equivalence, refereed by execution and proof.

The packages follow the data flow; each imports only from the ones listed before it:

    settings, config, verdict, runs, records
               declaring config keys; the typed config; the verdict records every stage passes on;
               run files; self-play's records
    haskell/   Haskell programs: reading them, their types, harness modules, the helper, the sandbox
    proof/     Liquid Haskell: hsx's theorem module, the proof-text policy, the proof search, the prover
    verify/    the verdict pipeline: a pair of programs in, an equivalent/inequivalent/unknown verdict out
    pool/      the program pool: P's with their types, inputs and outputs
    agents/    the text Alice and Bob read and write: prompts, and parsing their answers
    models/    generation backends, QLoRA training, the tiny test model
    data/      datasets: OpInstruct-HSx translation and validation, export of verified pairs
    eval/      benchmarks (EquiBench, PySecDB, HumanEval-hs), evaluation runs, statistics
    selfplay/  the loop: curriculum, Alice (model or transformations), Bob, selection, training, report
    cli/       the `hsx` command

tests/test_layout.py checks that order.
"""
