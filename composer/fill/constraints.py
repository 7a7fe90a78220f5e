"""Hard constraints on a melody slot, as small named functions over candidate pitches.

Each unary constraint returns a boolean mask (positions x candidates), each
binary constraint a matrix (candidates x candidates). `build_problem` combines
them for one slot; `diagnose` names the constraint that leaves a position empty,
so an impossible request is reported before decoding with what to relax.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np

from theory import Key, Meter, Pitch

from ..score.notes import ChordEvent

STEP_CENTS = 200.0            # a whole tone: the widest step of a major or minor key
WIDEST_STEP_CENTS = 300.0     # an augmented second: the widest step of any scale


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


def pitch_classes_in(pcs: np.ndarray, targets) -> np.ndarray:
    targets = np.asarray(list(targets), dtype=float)
    if targets.size == 0:
        return np.zeros(len(pcs), dtype=bool)
    diff = np.abs(pcs[:, None] - targets[None, :]) % 1200.0
    return (np.minimum(diff, 1200.0 - diff) < 0.5).any(axis=1)


def in_scale(cands: Candidates, positions: list[Position], blue_pcs=()) -> np.ndarray:
    """Scale tones everywhere; a chromatic tone only where the sounding chord (or the style) marks it."""
    base = (cands.degrees >= 0) | pitch_classes_in(cands.pcs, blue_pcs)
    rows = [base | (pitch_classes_in(cands.pcs, p.chord.chord.pitch_classes_cents) if p.chord else False) for p in positions]
    return np.array(rows, dtype=bool).reshape(len(positions), cands.size)


def in_range(cands: Candidates, positions: list[Position], low: Pitch, high: Pitch) -> np.ndarray:
    ok = (cands.cents >= low.cents - 1e-6) & (cands.cents <= high.cents + 1e-6)
    return np.tile(ok, (len(positions), 1))


def chord_tone_on_strong_beats(cands: Candidates, positions: list[Position], threshold: float = 0.5,
                               every_chord: bool = False) -> np.ndarray:
    """A tone of the sounding chord on every strong beat (and, `every_chord`, on every chord's onset:
    a chorale's soprano, whose chord changes on each beat)."""
    rows = []
    for p in positions:
        if p.chord is not None and (p.strength >= threshold or (every_chord and p.offset == p.chord.offset)):
            rows.append(pitch_classes_in(cands.pcs, p.chord.chord.pitch_classes_cents))
        else:
            rows.append(np.ones(cands.size, dtype=bool))
    return np.array(rows, dtype=bool).reshape(len(positions), cands.size)


def arrival_index(offsets, durations, strengths, meter: Meter, chords=None) -> int:
    """Which of a phrase's notes (in time order) is its cadence note: the last note of its last bar that
    begins on a strong beat (metrical strength 0.5 or more), lasts a quarter (or the beat, if that is
    shorter) or more, and sounds over the chord the phrase ends on (`chords`: each note's chord, where
    known). The notes after it, shorter or off the strong beats, lead into the next phrase, as a tune
    runs on from the end of one phrase into the next. The last note when none qualifies (and -1 for no
    notes)."""
    n = len(offsets)
    if not n:
        return -1
    bq = meter.bar_quarters
    last_bar = offsets[-1] // bq
    for i in range(n - 1, -1, -1):
        if offsets[i] // bq != last_bar:
            break
        if is_arrival(meter, strengths[i], durations[i]) and (chords is None or chords[i] == chords[-1]):
            return i
    return n - 1


def is_arrival(meter: Meter, strength: float, duration) -> bool:
    """Whether a note may be a cadence note: on a strong beat, a quarter (or the beat, if shorter) or longer."""
    return strength >= 0.5 and duration >= cadence_length(meter)


def cadence_length(meter: Meter) -> Fraction:
    """The shortest cadence note: a quarter, or the beat (a group of the bar) when that is shorter."""
    offsets = meter.group_offsets
    beat = offsets[1] - offsets[0] if len(offsets) > 1 else meter.bar_quarters
    return min(beat, Fraction(1))


def arrival_of(positions: list[Position], meter: Meter) -> int:
    """`arrival_index` of a slot's positions."""
    return arrival_index([p.offset for p in positions], [p.duration for p in positions],
                         [p.strength for p in positions], meter, [p.chord for p in positions])


def cadence_target(cands: Candidates, positions: list[Position], targets_rel, meter: Meter,
                   lead_in: bool = False) -> np.ndarray:
    """The phrase's cadence note is one of its targets (cents above the tonic, within the period): the
    cadence's melody degrees, or a mode's final and emphasised notes. The cadence note is the last note,
    or, where the phrase may lead on into the next (`lead_in`), `arrival_of` its positions."""
    out = np.ones((len(positions), cands.size), dtype=bool)
    if positions:
        out[arrival_of(positions, meter) if lead_in else -1] = _rel_in(cands, targets_rel)
    return out


def lead_in_ends_on_chord_tone(cands: Candidates, positions: list[Position], blue_pcs=()) -> np.ndarray:
    """After a phrase's cadence note, the lead-in's last note, which the next phrase follows, is a tone of
    its chord (or a blue note): a non-chord tone there could not be resolved within the phrase."""
    out = np.ones((len(positions), cands.size), dtype=bool)
    last = positions[-1]
    if last.chord is not None:
        out[-1] = pitch_classes_in(cands.pcs, (*last.chord.chord.pitch_classes_cents, *blue_pcs))
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


@lru_cache(maxsize=256)
def _letters(key: Key) -> tuple[str, ...]:
    """The letter the key spells each of the twelve semitones with (C = 0)."""
    return tuple(key.spell(s).letter for s in range(12))


def agrees_with_chord(cands: Candidates, positions: list[Position], key: Key, blue_pcs=()) -> np.ndarray:
    """No false relation: a note a chromatic semitone from a tone of the sounding chord, spelt with the
    same letter (B-flat against a dominant's B, F-sharp against G7's F), is not written against it. In
    minor, over a chord that holds the raised seventh the melody takes it too. The style's blue notes
    keep their clash (the blue third over the tonic chord is the blues). Keys in 12-EDO only."""
    out = np.ones((len(positions), cands.size), dtype=bool)
    if any(abs(c / 100.0 - round(c / 100.0)) > 1e-6 for c in key.scale.degree_cents):
        return out
    letters = _letters(key)
    semis = np.rint(cands.pcs / 100.0).astype(int) % 12
    whole = np.abs(cands.pcs / 100.0 - np.rint(cands.pcs / 100.0)) < 1e-6
    blue = pitch_classes_in(cands.pcs, blue_pcs)
    clashes: dict[tuple, np.ndarray] = {}
    for t, p in enumerate(positions):
        if p.chord is None:
            continue
        chord = p.chord.chord
        if chord not in clashes:
            tones = {sp.semitones: sp.letter for sp in chord.spelled_tones()}
            bad = [s for s in range(12) if s not in tones and any(
                (s - x) % 12 in (1, 11) and letters[s] == letter for x, letter in tones.items())]
            clashes[chord] = np.isin(semis, bad) & whole & ~blue
        out[t] = ~clashes[chord]
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
                  strong_chord_tones: bool = True, blue_pcs=(), every_chord: bool = False,
                  lead_in: bool = False) -> SlotProblem:
    extra = set(blue_pcs)
    for p in positions:
        if p.chord is not None:
            extra.update(p.chord.chord.pitch_classes_cents)
    cands = candidates_for(key, low, high, extra)
    masks = {
        "in scale": in_scale(cands, positions, blue_pcs),
        "in range": in_range(cands, positions, low, high),
    }
    if any(p.chord is not None for p in positions):
        masks["agrees with the chord"] = agrees_with_chord(cands, positions, key, blue_pcs)
    if strong_chord_tones:
        masks["chord tone on a strong beat"] = chord_tone_on_strong_beats(cands, positions, every_chord=every_chord)
    if targets_rel is not None:
        masks["cadence target"] = cadence_target(cands, positions, targets_rel, meter, lead_in)
        if lead_in and positions and arrival_of(positions, meter) < len(positions) - 1:
            masks["lead-in ends on a chord tone"] = lead_in_ends_on_chord_tone(cands, positions, blue_pcs)
    if fixed:
        masks["fixed note (motif or locked)"] = fixed_notes(cands, positions, fixed)
    allowed = np.ones((len(positions), cands.size), dtype=bool)
    for m in masks.values():
        allowed &= m
    edges = max_leap(cands, max_leap_semitones) & chord_governed_movement(cands, key, positions)
    edges = leading_tone_rises(cands, key, positions, edges)
    if every_chord:
        edges = seventh_falls(cands, key, positions, edges)
    edges = non_chord_tones_resolve(cands, key, positions, edges, blue_pcs)
    edges = no_consecutives_with_a_written_bass(cands, positions, edges)
    return SlotProblem(cands, positions, allowed, edges, masks)


def is_dominant(chord, key: Key) -> bool:
    """A dominant-function chord of the key (V, V7, vii°, vii°7): it holds the leading tone, and its
    other tones are the dominant's (the fifth, second, fourth, and in minor the sixth)."""
    rel = {round((c - key.tonic_cents) / 100.0) % 12 for c in chord.pitch_classes_cents}
    allowed = {7, 11, 2, 5} | ({8} if key.is_minor else {8, 9})
    return 11 in rel and rel <= allowed and bool(rel & {7, 2, 5})


def leads_home(key: Key, first, second) -> bool:
    """Does a leading tone over chord `first` have to rise to the tonic over chord `second` (Chords, or
    None): a dominant chord of a Western major or minor key, moving to another chord that holds the tonic."""
    return (first is not None and second is not None and is_tonal(key)
            and first != second and is_dominant(first, key) and second.contains_pc(key.tonic_cents))


def is_leading_tone(key: Key, cents) -> np.ndarray:
    """Whether each pitch is the key's leading tone."""
    return np.abs((np.asarray(cents, dtype=float) - key.tonic_cents) % 1200.0 - 1100.0) < 0.5


def leading_tone_rises(cands: Candidates, key: Key, positions: list[Position], edges: np.ndarray) -> np.ndarray:
    """The leading tone, as the last note over a dominant chord that moves to a chord holding the tonic,
    rises by step to the tonic (Western major and minor keys). Returns the edges, one matrix per step
    where this binds."""
    if not is_tonal(key) or len(positions) < 2:
        return edges
    leading = is_leading_tone(key, cands.cents)
    steps = [t for t in range(len(positions) - 1)
             if positions[t].chord is not None and positions[t + 1].chord is not None
             and leads_home(key, positions[t].chord.chord, positions[t + 1].chord.chord)]
    if not steps:
        return edges
    out = np.broadcast_to(edges, (len(positions) - 1, cands.size, cands.size)).copy() if edges.ndim == 2 else edges.copy()
    rise = np.abs(cands.cents[None, :] - cands.cents[:, None] - 100.0) < 0.5
    for t in steps:
        out[t][leading] &= rise[leading]
    return out


def seventh_falls(cands: Candidates, key: Key, positions: list[Position], edges: np.ndarray) -> np.ndarray:
    """A chorale's soprano: the seventh of a seventh chord, as the last note over it when the chord changes
    to one without that note, falls by step (Western major and minor keys). Returns the edges."""
    if not is_tonal(key) or len(positions) < 2:
        return edges
    steps = []
    for t in range(len(positions) - 1):
        here, there = positions[t].chord, positions[t + 1].chord
        if here is None or there is None or here.chord == there.chord or not here.chord.has_seventh:
            continue
        seventh = here.chord.pitch_classes_cents[3]
        if not there.chord.contains_pc(seventh):
            steps.append((t, seventh))
    if not steps:
        return edges
    out = np.broadcast_to(edges, (len(positions) - 1, cands.size, cands.size)).copy() if edges.ndim == 2 else edges.copy()
    move = cands.cents[None, :] - cands.cents[:, None]
    fall = (move > -200.5) & (move < -99.5)
    for t, seventh in steps:
        holds = pitch_classes_in(cands.pcs, (seventh,))
        out[t][holds] &= fall[holds]
    return out


def is_tonal(key: Key) -> bool:
    """A Western major or minor key: where the tendency-tone and non-chord-tone rules of common-practice
    harmony bind."""
    return key.pack == "western" and key.family in ("major", "minor")


def is_step(a, b, key: Key | None = None) -> np.ndarray:
    """Whether a move from `a` to `b` (cents, arrays broadcast) is a step: a semitone or a whole tone,
    or, in a scale with wider gaps than a Western major or minor key (the augmented second of a hijaz or
    phrygian-dominant tetrachord, the minor third of a pentatonic mode), a move between neighbouring
    degrees of `key`'s scale up to an augmented second."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    move = np.abs(b - a)
    step = (move > 0.5) & (move <= STEP_CENTS + 0.5)
    if key is None or is_tonal(key):
        return step
    ia, ib = _degree_index(key, a), _degree_index(key, b)
    return step | ((ia >= 0) & (ib >= 0) & (np.abs(ia - ib) == 1) & (move <= WIDEST_STEP_CENTS + 0.5))


def _degree_index(key: Key, cents: np.ndarray) -> np.ndarray:
    """The number of scale degrees from the key's anchor up to each pitch (counting octaves); -1 off the
    scale."""
    scale = key.scale
    degrees = np.asarray(scale.degree_cents, dtype=float)
    above = cents - key.anchor_cents
    period = np.floor((above + 0.5) / scale.period_cents)
    rel = above - period * scale.period_cents
    hit = np.abs(rel[..., None] - degrees) < 0.5
    index = np.where(hit.any(-1), hit.argmax(-1), -1)
    shift = 10 * len(degrees)          # keeps indices below the anchor non-negative
    return np.where(index >= 0, period.astype(int) * len(degrees) + index + shift, -1)


def non_chord_tones_resolve(cands: Candidates, key: Key, positions: list[Position], edges: np.ndarray,
                            blue_pcs=()) -> np.ndarray:
    """A note that is not a tone of its chord is left by step (a step of the key's scale, see
    `is_step`): a passing or neighbour tone, an appoggiatura or a suspension, never an escape tone
    leaping away. The style's blue notes are exempt. Returns the edges, one matrix per step where this
    binds."""
    if len(positions) < 2:
        return edges
    free = pitch_classes_in(cands.pcs, blue_pcs)
    outside = np.array([~(pitch_classes_in(cands.pcs, p.chord.chord.pitch_classes_cents) | free) if p.chord is not None
                        else np.zeros(cands.size, dtype=bool) for p in positions[:-1]])
    if not outside.any():
        return edges
    step = is_step(cands.cents[:, None], cands.cents[None, :], key)
    return edges & (~outside[:, :, None] | step[None, :, :])


def no_consecutives_with_a_written_bass(cands: Candidates, positions: list[Position], edges: np.ndarray) -> np.ndarray:
    """Where the plan writes the bass of two chords in a row (an inversion it chose: ii6 to the
    cadential six-four), the bass is known before the melody: the melody does not move with it in
    consecutive octaves or fifths. (Elsewhere the bass is searched under the melody and avoids them
    itself.) Returns the edges, one matrix per step where this binds."""
    if len(positions) < 2:
        return edges
    bad = np.zeros((len(positions) - 1, cands.size, cands.size), dtype=bool)
    for t, (p, q) in enumerate(zip(positions, positions[1:])):
        if p.chord is None or q.chord is None or p.chord is q.chord or \
                p.chord.chord.bass is None or q.chord.chord.bass is None:
            continue
        b1, b2 = p.chord.chord.bass_pc_cents, q.chord.chord.bass_pc_cents
        if abs((b2 - b1) % 1200.0) < 0.5:
            continue                                      # the bass holds: no consecutive motion
        for interval in (0.0, 700.0):
            here = pitch_classes_in(cands.pcs, [(b1 + interval) % 1200.0])
            there = pitch_classes_in(cands.pcs, [(b2 + interval) % 1200.0])
            bad[t] |= here[:, None] & there[None, :]
    return edges & ~bad if bad.any() else edges


def chord_governed_movement(cands: Candidates, key: Key, positions: list[Position]) -> np.ndarray:
    """The scale's movement graph, except where a tone of the sounding chord is stepped to or from: the
    chord governs it (over a minor key's dominant the leading tone is the melody's seventh, descending
    too). One matrix when no chord tone is exempted, else one per step (positions - 1 x N x N)."""
    movement = scale_movement(cands, key)
    if movement.all() or not positions:
        return movement
    tones = np.array([pitch_classes_in(cands.pcs, p.chord.chord.pitch_classes_cents) if p.chord is not None
                      else np.zeros(cands.size, dtype=bool) for p in positions])
    if not tones.any() or len(positions) < 2:
        return movement
    return movement[None, :, :] | tones[:-1, :, None] | tones[1:, None, :]


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
