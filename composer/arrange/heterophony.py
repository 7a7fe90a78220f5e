"""Heterophony: a second line that shadows the lead melody."""
from __future__ import annotations

from bisect import bisect_right

from theory import Pitch

from ..plan.model import Plan
from ..score.notes import Note
from ..spec.model import PartSpec


def heterophony(lead: list[Note], plan: Plan, part: PartSpec) -> list[Note]:
    """A second line that shadows the lead: on every beat group, the lead's sounding note, moved by
    octaves into this part's range (the simplified doubling of heterophonic traditions)."""
    meter = plan.meter
    notes: list[Note] = []
    ordered = sorted(lead, key=lambda n: n.offset)
    starts = [n.offset for n in ordered]

    for bar in range(plan.bars):
        for offset, length in zip(meter.group_offsets, meter.group_lengths):
            at = bar * meter.bar_quarters + offset
            i = bisect_right(starts, at) - 1
            if i < 0:
                continue
            cents = ordered[i].pitch.cents
            while cents > part.high.cents:
                cents -= 1200.0
            while cents < part.low.cents:
                cents += 1200.0
            if cents > part.high.cents:  # the range is narrower than an octave here: keep the lead's pitch
                cents = ordered[i].pitch.cents
            notes.append(Note(at, length, Pitch(cents), part.velocity))
    return notes
