"""Many proof candidates in one Liquid Haskell run, and lemma discovery when induction is stuck.

Consumes an `LhModule` and a `prover.Checker` (Liquid Haskell and its settings); produces which
candidates Liquid Haskell accepts (`check_batch`) and a `lemmas.Library` of discovered lemmas,
each proved (`discover`).  Why batches: one run of the prover costs seconds of start-up and GHC
work whatever the proof, while Liquid Haskell checks every top-level binder on its own and reports
each failing one with its location; so dozens of candidate proofs (each under its own names)
go into one module, and those with no error at their lines are accepted.  A run that fails in a
way that cannot be attributed (a specification or compile error, a timeout) is split in halves.

Lemma discovery (HipSpec's loop, on Liquid Haskell): conjecture equations over the functions the
theorem reaches (hsx/proof/discovery.py, tested by evaluation), then prove them in rounds: each
round tries every open conjecture with every induction scheme of hsx/proof/induction.py, using the
lemmas of the earlier rounds as rewrite rules.  A conjecture is never a rewrite rule while it is
being proved, so no proof depends on itself through another (the rounds are a stratification).
Proved lemmas are cached per process, keyed by the text of the definitions they mention, and
reused by later pairs.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from hsx.proof import dataflow, discovery
from hsx.proof.induction import Goal, deep_sites, following, generalised, nested, structural
from hsx.proof.instances import with_lemma_calls
from hsx.proof.lemmas import Library
from hsx.proof.lhmodule import THEOREM, LhModule
from hsx.proof.prover import Checker

MAX_BATCH = 24  # candidates per prover run
ROUNDS = 4
POOL = 2  # conjectures considered: POOL times the number tried in one round


@dataclass(frozen=True)
class Block:
    key: str  # which candidate
    text: str  # its proof text (its own names)


@dataclass
class BatchResult:
    proved: set[str]
    runs: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def add(self, proved: set[str], seconds: float) -> None:
        with self.lock:  # runs of one batch finish on several threads
            self.proved |= proved
            self.runs += 1
            self.seconds += seconds


def concurrently(checker: Checker, calls: list) -> None:
    """The calls, on up to `checker.parallel` threads in the order given (every Liquid Haskell
    run also waits for a free slot of the checker, so nested calls stay within the bound)."""
    if checker.parallel <= 1 or len(calls) <= 1:
        for call in calls:
            call()
        return
    with ThreadPoolExecutor(max_workers=min(len(calls), checker.parallel)) as pool:
        for f in [pool.submit(call) for call in calls]:
            f.result()


# A Liquid Haskell run given less time than this is not started: loading the module alone takes
# a few seconds, so it could only time out.
MIN_RUN_SECONDS = 5.0


def check_batch(lh: LhModule, checker: Checker, prefix: str, blocks: list[Block], *, timeout: float,
                result: BatchResult | None = None, size: int = MAX_BATCH) -> BatchResult:
    """Which blocks Liquid Haskell accepts, each checked beside `prefix` (proved lemmas), `size`
    blocks per run, all within `timeout` seconds: every run, the splitting of a failed batch
    included, gets only what is left of it."""
    result = result or BatchResult(set())
    deadline = time.monotonic() + timeout
    if checker.parallel > 1:
        # Smaller runs side by side: one run's time grows with its candidates.
        size = min(size, max(1, -(-len(blocks) // checker.parallel)))
    concurrently(checker, [lambda i=i: _check(lh, checker, prefix, blocks[i:i + size], deadline, result)
                           for i in range(0, len(blocks), size)])
    return result


def _check(lh, checker: Checker, prefix, blocks, deadline, result, split: bool = True) -> None:
    remaining = deadline - time.monotonic()
    if not blocks or remaining <= MIN_RUN_SECONDS:
        return
    head = prefix.rstrip() + "\n" if prefix.strip() else ""
    spans: list[tuple[int, int, str]] = []
    text = head
    line = head.count("\n") + 1
    # The theorem's signature is in the module and needs a binding; the batch's own candidates
    # are other binders, so `equiv` gets the empty proof, and Liquid Haskell is told to skip it:
    # then a module that passes means every candidate in it passes.  (A batch only chooses what
    # to check alone: nothing is accepted from a batch, so this `ignore`, which the proof policy
    # refuses in any proof text, never reaches a proof hsx reports.)
    stub = f"{{-@ ignore {THEOREM} @-}}\n{THEOREM} {' '.join(lh.params)} = ()"
    for b in blocks + [Block("\0stub", stub)]:
        n = b.text.rstrip().count("\n") + 1
        spans.append((line, line + n - 1, b.key))
        text += b.text.rstrip() + "\n"
        line += n
    t0 = time.monotonic()
    out = checker.run(lh.with_proof(text), line_map=lh.line_map(text), seconds=remaining)
    seconds = time.monotonic() - t0
    bad_lines = [ln for f, ln in out.locations if f == "PROOF.hs"]
    # A candidate GHC rejects (a rewrite rule it cannot use, say), or whose specification does
    # not parse, is named by its lines too; but then Liquid Haskell checked nothing, so the
    # others are checked again without it rather than taken as proved.
    before_checking = ("compile-error", "spec-error")
    judged = ("proof-failed", "termination", *before_checking)
    attributable = out.status in judged and out.locations and \
        len(bad_lines) == len(out.locations) and all(ln >= spans[0][0] for ln in bad_lines)
    failed = {k for a, z, k in spans for ln in bad_lines if a <= ln <= z} if attributable else set()
    rest = [b for b in blocks if b.key not in failed]
    checked = out.proved or (attributable and out.status not in before_checking)
    result.add({b.key for b in rest} if checked else set(), seconds)  # one entry per run
    if checked:
        return
    if bad_lines and out.status in judged and min(bad_lines) < spans[0][0]:
        return  # the shared lemmas themselves fail: no candidate can be accepted beside them
    if attributable:  # before checking: the others again, without the named ones
        if len(rest) < len(blocks):
            _check(lh, checker, prefix, rest, deadline, result, split)
        return
    if split and len(blocks) > 1 and out.status != "timeout":
        half = len(blocks) // 2
        concurrently(checker, [lambda: _check(lh, checker, prefix, blocks[:half], deadline, result),
                               lambda: _check(lh, checker, prefix, blocks[half:], deadline, result)])


# ------------------------------------------------------------------------------------------------
# Lemma discovery

# Lemmas proved in this process: key (definitions they mention, statement) -> lemma text
_PROVED: dict[str, str] = {}


def _key(lh: LhModule, c: discovery.Conjecture) -> str:
    fs = sorted(c.functions)
    defs = "\n".join(d.text for f in fs for d in lh.functions[f].equations)
    # B's copies differ from A's by `_b` only in the module: the key uses the module's names.
    return hashlib.sha256(f"{defs}\n{fs}\n{c.text()}".encode()).hexdigest()


def _goal(lh: LhModule, c: discovery.Conjecture, name: str) -> Goal:
    return Goal(name, tuple(c.variables), tuple(c.var_types[v] for v in c.variables), c.statement())


def lemma_proofs(lh: LhModule, c: discovery.Conjecture, name: str) -> list[str]:
    """Candidate proofs of a conjecture under `name`: the empty proof, induction on each
    variable, nested on two, and following each function applied to its variables."""
    g = _goal(lh, c, name)
    out = [ "\n".join(g.signature("") + [f"{g.call({})} = ()"]) ]
    n = len(g.names)
    for k in range(n):
        out.append(structural(lh, g, k))
    for k in range(n):
        out.append(generalised(lh, g, k))
    sites = discovery.call_positions(c, g.names)
    for f, pos in sites + [d for d in deep_sites(lh, g) if d not in sites]:
        out.append(following(lh, g, f, pos))
    for j in range(n):
        for k in range(j + 1, n):
            out.append(nested(lh, g, j, k))
    return list(dict.fromkeys(p for p in out if p))


# The conjectures of the last modules explored: the search's rounds ask again for the same module.
_CONJECTURES: dict[str, list[discovery.Conjecture]] = {}


def _conjectures(lh: LhModule) -> list[discovery.Conjecture]:
    key = hashlib.sha256(lh.text.encode()).hexdigest()
    if key not in _CONJECTURES:
        if len(_CONJECTURES) > 16:
            _CONJECTURES.clear()
        _CONJECTURES[key] = discovery.conjectures(lh)
    return _CONJECTURES[key]


def _rename(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w']){re.escape(old)}(?![\w'])", new, text)


@dataclass
class Discovery:
    """One pair's lemma discovery, carried from one call of `discover` to the next: the proof
    search alternates rounds of lemmas with attempts at the theorem."""
    proved: list[tuple[str, str]] = field(default_factory=list)  # (name, text) in the order proved
    pending: list[tuple[int, discovery.Conjecture]] | None = None  # open conjectures, in order
    reusable: dict[int, str] = field(default_factory=dict)  # conjecture -> proof cached by another pair


def discover(lh: LhModule, checker: Checker, deadline: float, *, limit: int = 12, library: int | None = None,
             base_prefix: str = "", log: list | None = None, rounds: int = ROUNDS,
             state: Discovery | None = None) -> Library | None:
    """Proved lemmas about the functions the theorem reaches (see the docstring), at most
    `library` (default: `limit`) of them, or None.  `rounds` more rounds, `limit` conjectures
    at a time, continuing `state` when given."""
    library = limit if library is None else library
    state = state if state is not None else Discovery()
    if state.pending is None:
        fs = discovery.reachable(lh, [lh.entry_a, lh.entry_b]) - {lh.entry_a, lh.entry_b}
        try:
            direct = discovery.reachable(lh, [lh.entry_a, lh.entry_b], depth=1)
            found = discovery.relevant(_conjectures(lh), fs, POOL * limit, direct, dataflow.feeds(lh)) if fs else []
        except RecursionError:  # values too deep to compare (a fast-growing function): no exploration
            found = []
        state.pending = list(enumerate(found))
        # Lemmas proved for an earlier pair: a conjecture whose proof is cached takes its place
        # in the window like any other and is only checked again there (below), so that what a
        # pair proves does not depend on the pairs before it, only how fast.  (Reusing every
        # cached lemma at once filled the library with lemmas the pair's own rounds never
        # reached, and the theorem's runs slowed down beside them.)
        state.reusable = {i: _rename(text, "hsxLemmaX", f"hsxLemma{i}") for i, c in state.pending
                          if (text := _PROVED.get(_key(lh, c))) is not None}
    proved = state.proved
    for _ in range(rounds):
        # A window of `limit` open conjectures, smallest first: a proved one makes room for the
        # next, so that the lemmas a bigger conjecture needs (associativity before
        # `sumN (appN xs ys)`) are tried before it, and it is tried too.  The library holds
        # `library` lemmas at most: every candidate proof of the theorem carries the library and
        # checks it again, and with twenty lemmas one run takes Liquid Haskell most of the budget.
        window = state.pending[:limit] if len(proved) < library else []
        if not window or time.monotonic() > deadline - 10:
            break
        done: set[int] = set()
        reused = [i for i, _ in window if i in state.reusable]
        if reused:
            # A reused proof may have leant on rewrite rules of the pair it was proved in: checked
            # again here, beside the lemmas so far, and kept only if it still goes through.
            prefix = (base_prefix + "\n" + _library_text(proved)).strip()
            kept = together(lh, checker, prefix, [Block(str(i), state.reusable[i]) for i in reused], deadline)
            for i in reused:
                if str(i) in kept:
                    done.add(i)
                    if len(proved) < library:  # the library's bound holds for reused lemmas too
                        proved.append((f"hsxLemma{i}", state.reusable[i]))
                del state.reusable[i]  # kept, or proved again now as a conjecture
        open_ = [(i, c) for i, c in window if i not in done]
        if open_ and len(proved) < library:
            done |= _prove_round(lh, checker, deadline, open_, proved, base_prefix, log, library)
        if not done:
            break
        state.pending = [(i, c) for i, c in state.pending if i not in done]
    if not proved:
        return None
    return Library(_library_text(proved), f"{len(proved)} discovered")


def _prove_round(lh, checker: Checker, deadline: float, open_: list, proved: list, base_prefix: str,
                 log: list | None, library: int) -> set[int]:
    """One round: every candidate proof of every open conjecture in batches, beside the lemmas
    proved so far; the first accepted proof of each goes into `proved`.  Returns which did."""
    known = _library_text(proved)
    prefix = (base_prefix + "\n" + known).strip()
    blocks = []
    for i, c in open_:
        proofs = lemma_proofs(lh, c, f"hsxLemma{i}xJ")
        if known:
            # Also with the lemmas proved so far called at each equation's variables: a
            # step such as `plusAcc n (S m)` needs `plus n (S m) == S (plus n m)` at n, m,
            # where no rewrite of the goal's terms reaches it.
            proofs += [q for q in (with_lemma_calls(p, known, lh) for p in proofs) if q not in proofs]
        for j, p in enumerate(proofs):
            # Checked as the rewrite rule it will be: Liquid Haskell treats the proof of a
            # rewrite lemma differently (a lemma proved as a plain one failed as a rule).
            name = f"hsxLemma{i}x{j}"
            rule = f"{{-@ rewrite {name} @-}}\n" if c.premise is None else ""  # an implication is only called
            blocks.append(Block(f"{i}:{j}", rule + _rename(p, f"hsxLemma{i}xJ", name)))
    res = check_batch(lh, checker, prefix, blocks, timeout=deadline - time.monotonic())
    if log is not None:
        log.append((len(blocks), len(res.proved), res.runs, round(res.seconds, 1)))
    first = {}  # conjecture -> the first of its proofs the batch accepted
    for i, _ in open_:
        wins = sorted((int(k.split(":")[1]) for k in res.proved if k.split(":")[0] == str(i)))
        if wins:
            first[i] = wins[0]
    kept = together(lh, checker, prefix, [b for b in blocks if b.key in
                                          {f"{i}:{j}" for i, j in first.items()}], deadline)
    done = set()
    for i, c in open_:
        if i not in first or f"{i}:{first[i]}" not in kept:
            continue
        j = first[i]
        text = next(b.text for b in blocks if b.key == f"{i}:{j}")
        text = _rename(text, f"hsxLemma{i}x{j}", f"hsxLemma{i}")
        cached = _rename(text, f"hsxLemma{i}", "hsxLemmaX")
        if not re.search(r"hsxLemma\d", cached):
            # A proof that calls another discovered lemma is not reused: in another pair
            # that name is another lemma, or none.
            _PROVED[_key(lh, c)] = cached
        done.add(i)
        if len(proved) < library:  # the library's bound; the rest stay cached for later pairs
            proved.append((f"hsxLemma{i}", text))
    return done


def together(lh: LhModule, checker: Checker, prefix: str, blocks: list[Block], deadline: float) -> set[str]:
    """The blocks that Liquid Haskell accepts all in one module: a batch can let a failing block
    through (it does not always report every failing binder), and one false lemma in a library
    makes every proof that uses the library fail.  Blocks named in errors are dropped and the
    rest checked again; when the errors name none of them, nothing is kept."""
    keys = {b.key for b in blocks}
    for _ in range(3):
        remaining = deadline - time.monotonic()
        if not keys or remaining <= MIN_RUN_SECONDS:
            return set()
        kept = [b for b in blocks if b.key in keys]
        res = BatchResult(set())
        _check(lh, checker, prefix, kept, deadline, res, split=False)
        if res.runs and res.proved == keys:
            return keys
        if not res.proved:
            return set()
        keys = res.proved
    return set()


def _library_text(proved: list[tuple[str, str]]) -> str:
    return "\n".join(text for _, text in proved)
