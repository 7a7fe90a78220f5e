"""Chord charts: one item of a section's `chords` (a Roman numeral or a chord symbol, with its beats)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from theory import Chord, Key, TheoryError, parse_chord_symbol
from theory.key import _ROMAN_RE

from ..score.errors import ComposerError


@dataclass(frozen=True)
class ChartChord:
    chord: Chord
    label: str               # as written in the spec
    roman: str | None        # as a Roman numeral, when given as one
    beats: Fraction | None   # duration in meter units, None = one bar


def parse_chart_item(text: str, key: Key) -> ChartChord:
    """'V7', 'ii65', 'C', 'Dm7', 'G7:2' -> ChartChord (Roman numerals read in `key`)."""
    raw = str(text).strip()
    beats = None
    m = re.match(r"^(.*?):\s*(\d+(?:\.\d+)?|\d+/\d+)$", raw)
    if m:
        raw, beats = m.group(1).strip(), Fraction(m.group(2))
        if beats <= 0:
            raise ComposerError(f"chord duration must be positive, received {m.group(2)!r}")
    if _ROMAN_RE.match(raw):
        return ChartChord(key.chord(raw), raw, raw, beats)
    try:
        return ChartChord(parse_chord_symbol(raw), raw, None, beats)
    except TheoryError as exc:
        raise ComposerError(f"cannot read chord {text!r}: neither a Roman numeral nor a chord symbol ({exc})") from None
