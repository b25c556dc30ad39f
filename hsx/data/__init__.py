"""Datasets.

Consumes Python instruction data (OpInstruct-HSx / OpenCodeInstruct) or finished self-play runs;
produces validated Haskell programs (translated by a model, run in the sandbox) and the verified
pairs, as Hugging Face `datasets` files with a dataset card.
"""
