"""The composed piece's parts: plain frozen dataclasses with exact time (`Fraction` quarter notes) and pitch
in cents.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from theory import Chord, Key, Pitch

if TYPE_CHECKING:  # pragma: no cover
    pass


@dataclass(frozen=True, slots=True)
class Lyric:
    """One sung syllable as printed under its note: the text without hyphens, its place in the word
    (MusicXML's `syllabic`: single, begin, middle, end), and whether a melisma extends it over the
    notes that follow (an extender line)."""

    text: str
    syllabic: str = "single"
    extend: bool = False


@dataclass(frozen=True, slots=True)
class Ornament:
    """A pitch curve inside one note (an andolan, a kampita, a meend ...): `points` are (share of the note's
    duration, 0 to 1, cents), straight lines between them; it starts on the note's pitch and ends on a note of
    the mode (`fill.ornaments`)."""

    name: str
    points: tuple[tuple[float, float], ...]

    def cents_at(self, share: float) -> float:
        """The curve's pitch at `share` of the note (0 its start, 1 its end)."""
        pts = self.points
        if share <= pts[0][0]:
            return pts[0][1]
        for (t0, c0), (t1, c1) in zip(pts, pts[1:]):
            if share <= t1:
                return c0 if t1 <= t0 else c0 + (c1 - c0) * (share - t0) / (t1 - t0)
        return pts[-1][1]


@dataclass(frozen=True, slots=True)
class Note:
    offset: Fraction
    duration: Fraction
    pitch: Pitch
    velocity: int = 80
    lyric: "Lyric | None" = None      # the syllable sung on this note (None: none, or a melisma's later notes)
    ornament: "Ornament | None" = None   # a pitch curve inside the note (None: the note is held at its pitch)

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
