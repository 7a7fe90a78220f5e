"""Chords: a root pitch class, a quality from the Western pack's table, a bass.

`parse_chord_symbol("Dm7")`, `parse_chord_symbol("F#m7b5")`, `parse_chord_symbol("C/E")`.
Roman numerals, which need a key, live in `theory.key`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import ParseError
from .pitch import LETTER_SEMITONES, Spelling, parse_spelling


@dataclass(frozen=True, slots=True)
class Chord:
    """A chord: root (semitones 0-11 above C, with spelling), quality name and intervals in cents."""

    root: Spelling
    quality: str
    intervals: tuple[float, ...]
    bass: Spelling | None = None

    @property
    def root_pc(self) -> int:
        return self.root.semitones

    @property
    def pitch_classes_cents(self) -> tuple[float, ...]:
        """Pitch classes (cents above C, 0 <= x < 1200), root first."""
        base = self.root.semitones * 100.0
        return tuple((base + iv) % 1200.0 for iv in self.intervals)

    @property
    def bass_pc_cents(self) -> float:
        return (self.bass.semitones if self.bass else self.root.semitones) * 100.0

    @property
    def has_seventh(self) -> bool:
        return len(self.intervals) >= 4

    @property
    def symbol(self) -> str:
        suffix = _quality_table()[self.quality][1]
        text = f"{self.root.name}{suffix}"
        if self.bass is not None and self.bass.semitones != self.root.semitones:
            text += f"/{self.bass.name}"
        return text

    def contains_pc(self, cents: float, tolerance: float = 0.5) -> bool:
        pc = cents % 1200.0
        return any(abs(pc - c) <= tolerance or abs(pc - c) >= 1200 - tolerance for c in self.pitch_classes_cents)

    def spelled_tones(self) -> tuple[Spelling, ...]:
        """How each tone is written, root first: its letter counts up from the root's by the tone's
        generic interval (a third, a fifth, a seventh...), so C7's seventh is B-flat, not A-sharp, and
        a D major triad's third F-sharp, not G-flat."""
        return _spelled_tones(self)

    def tone_pc(self, name: str) -> float:
        """Pitch class (cents above C) of 'root', 'third', 'fifth', 'seventh' (falls back to root)."""
        index = {"root": 0, "third": 1, "fifth": 2, "seventh": 3, "octave": 0}.get(name)
        if index is None:
            raise ParseError(f"unknown chord tone {name!r} (accepted: root, third, fifth, seventh, octave)")
        pcs = self.pitch_classes_cents
        return pcs[index] if index < len(pcs) else pcs[0]

    def __str__(self) -> str:
        return self.symbol


@lru_cache(maxsize=4096)
def _spelled_tones(chord: Chord) -> tuple[Spelling, ...]:
    letters = "CDEFGAB"
    root = letters.index(chord.root.letter)
    out = []
    for interval in chord.intervals:
        cents = round(interval) % 1200
        steps = _GENERIC_STEPS.get(cents, round(cents / 1200 * 7) % 7)
        if cents == 800 and chord.quality == "aug":
            steps = 4                                    # the augmented fifth
        elif cents == 900 and chord.quality == "dim7":
            steps = 6                                    # the diminished seventh
        letter = letters[(root + steps) % 7]
        semis = (chord.root.semitones + round(interval / 100.0)) % 12
        alter = (semis - LETTER_SEMITONES[letter]) % 12
        out.append(Spelling(letter, alter - 12 if alter > 6 else alter))
    return tuple(out)


# Generic interval (letter steps above the root) of each chord tone, by its size in cents: a second
# (the ninth), a third, a fourth, a fifth, a sixth, a seventh; the augmented fifth and the diminished
# seventh are told by the chord's quality.
_GENERIC_STEPS = {0: 0, 100: 1, 200: 1, 300: 2, 400: 2, 500: 3, 600: 4, 700: 4, 800: 5, 900: 5, 1000: 6, 1100: 6}


@lru_cache(maxsize=1)
def _quality_table() -> dict[str, tuple[tuple[float, ...], str]]:
    """quality -> (intervals, preferred symbol suffix), from the Western pack."""
    from .pack import load_pack

    pack = load_pack("western")
    return {name: (q.intervals, q.symbols[0]) for name, q in pack.chord_qualities.items()}


@lru_cache(maxsize=1)
def _suffix_table() -> list[tuple[str, str]]:
    from .pack import load_pack

    pack = load_pack("western")
    pairs = [(sym, name) for name, q in pack.chord_qualities.items() for sym in q.symbols]
    return sorted(pairs, key=lambda p: -len(p[0]))


def chord_from_quality(root: Spelling, quality: str, bass: Spelling | None = None) -> Chord:
    table = _quality_table()
    if quality not in table:
        raise ParseError(f"unknown chord quality {quality!r} (accepted: {', '.join(table)})")
    return Chord(root, quality, table[quality][0], bass)


_ROOT_RE = re.compile(r"^([A-Ga-g](?:##|bb|#|b|♯|♭)?)(.*)$")


def parse_chord_symbol(text: str) -> Chord:
    """'C', 'Am', 'Dm7', 'G7', 'Bbmaj7', 'F#m7b5', 'C/E' -> Chord."""
    raw = str(text).strip()
    m = _ROOT_RE.match(raw)
    if not m:
        raise ParseError(f"cannot read chord symbol {text!r} (accepted: a root A-G with optional #/b, "
                         f"a quality such as m, 7, maj7, m7, dim, m7b5, and an optional /bass, e.g. 'Dm7', 'C/E')")
    root, _ = parse_spelling(m.group(1))
    rest = m.group(2)
    bass = None
    if "/" in rest:
        rest, bass_text = rest.split("/", 1)
        bass, _ = parse_spelling(bass_text)
    for suffix, quality in _suffix_table():
        if rest == suffix:
            return chord_from_quality(root, quality, bass)
    accepted = sorted({s for s, _ in _suffix_table() if s})
    raise ParseError(f"unknown chord quality {rest!r} in {text!r} (accepted suffixes: '', {', '.join(accepted)})")
