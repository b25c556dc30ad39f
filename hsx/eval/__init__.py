"""Evaluation of a Bob on the benchmarks.

Consumes benchmark files as their owners publish them (EquiBench, PySecDB, HumanEval-hs) and a
model with an optional adapter; produces per-item predictions (an unparsed answer counts as
wrong), scores with bootstrap intervals, McNemar comparisons and reports.

    benchmarks   published files -> typed records
    items        records -> prompted items (hsx's or EquiBench's official prompts), answer parsing
    humaneval    a HumanEval-hs completion -> its execution outcome, in the sandbox
    run          items -> model answers -> per-item predictions in a run directory
    statistics   per-item outcomes -> metrics, bootstrap intervals, McNemar
    score        run directories -> summaries and paired comparisons
    report       summaries -> a markdown table and charts
"""
