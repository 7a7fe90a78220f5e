"""Tunings: where each scale step sits, in cents above the tonic.

12-EDO is one tuning among many; a `Tuning` maps named degrees to cents and has
an octave (period) that need not be 1200 cents.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import ParseError


@dataclass(frozen=True, slots=True)
class Tuning:
    """Cents above the tonic for each degree index, repeating every `period_cents`."""

    name: str
    degree_cents: tuple[float, ...]
    period_cents: float = 1200.0

    def __post_init__(self) -> None:
        if not self.degree_cents:
            raise ParseError(f"tuning {self.name!r} has no degrees")
        if any(b <= a for a, b in zip(self.degree_cents, self.degree_cents[1:])):
            raise ParseError(f"tuning {self.name!r}: degree cents must rise, received {list(self.degree_cents)}")
        if self.degree_cents[0] != 0.0:
            raise ParseError(f"tuning {self.name!r}: the first degree must be 0 cents")
        if self.degree_cents[-1] >= self.period_cents:
            raise ParseError(f"tuning {self.name!r}: degrees must lie below the period {self.period_cents}")

    @classmethod
    def edo(cls, divisions: int = 12, period_cents: float = 1200.0) -> "Tuning":
        if divisions < 1:
            raise ParseError(f"EDO divisions must be >= 1, received {divisions}")
        step = period_cents / divisions
        return cls(f"{divisions}-EDO", tuple(i * step for i in range(divisions)), period_cents)

    @property
    def size(self) -> int:
        return len(self.degree_cents)

    def cents_of(self, degree: int) -> float:
        """Cents above the tonic of scale step `degree` (any integer; octaves wrap)."""
        octave, index = divmod(degree, self.size)
        return octave * self.period_cents + self.degree_cents[index]


EDO12 = Tuning.edo(12)
