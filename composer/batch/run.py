"""Running a batch: the Python API (`compose_many`) and the folder a batch writes (`run_batch`)."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpora.progress import Progress

from ..formats.provenance import partita_version
from ..formats.write import FORMATS
from ..score.seeds import check_seed
from .engines import check_engine, default_workers, group_size, groups_of, run_groups
from .items import BatchError, BatchItem, Invalid, Settings, expand, parse_seeds, parse_vary
from .manifest import ManifestWriter, is_done, line_of, read_manifest, write_files
from .work import ItemResult


def plan_batch(specs, seeds=None, vary=(), settings: Settings = Settings()) -> tuple[list[BatchItem], list[Invalid]]:
    """The items of a batch and the combinations that cannot be composed. `specs`: spec files or folders;
    `seeds`: a list of ints, a text such as '0-999', or None (each spec's own seed); `vary`: (field, values)
    pairs or 'FIELD=V1,V2' texts."""
    if isinstance(specs, (str, Path)):
        specs = [specs]
    if isinstance(seeds, str):
        seeds = parse_seeds(seeds)
    elif seeds is not None:
        seeds = list(dict.fromkeys(check_seed(int(s)) for s in seeds)) or None
    vary = list(vary)
    if vary and isinstance(vary[0], str):
        vary = parse_vary(vary)
    bad = [f for f in settings.formats if f not in FORMATS]
    if bad or not settings.formats:
        raise BatchError(f"--formats: unknown format {', '.join(map(repr, bad)) or '(none)'} "
                         f"(accepted: {', '.join(FORMATS)})")
    return expand(specs, seeds, vary, settings, partita_version())


def compose_many(specs, seeds=None, vary=(), engine: str = "local", workers: int | None = None,
                 address: str | None = None, formats=("mid", "musicxml"), annotations: bool = False,
                 filler: str = "neural", midi_tuning: str = "bend", skip=()) -> Iterator[ItemResult]:
    """Compose every item of a batch and yield each `ItemResult` (its files as bytes, or why it failed) as it
    finishes, in the order of completion. Raises BatchError before anything runs when a combination of a
    spec and a variation cannot be composed (each named with its reason); `skip`: names of items to leave
    out (those already written)."""
    settings = Settings(tuple(formats), annotations, filler, midi_tuning)
    check_engine(engine, workers, address)
    items, invalid = plan_batch(specs, seeds, vary, settings)
    if invalid:
        raise BatchError("\n".join(str(i) for i in invalid))
    skipped = set(skip)
    yield from _results([i for i in items if i.name not in skipped], settings, engine, workers, address)


def _results(items: list[BatchItem], settings: Settings, engine: str, workers: int | None,
             address: str | None) -> Iterator[ItemResult]:
    if not items:
        return
    size = group_size(len(items), workers or default_workers())
    for group in run_groups(groups_of(items, size), settings, engine, workers, address):
        yield from group


@dataclass
class BatchReport:
    """What a batch did: items written, skipped (already done), failed; combinations refused; seconds."""

    written: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    invalid: list[Invalid] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.invalid


def run_batch(specs, output, seeds=None, vary=(), settings: Settings = Settings(), engine: str = "local",
              workers: int | None = None, address: str | None = None, resume: bool = False,
              progress: bool = True, stream=None) -> BatchReport:
    """Write every item of a batch under `output`, with `output/manifest.jsonl`; `resume`: leave out the items
    the manifest says are done with the same digest and whose files are intact. A combination that cannot be
    composed is reported once (on `stream`, stderr by default) and left out; a failing item is recorded and
    the batch goes on."""
    stream = stream or sys.stderr
    start = time.perf_counter()
    folder = Path(output)
    check_engine(engine, workers, address)
    items, invalid = plan_batch(specs, seeds, vary, settings)
    for bad in invalid:
        print(f"error: {bad}", file=stream)
    if not items:
        raise BatchError("nothing to compose: every combination was refused" if invalid else "nothing to compose")
    if folder.exists() and not folder.is_dir():
        raise BatchError(f"-o {folder}: a file is there, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"-o {folder}: cannot create the folder ({exc.strerror})") from None
    for stale in folder.glob(".*.partial"):       # a file a killed run was writing: never renamed into place
        stale.unlink(missing_ok=True)
    report = BatchReport(invalid=invalid)
    if resume:
        done = read_manifest(folder)
        todo = [i for i in items if not is_done(i, done.get(i.name), folder)]
    else:
        todo = items
    report.skipped = len(items) - len(todo)
    bar = Progress(len(todo), "batch", stream=stream, enabled=progress and bool(todo))
    writer = ManifestWriter(folder)
    try:
        for result in _results(todo, settings, engine, workers, address):
            if result.ok:
                write_files(folder, result)
                report.written += 1
            else:
                report.failed.append(result.item.name)
                print(("\n" if progress else "") + f"error: {result.item.name}: {result.error}", file=stream)
            writer.write(line_of(result))
            elapsed = time.perf_counter() - start
            bar.update(1, f"{(report.written + len(report.failed)) / max(elapsed, 1e-9):.1f} items/s")
    finally:
        writer.close()
        if todo:
            bar.close()
    report.seconds = round(time.perf_counter() - start, 3)
    return report


