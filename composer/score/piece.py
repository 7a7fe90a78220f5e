"""The piece's data: every part's notes, the chords and keys, and how it was made.

Offsets and durations are quarter notes as `Fraction`, counted from the start of
the piece. A part holds notes; simultaneous notes in one part form a chord. Every stage
builds and reads this value; `composer.Piece` adds the methods that write, edit and
explain it (they reach stages above this one, so they live above them).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from theory import Key, Meter

from .notes import ChordEvent, KeyChange, Part, key_at
from .timeline import SpanIndex

if TYPE_CHECKING:  # pragma: no cover
    from ..fill.result import FillResult
    from ..plan.model import Plan


@dataclass
class PieceData:
    """A piece as data: what a reader, an editor or a writer needs, and nothing that acts on it."""

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
    fill: "FillResult | None" = None                 # what the fill wrote and why

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
        """The chord event sounding at `offset` (the first that does), or None."""
        chords = self.chords
        cached = self.__dict__.get("_chord_spans")    # rebuilt when the list is replaced or grows
        if cached is None or cached[0] is not chords or cached[1] != len(chords):
            cached = (chords, len(chords), SpanIndex([(c.offset, c.end, c) for c in chords]))
            self.__dict__["_chord_spans"] = cached
        return cached[2].at(offset)
