"""`hsx eval`: does the trained evaluator transfer?  Runs, scores, compares and plots evaluations.

Consumes a benchmark (loaded by hsx/eval/benchmarks.py), the base model and optionally one LoRA
adapter, or the raw outputs of a model run elsewhere; produces a run directory:

    <out>/run.json                 what was run: benchmark, data, model, adapter, seeds, config
    <out>/predictions_r<k>.jsonl   one line per item of repeat k: id, category, label, the exact
                                   conversation sent, raw output, parsed answer, answer protocol,
                                   correct, seed, repeat, model, adapter, tokens, truncated
                                   (HumanEval-hs: the execution status instead of the answer)
    <out>/summary.json             the metrics; written last, so its presence marks a finished run

    from hsx.eval.evaluation import EvalSpec, run_eval, score_outputs, compare_runs, write_eval_report
    summary = run_eval(config, EvalSpec("equibench", "data/equibench", repeats=3), Path("runs/eval/base"))
    summary = score_outputs(config, EvalSpec("equibench", "data/equibench"), Path("api.jsonl"), Path("runs/eval/api"),
                            model="gpt-x")

Protocol (hsx's own prompts: the same as self-play, and stricter than the reference evaluation):

* the model's own chat template and self-play's answer format; the answer is read from the LAST
  `ANSWER:` marker after the reasoning (`hsx.agents.parsing.parse_bob`); an unparsed answer counts as
  WRONG in the headline accuracy, with the parse rate and the parsed-only accuracy beside it;
* a configurable token budget (`sampling.max_new_tokens`, `--max-new-tokens`); truncated answers
  are counted per category;
* every prompt of a benchmark goes to the generator in one batched call per repeat;
* `repeats` runs with seeds `seed + k` (k = 0 .. repeats-1), the same seeds for every compared
  model, the base included; a repeat whose predictions file exists is not run again (resume);
* headline numbers are means over repeats; intervals resample items with all their repeats
  (hsx/eval/statistics.py).  EquiBench's overall accuracy is the mean of its category accuracies.

EquiBench's official prompts (`--prompts prompts.yaml`, `load_official_prompts`) are formatted as
EquiBench formats them (`str.format` with the category's fields and the file's `true_label` /
`false_label`; one user turn), and answers are read with `parse_official`: the last label in
the closing sentences of the answer.  EquiBench's own harness sends answers it cannot read to an
LLM judge and replaces the ones still unread by a coin flip; hsx has no judge and counts them as
wrong, like every unparsed answer.

HumanEval-hs (pass@1) runs generated code, so it goes through the sandbox
(`untrusted_check_completion`).  The candidate program is the prompt plus the completion, put in
a module of its own (`Candidate`, Safe Haskell); the static policy (`hsx.haskell.sandbox.check_source`)
is applied to that module.  The benchmark's test `main` is trusted and lives in a separate `Main`
module that imports `Candidate`: the policy forbids IO in the model's code, not in the harness's.
MultiPL-E's tests see only the entry function (`Candidate` exports nothing else).  The paper's
tests call the solution's functions by name, sometimes several of them, so `Candidate` exports
all its top-level names there; a completion that redefines a name the tests use (`check`, or a
Prelude name) makes it ambiguous in `Main`, a compile error, never a pass.  Both modules get the
imports the paper's harness puts above every program (PAPER_IMPORTS), as the paper's solutions
and tests rely on them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from hsx.agents import prompts

from hsx.haskell import sandbox
from hsx.eval.benchmarks import (BENCHMARKS, BenchmarkError, CodeTask, EQUIBENCH_CATEGORIES, EquiPair, check_unique_ids,
                            load_equibench, load_haskell_pairs, load_humaneval_hs, load_pysecdb, read_records)
from hsx.config import HsxConfig, to_dict
from hsx.agents.parsing import Q_LABELS, fenced_blocks, parse_bob, strip_think
from hsx.runs import read_json, read_jsonl, write_json, write_jsonl
from hsx.haskell.source import SourceError, parse_source
from hsx.eval.statistics import (binary_metrics, bootstrap_mean_ci, discordant, majority_baseline, mcnemar_exact,
                            mean, paired_bootstrap_diff, stratified_bootstrap_ci)

OFFICIAL_MODES = ("ZERO", "ZERO_COT", "FEW", "FEW_COT")
# Keys of EquiBench's prompts.yaml besides the labels and the categories; its loader ignores them.
OFFICIAL_EXTRA_KEYS = ("true_keywords", "false_keywords")
ADAPTER_NAME = "eval"  # the one adapter of an evaluation run, as the generator knows it
BOOTSTRAP_SAMPLES = 1000
# HumanEval-hs: seconds to run one compiled test program.  The tests are a few dozen comparisons
# on small inputs (the paper's some 100 random ones); a correct solution finishes in milliseconds.
RUN_TIMEOUT = 10.0
EXEC_STATUSES = ("passed", "failed", "timeout", "compile-error", "rejected", "no-code")
# The imports the paper's HumanEval-hs harness (its human_eval/evaluation.py, IMPORT_HELPER["hs"])
# puts above every program: solutions and tests use these names without importing them.  The
# harness's `System.Random (randomRIO)` goes to the trusted test module only, and only when the
# test uses it (it needs the `random` package, and IO has no place in the candidate).
PAPER_IMPORTS = ("import Data.List", "import Data.Char", "import Data.Maybe", "import Text.Read (readMaybe)",
                 "import Control.Monad (guard, forM_, replicateM)")


@dataclass(frozen=True)
class EvalItem:
    id: str
    category: str
    label: bool | None  # True: equivalent / security patch; None: a generation task
    conversation: list[dict]
    task: CodeTask | None = None  # HumanEval-hs only
    labels: tuple[str, str] | None = None  # official prompts: (true_label, false_label), read by parse_official

    @property
    def key(self) -> str:  # EquiBench pair ids repeat across categories
        return f"{self.category}/{self.id}"

    @property
    def protocol(self) -> str:
        return "execution" if self.task else "official" if self.labels else "hsx"

    def parse(self, text: str) -> bool | None:
        return parse_official(text, *self.labels) if self.labels else parse_bob(text)


@dataclass(frozen=True)
class EvalSpec:
    """What one `hsx eval run` (or `hsx eval score`) evaluates."""
    benchmark: str  # equibench | pysecdb | haskell-pairs | humaneval-hs
    data: str  # a local file or folder; for EquiBench and PySecDB also a hub id
    adapter: str | None = None  # a LoRA adapter directory; None: the base model
    repeats: int = 1  # runs with seeds seed, seed+1, ...
    seed: int = 0
    max_new_tokens: int | None = None  # None: config.sampling.max_new_tokens
    prompts_file: str | None = None  # EquiBench's official prompts.yaml (see load_official_prompts)
    prompt_mode: str = "ZERO_COT"  # which template of the official file
    categories: tuple[str, ...] = ()  # EquiBench: a subset of categories; empty: all
    limit: int = 0  # >0: the first `limit` items per category (smoke runs)
    name: str = ""  # the model's name in reports; empty: the adapter folder's name, or "base"

    def __post_init__(self):
        if self.benchmark not in BENCHMARKS:
            raise ValueError(f"unknown benchmark {self.benchmark!r}: one of {', '.join(BENCHMARKS)}")
        if self.repeats < 1:
            raise ValueError("repeats must be at least 1")
        if self.prompt_mode not in OFFICIAL_MODES:
            raise ValueError(f"prompt mode must be one of {', '.join(OFFICIAL_MODES)}")
        if self.prompts_file and self.benchmark != "equibench":
            raise ValueError("--prompts is EquiBench's official prompts file; other benchmarks use hsx's prompts")

    @property
    def seeds(self) -> list[int]:
        return [self.seed + k for k in range(self.repeats)]

    @property
    def model_label(self) -> str:
        return self.name or (Path(self.adapter).name if self.adapter else "base")


# ------------------------------------------------------------------------------------------------
# EquiBench's official prompts and answer protocol

@dataclass(frozen=True)
class OfficialPrompts:
    """EquiBench's prompts.yaml: `true_label`, `false_label` and, per category, the templates
    ZERO, ZERO_COT, FEW and FEW_COT (strings for `str.format`)."""
    path: str
    true_label: str
    false_label: str
    templates: dict[str, dict[str, str]]  # category -> mode -> template


def load_official_prompts(path: str | Path) -> OfficialPrompts:
    """Reads and checks EquiBench's prompts file (YAML; see the module docstring)."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise BenchmarkError(f"cannot read prompts file {path}: {e}") from None
    if not isinstance(data, dict):
        raise BenchmarkError(f"{path}: expected a mapping with true_label, false_label and one entry per category")
    for key in ("true_label", "false_label"):
        if isinstance(data.get(key), bool):  # YAML 1.1 reads an unquoted YES / NO as a boolean
            raise BenchmarkError(f"{path}: {key} must be a string; quote it (\"YES\", \"NO\"): unquoted, YAML "
                                 f"reads it as the boolean {data[key]}")
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise BenchmarkError(f"{path}: {key} must be a non-empty string (EquiBench's file has \"YES\" / \"NO\")")
    templates: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        if key in ("true_label", "false_label") or key in OFFICIAL_EXTRA_KEYS:
            continue
        if key not in EQUIBENCH_CATEGORIES:
            raise BenchmarkError(f"{path}: unknown key {key!r}: expected true_label, false_label or a category "
                                 f"({', '.join(EQUIBENCH_CATEGORIES)})")
        if not isinstance(value, dict):
            raise BenchmarkError(f"{path}: {key}: expected a mapping with {', '.join(OFFICIAL_MODES)}")
        unknown = sorted(set(value) - set(OFFICIAL_MODES))
        if unknown:
            raise BenchmarkError(f"{path}: {key}: unknown template(s) {', '.join(unknown)}; "
                                 f"known: {', '.join(OFFICIAL_MODES)}")
        for mode, template in value.items():
            if not isinstance(template, str):
                raise BenchmarkError(f"{path}: {key}.{mode}: a template is a string")
        templates[key] = dict(value)
    return OfficialPrompts(str(path), data["true_label"].strip(), data["false_label"].strip(), templates)


def format_official(official: OfficialPrompts, mode: str, pair: EquiPair) -> list[dict]:
    """The conversation EquiBench sends for `pair`: its template filled with `str.format`, with the
    fields EquiBench passes for the pair's category (its `Prompt.format`), as one user turn."""
    template = official.templates.get(pair.category, {}).get(mode)
    if template is None:
        raise BenchmarkError(f"{official.path}: no {mode} template for category {pair.category}")
    fields = {"true_label": official.true_label, "false_label": official.false_label,
              "program_1_code": pair.program_1, "program_2_code": pair.program_2}
    if pair.category == "STOKE":
        fields.update(def_in=pair.def_in, live_out=pair.live_out)
    elif pair.category.startswith("OJ_"):
        fields.update(problem_html=pair.problem_html)
    missing = [k for k, v in fields.items() if v is None]
    if missing:  # the loader requires these fields; this guards records built elsewhere
        raise BenchmarkError(f"pair {pair.category}/{pair.id}: no {', '.join(missing)} for its {mode} prompt")
    try:
        text = template.format(**fields)
    except KeyError as e:
        raise BenchmarkError(f"{official.path}: {pair.category}.{mode} uses the placeholder {{{e.args[0]}}}, which "
                             f"EquiBench does not fill for {pair.category} (it fills {', '.join(fields)}); "
                             f"write literal braces doubled: {{{{ }}}}") from None
    except (IndexError, ValueError) as e:
        raise BenchmarkError(f"{official.path}: {pair.category}.{mode} is not a str.format template ({e}); "
                             f"write literal braces doubled: {{{{ }}}}") from None
    return [{"role": "user", "content": text}]


_MARKDOWN_ONLY = re.compile(r"^[\s`*_#>\-=~|.:]*$")


def parse_official(text: str, true_label: str = "YES", false_label: str = "NO") -> bool | None:
    """EquiBench's answer protocol, without its LLM judge: the templates ask for the label "in the
    end", so the answer is the LAST of the two labels in the closing two sentences of the answer
    (after any reasoning block), as a whole word, in the file's capitals ("... so the answer is
    YES.", "**NO**", a fenced "YES").  A closing sentence that is just the label in other case
    ("Yes.") counts too.  Anything else is None (unparsed, hence wrong)."""
    answer = strip_think(text)
    pieces = [p.strip() for p in re.split(r"(?<=[.!?])\s+|\n+", answer)]
    sentences = [p for p in pieces if p and not _MARKDOWN_ONLY.match(p)]
    if not sentences:
        return None
    words = re.compile(rf"(?<![A-Za-z0-9_])({re.escape(true_label)}|{re.escape(false_label)})(?![A-Za-z0-9_])")
    found = words.findall(" ".join(sentences[-2:]))
    if found:
        return found[-1] == true_label
    bare = re.sub(r"[\s`*_#>.!:\"']", "", sentences[-1]).lower()
    if bare in (true_label.lower(), false_label.lower()):
        return bare == true_label.lower()
    return None


# ------------------------------------------------------------------------------------------------
# Items: records -> conversations

def load_items(spec: EvalSpec) -> list[EvalItem]:
    """The benchmark's records as prompted items, in file order."""
    official = load_official_prompts(spec.prompts_file) if spec.prompts_file else None
    items: list[EvalItem] = []
    if spec.benchmark == "equibench":
        for r in load_equibench(spec.data, spec.categories or None):
            if official is not None:
                items.append(EvalItem(r.id, r.category, r.label, format_official(official, spec.prompt_mode, r),
                                      labels=(official.true_label, official.false_label)))
            else:
                conv = prompts.equibench_judge(r.category, r.program_1, r.program_2, problem_html=r.problem_html,
                                               def_in=r.def_in, live_out=r.live_out)
                items.append(EvalItem(r.id, r.category, r.label, conv))
    elif spec.benchmark == "pysecdb":
        items = [EvalItem(r.id, "pysecdb", r.label, prompts.pysecdb_judge(r.content)) for r in load_pysecdb(spec.data)]
    elif spec.benchmark == "haskell-pairs":
        items = [EvalItem(r.id, "haskell-pairs", r.label, prompts.bob_judge(r.p, r.q))
                 for r in load_haskell_pairs(spec.data)]
    else:
        items = [EvalItem(t.id, "humaneval-hs", None, prompts.alice_complete(t.prompt), task=t)
                 for t in load_humaneval_hs(spec.data)]
    if spec.limit > 0:
        seen: dict[str, int] = {}
        limited = []
        for it in items:
            seen[it.category] = seen.get(it.category, 0) + 1
            if seen[it.category] <= spec.limit:
                limited.append(it)
        items = limited
    check_unique_ids([it.key for it in items], spec.benchmark)
    if not items:
        raise BenchmarkError(f"{spec.data}: no items")
    return items


# ------------------------------------------------------------------------------------------------
# HumanEval-hs: the model's completion, run against the benchmark's tests in the sandbox

@dataclass(frozen=True)
class ExecOutcome:
    status: str  # one of EXEC_STATUSES; anything unexpected is never "passed"
    detail: str = ""


def entry_name(task: CodeTask) -> str:
    """The function the task asks for: the paper's prompt ends with its type signature, MultiPL-E's
    with the head of its first equation (`f x y =`)."""
    if task.layout == "paper":
        names = re.findall(r"^([a-z_][A-Za-z0-9_']*)\s*::", task.prompt, re.MULTILINE)
        if not names:
            raise BenchmarkError(f"{task.id}: no type signature (`name :: type`) in the prompt")
        return names[-1]
    lines = [ln for ln in task.prompt.rstrip().splitlines() if ln.strip()]
    m = re.match(r"\s*([a-z_][A-Za-z0-9_']*)", lines[-1]) if lines else None
    if not m:
        raise BenchmarkError(f"{task.id}: cannot find the function name in the prompt's last line")
    return m.group(1)


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


def untrusted_check_completion(task: CodeTask, text: str, config: HsxConfig) -> ExecOutcome:
    """Runs the model's completion against the task's tests: policy check, compile, run, all in
    the sandbox.  `passed` only when the test program exits 0 within RUN_TIMEOUT."""
    code = candidate_code(task, text)
    if code is None:
        return ExecOutcome("no-code", "no completion found in the answer")
    return untrusted_check_program(task, code, config)


def untrusted_check_program(task: CodeTask, code: str, config: HsxConfig) -> ExecOutcome:
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
    limits = config.sandbox
    with sandbox.scratch_dir("hsx-eval-") as d:
        (d / "Candidate.hs").write_text(module)
        (d / "Main.hs").write_text(test_module(task, entry))
        compiled = sandbox.run(
            [config.toolchain.ghc, "-O0", "-v0", "-outputdir", "build", "-o", "prog",
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


# ------------------------------------------------------------------------------------------------
# Running

def _config_for(config: HsxConfig, spec: EvalSpec) -> HsxConfig:
    if spec.max_new_tokens is None:
        return config
    return dataclasses.replace(config, sampling=dataclasses.replace(config.sampling,
                                                                    max_new_tokens=spec.max_new_tokens))


def _score(items: list[EvalItem], generations, config: HsxConfig, *, seed: int | None, repeat: int, model: str,
           adapter: str | None) -> list[dict]:
    """One record per item: what was sent (the conversation, so the item can be audited and sent
    again as it was), what came back, how it was read and whether it is right."""
    texts = [g[0].text for g in generations]
    if items[0].task is not None:  # HumanEval-hs: execute, on all cores
        with ThreadPoolExecutor(max_workers=config.worker_count()) as pool:
            outcomes = list(pool.map(lambda a: untrusted_check_completion(a[0].task, a[1], config),
                                     zip(items, texts)))
    records = []
    for i, (item, gen) in enumerate(zip(items, generations)):
        g = gen[0]
        r = {"id": item.id, "category": item.category, "label": item.label, "conversation": item.conversation,
             "output": g.text, "protocol": item.protocol, "seed": seed, "repeat": repeat, "model": model,
             "adapter": adapter, "tokens": g.tokens, "truncated": g.truncated}
        if item.task is not None:
            r.update(answer=None, status=outcomes[i].status, detail=outcomes[i].detail,
                     correct=outcomes[i].status == "passed")
        else:
            answer = item.parse(g.text)
            r.update(answer=answer, correct=answer is not None and answer == item.label)
        records.append(r)
    return records


def _start_run(out_dir: Path, meta: dict) -> None:
    """Writes run.json, or checks that the one there describes the same evaluation (resume)."""
    run_json = out_dir / "run.json"
    if run_json.exists():
        old = read_json(run_json)
        # The same evaluation, perhaps with more repeats: the finished ones are kept.
        same = json.loads(json.dumps({**meta["spec"], "repeats": 0}))
        if ({**old["spec"], "repeats": 0}, old["model"], old.get("source", "generation")) != (
                same, meta["model"], meta["source"]):
            raise BenchmarkError(f"{out_dir} holds a different evaluation ({old['spec']}, model {old['model']}); "
                                 f"choose another --out")
    write_json(run_json, meta)


def run_eval(config: HsxConfig, spec: EvalSpec, out_dir: Path, *, model_path: str | None = None,
             generator=None, progress=None) -> dict:
    """Runs (or resumes) an evaluation and returns its summary (also written to summary.json).

    `model_path` defaults to the resolved `config.model.base`; `generator` (anything with the
    `hsx.models.generation.Generator` interface) replaces the model, for tests; `progress(message)` is
    told about each repeat.
    """
    out_dir = Path(out_dir)
    config = _config_for(config, spec)
    items = load_items(spec)
    if model_path is None:
        from hsx.models.tinymodel import resolve_base_model
        model_path = resolve_base_model(config.model, Path(config.selfplay.runs_dir) / ".models")
    meta = {"benchmark": spec.benchmark, "source": "generation", "spec": dataclasses.asdict(spec),
            "model": config.model.base, "model_label": spec.model_label, "seeds": spec.seeds, "items": len(items),
            "max_new_tokens": config.sampling.max_new_tokens, "config": to_dict(config)}
    _start_run(out_dir, meta)
    todo = [k for k in range(spec.repeats) if not (out_dir / f"predictions_r{k}.jsonl").exists()]
    timings = read_json(out_dir / "timings.json") if (out_dir / "timings.json").exists() else {}
    if todo:
        own = generator is None
        if own:
            from hsx.models.generation import make_generator
            generator = make_generator(config, model_path, {ADAPTER_NAME: spec.adapter} if spec.adapter else None)
        try:
            for k in todo:
                seed = spec.seeds[k]
                if progress:
                    progress(f"repeat {k + 1}/{spec.repeats} (seed {seed}): {len(items)} prompts")
                started = time.perf_counter()
                generations = generator.generate([it.conversation for it in items], n=1,
                                                 adapter=ADAPTER_NAME if spec.adapter else None, seed=seed)
                generated = time.perf_counter() - started
                records = _score(items, generations, config, seed=seed, repeat=k, model=config.model.base,
                                 adapter=spec.adapter)
                timings[str(k)] = {"generate_s": generated, "score_s": time.perf_counter() - started - generated,
                                   "items_per_s": len(items) / generated if generated else None}
                write_jsonl(out_dir / f"predictions_r{k}.jsonl", records)
                write_json(out_dir / "timings.json", timings)
        finally:
            if own:
                with closing(generator):
                    pass
    summary = summarize(out_dir)
    write_json(out_dir / "summary.json", summary)
    return summary


def read_outputs(path: Path, items: list[EvalItem]) -> dict[int, dict[str, dict]]:
    """Outputs produced elsewhere: a JSONL file of {"id", "output"} objects, optionally with
    "category" (needed where ids repeat across categories, as EquiBench's pair ids do; an id may
    also be written "CATEGORY/ID"), "repeat" (default 0), "seed", "tokens" and "truncated".
    Returns repeat -> item key -> row; every item must have an output in every repeat."""
    by_key = {it.key: it for it in items}
    by_id: dict[str, list[str]] = {}
    for it in items:
        by_id.setdefault(it.id, []).append(it.key)
    out: dict[int, dict[str, dict]] = {}
    for i, row in enumerate(read_records(path), 1):
        where = f"{path}:{i}"
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("output"), str):
            raise BenchmarkError(f"{where}: expected an object with \"id\" and \"output\" (a string)")
        rid = str(row["id"])
        if "category" in row:
            key = f"{row['category']}/{rid}"
        elif rid in by_key:
            key = rid
        elif len(by_id.get(rid, ())) == 1:
            key = by_id[rid][0]
        elif rid in by_id:
            raise BenchmarkError(f"{where}: id {rid!r} is in several categories ({', '.join(by_id[rid])}); "
                                 f"add \"category\"")
        else:
            key = rid
        if key not in by_key:
            raise BenchmarkError(f"{where}: no item {key!r} in the benchmark")
        repeat = row.get("repeat", 0)
        if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 0:
            raise BenchmarkError(f"{where}: \"repeat\" must be 0, 1, ...; got {repeat!r}")
        if key in out.setdefault(repeat, {}):
            raise BenchmarkError(f"{where}: a second output for {key!r} in repeat {repeat}")
        out[repeat][key] = row
    if not out:
        raise BenchmarkError(f"{path}: no outputs")
    if sorted(out) != list(range(len(out))):
        raise BenchmarkError(f"{path}: repeats must be numbered 0, 1, ...; found {sorted(out)}")
    for repeat, rows in out.items():
        missing = [k for k in by_key if k not in rows]
        if missing:
            raise BenchmarkError(f"{path}: repeat {repeat} has no output for {len(missing)} of {len(by_key)} items "
                                 f"(first: {', '.join(missing[:5])})")
    return out


def score_outputs(config: HsxConfig, spec: EvalSpec, outputs: Path, out_dir: Path, *, model: str) -> dict:
    """Scores raw outputs produced elsewhere (an API model, another harness) exactly as `run_eval`
    scores its own generations, into a run directory that `compare_runs` and `write_eval_report`
    read like any other; returns the summary.  `model` names the model in the reports."""
    from hsx.models.generation import Generation

    out_dir = Path(out_dir)
    items = load_items(spec)
    rows = read_outputs(Path(outputs), items)
    seeds = [next((r.get("seed") for r in rows[k].values() if r.get("seed") is not None), None) for k in sorted(rows)]
    meta = {"benchmark": spec.benchmark, "source": "outputs", "outputs": str(outputs),
            "spec": dataclasses.asdict(dataclasses.replace(spec, repeats=len(rows))), "model": model,
            "model_label": model, "seeds": seeds, "items": len(items), "max_new_tokens": None,
            "config": to_dict(config)}
    _start_run(out_dir, meta)
    for k in sorted(rows):
        generations = [[Generation(rows[k][it.key]["output"], rows[k][it.key].get("tokens"),
                                   bool(rows[k][it.key].get("truncated", False)))] for it in items]
        records = _score(items, generations, config, seed=seeds[k], repeat=k, model=model, adapter=None)
        write_jsonl(out_dir / f"predictions_r{k}.jsonl", records)
    summary = summarize(out_dir)
    write_json(out_dir / "summary.json", summary)
    return summary


# ------------------------------------------------------------------------------------------------
# Scoring

def load_predictions(run_dir: Path) -> list[list[dict]]:
    """Predictions of each repeat, in repeat order."""
    run_dir = Path(run_dir)
    files = sorted(run_dir.glob("predictions_r*.jsonl"), key=lambda p: int(p.stem.split("_r")[1]))
    if not files:
        raise FileNotFoundError(f"no predictions_r*.jsonl in {run_dir}: not an `hsx eval run` directory")
    return [read_jsonl(f) for f in files]


def _by_item(repeats: list[list[dict]]) -> dict[str, list[dict]]:
    """(category/id) -> that item's records across repeats."""
    out: dict[str, list[dict]] = {}
    for records in repeats:
        for r in records:
            out.setdefault(f"{r['category']}/{r['id']}", []).append(r)
    return out


def _category_metrics(records_by_item: dict[str, list[dict]], generation: bool, seed: int) -> dict:
    scores = [mean([1.0 if r["correct"] else 0.0 for r in rs]) for rs in records_by_item.values()]
    flat = [r for rs in records_by_item.values() for r in rs]
    repeats = sorted({r["repeat"] for r in flat})
    per_repeat = [mean([1.0 if r["correct"] else 0.0 for r in flat if r["repeat"] == k]) for k in repeats]
    lo, hi = bootstrap_mean_ci(scores, samples=BOOTSTRAP_SAMPLES, seed=seed)
    m = {"items": len(scores), "score": mean(scores), "ci": [lo, hi], "score_per_repeat": per_repeat,
         "truncated": sum(1 for r in flat if r["truncated"]), "answers": len(flat)}
    if generation:
        m["outcomes"] = {s: sum(1 for r in flat if r["status"] == s) for s in EXEC_STATUSES}
    else:
        m.update(binary_metrics([r["label"] for r in flat], [r["answer"] for r in flat]))
        del m["n"]
        m["accuracy"] = m["score"]
    return m


def summarize(run_dir: Path, *, seed: int = 0) -> dict:
    """Metrics of a run directory, per category and overall (see the module docstring)."""
    run_dir = Path(run_dir)
    meta = read_json(run_dir / "run.json")
    repeats = load_predictions(run_dir)
    by_item = _by_item(repeats)
    generation = meta["benchmark"] == "humaneval-hs"
    categories = sorted({k.split("/", 1)[0] for k in by_item},
                        key=lambda c: (EQUIBENCH_CATEGORIES.index(c) if c in EQUIBENCH_CATEGORIES else 99, c))
    per_cat = {c: {k: v for k, v in by_item.items() if k.split("/", 1)[0] == c} for c in categories}
    cats = {c: _category_metrics(per_cat[c], generation, seed) for c in categories}
    groups = [[mean([1.0 if r["correct"] else 0.0 for r in rs]) for rs in per_cat[c].values()] for c in categories]
    lo, hi = stratified_bootstrap_ci(groups, samples=BOOTSTRAP_SAMPLES, seed=seed)
    overall = {"items": len(by_item), "score": mean([cats[c]["score"] for c in categories]), "ci": [lo, hi],
               "truncated": sum(cats[c]["truncated"] for c in categories),
               "answers": sum(cats[c]["answers"] for c in categories)}
    flat = [r for rs in by_item.values() for r in rs]
    if generation:
        overall["outcomes"] = {s: sum(1 for r in flat if r["status"] == s) for s in EXEC_STATUSES}
    else:
        pooled = binary_metrics([r["label"] for r in flat], [r["answer"] for r in flat])
        overall.update({k: pooled[k] for k in ("precision", "recall", "f1", "parse_rate", "parsed_accuracy",
                                               "confusion")})
        overall["accuracy"] = overall["score"]
    summary = {"benchmark": meta["benchmark"], "model": meta["model"], "model_label": meta["model_label"],
               "metric": "pass@1" if generation else "accuracy", "repeats": len(repeats), "seeds": meta["seeds"],
               "max_new_tokens": meta["max_new_tokens"], "categories": cats, "overall": overall}
    if meta["benchmark"] == "pysecdb":
        labels = [rs[0]["label"] for rs in by_item.values()]
        summary["baseline"] = majority_baseline(labels)
    timings = run_dir / "timings.json"
    if timings.exists():
        t = read_json(timings)
        rates = [v["items_per_s"] for v in t.values() if v.get("items_per_s")]
        summary["items_per_s"] = mean(rates) if rates else None
    return summary


# ------------------------------------------------------------------------------------------------
# Comparing two runs

def compare_runs(run_a: Path, run_b: Path, *, seed: int = 0) -> dict:
    """Paired per-item comparison of run B against run A, per category and overall.

    Items are matched by (category, id); only items in both runs count.  For each pair of
    repeats k (A's k-th against B's k-th, same seed when both used the defaults) the exact
    McNemar test on the discordant items; over items, a paired bootstrap of the difference of
    the per-item mean correctness (B - A), stratified by category for the overall difference.
    """
    meta_a, meta_b = read_json(Path(run_a) / "run.json"), read_json(Path(run_b) / "run.json")
    if meta_a["benchmark"] != meta_b["benchmark"]:
        raise BenchmarkError(f"the runs evaluate different benchmarks: {meta_a['benchmark']} and "
                             f"{meta_b['benchmark']}")
    a, b = _by_item(load_predictions(run_a)), _by_item(load_predictions(run_b))
    keys = [k for k in a if k in b]
    if not keys:
        raise BenchmarkError("the runs share no items")
    pairs = min(min(len(a[k]) for k in keys), min(len(b[k]) for k in keys))
    categories = sorted({k.split("/", 1)[0] for k in keys},
                        key=lambda c: (EQUIBENCH_CATEGORIES.index(c) if c in EQUIBENCH_CATEGORIES else 99, c))

    def block(ks: list[str], stratified: bool) -> dict:
        sa = [mean([1.0 if r["correct"] else 0.0 for r in a[k]]) for k in ks]
        sb = [mean([1.0 if r["correct"] else 0.0 for r in b[k]]) for k in ks]
        mcnemar = []
        for rep in range(pairs):
            only_a, only_b = discordant([a[k][rep]["correct"] for k in ks], [b[k][rep]["correct"] for k in ks])
            mcnemar.append({"repeat": rep, "only_a": only_a, "only_b": only_b, "p": mcnemar_exact(only_a, only_b)})
        boot = paired_bootstrap_diff(sa, sb, samples=BOOTSTRAP_SAMPLES, seed=seed)
        out = {"items": len(ks), "score_a": mean(sa), "score_b": mean(sb), "diff": boot["diff"],
               "ci": list(boot["ci"]), "p_not_better": boot["p_not_better"], "mcnemar": mcnemar}
        if stratified:
            groups = [[sb[i] - sa[i] for i, k in enumerate(ks) if k.split("/", 1)[0] == c] for c in categories]
            cat_a = [mean([sa[i] for i, k in enumerate(ks) if k.split("/", 1)[0] == c]) for c in categories]
            cat_b = [mean([sb[i] for i, k in enumerate(ks) if k.split("/", 1)[0] == c]) for c in categories]
            out.update(score_a=mean(cat_a), score_b=mean(cat_b), diff=mean(cat_b) - mean(cat_a),
                       ci=list(stratified_bootstrap_ci(groups, samples=BOOTSTRAP_SAMPLES, seed=seed)))
            out.pop("p_not_better")
        return out

    return {"benchmark": meta_a["benchmark"], "a": {"dir": str(run_a), "label": meta_a["model_label"]},
            "b": {"dir": str(run_b), "label": meta_b["model_label"]}, "repeat_pairs": pairs,
            "only_in_a": len(a) - len(keys), "only_in_b": len(b) - len(keys),
            "categories": {c: block([k for k in keys if k.split("/", 1)[0] == c], False) for c in categories},
            "overall": block(keys, True)}


# ------------------------------------------------------------------------------------------------
# Report

def _pct(x) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f}"


def report_table(summaries: list[dict]) -> str:
    """A markdown table: one row per run and category (overall last)."""
    rows = ["| benchmark | model | category | items | score (%) | 95% CI | parse rate (%) | "
            "parsed-only acc. (%) | F1 | truncated | repeats |",
            "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|"]
    for s in summaries:
        for cat, m in [*s["categories"].items(), ("overall", s["overall"])]:
            f1 = f"{m['f1']:.3f}" if "f1" in m else "–"
            rows.append(f"| {s['benchmark']} | {s['model_label']} | {cat} | {m['items']} | {_pct(m['score'])} | "
                        f"{_pct(m['ci'][0])}–{_pct(m['ci'][1])} | {_pct(m.get('parse_rate'))} | "
                        f"{_pct(m.get('parsed_accuracy'))} | {f1} | {m['truncated']}/{m['answers']} | "
                        f"{s['repeats']} |")
    notes = []
    for s in summaries:
        if "baseline" in s:
            b = s["baseline"]
            notes.append(f"- {s['benchmark']} ({s['model_label']}): majority-class baseline "
                         f"(always {'YES' if b['majority'] else 'NO'}): accuracy {_pct(b['accuracy'])}%, "
                         f"F1 {b['f1']:.3f}; model accuracy {_pct(s['overall']['score'])}%, "
                         f"F1 {s['overall']['f1']:.3f}.")
    notes.append("- Unparsed answers count as wrong in the score; overall = mean of the category scores; "
                 "intervals are seeded percentile bootstraps over items.")
    return "\n".join(rows) + "\n\n" + "\n".join(notes) + "\n"


def write_eval_report(run_dirs: list[Path], out_dir: Path) -> list[Path]:
    """One PNG bar chart per benchmark (a bar per run and category, 95% intervals) and
    `report.md`; returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hsx.runs import write_atomic

    summaries = []
    for d in run_dirs:
        f = Path(d) / "summary.json"
        summaries.append(read_json(f) if f.exists() else summarize(Path(d)))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for bench in sorted({s["benchmark"] for s in summaries}):
        group = [s for s in summaries if s["benchmark"] == bench]
        cats = list(dict.fromkeys(c for s in group for c in s["categories"])) + ["overall"]
        fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(cats) * max(1, len(group)) / 2 + 2), 3.8))
        width = 0.8 / len(group)
        for i, s in enumerate(group):
            ms = [s["categories"].get(c) if c != "overall" else s["overall"] for c in cats]
            ys = [m["score"] if m else 0.0 for m in ms]
            err = [[max(0.0, y - m["ci"][0]) if m else 0 for y, m in zip(ys, ms)],
                   [max(0.0, m["ci"][1] - y) if m else 0 for y, m in zip(ys, ms)]]
            ax.bar([x + i * width for x in range(len(cats))], ys, width, yerr=err, capsize=3,
                   label=f"{s['model_label']} (×{s['repeats']})")
        if bench == "pysecdb" and "baseline" in group[0]:
            ax.axhline(group[0]["baseline"]["accuracy"], color="grey", linestyle="--", label="majority class")
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(cats))], cats)
        ax.set(ylim=(0, 1), ylabel=group[0]["metric"], title=f"{bench}: {group[0]['metric']} with 95% intervals")
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = out_dir / f"{bench}.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        written.append(path)
    md = out_dir / "report.md"
    write_atomic(md, "# hsx eval report\n\n" + report_table(summaries))
    written.append(md)
    return written


__all__ = ["EvalItem", "EvalSpec", "ExecOutcome", "OfficialPrompts", "PAPER_IMPORTS", "candidate_code",
           "compare_runs", "format_official", "load_items", "load_official_prompts", "load_predictions",
           "parse_official", "read_outputs", "report_table", "run_eval", "score_outputs", "summarize",
           "untrusted_check_completion", "untrusted_check_program", "write_eval_report"]
