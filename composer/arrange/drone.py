"""Traditions without chord progressions: the mode's drone, held; the cycle's percussion strokes."""
from __future__ import annotations

from fractions import Fraction

from theory import Pitch

from ..plan.model import Plan
from ..score.notes import Note
from ..spec.model import PartSpec
from .accompaniment import accent_at

ACCENT_VELOCITY_OFFSETS = {1: -22, 2: 0, 3: 24}


def arrange_drone(plan: Plan, part: PartSpec) -> list[Note]:
    """The mode's drone notes (Sa-Pa, Sa-Ma, the tonic...), held through every bar, in the part's range.

    A key that changes (a maqam modulation) moves the drone with it."""
    meter = plan.meter
    notes: list[Note] = []
    for phrase in plan.phrases:
        key = phrase.key
        period = key.scale.period_cents
        drone = key.info.drone_cents if key.pack != "western" and key.info.drone_cents else (0.0, 700.0)
        pitches = []
        for rel in drone:
            base = key.anchor_cents + rel
            options = [base + k * period for k in range(-8, 10)
                       if part.low.cents - 1e-6 <= base + k * period <= part.high.cents + 1e-6]
            if options:
                pitches.append(min(options))
        for bar in range(phrase.start_bar, phrase.start_bar + phrase.bars):
            for cents in sorted(set(pitches)):
                notes.append(Note(bar * meter.bar_quarters, meter.bar_quarters, Pitch(cents),
                                  accent_at(meter, Fraction(0), part.velocity)))
    return notes


def arrange_percussion(plan: Plan, part: PartSpec, cycle) -> list[Note]:
    """The cycle's strokes in every cycle (bar) after an unmetered opening, with their accents; pitch = the GM
    percussion key."""
    meter = plan.meter
    strokes = list(cycle.strokes)
    notes: list[Note] = []
    for bar in range(plan.bars):
        if bar in plan.unmetered_bars:
            continue            # an alap or a taqsim: the drone alone, the cycle has not begun
        start = bar * meter.bar_quarters
        for stroke in strokes:
            # Until the next stroke of the cycle (not one struck with it: a gong and a kenong together), at
            # most a beat.
            following = next((s.offset for s in strokes if s.offset > stroke.offset), meter.bar_quarters)
            length = min(max(following - stroke.offset, Fraction(1, 8)), meter.unit)
            velocity = max(1, min(127, part.velocity + ACCENT_VELOCITY_OFFSETS.get(stroke.accent, 0)))
            for key in stroke.keys:
                notes.append(Note(start + stroke.offset, length, Pitch.from_midi(key), velocity))
    return notes
