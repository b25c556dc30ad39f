"""Evaluation of a Bob on the benchmarks.

Consumes benchmark files as their owners publish them (EquiBench, PySecDB, HumanEval-hs) and a
model with an optional adapter, or answers and result files produced elsewhere; produces per-item
predictions, scores under three protocols (strict: an unparsed answer is wrong; EquiBench's rule;
the paper's parsed-only) with bootstrap intervals, McNemar comparisons and reports.  What each
number means: docs/EVALUATION.md.

    benchmarks   published files -> typed records (unusable records skipped with a reason)
    items        records -> prompted items (hsx's or EquiBench's prompts), hsx's answer parsing
    mislabeled   EquiBench pairs known to carry a wrong label, with the source
    humaneval    a HumanEval-hs completion -> its execution outcome, in the sandbox
    run          items -> model answers -> per-item predictions in a run directory
    predictions  the typed record of one prediction (a line of predictions_r<k>.jsonl)
    runfiles     the typed run.json, judge.jsonl and summary.json of a run directory
    judge        raw answers -> EquiBench's decisions (exact rule, pluggable LLM judge)
    protocols    answers and decisions -> strict / equibench / parsed-only, with parse rates
    statistics   per-item outcomes -> metrics, bootstrap intervals, McNemar
    score        run directories -> summaries and paired comparisons
    released     the paper's released result files -> the three protocols, adapter vs base
    report       summaries -> a markdown table and charts
"""
