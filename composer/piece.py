"""The composed piece: plain dataclasses with exact time and pitch in cents.

Offsets and durations are quarter notes as `Fraction`, counted from the start of
the piece. A part holds notes; simultaneous notes in one part form a chord.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from theory import Chord, Key, Meter, Pitch

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan


@dataclass(frozen=True, slots=True)
class Lyric:
    """One sung syllable as printed under its note: the text without hyphens, its place in the word
    (MusicXML's `syllabic`: single, begin, middle, end), and whether a melisma extends it over the
    notes that follow (an extender line)."""

    text: str
    syllabic: str = "single"
    extend: bool = False


@dataclass(frozen=True, slots=True)
class Note:
    offset: Fraction
    duration: Fraction
    pitch: Pitch
    velocity: int = 80
    lyric: "Lyric | None" = None      # the syllable sung on this note (None: none, or a melisma's later notes)

    @property
    def end(self) -> Fraction:
        return self.offset + self.duration


@dataclass(frozen=True, slots=True)
class Instrument:
    """A General MIDI program (0-127) and a written name."""

    name: str
    program: int
    low: Pitch
    high: Pitch


@dataclass
class Part:
    name: str
    role: str
    instrument: Instrument
    notes: list[Note] = field(default_factory=list)

    def sorted_notes(self) -> list[Note]:
        return sorted(self.notes, key=lambda n: (n.offset, n.pitch.cents))


@dataclass(frozen=True, slots=True)
class ChordEvent:
    """One chord of the harmony plan, with its analysis in the local key."""

    offset: Fraction
    duration: Fraction
    chord: Chord
    key: Key
    roman: str
    function: str

    @property
    def end(self) -> Fraction:
        return self.offset + self.duration


@dataclass(frozen=True, slots=True)
class KeyChange:
    offset: Fraction
    key: Key


def key_at(keys: list[KeyChange], offset: Fraction) -> Key:
    """The key sounding at `offset`: the last change at or before it (the first key before any)."""
    current = keys[0].key
    for change in keys:
        if change.offset <= offset:
            current = change.key
    return current


@dataclass
class Piece:
    title: str
    meter: Meter
    tempo_bpm: float
    bars: int
    parts: list[Part]
    chords: list[ChordEvent]
    keys: list[KeyChange]
    plan: "Plan | None" = None
    spec: Any = None
    seed: int = 0
    settings: dict = field(default_factory=dict)     # how it was composed: filler, sampling, guard
    fill: Any = None                                 # the fill's FillResult: what it wrote and why
    _originality: Any = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> Key:
        return self.keys[0].key

    @property
    def length_quarters(self) -> Fraction:
        return self.bars * self.meter.bar_quarters

    def part(self, role_or_name: str) -> Part:
        for p in self.parts:
            if p.role == role_or_name or p.name == role_or_name:
                return p
        raise KeyError(f"no part {role_or_name!r} (parts: {', '.join(p.name for p in self.parts)})")

    def key_at(self, offset: Fraction) -> Key:
        return key_at(self.keys, offset)

    def chord_at(self, offset: Fraction) -> ChordEvent | None:
        for event in self.chords:
            if event.offset <= offset < event.end:
                return event
        return None

    @property
    def originality(self):
        """The longest run of the melody parts copied from a tune of the corpora the models learned
        from (an `originality.OriginalityReport`, computed on first use)."""
        if self._originality is None:
            from . import originality as O

            index = O.load_index(self.settings.get("originality_index", O.DEFAULT_INDEX))
            self._originality = O.report(O.piece_melodies(self), index, self.meter,
                                         self.settings.get("max_copied_run", 0),
                                         self.settings.get("resampled_slots", 0))
        return self._originality

    def to_music21(self):
        from .render.musicxml import to_music21

        return to_music21(self)

    def write(self, path, force: bool = False, **options) -> str:
        """Write by extension: .mid/.midi, .musicxml/.xml. Returns the path written.

        Options: `midi_tuning="bend"` (default: a pitch bend per microtonal note, on as many
        channels as simultaneous tunings need) or `"mts"` (MIDI Tuning Standard retunings)."""
        from .render import write_piece

        return write_piece(self, path, force=force, **options)

    def save(self, path, force: bool = False) -> str:
        """Write the piece file (`<stem>.piece.json`): the notes, chords and keys, the plan, the spec, seed
        and settings, the edits made, and the versions. `Piece.load` reads it back; returns the path."""
        from .piece_file import save_piece

        return save_piece(self, path, force=force)

    @classmethod
    def load(cls, path) -> "Piece":
        """Read a piece file. The spec is planned again, so the piece can be refilled and explained."""
        from .piece_file import load_piece

        return load_piece(path)

    def refill(self, section: str, bars=None, part: str = "melody", keep: str | None = None,
               seed: int | None = None) -> "Piece":
        """A new piece with one region written again and everything else identical: the bars `bars`
        (piece bar numbers, 'A-B', (A, B) or one bar; default the whole section) of section `section`
        in the melody part `part` (role or name). `keep='rhythm'` keeps the onsets and durations and
        draws new pitches; `keep='pitch'` keeps the pitches in order and draws a new rhythm with as many
        notes per bar; None draws both. The region is written under the same hard constraints, joined
        to the locked notes before and after it. `seed` (default: one derived from the piece's seed and
        its edits) chooses the draw."""
        from .refill import refill

        return refill(self, section, bars=bars, part=part, keep=keep, seed=seed)

    def explain(self) -> str:
        from .explain import explain_text

        return explain_text(self.plan, self.fill)

    def _repr_html_(self) -> str:
        """Jupyter: the first page of the score (SVG) and an audio player."""
        from .render.html import repr_html

        return repr_html(self)
