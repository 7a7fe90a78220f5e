"""Hard constraints on a melody slot, as small named functions over candidate pitches.

Each unary constraint returns a boolean mask (positions x candidates), each
binary constraint a matrix (candidates x candidates). `build_problem` combines
them for one slot; `diagnose` names the constraint that leaves a position empty,
so an impossible request is reported before decoding with what to relax.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from theory import Key, Meter, Pitch

from ..score.notes import ChordEvent


@dataclass(frozen=True)
class Candidates:
    """The pitches a slot may use: absolute cents; pitch classes (cents above C, mod 1200);
    cents above the tonic within the scale's period; scale degree (-1 = chromatic)."""

    cents: np.ndarray
    pcs: np.ndarray
    rel: np.ndarray
    degrees: np.ndarray
    period: float = 1200.0

    @property
    def size(self) -> int:
        return len(self.cents)


@dataclass
class Position:
    """One note of a slot: its onset, duration, the chord sounding, metrical strength."""

    offset: Fraction
    duration: Fraction
    chord: ChordEvent | None
    strength: float


@dataclass
class SlotProblem:
    candidates: Candidates
    positions: list[Position]
    allowed: np.ndarray            # (T, N)
    edges: np.ndarray              # (N, N)
    masks: dict[str, np.ndarray] = field(default_factory=dict)   # named unary masks, for diagnosis


def candidates_for(key: Key, low: Pitch, high: Pitch, extra_pcs: set[float]) -> Candidates:
    """Every pitch in range that is a degree of the key's scale in its tuning, plus 12-EDO pitches
    whose pitch class is in `extra_pcs` (chord tones, blue notes; cents above C)."""
    scale = key.scale
    period = scale.period_cents
    tonic = key.anchor_cents
    found: dict[float, int] = {}
    k = int(np.floor((low.cents - tonic) / period)) - 1
    while tonic + k * period <= high.cents + 1e-6:
        for i, d in enumerate(scale.degree_cents):
            c = round(tonic + k * period + d, 6)
            if low.cents - 1e-6 <= c <= high.cents + 1e-6:
                found[c] = i
        k += 1
    if extra_pcs:
        for midi in range(int(np.ceil(low.cents / 100.0 - 1e-9)), int(np.floor(high.cents / 100.0 + 1e-9)) + 1):
            c = midi * 100.0
            if any(abs((c - e) % 1200.0) < 0.5 or abs((c - e) % 1200.0) > 1199.5 for e in extra_pcs) \
                    and not any(abs(c - f) < 1.0 for f in found):
                found[c] = -1
    cents = np.array(sorted(found))
    degrees = np.array([found[c] for c in cents], dtype=int)
    return Candidates(cents, cents % 1200.0, (cents - tonic) % period, degrees, period)


def _pc_in(pcs: np.ndarray, targets) -> np.ndarray:
    targets = np.asarray(list(targets), dtype=float)
    if targets.size == 0:
        return np.zeros(len(pcs), dtype=bool)
    diff = np.abs(pcs[:, None] - targets[None, :]) % 1200.0
    return (np.minimum(diff, 1200.0 - diff) < 0.5).any(axis=1)


def in_scale(cands: Candidates, positions: list[Position], blue_pcs=()) -> np.ndarray:
    """Scale tones everywhere; a chromatic tone only where the sounding chord (or the style) marks it."""
    base = (cands.degrees >= 0) | _pc_in(cands.pcs, blue_pcs)
    rows = [base | (_pc_in(cands.pcs, p.chord.chord.pitch_classes_cents) if p.chord else False) for p in positions]
    return np.array(rows, dtype=bool).reshape(len(positions), cands.size)


def in_range(cands: Candidates, positions: list[Position], low: Pitch, high: Pitch) -> np.ndarray:
    ok = (cands.cents >= low.cents - 1e-6) & (cands.cents <= high.cents + 1e-6)
    return np.tile(ok, (len(positions), 1))


def chord_tone_on_strong_beats(cands: Candidates, positions: list[Position], threshold: float = 0.5) -> np.ndarray:
    rows = []
    for p in positions:
        if p.chord is not None and p.strength >= threshold:
            rows.append(_pc_in(cands.pcs, p.chord.chord.pitch_classes_cents))
        else:
            rows.append(np.ones(cands.size, dtype=bool))
    return np.array(rows, dtype=bool).reshape(len(positions), cands.size)


def cadence_target(cands: Candidates, positions: list[Position], targets_rel) -> np.ndarray:
    """The phrase's last note is one of its targets (cents above the tonic, within the period):
    the cadence's melody degrees, or a mode's final and emphasised notes."""
    out = np.ones((len(positions), cands.size), dtype=bool)
    if positions:
        out[-1] = _rel_in(cands, targets_rel)
    return out


def _rel_in(cands: Candidates, targets_rel) -> np.ndarray:
    targets = np.asarray(list(targets_rel), dtype=float)
    if targets.size == 0:
        return np.zeros(cands.size, dtype=bool)
    diff = np.abs(cands.rel[:, None] - targets[None, :] % cands.period)
    return (np.minimum(diff, cands.period - diff) < 0.5).any(axis=1)


def fixed_notes(cands: Candidates, positions: list[Position], fixed: dict[int, float]) -> np.ndarray:
    """Motif copies and locked notes: position t must be exactly `fixed[t]` cents."""
    out = np.ones((len(positions), cands.size), dtype=bool)
    for t, cents in fixed.items():
        out[t] = np.abs(cands.cents - cents) < 0.5
    return out


def max_leap(cands: Candidates, semitones: int) -> np.ndarray:
    return np.abs(cands.cents[:, None] - cands.cents[None, :]) <= semitones * 100.0 + 1e-6


def scale_movement(cands: Candidates, key: Key) -> np.ndarray:
    """Ascending steps use the ascending form, descending steps the descending form (melodic minor,
    ragas...). Chromatic chord tones are exempt: they are governed by the chord, not the scale."""
    scale_idx = np.nonzero(cands.degrees >= 0)[0]
    out = np.ones((cands.size, cands.size), dtype=bool)
    if key.scale.is_symmetric or scale_idx.size == 0:
        return out
    sub = key.scale.movement_matrix(cands.degrees[scale_idx], cands.cents[scale_idx])
    out[np.ix_(scale_idx, scale_idx)] = sub
    return out


def build_problem(key: Key, meter: Meter, positions: list[Position], low: Pitch, high: Pitch, *,
                  targets_rel=None, fixed: dict[int, float] | None = None, max_leap_semitones: int = 9,
                  strong_chord_tones: bool = True, blue_pcs=()) -> SlotProblem:
    extra = set(blue_pcs)
    for p in positions:
        if p.chord is not None:
            extra.update(p.chord.chord.pitch_classes_cents)
    cands = candidates_for(key, low, high, extra)
    masks = {
        "in scale": in_scale(cands, positions, blue_pcs),
        "in range": in_range(cands, positions, low, high),
    }
    if strong_chord_tones:
        masks["chord tone on a strong beat"] = chord_tone_on_strong_beats(cands, positions)
    if targets_rel is not None:
        masks["cadence target"] = cadence_target(cands, positions, targets_rel)
    if fixed:
        masks["fixed note (motif or locked)"] = fixed_notes(cands, positions, fixed)
    allowed = np.ones((len(positions), cands.size), dtype=bool)
    for m in masks.values():
        allowed &= m
    edges = max_leap(cands, max_leap_semitones) & scale_movement(cands, key)
    return SlotProblem(cands, positions, allowed, edges, masks)


def diagnose(problem: SlotProblem, t: int) -> list[str]:
    """Which constraints, together, leave position t with no candidate."""
    names = list(problem.masks)
    for name in names:
        if not problem.masks[name][t].any():
            return [name]
    # A pair of constraints that conflict.
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if not (problem.masks[a][t] & problem.masks[b][t]).any():
                return [a, b]
    return names
