"""How an operation on a pair ends early: with a finished `Result`, whatever stopped it.

Consumes the pipeline's operations (`hsx.verify.pipeline.Verifier` runs each through `guarded`);
produces `Result`s.  A stage that has its answer raises `Stop(result)`; a missing toolchain, a
helper that timed out or failed, and a bug each become the Result that says so, so that one pair
never costs a batch.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Callable, TypeVar

from hsx.haskell.helper import HelperFailure, HelperTimeout
from hsx.haskell.toolchain import ToolchainMissing
from hsx.verdict import ErrorKind, Result, Verdict, error

T = TypeVar("T")


class Stop(Exception):
    """Ends the pipeline early with a finished result."""

    def __init__(self, result: Result):
        super().__init__(result.reason)
        self.result = result


def guarded(action: Callable[[], T], doing: str) -> T | Result:
    """Runs one of the public operations, turning every way it can stop into a Result."""
    try:
        return action()
    except Stop as stop:
        return stop.result
    except ToolchainMissing as e:
        return error(ErrorKind.TOOLCHAIN, str(e))
    except HelperTimeout as e:
        return Result(Verdict.UNKNOWN, f"possible divergence: {e}; the whole request was "
                                       f"killed, so no side is known to differ")
    except HelperFailure as e:
        return Result(Verdict.UNKNOWN, f"the helper failed while {doing} ({e}); "
                                       f"no difference was established")
    except Exception as e:  # noqa: BLE001 - a bug must cost one pair, not a batch
        # Where it was raised, so that a report of the pair can be acted on.
        frame = traceback.extract_tb(e.__traceback__)[-1]
        place = f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
        return error(ErrorKind.INTERNAL, f"hsx failed while {doing}: {type(e).__name__}: {e} "
                     f"(at {place}); please report this pair")
