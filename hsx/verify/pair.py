"""A pair of programs on its way through `hsx verify`: the request, and the pair once prepared.

Consumes nothing; holds `PairRequest` (what a caller asks: two sources, optional inputs, entries
and proof), `ProgramRun` (one program run on given inputs) and `PreparedPair` (a request that
passed the policy and compiled: its modules, entries, GHC's types and the common signature),
which hsx.verify.pipeline builds and its verdict rules read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from hsx.haskell import harness, hints, testable
from hsx.haskell.helper import Helper
from hsx.haskell.source import HaskellSource
from hsx.proof import stage
from hsx.proof.lhmodule import LhModule
from hsx.verdict import Entry, Outcome
from hsx.verify.entries import display_type, named_functions


@dataclass(frozen=True)
class PairRequest:
    a_source: str
    b_source: str
    a_path: str = "A.hs"  # labels for messages
    b_path: str = "B.hs"
    inputs: tuple[str, ...] | None = None  # one Haskell expression per argument: check only these
    entry_a: str | None = None
    entry_b: str | None = None
    id: str | None = None
    proof: str | None = None  # PROOF.hs text: equations of `equiv`, lemmas, helpers

    def content_id(self) -> str:
        h = hashlib.sha256()
        for part in (self.a_source, self.b_source, repr(self.inputs), self.entry_a or "", self.entry_b or "",
                     self.proof or ""):
            h.update(part.encode("utf-8", "surrogatepass"))  # a bad text still gets an id (and an error)
            h.update(b"\0")
        return h.hexdigest()[:16]

    @staticmethod
    def single(source: str, path: str, entry: str | None) -> "PairRequest":
        """One program as a pair with itself: the machinery for running programs, not comparing."""
        return PairRequest(source, source, a_path=path, b_path=path, entry_a=entry, entry_b=entry)


@dataclass(frozen=True)
class ProgramRun:
    """One program run on given inputs (pool validation, sample outputs): not a comparison."""
    entry: Entry
    tested_type: str
    arity: int
    outputs: tuple[Outcome, ...]  # one per input row, in order


@dataclass
class PreparedPair:
    """A pair ready for the helper: checked, compiled, entries and common signature known."""
    req: PairRequest
    a: HaskellSource
    b: HaskellSource
    helper: Helper
    jobdir: Path
    mods: harness.PairModules
    entry_a: str
    entry_b: str
    entries: dict[str, Entry]
    types: dict[str, str]  # GHC's type of every named function, by qualified name
    sig: testable.Signature
    needed: list[str]  # shared data types that need generated instances
    # Numbers each harness written for this pair.  The helper keeps a loaded module whose file
    # it has seen before (GHC's recompilation check, by modification time), so a harness that
    # differs from the last one must never reuse its file name: a coarse file-system clock could
    # make the new text look unchanged.
    runs: Iterator[int] = dataclasses.field(default_factory=itertools.count)

    @property
    def tested(self) -> str:
        return self.sig.render()

    @property
    def note(self) -> str:
        return "".join(f"; type variable {v} tested at {t}" for v, t in self.sig.instantiated)

    @property
    def common(self) -> dict:
        """The fields every Result about this pair carries."""
        return dict(self.entries, tested_type=self.tested)

    def write_harness(self, inputs: list[tuple[str, ...]] | None) -> tuple[list[str], str]:
        """Writes the inputs module (if any) and the next harness into the job directory;
        returns the files to load and the job's name."""
        files = self.mods.program_files()
        run = next(self.runs)
        if inputs is not None:
            name, text = harness.inputs_module(self.mods, run, self.sig, inputs)
            (self.jobdir / name).write_text(text)
            files.append(name)
        name, text = harness.harness_module(self.mods, run, self.entry_a, self.entry_b, self.sig, self.needed,
                                            inputs is not None, hints.mine_constants(self.a, self.b))
        (self.jobdir / name).write_text(text)
        return [*files, name], f"{name[:-3]}.job"

    def lh_module(self) -> LhModule:
        def shown(src: HaskellSource, module: str) -> dict[str, str]:
            return {n: display_type(self.types[f"{module}.{n}"], self.mods) for n in named_functions(src)
                    if f"{module}.{n}" in self.types}
        return stage.assemble(self.a, self.b, self.entry_a, self.entry_b, shown(self.a, self.mods.a_module),
                              shown(self.b, self.mods.b_module), set(self.mods.shared_names),
                              label(self.req.a_path), label(self.req.b_path))


def label(path: str) -> str:
    """A file's name as the modules' LINE pragmas show it."""
    return Path(path).name.replace('"', "")
