"""GHC's reading of a source, through a `Verifier`'s helper: the public way to ask for it.

Consumes a `Verifier` (hsx/verify/pipeline.py) and source texts; produces `SyntaxTree`s
(hsx/haskell/syntax.py) from the helper's `syntax` op, which parses only and runs no code.
`syntax_reader` is the reader the transformation Alice takes (`transform.variants(..., syntax=)`):
answers cached by text, since self-play reads the same pool programs again every iteration.

    with Verifier(config) as v:
        tree = syntax_reader(v)("f x = x + 1\n")
"""

from __future__ import annotations

from hsx.haskell.syntax import OpNode, SyntaxFn, SyntaxTree
from hsx.verify.pipeline import Verifier

_PROBE = "f :: Int -> Int\nf x = x + 1\n"


def syntax_reader(verifier: Verifier) -> SyntaxFn:
    """A cached `Verifier.syntax`, checked once on a known source: raises HelperFailure, or
    ValueError when the answer lacks the nodes the transformations need, so that a caller can
    fall back to hsx's tokenizer (hsx.selfplay.transform.syntax_tree.token_syntax) and say why."""
    cache: dict[str, SyntaxTree] = {}

    def ghc(text: str) -> SyntaxTree:
        if text not in cache:
            cache[text] = verifier.syntax(text)
        return cache[text]

    if not any(isinstance(n, OpNode) for n in ghc(_PROBE).nodes):
        raise ValueError("no op node in the answer")
    return ghc
