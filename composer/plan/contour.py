"""The contour plan: where each phrase sits in the melody's range, and where the piece's climax falls.

A tune rises to one climax and comes down from it. Unless a cue places the climax (`cues`), the plan puts
it in the first phrase that starts in the window from the middle of the piece to three quarters of it and
has a bar of its own there (the phrase holding the middle when none does), on a strong beat after the
phrase's opening downbeat and before its last two bars (a phrase climbs to its climax and needs room to
come down to its cadence), in a bar of new material that no later bar returns to, where it can, and on a
chord that holds the top note of the lead melody's range, where one does (a climax stands on a chord tone:
on another chord it would fall short of the top). Among the beats that qualify, an earlier one is preferred
(`LATER`), as the tunes reach their top early in the phrase. The fill makes that note the lead melody's
highest, and every other note lower (`fill.melody`).

Registers (0 the bottom of a part's range, 1 the top): the opening and every return of it sit in the middle
(`OPENING`, or where the tradition puts its opening: `theory/rules/traditions.yaml`, a maqam's lower jins
near the bottom), a contrasting section higher (`CONTRAST`; an Irish tune's B strain, a ternary form's middle),
the climax's phrase higher still (`CLIMAX`), the last phrase low, to settle on the tonic (`CLOSE`). The fill
prefers notes near its phrase's register, softly.
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np

from theory.melody_rules import tradition_melody

from .model import Plan

OPENING, CONTRAST, CLIMAX, CLOSE = 0.4, 0.6, 0.7, 0.3
UNMETERED = 0.2       # an alap or a taqsim begins low, around the tonic, and unfolds the mode from there
WINDOW = (Fraction(1, 2), Fraction(3, 4))
# Each qualifying beat is drawn LATER times as often as the one before it. Of the 100 held-out tunes of
# benchmarks/bench_realism.py, the 59 whose top note first sounds in the second half reach it in the first bar
# of its phrase as often as in the second (20 and 20; 19 in the last two); drawn uniformly over the strong
# beats after the opening downbeat, the plan put it in the second bar 71 times in 100 (that bar has more of them).
LATER = 0.5


def climax_window(plan: Plan) -> tuple[Fraction, Fraction]:
    """The span (quarters) the contour plan puts the climax in: the phrase it chose."""
    phrase = next(p for p in plan.phrases if p.climax is not None)
    return phrase.offset(plan.meter), phrase.end(plan.meter)


def plan_contour(plan: Plan, rng: np.random.Generator, top_cents: float | None = None) -> Plan:
    """The plan with each phrase's register and, unless a cue placed it, the climax. `top_cents`: the top of
    the lead melody's range, which the climax reaches where the chord on its beat holds it."""
    phrases = list(plan.phrases)
    first = plan.sections[0].name if plan.sections else None
    pack = plan.home_key.pack
    own = tradition_melody(pack).opening_register if pack != "western" else None
    opening = OPENING if own is None else own
    home = {p.index: s.name == first or s.role == "return" or s.repeat_of is not None
            for s in plan.sections for p in s.phrases}
    for i, p in enumerate(phrases):
        phrases[i] = replace(p, register=opening if home.get(p.index, True) else CONTRAST)
    phrases[-1] = replace(phrases[-1], register=CLOSE)
    free = plan.unmetered_bars
    phrases = [replace(p, register=UNMETERED) if p.start_bar in free else p for p in phrases]
    plan = plan.with_phrases(phrases)
    if plan.climaxes or plan.bars < 4:
        return plan
    at = _climax_beat(plan, rng, top_cents)
    if at is None:
        return plan
    phrase = next(p for p in plan.phrases if p.offset(plan.meter) <= at < p.end(plan.meter))
    phrases = list(plan.phrases)
    phrases[phrase.index] = replace(phrase, climax=at, register=CLIMAX if phrase.index < len(phrases) - 1
                                    else phrase.register,
                                    notes=phrase.notes + (f"the climax: the melody's highest note, bar "
                                                          f"{int(at // plan.meter.bar_quarters) + 1}",))
    return replace(plan.with_phrases(phrases), climaxes=(at,), climax_planned=True)


def _climax_beat(plan: Plan, rng: np.random.Generator, top_cents: float | None) -> Fraction | None:
    meter = plan.meter
    bq = meter.bar_quarters
    total = plan.bars * bq
    lo, hi = WINDOW[0] * total, WINDOW[1] * total
    window = [p for p in plan.phrases if lo <= p.offset(meter) < hi and p.bars >= 3]
    window += [p for p in plan.phrases if p.offset(meter) <= total / 2 < p.end(meter) and p.bars >= 3]
    sources = {m.source for p in plan.phrases for m in p.scheme if m.source is not None}
    for phrase in window:
        motifs = {m.bar: m for m in phrase.scheme}
        beats = []
        for b in range(phrase.start_bar, phrase.start_bar + phrase.bars - 2):
            if b < phrase.start_bar + phrase.kept_bars:
                continue        # copied from a repeated section
            for k, offset in enumerate(meter.group_offsets):
                at = b * bq + offset
                if (b, k) != (phrase.start_bar, 0) and meter.strength(offset) >= 0.5:
                    # A bar of new material that nothing returns to: the climax stays the only highest note.
                    new = (motifs.get(b) is None or motifs[b].source is None) and b not in sources
                    beats.append((not new, not _holds(plan, at, top_cents), at))
        if beats:
            best = min(beats)[:2]
            choices = sorted(at for *rank, at in beats if tuple(rank) == best)
            weights = LATER ** np.arange(len(choices))
            return choices[int(rng.choice(len(choices), p=weights / weights.sum()))]
    return None


def _holds(plan: Plan, at: Fraction, cents: float | None) -> bool:
    """Whether the chord sounding at `at` holds the pitch class of `cents` (True without a pitch or a chord
    there)."""
    event = plan.chord_spans.at(at)
    return cents is None or event is None or event.chord.contains_pc(cents)
