"""The rules filler's soft preferences: hand weights over the candidates that the
hard constraints allow. It is the baseline and fallback for the neural filler."""
from __future__ import annotations

import numpy as np

from theory import Key

from .constraints import SlotProblem, pitch_classes_in

# Weight of a melodic interval by its size in semitones (steps favoured, large leaps rare).
INTERVAL_WEIGHTS = {0: 0.35, 1: 3.0, 2: 3.0, 3: 1.4, 4: 1.2, 5: 0.9, 6: 0.2, 7: 0.6, 8: 0.3, 9: 0.3, 12: 0.2}
FAR_WEIGHT = 0.08
CHORD_TONE_BONUS = 2.0
CHROMATIC_FACTOR = 0.5
LEADING_TONE_RESOLUTION = 4.0


def edge_weights(problem: SlotProblem, key: Key) -> np.ndarray:
    cents = problem.candidates.cents
    semis = np.rint(np.abs(cents[:, None] - cents[None, :]) / 100.0).astype(int)
    lookup = np.full(semis.max() + 1 if semis.size else 1, FAR_WEIGHT)
    for k, w in INTERVAL_WEIGHTS.items():
        if k < lookup.size:
            lookup[k] = w
    weights = lookup[semis]
    leading = pitch_classes_in(problem.candidates.pcs, [(key.tonic_cents - 100.0) % 1200.0])
    rise_semitone = np.isclose(cents[None, :] - cents[:, None], 100.0)
    weights = np.where(leading[:, None] & rise_semitone, weights * LEADING_TONE_RESOLUTION, weights)
    return weights


def unary_weights(problem: SlotProblem, low_cents: float, high_cents: float, emphasis=()) -> np.ndarray:
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
    return out * emphasis_weights(problem, emphasis)[None, :]


def emphasis_weights(problem: SlotProblem, emphasis=()) -> np.ndarray:
    """A factor per candidate from the mode's emphasised notes (vadi, samvadi, ghammaz, dominant...:
    above 1; 'avoid': below 1). Both fillers use it: it is the pack's knowledge, not the corpus's."""
    cands = problem.candidates
    out = np.ones(cands.size)
    for rel, weight in emphasis:
        diff = np.abs(cands.rel - rel % cands.period)
        out[np.minimum(diff, cands.period - diff) < 0.5] *= weight
    return out
