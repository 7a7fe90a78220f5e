"""The rules filler's soft preferences: hand weights over the candidates that the
hard constraints allow. It is the baseline and fallback for the neural filler."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from theory import Key

from .constraints import SlotProblem, pitch_classes_in

# Weight of a melodic interval by its size in semitones (steps favoured, large leaps rare).
INTERVAL_WEIGHTS = {0: 0.35, 1: 3.0, 2: 3.0, 3: 1.4, 4: 1.2, 5: 0.9, 6: 0.2, 7: 0.6, 8: 0.3, 9: 0.3, 12: 0.2}
FAR_WEIGHT = 0.08
CHORD_TONE_BONUS = 2.0
CHROMATIC_FACTOR = 0.5
LEADING_TONE_RESOLUTION = 4.0
DWELL_RANGE = (0.5, 1.5)      # the emphasis factor's power: a note's length in quarters, within this range
SELEH_DWELL = (0.3, 1.5)      # ... in a gamelan balungan: inside a gatra, and on its last beat (the seleh)


def edge_weights(problem: SlotProblem, key: Key, wide_leap: float | None = None) -> np.ndarray:
    """A factor per move between candidates: steps favoured, large leaps rare; `wide_leap`: a tradition's
    factor on the leaps wider than a fifth but the octave (`theory/rules/traditions.yaml`)."""
    cents = problem.candidates.cents
    semis = np.rint(np.abs(cents[:, None] - cents[None, :]) / 100.0).astype(int)
    lookup = np.full(semis.max() + 1 if semis.size else 1, FAR_WEIGHT)
    for k, w in INTERVAL_WEIGHTS.items():
        if k < lookup.size:
            lookup[k] = w
    if wide_leap is not None:
        lookup[8:] *= wide_leap
        if lookup.size > 12:
            lookup[12] /= wide_leap
    weights = lookup[semis]
    leading = pitch_classes_in(problem.candidates.pcs, [(key.tonic_cents - 100.0) % 1200.0])
    rise_semitone = np.isclose(cents[None, :] - cents[:, None], 100.0)
    weights = np.where(leading[:, None] & rise_semitone, weights * LEADING_TONE_RESOLUTION, weights)
    return weights


def unary_weights(problem: SlotProblem, low_cents: float, high_cents: float, emphasis=(), meter=None,
                  seleh: bool = False) -> np.ndarray:
    cands = problem.candidates
    T = len(problem.positions)
    center, span = (low_cents + high_cents) / 2.0, max(high_cents - low_cents, 100.0)
    register = np.exp(-2.0 * ((cands.cents - center) / span) ** 2)
    out = np.tile(register, (T, 1))
    for t, p in enumerate(problem.positions):
        if p.chord is not None:
            tones = pitch_classes_in(cands.pcs, p.chord.chord.pitch_classes_cents)
            out[t] *= np.where(tones, CHORD_TONE_BONUS, 1.0)
    out *= np.where(cands.degrees >= 0, 1.0, CHROMATIC_FACTOR)[None, :]
    if not emphasis:
        return out
    # A note is dwelt on in proportion to its length: the emphasis counts more on a long note (a nyas, a
    # held ghammaz) than on a quick one passing through.
    dwell = np.clip([float(p.duration) for p in problem.positions], *DWELL_RANGE)
    if seleh and meter is not None:
        # A balungan's weight is on the last beat of each gatra (the seleh), where the pathet's strong tones
        # fall; the beats inside a gatra move more freely.
        ends = {meter.bar_quarters - sum(meter.group_lengths[i:]) for i in range(1, len(meter.group_lengths))}
        ends.add(Fraction(0))
        dwell = np.array([SELEH_DWELL[1] if (p.offset + p.duration) % meter.bar_quarters in ends else SELEH_DWELL[0]
                          for p in problem.positions])
    return out * emphasis_weights(problem, emphasis)[None, :] ** dwell[:, None]


def emphasis_weights(problem: SlotProblem, emphasis=()) -> np.ndarray:
    """A factor per candidate from the mode's emphasised notes (vadi, samvadi, ghammaz, dominant...:
    above 1; 'avoid': below 1). Both fillers use it: it is the pack's knowledge, not the corpus's."""
    cands = problem.candidates
    out = np.ones(cands.size)
    for rel, weight in emphasis:
        diff = np.abs(cands.rel - rel % cands.period)
        out[np.minimum(diff, cands.period - diff) < 0.5] *= weight
    return out
