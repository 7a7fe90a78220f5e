"""Meters with exact time, including additive groupings such as 7/8 = 2+2+3.

Time is in quarter notes as `Fraction`. A meter knows its bar length, its beat
groups (in units of its denominator), where the groups start, and how strong
each position in the bar is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache

from .errors import ParseError

_METER_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*(?:\(\s*([\d+\s]+)\s*\))?\s*$")
DEFAULT_GROUPINGS = {5: (3, 2), 7: (2, 2, 3), 8: (3, 3, 2), 10: (3, 3, 2, 2), 11: (2, 2, 3, 2, 2), 13: (3, 3, 2, 2, 3)}
STRONG_THRESHOLD = 0.5


@dataclass(frozen=True)
class Meter:
    numerator: int
    denominator: int
    grouping: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.numerator <= 32:
            raise ParseError(f"meter numerator must be 1..32, received {self.numerator}")
        if self.denominator not in (1, 2, 4, 8, 16, 32):
            raise ParseError(f"meter denominator must be 1, 2, 4, 8, 16 or 32, received {self.denominator}")
        if not self.grouping:
            object.__setattr__(self, "grouping", self._default_grouping())
        if sum(self.grouping) != self.numerator or any(g <= 0 for g in self.grouping):
            raise ParseError(f"grouping {'+'.join(map(str, self.grouping))} must add up to {self.numerator} "
                             f"(the meter {self.numerator}/{self.denominator})")

    def _default_grouping(self) -> tuple[int, ...]:
        n, d = self.numerator, self.denominator
        if d >= 8 and n in (6, 9, 12, 15):
            return (3,) * (n // 3)
        if d >= 8 and n in DEFAULT_GROUPINGS:
            return DEFAULT_GROUPINGS[n]
        return (1,) * n

    @classmethod
    def parse(cls, text: str, grouping=None) -> "Meter":
        """'3/4', '7/8', '7/8 (2+2+3)'; `grouping` may be '2+2+3' or [2, 2, 3]."""
        m = _METER_RE.match(str(text))
        if not m:
            raise ParseError(f"cannot read meter {text!r} (accepted: N/D such as '4/4', '3/4', '6/8', "
                             f"'7/8', optionally with a grouping '7/8 (2+2+3)')")
        groups = grouping if grouping is not None else m.group(3)
        if isinstance(groups, str):
            try:
                groups = tuple(int(g) for g in groups.replace(" ", "").split("+"))
            except ValueError:
                raise ParseError(f"cannot read grouping {groups!r} (accepted: numbers joined by '+', e.g. 2+2+3)") from None
        return cls(int(m.group(1)), int(m.group(2)), tuple(groups or ()))

    def __str__(self) -> str:
        text = f"{self.numerator}/{self.denominator}"
        if self.grouping != self._default_grouping() or len(set(self.grouping)) > 1:
            text += f" ({'+'.join(map(str, self.grouping))})"
        return text

    @cached_property
    def unit(self) -> Fraction:
        """One denominator unit, in quarter notes."""
        return Fraction(4, self.denominator)

    @cached_property
    def bar_quarters(self) -> Fraction:
        return self.numerator * self.unit

    @cached_property
    def group_offsets(self) -> tuple[Fraction, ...]:
        """Where each beat group starts in the bar, in quarter notes."""
        out, pos = [], Fraction(0)
        for g in self.grouping:
            out.append(pos)
            pos += g * self.unit
        return tuple(out)

    @cached_property
    def group_lengths(self) -> tuple[Fraction, ...]:
        return tuple(g * self.unit for g in self.grouping)

    @property
    def beat_count(self) -> int:
        return len(self.grouping)

    @property
    def is_compound(self) -> bool:
        return all(g == 3 for g in self.grouping) and self.denominator >= 8

    def strength(self, offset: Fraction) -> float:
        """Metrical weight of a position in the bar: 1 for the downbeat, less for weaker positions."""
        return _strength(self, Fraction(offset) % self.bar_quarters)

    def _strength(self, offset: Fraction) -> float:
        if offset == 0:
            return 1.0
        groups = self.group_offsets
        if offset in groups:
            index = groups.index(offset)
            equal = len(set(self.grouping)) == 1
            if equal and len(groups) % 2 == 0 and index == len(groups) // 2:
                return 0.5
            if not equal and len(groups) > 1:
                return 0.5 if index == len(groups) - 1 and self.grouping[-1] > min(self.grouping) else 0.25
            return 0.25
        # Inside a group: half of the group, then finer divisions.
        for start, length in zip(groups, self.group_lengths):
            if start < offset < start + length:
                inner = offset - start
                if inner % self.unit == 0:
                    return 0.125
                if inner * 2 == length:
                    return 0.125
                return 0.0625 if (inner * 4) % self.unit == 0 or inner % (self.unit / 2) == 0 else 0.03125
        return 0.03125

    def is_strong(self, offset: Fraction) -> bool:
        return self.strength(offset) >= STRONG_THRESHOLD


@lru_cache(maxsize=4096)
def _strength(meter: Meter, offset: Fraction) -> float:
    return meter._strength(offset)
