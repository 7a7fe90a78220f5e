"""The copied-run report: a piece's longest run of notes shared with a tune of a corpus, placed among the
corpus's own borrowing.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..models.corpus_index import CopiedRun, CorpusIndex, Melody, melody_of


@dataclass(frozen=True)
class OriginalityReport:
    """A piece's longest run copied from a tune of `corpus`, placed among the corpus's own borrowing."""

    corpus: str
    corpus_id: str
    longest: CopiedRun
    percentile: float | None          # percent of corpus tunes whose own longest shared run is <= this one
    max_copied_run: int               # the guard's threshold when composing (0: off or not composed here)
    resampled_slots: int = 0
    bar: int | None = None            # 1-based bar and beat of the run's first note
    beat: Fraction | None = None

    def to_json(self) -> dict:
        run = self.longest
        return {
            "longest_copied_run": run.notes, "part": run.part, "bar": self.bar,
            "beat": None if self.beat is None else float(self.beat),
            "tune": None if run.tune_id is None else {"id": run.tune_id, "title": run.tune_title,
                                                       "first_note": run.tune_note, "notes": run.tune_notes},
            "corpus": self.corpus, "corpus_id": self.corpus_id, "corpus_percentile": self.percentile,
            "max_copied_run": self.max_copied_run, "resampled_slots": self.resampled_slots,
        }

    def summary(self) -> str:
        run = self.longest
        if run.notes == 0:
            return f"originality: no two notes in a row match a tune of {self.corpus}"
        where = f", part {run.part!r} bar {self.bar}" if self.bar else ""
        text = (f"originality: longest run copied from {self.corpus}: {run.notes} notes{where}, "
                f"from {run.tune_title!r} ({run.tune_id})")
        if self.percentile is not None:
            text += f"; {self.percentile:g} % of the corpus's tunes share a run this long or shorter with another tune"
        if self.max_copied_run:
            text += f"; guard: under {self.max_copied_run} notes"
            if self.resampled_slots:
                text += f", {self.resampled_slots} slot draw(s) refused"
        return text


def report(melodies: list[Melody], index: CorpusIndex, meter=None, max_copied_run: int = 0,
           resampled_slots: int = 0) -> OriginalityReport:
    """The longest copied run over several melodies (the first found among equals)."""
    best = CopiedRun(0)
    for mel in melodies:
        run = index.longest_run(mel)
        if run.notes > best.notes:
            best = run
    bar = beat = None
    if best.start is not None and meter is not None:
        bar = int(best.start // meter.bar_quarters) + 1
        beat = (best.start - (bar - 1) * meter.bar_quarters) / meter.unit + 1
    return OriginalityReport(index.name, index.corpus_id, best, index.percentile(best.notes), max_copied_run,
                             resampled_slots, bar, beat)


def piece_melodies(piece, roles=("melody",)) -> list[Melody]:
    """The skyline of each part of the piece with one of `roles` (None: every part but percussion and drone)."""
    out = []
    for part in piece.parts:
        if (roles is None and part.role not in ("percussion", "drone")) or (roles and part.role in roles):
            mel = melody_of(part.name, part.notes)
            if mel is not None:
                out.append(mel)
    return out
