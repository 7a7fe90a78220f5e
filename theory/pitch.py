"""Cents-native pitch and interval.

A `Pitch` is an absolute height in cents above MIDI note 0 (C-1), so 12-EDO
notes are multiples of 100 (middle C, C4, is 6000.0) and any microtone is just
another float. A `PitchClass` is cents modulo an octave. Spelling (letter and
accidental) is kept separately where notation needs it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import ParseError

CENTS_PER_SEMITONE = 100.0
OCTAVE_CENTS = 1200.0

LETTER_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTALS = {
    "": 0, "#": 1, "##": 2, "x": 2, "b": -1, "bb": -2, "s": 1, "-": -1, "--": -2,
    "♯": 1, "♭": -1, "𝄪": 2, "𝄫": -2, "-flat": -1, "-sharp": 1, " flat": -1, " sharp": 1,
}
_NAME_RE = re.compile(
    r"^\s*([A-Ga-g])(##|bb|--|#|b|x|s|-flat|-sharp| flat| sharp|-|♯|♭|𝄪|𝄫)?(-?\d+)?\s*$", re.IGNORECASE
)
SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True, slots=True)
class Spelling:
    """How a pitch class is written: a letter and an alteration in semitones."""

    letter: str
    alter: int = 0

    def __post_init__(self) -> None:
        if self.letter not in LETTER_SEMITONES:
            raise ParseError(f"letter must be one of A-G, received {self.letter!r}")

    @property
    def semitones(self) -> int:
        return (LETTER_SEMITONES[self.letter] + self.alter) % 12

    @property
    def name(self) -> str:
        return self.letter + ("#" * self.alter if self.alter > 0 else "b" * -self.alter)

    def __str__(self) -> str:
        return self.name


def parse_spelling(text: str) -> tuple[Spelling, int | None]:
    """Read 'C#', 'Eb4', 'E-flat', 'Bb' -> (Spelling, octave or None)."""
    m = _NAME_RE.match(str(text))
    if not m:
        raise ParseError(f"cannot read pitch name {text!r} (accepted: a letter A-G, an optional #/b, "
                         f"an optional octave, e.g. 'C4', 'F#', 'Eb3', 'E-flat')")
    letter, acc, octave = m.group(1).upper(), (m.group(2) or "").lower(), m.group(3)
    if acc not in _ACCIDENTALS:
        raise ParseError(f"unknown accidental {acc!r} in {text!r}")
    return Spelling(letter, _ACCIDENTALS[acc]), (int(octave) if octave is not None else None)


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A distance in cents (signed)."""

    cents: float

    @classmethod
    def from_semitones(cls, semitones: float) -> "Interval":
        return cls(float(semitones) * CENTS_PER_SEMITONE)

    @property
    def semitones(self) -> float:
        return self.cents / CENTS_PER_SEMITONE

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.cents + other.cents)

    def __neg__(self) -> "Interval":
        return Interval(-self.cents)

    def __abs__(self) -> "Interval":
        return Interval(abs(self.cents))


@dataclass(frozen=True, slots=True, order=True)
class Pitch:
    """An absolute pitch: cents above MIDI note 0 (C-1). C4 = 6000 cents."""

    cents: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.cents):
            raise ParseError(f"pitch cents must be finite, received {self.cents!r}")

    @classmethod
    def from_midi(cls, number: float) -> "Pitch":
        return cls(float(number) * CENTS_PER_SEMITONE)

    @classmethod
    def from_name(cls, text: str) -> "Pitch":
        spelling, octave = parse_spelling(text)
        if octave is None:
            raise ParseError(f"pitch {text!r} needs an octave number, e.g. '{text}4'")
        midi = (octave + 1) * 12 + LETTER_SEMITONES[spelling.letter] + spelling.alter
        return cls.from_midi(midi)

    @property
    def midi(self) -> float:
        return self.cents / CENTS_PER_SEMITONE

    @property
    def nearest_midi(self) -> int:
        """The nearest 12-EDO key number (ties round down, so a quarter tone is a raised note)."""
        return int(math.floor(self.cents / CENTS_PER_SEMITONE + 0.5 - 1e-9))

    @property
    def bend_cents(self) -> float:
        """Cents above `nearest_midi` (between -50 and +50)."""
        return self.cents - self.nearest_midi * CENTS_PER_SEMITONE

    @property
    def pitch_class_cents(self) -> float:
        return self.cents % OCTAVE_CENTS

    @property
    def frequency_hz(self) -> float:
        return 440.0 * 2.0 ** ((self.cents - 6900.0) / OCTAVE_CENTS)

    def name(self, prefer_flats: bool = False) -> str:
        n = self.nearest_midi
        names = FLAT_NAMES if prefer_flats else SHARP_NAMES
        base = f"{names[n % 12]}{n // 12 - 1}"
        off = round(self.bend_cents, 1)
        return base if off == 0 else f"{base}{off:+g}c"

    def __add__(self, interval: Interval) -> "Pitch":
        return Pitch(self.cents + interval.cents)

    def __sub__(self, other: "Pitch | Interval"):
        if isinstance(other, Pitch):
            return Interval(self.cents - other.cents)
        return Pitch(self.cents - other.cents)

    def __str__(self) -> str:
        return self.name()
