"""`Piece`: the composed piece, with the methods that write, edit and explain it.

The data (parts, chords, keys, plan, spec, seed, settings, the fill's record) is
`composer.score.PieceData`, which every stage builds and reads. `Piece` adds the verbs a user calls
on it; each one delegates to the stage that does the work. Nothing below this module imports it, so
its methods may import what they delegate to; the stages that make a new piece (refill, reading a
piece file) return `PieceData`, which the methods here wrap again.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .analysis.originality import OriginalityReport, piece_melodies, report
from .edit.refill import refill
from .formats.html import repr_html
from .formats.piece_file import load_piece, save_piece
from .formats.write import write_piece
from .models.corpus_index import DEFAULT_INDEX, load_index
from .plan.explain import explain_text
from .score.notes import ChordEvent, Instrument, KeyChange, Lyric, Note, Part
from .score.piece import PieceData


@dataclass
class Piece(PieceData):
    """A composed (or loaded) piece: its data, and what can be done with it."""

    _originality: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, data: PieceData) -> "Piece":
        """The piece `data` holds, with the methods of `Piece`."""
        if isinstance(data, cls):
            return data
        return cls(**{f.name: getattr(data, f.name) for f in fields(PieceData)})

    @property
    def originality(self) -> OriginalityReport:
        """The longest run of the melody parts copied from a tune of the corpora the models learned
        from (an `analysis.originality.OriginalityReport`, computed on first use)."""
        if self._originality is None:
            index = load_index(self.settings.get("originality_index", DEFAULT_INDEX))
            self._originality = report(piece_melodies(self), index, self.meter,
                                       self.settings.get("max_copied_run", 0),
                                       self.settings.get("resampled_slots", 0))
        return self._originality

    def to_music21(self):
        """A music21 `Score` of the piece, for analysis."""
        from .formats.musicxml import to_music21  # deferred: music21 takes about 0.5 s to import

        return to_music21(self)

    def write(self, path, force: bool = False, **options) -> str:
        """Write by extension: .mid/.midi, .musicxml/.xml, .svg, .wav, .html, .piece.json. Returns the path.

        Options: `midi_tuning="bend"` (default: a pitch bend per microtonal note, on as many
        channels as simultaneous tunings need) or `"mts"` (MIDI Tuning Standard retunings)."""
        return write_piece(self, path, force=force, **options)

    def save(self, path, force: bool = False) -> str:
        """Write the piece file (`<stem>.piece.json`): the notes, chords and keys, the plan, the spec, seed
        and settings, the edits made, and the versions. `Piece.load` reads it back; returns the path."""
        return save_piece(self, path, force=force)

    @classmethod
    def load(cls, path) -> "Piece":
        """Read a piece file. The spec is planned again, so the piece can be refilled and explained."""
        return cls.of(load_piece(path))

    def refill(self, section: str, bars=None, part: str = "melody", keep: str | None = None,
               seed: int | None = None) -> "Piece":
        """A new piece with one region written again and everything else identical: the bars `bars`
        (piece bar numbers, 'A-B', (A, B) or one bar; default the whole section) of section `section`
        in the melody part `part` (role or name). `keep='rhythm'` keeps the onsets and durations and
        draws new pitches; `keep='pitch'` keeps the pitches in order and draws a new rhythm with as many
        notes per bar; None draws both. The region is written under the same hard constraints, joined
        to the locked notes before and after it. `seed` (default: one derived from the piece's seed and
        its edits) chooses the draw."""
        return self.of(refill(self, section, bars=bars, part=part, keep=keep, seed=seed))

    def explain(self) -> str:
        """The plan in words: form tree, keys, chords with Roman numerals, cadences, and what the fill noted."""
        return explain_text(self.plan, self.fill)

    def _repr_html_(self) -> str:
        """Jupyter: the first page of the score (SVG) and an audio player."""
        return repr_html(self)


__all__ = ["ChordEvent", "Instrument", "KeyChange", "Lyric", "Note", "Part", "Piece"]
