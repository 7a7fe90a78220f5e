"""The Carnatic arudi: where a line's first half (the purvanga) comes to rest within the tala, on a note the
raga rests on, held (the karvai) before the second half (the uttaranga) begins.

The beat comes from the cycle's data (`theory/cycles/talas.yaml`: `arudi`, adi tala's beat 5, the start of
its second half); the karvai lasts to the end of that beat's group (adi's first drutam, two beats). A phrase
of n cycles rests there in cycle ceil(n/2), so that the karvai leads into the phrase's second half; a phrase
of one cycle has its cadence there already and takes none.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from theory.cycle import load_cycle

from ..plan.model import PhrasePlan, Plan
from ..plan.slots import Slot, rest_notes


@dataclass(frozen=True)
class Arudi:
    bar: int              # bar of the phrase (0-based) that holds it
    at: Fraction          # quarters from that bar's start
    hold: Fraction        # the karvai's length
    beat: int             # the tala's beat (1-based), for messages

    def covers(self, offset: Fraction, bar_quarters: Fraction) -> bool:
        """Whether `offset` (quarters from the phrase's start) falls inside the karvai."""
        return self.at <= offset - self.bar * bar_quarters < self.at + self.hold

    def after(self, fixed, bars: list, first_bar: int) -> bool:
        """Whether the karvai leaves `fixed`, a phrase whose notes open the region (`mode_phrases.FixedPhrase`,
        or None), whole: every one of its notes starts before the arudi."""
        if fixed is None or self.bar not in (b for b, _ in fixed.bars):
            return True
        before = sum(len(bars[b]) for b in range(first_bar, self.bar))
        inside = len(fixed.cents) - before
        return inside <= 0 or all(r.offset < self.at for r in bars[self.bar][:inside])


def arudi_point(plan: Plan, phrase: PhrasePlan) -> Arudi | None:
    """Where a phrase of the plan rests at its arudi; None where its cycle has no arudi, in an unmetered
    opening, or in a phrase of one cycle."""
    if plan.cycle is None or phrase.start_bar in plan.unmetered_bars or phrase.bars < 2:
        return None
    beat = load_cycle(plan.cycle).arudi
    if beat is None:
        return None
    meter = plan.meter
    at = (beat - 1) * meter.unit
    ends = [o for o in (*meter.group_offsets[1:], meter.bar_quarters) if o > at]
    return Arudi((phrase.bars + 1) // 2 - 1, at, ends[0] - at, beat)


def arudi_of(plan: Plan, slot: Slot, first_bar: int) -> Arudi | None:
    """The slot's arudi (`arudi_point`) where it falls in the bars being written (from `first_bar`); None
    also where words set the phrase's rhythm."""
    if slot.lyrics:
        return None
    arudi = arudi_point(plan, slot.phrase)
    return arudi if arudi is not None and arudi.bar >= first_bar else None


def karvai_index(bars: list, first_bar: int, arudi: Arudi) -> int:
    """The karvai's position among the region's notes (bars `first_bar`.. in order)."""
    before = sum(len(bars[b]) for b in range(first_bar, arudi.bar))
    return before + next(i for i, r in enumerate(bars[arudi.bar]) if r.offset == arudi.at)


def rest_wish(slot: Slot, index: int):
    """A `decode.narrow` wish: the note at `index` is one the raga rests on (`plan.slots.rest_notes`); the
    other notes as they are."""
    rests = np.array(rest_notes(slot.key, slot.phrase.gushe))
    period = slot.key.scale.period_cents
    tonic = slot.key.tonic_cents

    def wish(problem):
        rel = (problem.candidates.cents - tonic) % period
        d = np.abs(rel[:, None] - rests[None, :]) % period
        on_rest = (np.minimum(d, period - d) < 0.5).any(axis=1)
        out = np.ones(problem.allowed.shape, dtype=bool)
        out[index] = on_rest
        return out

    return wish
