"""Datasets.

Consumes Python instruction data (OpInstruct-HSx / OpenCodeInstruct) or finished self-play runs;
produces validated Haskell programs (translated by a model, run in the sandbox) and the verified
pairs, as Hugging Face `datasets` files with a dataset card.  One module per `hsx dataset` step:

    sources    OpenCodeInstruct-schema records (file or hub) -> filtered `PythonItem`s
    translate  `PythonItem`s -> a model's Haskell answers (resumable log), the code read out of them
    validate   one untrusted Haskell program -> kept with its evaluation, or a rejection reason
    build      `hsx dataset build`: sources -> translate -> validate -> the OpInstruct-HSx dataset
    released   `hsx dataset import`: the released OpInstruct-HSx, re-run by hsx, in the pool schema
    pairs      `hsx dataset export`: the verified pairs of self-play runs
    stats      `hsx dataset stats`: distributions and plots of a written dataset
    splits     code -> its hash and its split (train / test), the same in every dataset
    card       the dataset card's shared pieces: front matter, count tables, the file layout
    files      a split's records -> the dataset directory's files (and back)
    hub        a written dataset -> the Hugging Face hub
"""
