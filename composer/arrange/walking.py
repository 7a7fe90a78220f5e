"""A walking bass (jazz, blues): a quarter note on every beat, the chord's root on its first beat, chord
and scale tones in a smooth line between, and on the last beat before a chord change a note a step
(a semitone, or a whole tone of the scale) from the next chord's root, which it then reaches. The
walk stops on the last chord, held.

Each chord's state is a whole line for its span. The lines are drawn for each note they may start on, priced on
their own (smoothness, chord tones on the strong beats, register), and joined by the search the other
parts use (`search.solve`): the approach note must reach the next root by step (a chromatic one, by the
semitone it leans to), and between the bass and the melody the same hard rules hold as for any bass (no
parallels, never above the melody).
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from theory import Chord, Key, Meter

from ..fill.constraints import is_dominant, is_leading_tone
from ..plan.model import Plan
from ..score.notes import Note
from ..spec.model import PartSpec
from .accompaniment import accent_at
from .search import solve
from .streams import Voice, sounds_pc
from .voicing import HARD, Lane, LaneNote, LineOfRefs, lane_lines, octaves

SMOOTH = 0.002          # per cent moved from beat to beat
LEAP = 3.0              # a move wider than a fourth inside a line
REPEAT = 6.0            # the same note on two beats in a row
OFF_CHORD_STRONG = 4.0  # a scale tone that is not a chord tone on a strong beat (the third of four)
OFF_CHORD = 1.0         # ... on any beat between the root and the approach
TURN = 2.0              # the line turns back on itself (a zigzag)
MISSED_APPROACH = 40.0  # the last note does not reach the next chord's first by step
LONG_JUMP = 4.0         # a jump wider than a fifth from one chord to the next
REGISTER = 0.003        # per cent from the home register
LINES_PER_ROOT = 16     # the best lines kept for each note a line may start on
THIRD_FIRST = 6.0       # a line that starts on the chord's third, not its root (where the root cannot)
FIFTH_FIRST = 12.0      # ... on its fifth
WIDEST_MOVE = 500.0     # a line moves by a fourth at most from beat to beat ...
WIDEST_APPROACH = 700.0  # ... and by a fifth at most onto its approach note


def walks(meter: Meter, plan: Plan) -> bool:
    """Can the bass walk: a meter of quarter-note beats, and every chord a whole number of beats?"""
    if meter.denominator != 4 or any(g != 1 for g in meter.grouping):
        return False
    return all(c.duration.denominator == 1 and c.offset.denominator == 1 for c in plan.chords)


@lru_cache(maxsize=2048)
def walking_lines(chord: Chord, next_root: float | None, key: Key, beats: int, low: float,
                  high: float) -> tuple[tuple[tuple[float, ...], ...], tuple[float, ...]]:
    """The lines a bass may walk under a chord of `beats` beats, toward a chord whose bass is pitch class
    `next_root` (None: the piece ends), with their costs: a line starts on the chord's bass note (on
    its third or fifth only at a price, for where no line from the root avoids a parallel)."""
    tones = np.array(sorted({c for pc in chord.pitch_classes_cents for c in octaves(pc, low, high)}))
    scale = {c for pc in _scale_pcs(key) for c in octaves(pc, low, high)}
    passing = np.array(sorted(scale | set(tones.tolist())))
    lines, costs = [], []
    starts = [(c, 0.0) for c in octaves(chord.bass_pc_cents, low, high)]
    if chord.bass is None and len(chord.pitch_classes_cents) >= 3:
        starts += [(c, cost) for pc, cost in zip(chord.pitch_classes_cents[1:3], (THIRD_FIRST, FIFTH_FIRST))
                   for c in octaves(pc, low, high)]
    for root, first_cost in starts:
        if beats == 1:
            lines.append((root,))
            costs.append(first_cost)
            continue
        approaches = np.array(_approaches(root, next_root, chord, scale, low, high))
        middle = [passing[np.abs(passing - root) <= WIDEST_MOVE * (i + 1)] for i in range(beats - 2)]
        grid = np.stack(np.meshgrid(*middle, approaches, indexing="ij"), axis=-1).reshape(-1, beats - 1) \
            if approaches.size else np.zeros((0, beats - 1))
        candidates = np.concatenate([np.full((len(grid), 1), root), grid], axis=1)       # lines x beats
        moves = np.abs(np.diff(candidates, axis=1))
        ok = (moves[:, :-1] <= WIDEST_MOVE + 0.5).all(axis=1) & (moves[:, -1] <= WIDEST_APPROACH + 0.5)
        if is_dominant(chord, key):
            # An outer voice's leading tone over the dominant rises to the tonic, inside a line too.
            rises = np.abs(candidates[:, 1:] - candidates[:, :-1] - 100.0) < 0.5
            ok &= ~(is_leading_tone(key, candidates[:, :-1]) & ~rises).any(axis=1)
        candidates = candidates[ok]
        cost = first_cost + _line_costs(candidates, tones)
        best = np.argsort(cost, kind="stable")[:LINES_PER_ROOT]
        lines += [tuple(float(x) for x in candidates[i]) for i in best]
        costs += [float(cost[i]) for i in best]
    return tuple(lines), tuple(costs)


def _scale_pcs(key: Key) -> list[float]:
    return [(key.anchor_cents + d) % 1200.0 for d in key.scale.degree_cents]


def _chromatic(notes: np.ndarray, event) -> np.ndarray:
    """Whether each of `notes` (cents) lies outside both the key of the chord event and its chord."""
    pcs = np.asarray(notes, dtype=float)[:, None] % 1200.0
    known = np.array([*_scale_pcs(event.key), *event.chord.pitch_classes_cents])[None, :] % 1200.0
    gap = np.abs(pcs - known)
    return ~(np.minimum(gap, 1200.0 - gap) < 0.5).any(axis=1)


def _approaches(root: float, next_root: float | None, chord: Chord, scale: set[float], low: float,
                high: float) -> list[float]:
    """Last-beat notes: a semitone below or above an octave of the next root, or a whole tone of the
    scale from it, near the line's root; where the next chord has the same root (or the piece ends),
    a tone of this chord too."""
    tones = [c for pc in chord.pitch_classes_cents for c in octaves(pc, low, high) if 0.5 < abs(c - root) <= 700.0]
    if next_root is None:
        return tones
    out = set(tones) if abs((next_root - chord.bass_pc_cents) % 1200.0) < 0.5 else set()   # the chord again
    for target in octaves(next_root, low - 200.0, high + 200.0):
        for step in (-100.0, 100.0, -200.0, 200.0):
            note = target + step
            if low - 0.5 <= note <= high + 0.5 and abs(note - root) <= 900.0 and \
                    (abs(step) == 100.0 or note in scale):
                out.add(note)
    return sorted(out)


def _line_costs(lines: np.ndarray, tones: np.ndarray) -> np.ndarray:
    """Each line's own cost (lines x beats): how far it moves, its leaps and repeated notes, how often it
    turns back, and the notes between its first and its approach that are not chord tones (more on the
    strong third beat of four)."""
    steps = np.diff(lines, axis=1)
    moves = np.abs(steps)
    cost = moves.sum(axis=1) * SMOOTH + (moves > WIDEST_MOVE - 0.5).sum(axis=1) * LEAP \
        + (moves > WIDEST_MOVE + 0.5).sum(axis=1) * LEAP + (moves < 0.5).sum(axis=1) * REPEAT
    cost += (np.sign(steps[:, 1:]) * np.sign(steps[:, :-1]) < 0).sum(axis=1) * TURN
    inner = lines[:, 1:-1]
    off = ~(np.abs(inner[:, :, None] - tones[None, None, :]) < 0.5).any(axis=2)
    weights = np.array([OFF_CHORD_STRONG if i == 2 else OFF_CHORD for i in range(1, lines.shape[1] - 1)])
    return cost + (off * weights).sum(axis=1) if inner.size else cost


def walking_bass(plan: Plan, part: PartSpec, velocity: int, above: list[Voice], top: Voice | None) -> list[Note]:
    """The bass part as a walking line under the melody voices `above` (`top`: the melody)."""
    low, high = part.low.cents, part.high.cents
    chords = plan.chords
    meter = plan.meter
    register = low + 700.0
    tables, notes, unary = [], [], []
    accents = [accent_at(meter, b * meter.unit, 0) for b in range(meter.numerator)]
    for k, event in enumerate(chords):
        final = k + 1 == len(chords)                        # the walk ends: the last chord is held
        beats = 1 if final else int(event.duration / meter.unit)
        step = event.duration if final else Fraction(meter.unit)
        following = None if final else chords[k + 1].chord.bass_pc_cents
        lines, costs = walking_lines(event.chord, following, event.key, beats, low, high)
        tables.append(np.array(lines, dtype=float).reshape(len(lines), beats))
        unary.append(np.array(costs) + np.abs(np.array([line[0] for line in lines]) - register) * REGISTER)
        onsets = [event.offset + i * step for i in range(beats)]
        if is_dominant(event.chord, event.key):
            # ... and is not held under a melody that sounds the tonic over the dominant.
            tonic = [sounds_pc(above, t, t + step, event.key.tonic_cents) for t in onsets]
            held = is_leading_tone(event.key, tables[-1]) & np.array(tonic, dtype=bool)[None, :]
            unary[-1] = unary[-1] + held.any(axis=1) * HARD
        notes.append([LaneNote.at(t, step, i, 0, accents[int((t % meter.bar_quarters) / meter.unit)])
                      for i, t in enumerate(onsets)])
    lane = Lane.of(part.name, notes, tables)
    firsts = [t[:, 0] for t in tables]
    lasts = [t[:, -1] for t in tables]

    # A leading tone on the last beat before a dominant gives way to a chord with the tonic rises to it:
    # the bass is an outer voice.
    home = [is_dominant(chords[k].chord, chords[k].key) and chords[k + 1].chord.contains_pc(chords[k].key.tonic_cents)
            for k in range(len(chords) - 1)]

    def motion(keep: list[np.ndarray]) -> list[np.ndarray]:
        out = []
        for k in range(len(keep) - 1):
            last, first = lasts[k][keep[k]], firsts[k + 1][keep[k + 1]]
            rise = first[None, :] - last[:, None]
            move = np.abs(rise)
            cost = ((move < 0.5) | (move > 200.5)) * MISSED_APPROACH + (move > 700.5) * LONG_JUMP
            # A chromatic approach (a note neither of the key nor of its chord) is heard only as the semitone
            # into the next chord's first note: left any other way, nothing explains it.
            cost = cost + (_chromatic(last, chords[k])[:, None] & (np.abs(move - 100.0) > 0.5)) * HARD
            if home[k]:
                cost = cost + (is_leading_tone(chords[k].key, last)[:, None] & (np.abs(rise - 100.0) > 0.5)) * HARD
            out.append(cost)
        return out

    pairs = [(LineOfRefs.fixed(a), line, {"cross"} | ({"outer"} if a is top else set()))
             for a in above for line in lane_lines(lane)]
    return solve(plan, lane, pairs, unary, motion, velocity, above, [])


__all__ = ["walking_bass", "walking_lines", "walks"]
