"""A note's place in its bar (`RhythmNote`), and the rhythm grid of a meter."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from theory import Meter


@dataclass(frozen=True)
class RhythmNote:
    offset: Fraction     # from the bar start
    duration: Fraction


def grid_of(meter: Meter) -> Fraction:
    return min(Fraction(1, 2), meter.unit)
