"""Impossible requests found before any decoding: every phrase's target and every chord needs a note in range."""
from __future__ import annotations

from theory import Pitch

from ..plan.model import Plan
from ..plan.slots import Slot, note_name
from ..score.errors import UnsatisfiableError
from .constraints import candidates_for


def precheck(plan: Plan, slots: list[Slot]) -> None:
    """Find impossible requests before decoding: every phrase's target and every chord needs a note in range."""
    problems, foreign = [], []
    meter = plan.meter
    for slot in slots:
        part, phrase = slot.part, slot.phrase
        cands = candidates_for(slot.key, part.low, part.high, set())
        period = cands.period
        rel = {round(r, 3) % period for r in cands.rel}
        if not any(min(abs(r - t % period), period - abs(r - t % period)) < 0.5 for r in rel for t in slot.targets):
            names = ", ".join(note_name(slot.key, t) for t in slot.targets)
            what = f"the {phrase.cadence} cadence" if phrase.chords else "the phrase ending"
            everywhere = candidates_for(slot.key, Pitch(0.0), Pitch(12700.0), set())
            if phrase.chords and not any(min(abs(r % period - t % period), period - abs(r % period - t % period)) < 0.5
                                         for r in everywhere.rel for t in slot.targets):
                foreign.append(f"{what} of section {phrase.section!r} (bar {phrase.start_bar + phrase.bars}) must "
                               f"end on {names}, which the mode {slot.key.mode} does not have in its tuning: the "
                               f"chord style {plan.style!r} is foreign to it; drop 'style' (the mode's own "
                               f"harmony: {slot.key.harmony}) or choose another mode")
                continue
            problems.append(f"part {part.name!r}: {what} of section {phrase.section!r} "
                            f"(bar {phrase.start_bar + phrase.bars}) must end on {names}, which the range "
                            f"{part.low}-{part.high} lacks; widen the range")
        if slot.strong_chord_tones:
            pcs = {round(c) % 1200 for c in cands.pcs}
            for event in phrase.chords:
                if not {round(c) % 1200 for c in event.chord.pitch_classes_cents} & pcs:
                    at = int(event.offset / meter.bar_quarters) + 1
                    problems.append(f"part {part.name!r}: no tone of {event.chord.symbol} (bar {at}) lies in the "
                                    f"range {part.low}-{part.high}; widen the range or set "
                                    f"constraints.chord_tones_on_strong_beats: false")
    if foreign or problems:
        raise UnsatisfiableError("; ".join(dict.fromkeys(foreign or problems)))
