"""Voice-led parts: the bass and the accompaniment of a piece with a chord progression, searched
chord by chord against the melody, which is a fixed voice.

The bass comes first: for each chord, the root or the third (a first inversion) in its range (or,
inside a pedal point of the plan, the pedal's note whatever the chord), so
that no parallel or direct fifths or octaves join it to the melody, it stays below the melody, it
moves little and stays in one register, takes a first inversion mainly to move by step, and stands
in root position at cadences. Then the accompaniment: for each chord a voicing of three (or, where
three do not fit under the melody, two) chord tones, below every melody note and above the bass,
with no parallels between any two voices the score will show (the melody, each rank of the
accompaniment, the bass), little motion, the seventh of a chord falling by step and the leading
tone rising to the tonic. The pattern then breaks each voicing up as it always did.

The searches (`voicing`) price the rules of `theory/rules/voice_leading.yaml` for all states at
once; a hard rule costs `HARD` and is paid only where no chain avoids it. The notes written are read
again as voices (`streams`); a hard finding left (the search's model of the voices is exact except
across a silence) bans the state that caused it, and the search runs again.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import grammar
from ..fill.constraints import is_dominant, is_leading_tone, leads_home
from ..plan.model import Plan
from ..score.notes import Note
from ..spec.model import PartSpec, Spec
from .accompaniment import default_pattern, events_by_chord
from .passing import add_passing_tones
from .search import solve
from .streams import Voice, part_voices, sounds_pc
from .voicing import HARD, LineOfRefs, bass_lane, bass_states, lane_lines, octaves, upper_lane, upper_states
from .walking import walking_bass, walks

MOTION = 0.01                 # per cent a voice moves from one chord to the next
LEAP = 2.0                    # a bass leap wider than a fifth
WIDE_LEAP = 12.0              # ... wider than an octave
REGISTER = 0.004              # per cent the bass strays from its home register
INVERSION = 3.0               # a first-inversion bass that does not move by step
SIX_FOUR = 150.0              # a second-inversion bass: only to escape a parallel
DOUBLED_LEADING = 160.0       # the bass on the leading tone of a dominant chord while a voice above sounds it
CADENCE_INVERSION = 60.0      # an inverted chord in a cadence
THIN = 25.0                   # a voicing of two voices instead of three
REST = 120.0                  # no voicing at all: the accompaniment rests under the chord
MUD = 8.0                     # two voices closer than a fourth below C3: a muddy low chord
MUD_BELOW_CENTS = 4800.0
TOP_GAP = 0.004               # per cent of gap above an octave between the melody and the accompaniment's top
UNRESOLVED_SEVENTH = 20.0     # a chordal seventh that does not fall by step
UNRESOLVED_LEADING = 6.0      # a leading tone (in the accompaniment) that does not rise to the tonic


def arrange_harmony(plan: Plan, spec: Spec, melodies: dict[int, list[Note]]) -> dict[int, list[Note]]:
    """The notes of every bass and chords part of `spec` (by part index), voice-led under the melody
    parts (`melodies`, by part index)."""
    above = [v for i, part in enumerate(spec.parts) if i in melodies for v in part_voices(part.name, melodies[i])]
    top = above[0] if above else None
    out: dict[int, list[Note]] = {}
    basses: list[Voice] = []
    for i, part in enumerate(spec.parts):
        if part.role == "bass":
            line = grammar.load_chord_style(spec.style).bass
            if line == "walking" and part.pattern is None and walks(plan.meter, plan):
                out[i] = walking_bass(plan, part, part.velocity, above, top)
            else:
                out[i] = bass_line(plan, part, spec.style, above, top)
                if line == "passing":
                    out[i] = add_passing_tones(plan, out[i], above, part.name, part.low.cents, part.high.cents)
            basses += part_voices(part.name, out[i])
    uppers: list[Voice] = []
    for i, part in enumerate(spec.parts):
        if part.role == "chords":
            out[i] = _accompaniment(plan, part, spec.style, above + uppers, basses)
            uppers += part_voices(part.name, out[i])
    return out


def _pattern(plan: Plan, part: PartSpec, style: str):
    return grammar.load_pattern(part.pattern or default_pattern(plan.meter, style))


def _cadence_chords(plan: Plan) -> set[int]:
    """The chords of each phrase's cadence (its last two), by index in `plan.chords`."""
    out, k = set(), 0
    for phrase in plan.phrases:
        n = len(phrase.chords)
        if phrase.cadence in ("authentic", "plagal", "half", "deceptive"):
            out |= {k + n - 1, k + n - 2} if n >= 2 else {k + n - 1}
        k += n
    return out


def bass_line(plan: Plan, part: PartSpec, style: str, above: list[Voice], top: Voice | None) -> list[Note]:
    low, high = part.low.cents, part.high.cents
    chords = plan.chords
    if not chords:
        return []
    states = [_pedal_states(plan, c, low, high) or bass_states(c, low, high) for c in chords]
    lane = bass_lane(part.name, events_by_chord(_pattern(plan, part, style), "bass", plan), states, chords, low, high)
    cadence = _cadence_chords(plan)
    home = low + 700.0
    cents = [np.array([c for c, _ in options]) for options in states]
    inverted = [np.array([inv > 0 for _, inv in options], dtype=bool) for options in states]
    six_four = [np.array([inv == 2 for _, inv in options], dtype=bool) for options in states]
    unary = [np.abs(c - home) * REGISTER + inv * (CADENCE_INVERSION if k in cadence else INVERSION) + six * SIX_FOUR
             for k, (c, inv, six) in enumerate(zip(cents, inverted, six_four))]
    for k, event in enumerate(chords):
        # A leading tone in the bass must rise to the tonic the moment any voice sounds the tonic: not
        # under a melody that sounds it over the dominant.
        if leads_home(event.key, event.chord, None if k + 1 == len(chords) else chords[k + 1].chord) or \
                is_dominant(event.chord, event.key):
            if sounds_pc(above, event.offset, event.end, event.key.tonic_cents):
                unary[k] = unary[k] + is_leading_tone(event.key, cents[k]) * HARD
        # A leading tone the melody sounds is not doubled in the bass (it cannot resolve in both).
        if is_dominant(event.chord, event.key) and \
                sounds_pc(above, event.offset, event.end, (event.key.tonic_cents - 100.0) % 1200.0):
            unary[k] = unary[k] + is_leading_tone(event.key, cents[k]) * DOUBLED_LEADING
    # ... and rises at the next chord when that chord holds the tonic, or when a voice above sounds the
    # tonic over it (a suspension or an appoggiatura over a dominant chord repeated): the checker hears
    # a dominant sonority move to one with the tonic.
    leading_moves = [leads_home(chords[k].key, chords[k].chord, chords[k + 1].chord)
                     or (is_dominant(chords[k].chord, chords[k].key)
                         and sounds_pc(above, chords[k + 1].offset, chords[k + 1].end,
                                       chords[k].key.tonic_cents))
                     for k in range(len(chords) - 1)]

    def motion(keep: list[np.ndarray]) -> list[np.ndarray]:
        """The soft cost of each pair of kept bass notes at each chord change."""
        out = []
        for k in range(len(keep) - 1):
            here, there = cents[k][keep[k]], cents[k + 1][keep[k + 1]]
            move = there[None, :] - here[:, None]
            if leading_moves[k]:
                # A leading tone in the bass (a first-inversion dominant) rises to the tonic: it is an outer voice.
                leading = is_leading_tone(chords[k].key, here)
                binary_hard = leading[:, None] & (np.abs(move - 100.0) > 0.5)
            else:
                binary_hard = np.zeros(move.shape, dtype=bool)
            move = np.abs(move)
            step = (move > 0) & (move <= 200.0)
            cost = move * MOTION + (move > 700.0) * LEAP + (move > 1200.0) * WIDE_LEAP
            inverted_here, inverted_there = inverted[k][keep[k]], inverted[k + 1][keep[k + 1]]
            cost -= step * (inverted_here[:, None] | inverted_there[None, :]) * INVERSION * 0.8   # what an inversion is for
            out.append(cost + binary_hard * HARD)
        return out

    lines = lane_lines(lane)
    pairs = []
    for a in above:
        ref = LineOfRefs.fixed(a)
        for line in lines:
            relations = {"cross"} | ({"outer"} if top is not None and a is top else set())
            pairs.append((ref, line, relations))
    return solve(plan, lane, pairs, unary, motion, part.velocity, above, [])


def _pedal_states(plan: Plan, event, low: float, high: float) -> list[tuple[float, int]]:
    """The bass's states under a chord inside one of the plan's pedal points: the pedal's pitch class in
    every octave of the range, whatever the chord (none outside a pedal)."""
    for pedal in plan.pedals:
        if pedal.start <= event.offset < pedal.end:
            return [(c, 0) for c in octaves(pedal.pc_cents, low, high)]
    return []


def _accompaniment(plan: Plan, part: PartSpec, style: str, above: list[Voice], below: list[Voice]) -> list[Note]:
    low, high = part.low.cents, part.high.cents
    chords = plan.chords
    if not chords:
        return []
    states = [upper_states(c.chord, low, high) for c in chords]
    lane = upper_lane(part.name, events_by_chord(_pattern(plan, part, style), "upper", plan), states)
    ranks = [voicing_ranks(options) for options in states]
    melody = _mean_pitches(above, chords)
    unary = []
    for k, options in enumerate(states):
        heard, top = melody[k], ranks[k][:, 0]
        gap = np.nan_to_num(np.maximum(0.0, heard - top - 1200.0)) * TOP_GAP if heard is not None else 0.0
        unary.append(_voicing_costs(options) + gap)
    lines = lane_lines(lane)
    relaxed = _relaxed_rules(style)
    fixed_above = [LineOfRefs.fixed(v) for v in above]
    fixed_below = [LineOfRefs.fixed(v) for v in below]
    order = [*fixed_above, *lines, *fixed_below]
    mine = {id(line) for line in lines}
    pairs = []
    for i, a in enumerate(order):
        for j in range(i + 1, len(order)):
            b = order[j]
            if id(a) not in mine and id(b) not in mine:
                continue
            relations = {"parallel"}
            if "parallel-fifths" in relaxed and id(a) in mine and id(b) in mine:
                relations.add("fifths-relaxed")   # the style's planing or power chords, inside the voicing
            if j == i + 1 or (id(a) not in mine) != (id(b) not in mine):
                relations.add("cross")            # below every melody voice, above every bass
            if j == i + 1 and b in lines:
                relations.add("spacing")
            pairs.append((a, b, relations))
    def motion(keep: list[np.ndarray]) -> list[np.ndarray]:
        return upper_motion(plan, [r[idx] for r, idx in zip(ranks, keep)])

    return solve(plan, lane, pairs, unary, motion, part.velocity, above, below, relaxed)


def _relaxed_rules(style: str) -> frozenset[str]:
    """The voice-leading rules the chord style relaxes between the voices of its accompaniment."""
    return frozenset(r.rule for r in grammar.load_chord_style(style).relax if r.between == "accompaniment")


@lru_cache(maxsize=4096)
def voicing_ranks(states: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """states x 3: each voicing's pitches, top first (NaN past its voices)."""
    return np.array([(sorted(v, reverse=True) + [np.nan] * 3)[:3] for v in states], dtype=float).reshape(-1, 3)


@lru_cache(maxsize=4096)
def _voicing_costs(states: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """The soft cost of each voicing on its own: thin (two voices) or none (a rest), and muddy."""
    return np.array([(THIN if 0 < len(v) < 3 else REST if not v else 0.0)
                     + MUD * sum(1 for x, y in zip(v, v[1:]) if x < MUD_BELOW_CENTS and y - x < 500.0)
                     for v in states])


def _mean_pitches(voices: list[Voice], chords) -> list[float | None]:
    """For each chord, the mean pitch of the lowest of `voices` while it sounds (None: silent)."""
    if not voices or not voices[-1].notes:
        return [None] * len(chords)
    notes = np.array(voices[-1].notes, dtype=float)
    out = []
    for c in chords:
        heard = notes[(notes[:, 0] < float(c.end)) & (notes[:, 1] > float(c.offset)), 2]
        out.append(float(heard.mean()) if heard.size else None)
    return out


def upper_motion(plan: Plan, ranks: list[np.ndarray], leading_cost: float = UNRESOLVED_LEADING,
                 seventh_cost: float = UNRESOLVED_SEVENTH) -> list[np.ndarray]:
    """The soft cost of each pair of voicings at each chord change (k to k+1): the motion of each voice
    (top with top, and so on), a seventh that does not fall by step, a leading tone that does not rise
    (a chorale's inner voices are held to these two more strictly than an accompaniment)."""
    states = max(r.shape[0] for r in ranks)
    padded = np.full((len(ranks), states, 3), np.nan)
    for k, r in enumerate(ranks):
        padded[k, :r.shape[0]] = r
    a, b = padded[:-1], padded[1:]                                              # changes x states x 3
    here, there = ~np.isnan(a), ~np.isnan(b)
    a0, b0 = np.where(here, a, 0.0), np.where(there, b, 0.0)
    both = here[:, :, None, :] & there[:, None, :, :]
    cost = (np.abs(a0[:, :, None, :] - b0[:, None, :, :]) * both).sum(axis=3) * MOTION
    chords = plan.chords
    checks = []                      # (chord change, pitch class, lowest and highest motion, cost)
    for k in range(len(chords) - 1):
        first, second = chords[k], chords[k + 1]
        if first.chord == second.chord:
            continue
        if first.chord.has_seventh:
            checks.append((k, first.chord.pitch_classes_cents[3], -200.0, -100.0, seventh_cost))
        leading = (first.key.tonic_cents - 100.0) % 1200.0
        if first.chord.contains_pc(leading) and second.chord.contains_pc(first.key.tonic_cents):
            checks.append((k, leading, 100.0, 100.0, leading_cost))
    if checks:
        ks, pcs, lows, highs, weights = (np.array(x) for x in zip(*checks))
        unresolved = _unresolved(a[ks], b[ks], pcs, lows, highs)                 # checks x states x states
        np.add.at(cost, ks, unresolved * weights[:, None, None])
    return [cost[k, :ranks[k].shape[0], :ranks[k + 1].shape[0]] for k in range(len(ranks) - 1)]


def _unresolved(a: np.ndarray, b: np.ndarray, pcs: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """For each check (n) and pair of voicings (a x b): does the voice of `a` sounding the check's pitch
    class (a voicing's voices hold different pitch classes) move to a note of `b`, in the same voice (the
    same rank, top first), that is not between `lows` and `highs` cents from it?  a, b: n x states x 3."""
    with np.errstate(invalid="ignore"):
        offset = (a - pcs[:, None, None]) % 1200.0
        holds = np.minimum(offset, 1200.0 - offset) < 1.0                                   # n x a x 3
        voice = np.argmax(holds, axis=2)                                                    # n x a
        held = np.take_along_axis(a, voice[:, :, None], axis=2)[:, :, 0]                    # n x a
        n, sa, sb = a.shape[0], a.shape[1], b.shape[1]
        then = np.take_along_axis(np.broadcast_to(b[:, None, :, :], (n, sa, sb, 3)),
                                  np.broadcast_to(voice[:, :, None, None], (n, sa, sb, 1)), axis=3)[:, :, :, 0]
        diff = then - held[:, :, None]                                                      # n x a x b
        found = (diff >= lows[:, None, None] - 1.0) & (diff <= highs[:, None, None] + 1.0)
    return (holds.any(axis=2)[:, :, None] & ~found).astype(float)


__all__ = ["REST", "arrange_harmony", "bass_line", "upper_motion", "voicing_ranks"]
