"""The search that writes a voice-led part: price every state, find the cheapest chain (Viterbi), write
the notes, read them again as voices, and ban what still breaks a hard rule. Where no line in a part's
range stays clear of the voices around it (a bass whose range lies above the melody), refuse with the
reason; consecutive fifths or octaves that no chain avoids (a melody written down into the bass's
register) are left, the best the range allows.

Shared by the bass and the accompaniment (`voice_leading`), the walking bass (`walking`) and the
chorale's inner voices (`chorale`). A style's relaxations (grammars/chords/, `relax:`) are let be.
"""
from __future__ import annotations

from bisect import bisect_right

import numpy as np

from ..plan.model import Plan
from ..score.errors import UnsatisfiableError
from ..score.notes import Note
from .streams import Voice, texture_findings, voices_of
from .voicing import HARD, Lane, binary_costs, gather, unary_costs, viterbi

REPAIRS = 8                   # searches after the first, each banning the states that broke a hard rule
HARD_RULES = {"parallel-fifths", "parallel-octaves", "contrary-fifths-octaves", "voice-crossing"}   # direct ones: priced


def is_relaxed(finding, relaxed: frozenset[str], inside: set[str]) -> bool:
    """Is a finding one the style allows: a relaxed rule between two voices of `inside` (one
    accompaniment part's voices)? Consecutive fifths by contrary motion go with the parallel ones."""
    if not set(finding.voices) <= inside:
        return False
    fifths = finding.rule == "contrary-fifths-octaves" and getattr(finding, "family", "") == "fifths"
    return ("parallel-fifths" if fifths else finding.rule) in relaxed


def padded(states: list[int], unary: list[np.ndarray], binary: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Costs as the searches' arrays: chords x states (inf beyond a chord's states), and (chords - 1) x
    states x states."""
    width = max(states)
    u = np.full((len(states), width), np.inf)
    b = np.zeros((max(len(states) - 1, 0), width, width))
    for k, cost in enumerate(unary):
        u[k, :len(cost)] = cost
    for k, cost in enumerate(binary):
        b[k, :cost.shape[0], :cost.shape[1]] = cost
    return u, b


def solve(plan: Plan, lane: Lane, pairs, unary: list[np.ndarray], motion, velocity: int, above: list[Voice],
           below: list[Voice], relaxed: frozenset[str] = frozenset()) -> list[Note]:
    """Search, write the notes, read them again, and ban what still breaks a hard rule.

    `unary[k]`: the soft cost of each state of chord k; `motion(keep)`: the soft cost of each pair of
    states at each chord change, for the states `keep[k]` of each chord k. A state that breaks a hard
    rule on its own (crossing the melody) is dropped before the search when its chord has another:
    the chain would pay for it only if every other chain paid more."""
    terms = gather(pairs)
    own = unary_costs(terms, lane) + padded(lane.states, unary, [])[0]
    keep = []
    for k, n in enumerate(lane.states):
        ok = np.flatnonzero(own[k, :n] < HARD)
        keep.append(ok if ok.size else np.arange(n))
    lane = lane.take(keep)
    unary, binary = padded(lane.states, [own[k, idx] for k, idx in enumerate(keep)], motion(keep))
    binary += binary_costs(terms, lane)
    starts = [float(c.offset) for c in plan.chords]
    chain = viterbi(unary, binary)
    for attempt in range(REPAIRS + 1):
        notes, rows = lane.realise(chain, velocity)
        mine = voices_of(lane.name, rows)
        names = {v.name for v in mine}
        found = [f for f in texture_findings([*above, *mine, *below], HARD_RULES, among=names)
                 if not is_relaxed(f, relaxed, names)]
        if not found:
            return notes
        if attempt == REPAIRS:
            crossings = [f for f in found if f.rule == "voice-crossing"]
            if crossings:
                raise UnsatisfiableError(_refusal(plan, lane.name, crossings))
            return notes       # consecutive fifths no chain avoids (a melody at the bottom of the bass's range)
        for f in found:
            # The finding's second dyad sounds under chord k; its first may sound under chord k - 1:
            # either state may be the cause, and both are banned from this chain.
            k = max(0, bisect_right(starts, f.at) - 1)
            unary[k][chain[k]] += HARD
            if k > 0 and attempt % 2 == 1:
                unary[k - 1][chain[k - 1]] += HARD
        chain = viterbi(unary, binary)
    return notes


def _refusal(plan: Plan, name: str, found) -> str:
    """Why no line for part `name` keeps the hard rules, and what to change."""
    bar_q = plan.meter.bar_quarters
    rules = sorted({f.rule for f in found})
    bars = sorted({int(f.at // float(bar_q)) + 1 for f in found})
    where = ("bar " if len(bars) == 1 else "bars ") + ", ".join(map(str, bars[:6])) + (" ..." if len(bars) > 6 else "")
    others = sorted({v for f in found for v in f.voices if not v.startswith(name)})
    return (f"part {name!r}: no line in its range keeps clear of {', '.join(rules)} against "
            f"{', '.join(others) or 'the other parts'} ({where}); give it a range that lies under the melody "
            f"(and an accompaniment's over the bass), or a wider one")


__all__ = ["HARD_RULES", "is_relaxed", "padded", "solve"]
