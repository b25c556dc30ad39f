"""HumanEval-hs (pass@1): a model's completion, run against the benchmark's tests in the sandbox.

Consumes a `CodeTask` (hsx/eval/benchmarks.py) and the model's answer, or a whole candidate
program; produces an `ExecOutcome`: one of EXEC_STATUSES and a detail (compiler or test output).

The candidate program is the prompt plus the completion, put in a module of its own
(`Candidate`, Safe Haskell); the static policy (`hsx.haskell.sandbox.check_source`) is applied to
that module.  The benchmark's test `main` is trusted and lives in a separate `Main` module that
imports `Candidate`: the policy forbids IO in the model's code, not in the harness's.
MultiPL-E's tests see only the entry function (`Candidate` exports nothing else).  The paper's
tests call the solution's functions by name, sometimes several of them, so `Candidate` exports
all its top-level names there; a completion that redefines a name the tests use (`check`, or a
Prelude name) makes it ambiguous in `Main`, a compile error, never a pass.  Both modules get the
imports the paper's harness puts above every program (PAPER_IMPORTS), as the paper's solutions
and tests rely on them.

    from hsx.eval.humaneval import untrusted_check_completion
    outcome = untrusted_check_completion(task, answer_text, config.toolchain.ghc, config.sandbox)
    outcome.status   # "passed", or why not (EXEC_STATUSES)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hsx.agents.parsing import Q_LABELS, fenced_blocks, strip_think
from hsx.config import SandboxConfig
from hsx.eval.benchmarks import BenchmarkError, CodeTask, find_entry
from hsx.haskell import sandbox
from hsx.haskell.source import parse_source
from hsx.haskell.tokens import SourceError

# Seconds to run one compiled test program.  The tests are a few dozen comparisons on small
# inputs (the paper's some 100 random ones); a correct solution finishes in milliseconds.
RUN_TIMEOUT = 10.0
EXEC_STATUSES = ("passed", "failed", "timeout", "compile-error", "rejected", "no-code")
# The imports the paper's HumanEval-hs harness (its human_eval/evaluation.py, IMPORT_HELPER["hs"])
# puts above every program: solutions and tests use these names without importing them.  The
# harness's `System.Random (randomRIO)` goes to the trusted test module only, and only when the
# test uses it (it needs the `random` package, and IO has no place in the candidate).
PAPER_IMPORTS = ("import Data.List", "import Data.Char", "import Data.Maybe", "import Text.Read (readMaybe)",
                 "import Control.Monad (guard, forM_, replicateM)")


@dataclass(frozen=True)
class ExecOutcome:
    status: str  # one of EXEC_STATUSES; anything unexpected is never "passed"
    detail: str = ""


def entry_name(task: CodeTask) -> str:
    """The function the task asks for: found when the task was loaded (`find_entry`), or now for
    a task built elsewhere."""
    entry = task.entry or find_entry(task.prompt, task.layout)
    if not entry:
        raise BenchmarkError(f"{task.id}: cannot tell which function the task asks for")
    return entry


def candidate_code(task: CodeTask, text: str) -> str | None:
    """The candidate program: prompt + completion, as Haskell declarations (no module header).

    The completion is the last ```haskell block of the answer (a chat model, as the prompt asks);
    a block with the entry's signature stands alone.  Otherwise, for MultiPL-E, a block with the
    entry's equations replaces the prompt's head line and any other block continues the head;
    for the paper's layout (whose prompt ends with the signature), the block follows the prompt.
    Without a block, the raw answer is taken as a continuation of the prompt (a base model), cut
    at MultiPL-E's stop tokens.
    """
    answer = strip_think(text)
    found = [body for label, body in fenced_blocks(answer) if label in Q_LABELS]
    name = entry_name(task)
    signature = re.compile(rf"^{re.escape(name)}\s*::", re.MULTILINE)
    if not found:
        cut = len(answer)
        for stop in task.stop_tokens:
            i = answer.find(stop)
            if i >= 0:
                cut = min(cut, i)
        answer = answer[:cut]
        if not answer.strip():
            return None
        if task.layout == "paper":
            return answer if signature.search(answer) else task.prompt.rstrip("\n") + "\n" + answer
        return task.prompt + answer
    block = found[-1]
    if not block.strip():
        return None
    if signature.search(block):
        return block
    if task.layout == "paper":
        return task.prompt.rstrip("\n") + "\n" + block
    if re.search(rf"^{re.escape(name)}\b", block, re.MULTILINE):
        head_dropped = task.prompt.rstrip().rsplit("\n", 1)[0] if "\n" in task.prompt.strip() else ""
        return head_dropped + "\n" + block
    return task.prompt + block


_MODULE_LINE = re.compile(r"^module\s+[A-Z][\w.]*(\s*\([^)]*\))?\s+where\s*$", re.MULTILINE)


def _split_imports(code: str) -> tuple[list[str], list[str]]:
    lines = _MODULE_LINE.sub("", code).splitlines()
    return [ln for ln in lines if ln.startswith("import ")], [ln for ln in lines if not ln.startswith("import ")]


def candidate_module(code: str, entry: str, layout: str = "multipl-e") -> str:
    """`Candidate`: Safe Haskell, imports hoisted above the code; exporting only the entry
    (MultiPL-E) or every top-level name, after the paper harness's imports (paper)."""
    imports, body = _split_imports(code)
    if layout == "paper":
        header = ["module Candidate where", *PAPER_IMPORTS]
    else:
        header = [f"module Candidate ({entry}) where"]
    return "\n".join(["{-# LANGUAGE Safe #-}", *header, *imports, "", *body]) + "\n"


# MultiPL-E's Haskell translator joins `main = do` and `  let candidate = f` on one line (a
# missing comma in its list of lines), which puts the do block's layout column after `let` and
# breaks every following test line; splitting them again changes nothing else.
_JOINED_DO = re.compile(r"^(main\s*=\s*do)[ \t]+(let\s)", re.MULTILINE)


def test_module(task: CodeTask, entry: str) -> str:
    """`Main`: the benchmark's trusted test `main`, importing `Candidate`."""
    if task.layout == "paper":
        imports, body = _split_imports(task.tests)
        extra = (["import System.Random (randomRIO)"]
                 if "randomRIO" in task.tests and not any("System.Random" in ln for ln in imports) else [])
        return "\n".join(["module Main (main) where", "", *PAPER_IMPORTS, *extra, *imports, "import Candidate",
                          "", *body]) + "\n"
    tests = _JOINED_DO.sub(r"\1\n  \2", task.tests)
    return f"module Main (main) where\n\nimport Candidate ({entry})\n{tests}\n"


def untrusted_check_completion(task: CodeTask, text: str, ghc: str, limits: SandboxConfig) -> ExecOutcome:
    """Runs the model's completion against the task's tests: policy check, compile (with `ghc`),
    run, all in the sandbox with `limits`.  `passed` only when the test program exits 0 within
    RUN_TIMEOUT."""
    code = candidate_code(task, text)
    if code is None:
        return ExecOutcome("no-code", "no completion found in the answer")
    return untrusted_check_program(task, code, ghc, limits)


def untrusted_check_program(task: CodeTask, code: str, ghc: str, limits: SandboxConfig) -> ExecOutcome:
    """Runs a whole candidate program (declarations, e.g. a canonical solution) against the
    task's tests in the sandbox; see `untrusted_check_completion`."""
    entry = entry_name(task)
    module = candidate_module(code, entry, task.layout)
    try:
        violations = sandbox.check_source(parse_source(module, "Candidate.hs"))
    except SourceError as e:
        return ExecOutcome("compile-error", f"hsx cannot read the code: {e}")
    if violations:
        return ExecOutcome("rejected", "; ".join(map(str, violations)))
    with sandbox.scratch_dir("hsx-eval-") as d:
        (d / "Candidate.hs").write_text(module)
        (d / "Main.hs").write_text(test_module(task, entry))
        compiled = sandbox.run(
            [ghc, "-O0", "-v0", "-outputdir", "build", "-o", "prog",
             f"-with-rtsopts=-M{limits.heap_mb}m", "Main.hs", "Candidate.hs"],
            cwd=d, limits=limits, timeout=limits.request_timeout, merge_stderr=True)
        if compiled.returncode != 0 or compiled.timed_out:
            what = "compile timed out" if compiled.timed_out else compiled.stdout.decode("utf-8", "replace")
            return ExecOutcome("compile-error", what[-2000:])
        ran = sandbox.run([str(d / "prog")], cwd=d, limits=limits, timeout=RUN_TIMEOUT, merge_stderr=True)
        output = ran.stdout.decode("utf-8", "replace")[-2000:]
        if ran.timed_out:
            return ExecOutcome("timeout", f"no result within {RUN_TIMEOUT:g} s")
        return ExecOutcome("passed" if ran.returncode == 0 else "failed", output)


__all__ = ["EXEC_STATUSES", "ExecOutcome", "PAPER_IMPORTS", "RUN_TIMEOUT", "candidate_code", "candidate_module",
           "entry_name", "test_module", "untrusted_check_completion", "untrusted_check_program"]
