"""Translation: Python instruction items into Haskell, by a model.

Consumes `PythonItem`s and a generation backend (`hsx.models.generation`); produces one answer per
item in an append-only log keyed by item id (so an interrupted run resumes), and `extract_code`
reads the Haskell program out of an answer.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from hsx.agents import parsing, prompts
from hsx.config import HsxConfig
from hsx.data.sources import PythonItem
from hsx.models.generation import GeneratorFactory
from hsx.runs import JsonlLog, progress_bar



def translate(config: HsxConfig, items: list[PythonItem], log_path: Path, factory: GeneratorFactory,
              models_dir: Path, console: Console, *, batch_size: int, seed: int) -> None:
    """Appends to the log at `log_path` an answer for every item not yet in it, `batch_size`
    prompts at a time."""
    log = JsonlLog(log_path)
    position = {it.id: i for i, it in enumerate(items)}
    todo = [it for it in items if it.id not in log]
    if not todo:
        return
    from hsx.models.tinymodel import resolve_base_model  # imports torch: only when there is work

    generator = factory(resolve_base_model(config.model, models_dir), {}, model=config.model,
                        sampling=config.sampling, lora=config.lora)
    try:
        with progress_bar(console) as progress:
            task = progress.add_task("translate", total=len(todo))
            for start in range(0, len(todo), batch_size):
                batch = todo[start:start + batch_size]
                # Seeded by position in the source order, so a resumed run asks as a fresh one would.
                samples = generator.generate([prompts.translate_python(it) for it in batch], n=1, adapter=None,
                                             seed=seed * 1_000_003 + position[batch[0].id])
                for it, gens in zip(batch, samples):
                    g = gens[0]
                    log.append({"id": it.id, "text": g.text, "tokens": g.tokens, "truncated": g.truncated})
                progress.advance(task, len(batch))
    finally:
        generator.close()


def extract_code(text: str) -> str | None:
    """The last complete ```haskell (or ```hs) block of an answer, reasoning removed."""
    blocks = [body for label, body in parsing.fenced_blocks(parsing.strip_think(text))
              if label in parsing.Q_LABELS]
    if not blocks or not blocks[-1].strip():
        return None
    return blocks[-1].strip("\n") + "\n"
