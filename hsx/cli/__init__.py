"""The `hsx` command (click, rich output): verify, batch, programs, selfplay, dataset, eval, doctor.

Consumes command-line options and an optional TOML config; calls the stages and prints their
results.  No stage logic lives here.
"""
