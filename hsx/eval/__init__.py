"""Evaluation of a Bob on the benchmarks.

Consumes benchmark files as their owners publish them (EquiBench, PySecDB, HumanEval-hs) and a
model with an optional adapter; produces per-item predictions (an unparsed answer counts as
wrong), scores with bootstrap intervals, McNemar comparisons and reports.
"""
