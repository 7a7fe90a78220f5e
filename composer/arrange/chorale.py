"""Four-part chorale texture (`texture: satb`): the soprano is the filled melody; the bass is voice-led
under it as in any piece, one note per chord; the alto and the tenor are one search over pairs of chord
tones, each in its own range, that completes every chord with the outer voices as a harmony textbook
asks: root and third always present (the fifth may go, with the root doubled), a seventh chord's seventh
kept, the leading tone never doubled, no more than an octave between soprano and alto or alto and tenor,
and, between every two of the four voices, no parallel fifths or octaves and no crossing.
"""
from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from theory import Chord

from .. import grammar
from ..fill.constraints import is_dominant
from ..plan.model import Plan
from ..score.notes import Note
from ..spec.model import PartSpec, Spec
from .accompaniment import events_by_chord
from .search import solve
from .streams import Voice, part_voices
from .voice_leading import REST, bass_line, upper_motion, voicing_ranks
from .voicing import LineOfRefs, lane_lines, octaves, upper_lane

CHORALE_PATTERN = "block"       # one note per chord in every voice
MISSING_ROOT = 400.0            # a chord without its root
MISSING_THIRD = 400.0           # ... without its third
MISSING_SEVENTH = 60.0          # a seventh chord without its seventh
MISSING_FIFTH = 3.0             # an incomplete triad: allowed, with the root doubled
DOUBLED_LEADING_TONE = 600.0    # the leading tone of a dominant chord in two voices
DOUBLED_THIRD = 12.0            # the third of a major triad doubled
DOUBLED_SEVENTH = 600.0         # the seventh of a seventh chord in two voices (it cannot fall in both)
DOUBLED_FIFTH = 4.0             # the fifth doubled rather than the root
WIDE = 300.0                    # more than an octave between soprano and alto, or alto and tenor
UNRESOLVED_LEADING = 80.0       # an inner voice's leading tone that does not rise to the tonic
UNRESOLVED_SEVENTH = 80.0       # ... a chordal seventh in an inner voice that does not fall by step
TOLERANCE = 1.0


def arrange_chorale(plan: Plan, spec: Spec, melodies: dict[int, list[Note]]) -> dict[int, list[Note]]:
    """The bass, alto and tenor of a four-part chorale (by part index), under the soprano in `melodies`."""
    soprano_index = min(melodies)
    soprano = part_voices(spec.parts[soprano_index].name, melodies[soprano_index])
    top = soprano[0] if soprano else None
    inner = [i for i, p in enumerate(spec.parts) if p.role == "chords"]
    bass_index = next(i for i, p in enumerate(spec.parts) if p.role == "bass")
    bass_part = spec.parts[bass_index]
    out = {bass_index: bass_line(plan, _plain(bass_part), spec.style, soprano, top)}
    alto, tenor = (spec.parts[i] for i in inner)
    notes = inner_voices(plan, alto, tenor, soprano, part_voices(bass_part.name, out[bass_index]))
    out[inner[0]], out[inner[1]] = _split(notes, tenor.velocity)
    return out


def _plain(part: PartSpec) -> PartSpec:
    return part if part.pattern else replace(part, pattern=CHORALE_PATTERN)


def inner_states(chord: Chord, alto: PartSpec, tenor: PartSpec) -> tuple[tuple[float, ...], ...]:
    """(tenor, alto) pairs of chord tones, each in its part's range, the tenor below the alto (not on its
    pitch) and within an octave of it; then no voice at all (a rest) for where none fits."""
    found = set()
    for a_pc, t_pc in itertools.product(chord.pitch_classes_cents, repeat=2):
        for a, t in itertools.product(octaves(a_pc, alto.low.cents, alto.high.cents),
                                      octaves(t_pc, tenor.low.cents, tenor.high.cents)):
            if t < a and a - t <= 1200.0:
                found.add((t, a))
    return tuple(sorted(found, key=lambda v: (v[1], v[0]))) + ((),)


def inner_voices(plan: Plan, alto: PartSpec, tenor: PartSpec, soprano: list[Voice], bass: list[Voice]) -> list[Note]:
    """The alto's and the tenor's notes together (one lane of two voices), searched under the soprano and
    over the bass."""
    chords = plan.chords
    if not chords:
        return []
    states = [inner_states(c.chord, alto, tenor) for c in chords]
    name = f"{alto.name}+{tenor.name}"
    lane = upper_lane(name, events_by_chord(grammar.load_pattern(CHORALE_PATTERN), "upper", plan), states)
    ranks = [voicing_ranks(options) for options in states]
    unary = [_completion_costs(event, options, rank, _at(soprano, event.offset), _at(bass, event.offset))
             for event, options, rank in zip(chords, states, ranks)]
    lines = lane_lines(lane)
    order = [*(LineOfRefs.fixed(v) for v in soprano), *lines, *(LineOfRefs.fixed(v) for v in bass)]
    mine = {id(line) for line in lines}
    pairs = []
    for i, a in enumerate(order):
        for j in range(i + 1, len(order)):
            b = order[j]
            if id(a) in mine or id(b) in mine:
                relations = {"parallel"} | ({"cross"} if j == i + 1 or (id(a) in mine) != (id(b) in mine) else set())
                pairs.append((a, b, relations | ({"spacing"} if j == i + 1 and b in lines else set())))

    def motion(keep: list[np.ndarray]) -> list[np.ndarray]:
        return upper_motion(plan, [r[idx] for r, idx in zip(ranks, keep)], leading_cost=UNRESOLVED_LEADING,
                            seventh_cost=UNRESOLVED_SEVENTH)

    return solve(plan, lane, pairs, unary, motion, alto.velocity, soprano, bass)


def _at(voices: list[Voice], offset) -> float | None:
    """The pitch the top one of `voices` sounds at `offset` (None: silent)."""
    if not voices:
        return None
    i = voices[0].sounding(np.array([float(offset)]))[0]
    return float(voices[0].cents[i]) if i >= 0 else None


def _completion_costs(event, options, ranks: np.ndarray, soprano: float | None, bass: float | None) -> np.ndarray:
    """The cost of each (tenor, alto) state on its own: the chord the four voices sound at the chord's
    onset (complete, doubled as a textbook doubles it) and the spacing above the tenor."""
    chord, key = event.chord, event.key
    pcs = list(chord.pitch_classes_cents)
    leading = (key.tonic_cents - 100.0) % 1200.0
    leading_here = is_dominant(chord, key) and chord.contains_pc(leading)
    major_triad = len(pcs) == 3 and round((pcs[1] - pcs[0]) % 1200.0) == 400
    out = np.zeros(len(options))
    for s, voicing in enumerate(options):
        if not voicing:
            out[s] = REST
            continue
        sounding = [x for x in (soprano, *voicing, bass) if x is not None]
        held = [x % 1200.0 for x in sounding]

        def count(pc: float) -> int:
            return sum(1 for h in held if min(abs(h - pc), 1200.0 - abs(h - pc)) < TOLERANCE)

        cost = MISSING_ROOT * (count(pcs[0]) == 0) + MISSING_THIRD * (count(pcs[1]) == 0)
        if len(pcs) > 3:
            cost += MISSING_SEVENTH * (count(pcs[3]) == 0) + DOUBLED_SEVENTH * (count(pcs[3]) > 1)
        if len(pcs) > 2:
            cost += MISSING_FIFTH * (count(pcs[2]) == 0) + DOUBLED_FIFTH * (count(pcs[2]) > 1)
        if leading_here:       # the inner voices' part of a doubled leading tone (the outer voices' own is the bass's)
            inner_leading = any(min(abs(x % 1200.0 - leading), 1200.0 - abs(x % 1200.0 - leading)) < TOLERANCE
                                for x in voicing)
            cost += DOUBLED_LEADING_TONE * (count(leading) > 1 and inner_leading)
        if major_triad:
            cost += DOUBLED_THIRD * (count(pcs[1]) > 1)
        alto = voicing[1]
        if soprano is not None:
            cost += WIDE * (soprano - alto > 1200.0 + TOLERANCE)
        out[s] = cost
    return out


def _split(notes: list[Note], tenor_velocity: int) -> tuple[list[Note], list[Note]]:
    """The lane's notes as the alto's and the tenor's: of the two notes struck together the upper is the
    alto's."""
    by_onset: dict = {}
    for n in notes:
        by_onset.setdefault(n.offset, []).append(n)
    alto, tenor = [], []
    for onset in sorted(by_onset):
        group = sorted(by_onset[onset], key=lambda n: -n.pitch.cents)
        alto.append(group[0])
        if len(group) > 1:
            tenor.append(replace(group[1], velocity=tenor_velocity))
    return alto, tenor


__all__ = ["arrange_chorale", "inner_states", "inner_voices"]
