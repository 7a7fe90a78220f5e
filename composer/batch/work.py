"""One batch item composed and written, in whatever process runs it: the files come back as bytes.

The files are written by the same writers as `partita compose`, into a temporary folder of the worker, and
returned with their names, so that a worker needs no disk shared with the driver and an item's bytes are
the same whichever engine or worker wrote them. A failing item is returned as failed, with its one-line
reason, and the batch goes on.
"""
from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from theory import TheoryError

from ..compose import compose
from ..formats.write import FORMATS, write_piece_set
from ..score.errors import ComposerError, SpecError
from ..score.limits import Budget
from ..spec.load import load_spec
from .annotations import annotate
from .items import BatchItem, Settings

ANNOTATIONS_SUFFIX = ".annotations.json"


@dataclass(frozen=True)
class ItemResult:
    """What one item came to: its files (name, bytes) in order, or the reason it failed."""

    item: BatchItem
    files: tuple[tuple[str, bytes], ...]
    error: str | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def annotations(self) -> str | None:
        return next((n for n, _ in self.files if n.endswith(ANNOTATIONS_SUFFIX)), None)


def run_item(item: BatchItem, settings: Settings) -> ItemResult:
    """Compose one item and write its files to bytes."""
    start = time.perf_counter()
    try:
        files = _files(item, settings)
        error = None
    except SpecError as exc:
        files, error = (), "; ".join(str(p) for p in exc.problems)
    except (ComposerError, TheoryError) as exc:
        files, error = (), str(exc)
    except Exception as exc:  # noqa: BLE001 - one item's bug is recorded and the batch goes on
        files, error = (), f"internal error: {type(exc).__name__}: {exc} (please report it)"
    if error is not None:
        error = " ".join(error.split())[:2000]
    return ItemResult(item, files, error, round(time.perf_counter() - start, 4))


def run_group(items: list[BatchItem], settings: Settings) -> list[ItemResult]:
    """Several items in one task (one compose takes tens of milliseconds: a task each would cost more to send)."""
    return [run_item(item, settings) for item in items]


def _files(item: BatchItem, settings: Settings) -> tuple[tuple[str, bytes], ...]:
    # Read as if from the spec's own file (by its absolute path: a worker may run in another folder), so that a
    # Scala file the spec names is found beside it, as `partita compose` finds it.
    spec = load_spec(item.spec, source=str(Path(item.folder) / Path(item.source).name))
    budget = Budget(settings.time_budget_s)
    piece = compose(spec, seed=item.seed, filler=settings.filler, time_budget_s=budget)
    with tempfile.TemporaryDirectory(prefix="partita-batch-") as tmp:
        paths = [Path(tmp) / f"{item.name}{FORMATS[f]}" for f in settings.formats]
        write_piece_set(piece, paths, budget=budget, midi_tuning=settings.midi_tuning)
        files = [(p.name, p.read_bytes()) for p in paths]
    if settings.annotations:
        labels = annotate(piece, item.label())
        files.append((f"{item.name}{ANNOTATIONS_SUFFIX}",
                      (json.dumps(labels, indent=1, ensure_ascii=False) + "\n").encode("utf-8")))
    return tuple(files)
