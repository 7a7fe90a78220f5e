"""What `partita check` knows of a piece partita wrote: its plan, planned again from the spec and
seed the file carries (`context.replanned`: the plan is a pure function of them). The plan gives the key or mode of
every phrase (a modulation, a maqam's move to another jins), the chord planned under every note, and
the blue notes its style declares, so that a planned chromatic chord tone or blue note is not marked
out of the key.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from fractions import Fraction

from theory import Key

from .. import grammar

PC_TOLERANCE = 10.0       # cents


@dataclass(frozen=True)
class PlanFacts:
    regions: tuple[tuple[Fraction, Fraction, Key], ...]           # each phrase's key
    chords: tuple[tuple[Fraction, Fraction, tuple[float, ...]], ...]   # each planned chord's pitch classes (cents)
    blue: tuple[tuple[Fraction, Fraction, tuple[float, ...]], ...]     # each phrase's blue notes (cents, pc)

    def key_at(self, t: Fraction) -> Key | None:
        i = bisect.bisect_right([r[0] for r in self.regions], t) - 1
        return self.regions[i][2] if i >= 0 else None

    def planned(self, t: Fraction, cents: float) -> bool:
        """A tone of the chord planned at time t, or a blue note of the phrase's style."""
        pc = cents % 1200.0
        for rows in (self.chords, self.blue):
            for start, end, pcs in rows:
                if start <= t < end and any(_near(pc, c) for c in pcs):
                    return True
        return False


def _near(a: float, b: float) -> bool:
    d = abs(a - b) % 1200.0
    return min(d, 1200.0 - d) <= PC_TOLERANCE


def plan_facts(spec, plan) -> PlanFacts:
    """The facts of a piece's plan (`context.replanned` rebuilds it from a file's provenance)."""
    meter = plan.meter
    regions = tuple((p.offset(meter), p.end(meter), p.key) for p in plan.phrases)
    chords = tuple((c.offset, c.end, tuple(c.chord.pitch_classes_cents)) for c in plan.chords)
    blue = []
    style = grammar.load_chord_style(spec.style) if spec.harmony == "functional" else None
    for start, end, key in regions:
        variant = grammar.variant_for_key(style, key) if style is not None else None
        if variant is not None and variant.blue_notes:
            blue.append((start, end, tuple((key.tonic_cents + b) % 1200.0 for b in variant.blue_notes)))
    return PlanFacts(regions, chords, tuple(blue))


__all__ = ["PlanFacts", "plan_facts"]
