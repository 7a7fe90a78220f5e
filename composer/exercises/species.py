"""Species-counterpoint exercises: a cantus firmus written by rule, and a model answer in the first four
species found by beam search, which `composer.analysis.species.species_findings` passes without an error.

Pitches are in cents (C4 = 6000); inside the searches they are whole semitones above the tonic.
Randomness comes only from the numpy Generator `rng` (the order of candidates and a little noise in the
costs), so a seed gives one exercise:

    rng = np.random.default_rng(0)
    cf = cantus_firmus(6000.0, minor=False, length=10, rng=rng)   # [6000.0, 5900.0, 5700.0, ..., 6200.0, 6000.0]
    answer = counterpoint(cf, 6000.0, False, species=2, above=True, rng=rng)
    # [(Fraction(0, 1), Fraction(2, 1), 6700.0), (Fraction(2, 1), Fraction(4, 1), 7200.0), ...]
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from theory.counterpoint import counterpoint_rules, melodic_quality, note_name, scale_cents, semitones
from theory.voice_leading import consecutive_family

from ..analysis.species import species_findings
from ..score.errors import ComposerError

MIN_CANTUS, MAX_CANTUS = 8, 14
MODEL_SPECIES = (1, 2, 3, 4)
MAX_RANGE = 16                              # a tenth, for the cantus and the counterpoint alike
MAX_VERTICAL = 19                           # the voices at most a twelfth apart
BEAM_WIDTH = {1: 48, 2: 40, 3: 28, 4: 40}
TRIES = 4
CANTUS_VISITS = 3                           # no pitch more than three times in a cantus
CANTUS_MIN_RANGE = 7                        # a cantus spans a fifth at least
CANTUS_NODES = 4000                         # nodes one depth-first try of the cantus may visit
# costs of the search (lower is better): melodic leaps by semitones, and the style's other preferences
CLIMAX_AGAIN_COST = 2.5                     # the highest note so far, again
BROKEN_TIE_COST = 3.0                       # a fourth-species ligature broken (a new note on the downbeat)
CONSONANT_TIE_COST = 0.5                    # a consonant syncope (a dissonant suspension is the point)
SUSPENSION_BONUS = 0.8
REPEAT_COST = 2.5                           # a repeated note (the first species allows one)
RETURN_COST = 0.7                           # back to the note before last (third species)
SIMILAR_COST = 0.8                          # similar motion with the cantus
PERFECT_COST = 1.2                          # a perfect consonance on an inner downbeat
WIDE_COST = 1.0                             # the voices more than a tenth apart
LEAP_COST = {1: 0.0, 2: 0.0, 3: 1.0, 4: 1.0, 5: 2.0, 7: 2.5, 8: 3.0, 12: 3.5}


# --- the cantus firmus ----------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _plain(a: int, b: int, minor: bool) -> bool:
    """A melodic interval between semitones a and b above the tonic that is neither augmented nor diminished."""
    return not melodic_quality(a * 100.0, b * 100.0, 0.0, minor)


@lru_cache(maxsize=1)
def _consonances() -> frozenset:
    """The vertical consonances within the octave, in semitones (rules/counterpoint.yaml)."""
    rules = counterpoint_rules()
    return rules.perfect_consonances | rules.imperfect_consonances


def _degree_semitones(degree: int, scale: tuple) -> int:
    return 12 * (degree // 7) + semitones(scale[degree % 7])


def _outlines_tritone(line: list[int]) -> bool:
    """Whether a run in one direction (between turning points) spans a tritone."""
    turns = [0] + [k for k in range(1, len(line) - 1) if (line[k] - line[k - 1]) * (line[k + 1] - line[k]) < 0]
    turns.append(len(line) - 1)
    return any(abs(line[b] - line[a]) % 12 == 6 for a, b in zip(turns, turns[1:]))


def _cantus_move_ok(degrees: list[int], d: int, scale: tuple, minor: bool, max_leaps: int) -> bool:
    prev = degrees[-1]
    move = d - prev
    a, b = _degree_semitones(prev, scale), _degree_semitones(d, scale)
    if move == 0 or abs(move) > 5 or (abs(move) == 5 and b - a != 8) or not _plain(a, b, minor):
        return False
    if len(degrees) >= 2:
        before = prev - degrees[-2]
        if abs(before) > 1 and (abs(move) != 1 or (move > 0) == (before > 0)):
            return False                             # a leap is recovered by a step the other way
    if len(degrees) >= 3 and degrees[-3] == prev and degrees[-2] == d:
        return False                                 # no x-y-x-y
    figure = (degrees[-2], prev, d) if len(degrees) >= 2 else None
    if figure and any(tuple(degrees[j:j + 3]) == figure for j in range(len(degrees) - 2)):
        return False                                 # no three-note figure twice
    if degrees.count(d) >= CANTUS_VISITS:
        return False
    leaps = sum(1 for x, y in zip(degrees, degrees[1:]) if abs(y - x) > 1) + (abs(move) > 1)
    pitches = [_degree_semitones(x, scale) for x in degrees] + [b]
    return leaps <= max_leaps and max(pitches) - min(pitches) <= MAX_RANGE


def _cantus_search(length: int, scale: tuple, minor: bool, rng: np.random.Generator) -> list[int] | None:
    """Depth-first, candidates in an order the rng shuffles (steps first, mostly): the degrees, or None."""
    max_leaps = 1 + (length - 1) // 4
    budget = [CANTUS_NODES]

    def complete(degrees: list[int]) -> bool:
        pitches = [_degree_semitones(x, scale) for x in degrees]
        top = max(pitches)
        return (pitches.count(top) == 1 and top - min(pitches) >= CANTUS_MIN_RANGE and pitches.index(top) not in (0, length - 1)
                and any(abs(y - x) > 1 for x, y in zip(degrees, degrees[1:])) and not _outlines_tritone(pitches))

    def extend(degrees: list[int]) -> list[int] | None:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        i = len(degrees)
        if i == length:
            return degrees if complete(degrees) else None
        if i == length - 1:
            options = [0]
        elif i == length - 2:
            options = [1]
        elif i == length - 3:
            options = [2, 0]                          # the cadence is approached by step
        else:
            options = [d for d in range(-3, 10) if abs(d - 1) <= 2 * (length - 2 - i)]
        moves = np.array([abs(d - degrees[-1]) for d in options], dtype=float)
        order = np.argsort(np.where(moves <= 1, 0.0, moves) + 2.5 * rng.random(len(options)), kind="stable")
        for k in order:
            d = options[int(k)]
            if _cantus_move_ok(degrees, d, scale, minor, max_leaps):
                found = extend(degrees + [d])
                if found is not None:
                    return found
        return None

    return extend([0])


def cantus_firmus(tonic_cents: float, minor: bool, length: int, rng: np.random.Generator) -> list[float]:
    """A cantus firmus of `length` (8-14) whole notes in the major or natural minor scale on the tonic,
    by the rules of Fux, Jeppesen and Schubert: it begins and ends on the tonic and ends 2-1; it moves
    mostly by step, with a few leaps of a third to a fifth (or a rising minor sixth), each recovered by a
    step the other way; no repeated note, no augmented or diminished interval, no run outlining a
    tritone; one climax, not at either end; a range of a tenth at most. Returns cents."""
    if isinstance(length, bool) or not isinstance(length, int) or not MIN_CANTUS <= length <= MAX_CANTUS:
        raise ComposerError(f"a cantus firmus has {MIN_CANTUS} to {MAX_CANTUS} notes, received length={length!r}")
    _check_tonic_and_rng(tonic_cents, rng)
    scale = scale_cents(bool(minor))
    for _ in range(TRIES * 4):
        degrees = _cantus_search(length, scale, bool(minor), rng)
        if degrees is not None:
            return [float(tonic_cents) + 100.0 * _degree_semitones(d, scale) for d in degrees]
    raise ComposerError(f"no cantus firmus of {length} notes found in {TRIES * 4} tries")


def _check_tonic_and_rng(tonic_cents, rng) -> None:
    if isinstance(tonic_cents, bool) or not isinstance(tonic_cents, (int, float)) or not math.isfinite(tonic_cents):
        raise ComposerError(f"tonic_cents must be a finite number of cents, received {tonic_cents!r}")
    if not isinstance(rng, np.random.Generator):
        raise ComposerError(f"rng must be a numpy Generator (numpy.random.default_rng(seed)), received {rng!r}")


# --- the counterpoint ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Slot:
    """One attack (or, in the fourth species, one downbeat that may hold the note before): its times, the
    cantus note under it, whether it is a downbeat, whether it may or must be tied, its candidate pitches."""

    onset: Fraction
    end: Fraction
    cf: int
    downbeat: bool
    tie: str             # "" | "may" | "must" (fourth species downbeats)
    candidates: tuple


@dataclass(frozen=True)
class _State:
    line: tuple          # one pitch a slot, semitones above the tonic (a tie repeats its pitch)
    notes: tuple         # the notes as sung: ties merged
    cost: float
    low: int
    high: int
    run: tuple           # (kind of imperfect consonance on the downbeats, how many in a row)
    pending: bool        # the last note is a dissonance waiting for its step (or its resolution)
    repeats: int = 0     # repeated notes so far (the first species allows one)


def _rhythm(species: int, bars: int, bar: Fraction) -> list[tuple]:
    """(onset, end, cantus index, on a downbeat, tie) for each slot of the answer."""
    last = ((bars - 1) * bar, bars * bar, bars - 1, True, "")
    if species == 1:
        return [(i * bar, (i + 1) * bar, i, True, "") for i in range(bars)]
    if species in (2, 3):
        parts = species if species == 2 else 4
        step = bar / parts
        return [(i * bar + k * step, i * bar + (k + 1) * step, i, k == 0, "")
                for i in range(bars - 1) for k in range(parts)] + [last]
    half = bar / 2
    out = []
    for i in range(bars - 2):
        out.append((i * bar + half, (i + 1) * bar, i, False, ""))
        out.append(((i + 1) * bar, (i + 1) * bar + half, i + 1, True, "must" if i + 1 == bars - 2 else "may"))
    return out + [((bars - 2) * bar + half, (bars - 1) * bar, bars - 2, False, ""), last]


def _vertical(c: int, cf: int, above: bool) -> int:
    return c - cf if above else cf - c


def _family(v: int) -> int:
    return 1 if v % 12 == 0 else 2 if v % 12 == 7 else 0


def _slots(cf: list[int], species: int, above: bool, minor: bool, bar: Fraction) -> list[_Slot]:
    scale = [semitones(c) for c in scale_cents(minor)]
    final_options = [cf[-1] + 12, cf[-1]] if above else [cf[-1] - 12, cf[-1]]
    falling = cf[-1] < cf[-2]
    rhythm = _rhythm(species, len(cf), bar)
    n = len(rhythm)
    lo, hi = (min(cf), max(cf) + MAX_RANGE) if above else (min(cf) - MAX_RANGE, max(cf))
    diatonic = [s for s in range(lo, hi + 1) if s % 12 in scale]
    out = []
    for k, (onset, end, i, downbeat, tie) in enumerate(rhythm):
        pool = list(diatonic)
        if k == n - 1:
            pool = final_options
        elif k == n - 2:                              # the leading tone, or the step above the final
            pool = [f - 1 if falling else f + 2 for f in final_options]
        elif species == 4 and k in (n - 3, n - 4):    # the 7-6 (2-3) suspension into the leading tone
            pool = final_options
        elif minor and species in (2, 3) and k == n - 3:
            pool = pool + [f - 3 for f in final_options]      # the raised sixth before the raised seventh
        keep = []
        for c in pool:
            v = _vertical(c, cf[i], above)
            if v < 0 or v > MAX_VERTICAL or (v == 0 and 0 < k < n - 1):
                continue
            if k == 0 and not (v % 12 == 0 or (above and v % 12 == 7)):
                continue
            if v % 12 not in _consonances() and not tie and (downbeat or species in (1, 4)):
                continue
            keep.append(c)
        out.append(_Slot(onset, end, i, downbeat, tie, tuple(sorted(set(keep)))))
    return out


def _melodic_cost(d: int, species: int, repeats: int) -> float | None:
    """The cost of a melodic move of d semitones, or None where the species forbids it."""
    n = abs(d)
    if n == 0:
        return REPEAT_COST if species == 1 and repeats < counterpoint_rules().max_repeats_first_species else None
    if n > 12 or n in (6, 9, 10, 11) or d == -8:
        return None
    cost = LEAP_COST[n]
    return cost * 1.5 if species == 3 else cost


def _consecutive(v: int, w: int, moved: bool) -> bool:
    """Two sounding intervals of one perfect family with the counterpoint moving between them."""
    return moved and _family(v) != 0 and _family(v) == _family(w)


def _previous_downbeat(slots: list[_Slot], k: int) -> int | None:
    return next((j for j in range(k - 1, -1, -1) if slots[j].downbeat), None)


def _tied(state: _State, c: int, k: int, slots: list[_Slot], cf: list[int], above: bool) -> _State | None:
    """The fourth species' note held over the barline into slot k, or None where a rule forbids it."""
    v = _vertical(c, cf[slots[k].cf], above)
    back = _previous_downbeat(slots, k)
    if back is not None and _consecutive(v, _vertical(state.line[back], cf[slots[back].cf], above),
                                         state.line[back] != c):
        return None                                   # fifths or octaves on successive downbeats
    dissonant = v % 12 not in _consonances()
    return _State(state.line + (c,), state.notes, state.cost + (0.0 if dissonant else CONSONANT_TIE_COST),
                  state.low, state.high, state.run, dissonant, state.repeats)


def _extend(state: _State, c: int, k: int, slots: list[_Slot], cf: list[int], species: int, above: bool,
            minor: bool) -> _State | None:
    """The state with note c in slot k, or None where a rule forbids it."""
    slot, line, notes = slots[k], state.line, state.notes
    if slot.tie and line and c == line[-1]:
        return _tied(state, c, k, slots, cf, above)
    if slot.tie == "must":
        return None
    v = _vertical(c, cf[slot.cf], above)
    dissonant = v % 12 not in _consonances()
    if dissonant and (slot.downbeat or species in (1, 4)):
        return None
    cost = BROKEN_TIE_COST if slot.tie else 0.0
    if line:
        p = line[-1]
        d = c - p
        m = _melodic_cost(d, species, state.repeats)
        if m is None or not _plain(p, c, minor):
            return None
        cost += m
        if len(notes) >= 2:
            before = p - notes[-2]
            if abs(before) > 5 and (abs(d) > 2 or (d > 0) == (before > 0)):
                return None                           # a large leap is recovered by a step the other way
            if abs(before) > 2 and abs(d) > 2 and (d > 0) == (before > 0):
                if abs(d) + abs(before) > 12:
                    return None
                cost += 1.5
            if species == 3 and c == notes[-2]:
                cost += RETURN_COST                   # x-y-x figures, sparingly
        if state.pending:                             # the dissonance before is left as its species allows
            if species == 4:
                if not -2 <= d <= -1 or v == 0 or (not above and v % 12 == 0):
                    return None                       # a suspension resolves down by step
                cost -= SUSPENSION_BONUS
            else:
                before = p - notes[-2]
                passing = abs(d) <= 2 and (d > 0) == (before > 0)
                neighbour = (species == 3 and c == notes[-2] and not dissonant
                             and _vertical(line[-2], cf[slots[k - 2].cf], above) % 12 in _consonances())
                if not (passing or neighbour):
                    return None
        if dissonant and abs(d) > 2:
            return None                               # a dissonance is approached by step
        cf_prev = cf[slots[k - 1].cf]
        if cf[slot.cf] != cf_prev:                    # the cantus moves too
            same = d != 0 and (d > 0) == (cf[slot.cf] - cf_prev > 0)
            upper_leaps = abs(d if above else cf[slot.cf] - cf_prev) > 2
            if _consecutive(v, _vertical(p, cf_prev, above), d != 0) or (_family(v) and same and upper_leaps):
                return None                           # consecutive fifths or octaves; direct ones
            cost += (SIMILAR_COST + (PERFECT_COST if _family(v) else 0.0)) if same else 0.0
        if species == 4 and not slot.downbeat and k >= 2:
            w = _vertical(line[k - 2], cf[slots[k - 2].cf], above)
            if _consecutive(v, w, line[k - 2] != c):
                return None                           # fifths or octaves on successive syncopes
        back = _previous_downbeat(slots, k) if slot.downbeat else None
        if back is not None and _consecutive(v, _vertical(line[back], cf[slots[back].cf], above), line[back] != c):
            return None                               # fifths or octaves on successive downbeats
    high, low = max(state.high, c), min(state.low, c)
    cost += CLIMAX_AGAIN_COST if c == state.high else 0.0      # one climax, best
    if high - low > MAX_RANGE:
        return None
    run = state.run
    if slot.downbeat:
        kind = "thirds" if v % 12 in (3, 4) else "sixths" if v % 12 in (8, 9) else ""
        run = (kind, run[1] + 1 if kind and kind == run[0] else 1)
        if kind and run[1] > 3:
            return None
        cost += PERFECT_COST if _family(v) and 0 < k < len(slots) - 1 else 0.0
    cost += WIDE_COST if v > MAX_RANGE else 0.0
    repeats = state.repeats + (1 if line and c == line[-1] else 0)
    return _State(line + (c,), notes + (c,), state.cost + cost, low, high, run, dissonant, repeats)


def _beam(slots: list[_Slot], cf: list[int], species: int, above: bool, minor: bool, width: int,
          rng: np.random.Generator) -> list[_State]:
    states = [_State((), (), 0.0, 10 ** 6, -(10 ** 6), ("", 0), False)]
    for k, slot in enumerate(slots):
        grown = {}
        for state in states:
            noise = rng.random(len(slot.candidates))
            for c, jitter in zip(slot.candidates, noise):
                new = _extend(state, c, k, slots, cf, species, above, minor)
                if new is None:
                    continue
                new = _State(new.line, new.notes, new.cost + float(jitter), new.low, new.high, new.run, new.pending,
                             new.repeats)
                key = (new.line[-2:], new.notes[-2:], new.low, new.high, new.run, new.pending, new.repeats)
                if key not in grown or grown[key].cost > new.cost:
                    grown[key] = new
        states = sorted(grown.values(), key=lambda s: s.cost)[:width]
        if not states:
            return []
    return [s for s in states if not s.pending]


def _notes(state: _State, slots: list[_Slot], tonic_cents: float) -> list[tuple[Fraction, Fraction, float]]:
    """The answer's notes, a tie as one note across the barline."""
    out = []
    for k, (slot, c) in enumerate(zip(slots, state.line)):
        if slot.tie and k and c == state.line[k - 1]:
            out[-1] = (out[-1][0], slot.end, out[-1][2])
        else:
            out.append((slot.onset, slot.end, float(tonic_cents) + 100.0 * c))
    return out


def _no_consecutives(notes, cantus_cents: list[float], bar: Fraction) -> bool:
    """No consecutive fifths or octaves between successive sounding intervals, nor between downbeats."""
    def cf_at(t):
        return cantus_cents[int(t // bar)]

    times = sorted({n[0] for n in notes} | {i * bar for i in range(len(cantus_cents))})
    dyads = []
    for t in times:
        note = next((n for n in notes if n[0] <= t < n[1]), None)
        if note is not None:
            dyads.append((t, note[2], cf_at(t)))
    pairs = list(zip(dyads, dyads[1:]))
    beats = [d for d in dyads if d[0] % bar == 0]
    pairs += [(a, b) for a, b in zip(beats, beats[1:]) if b[0] - a[0] == bar]
    return not any(int(consecutive_family(a[1], a[2], b[1], b[2])) for a, b in pairs)


def counterpoint(cantus: list[float], tonic_cents: float, minor: bool, species: int, above: bool,
                 rng: np.random.Generator, bar: Fraction = Fraction(4)) -> list[tuple[Fraction, Fraction, float]]:
    """A model answer in `species` (1-4) to `cantus` (cents, one whole note a bar of `bar` quarter notes),
    above or below it: (onset, end, cents) notes with no error of `species_findings` and no consecutive
    fifths or octaves, found by beam search (steps, contrary motion and imperfect consonances cost least).
    Species 2 moves in half notes, 3 in quarters, 4 in half notes tied across the barline after a half
    rest, with the 7-6 (above) or 2-3 (below) suspension at the cadence; the last bar is a whole note. In
    minor the leading tone is raised at the cadence. Raises ComposerError if no answer is found."""
    if isinstance(species, bool) or species not in MODEL_SPECIES:
        raise ComposerError(f"model answers are written in species {', '.join(map(str, MODEL_SPECIES))}, "
                            f"received species={species!r}")
    _check_tonic_and_rng(tonic_cents, rng)
    if not isinstance(bar, (int, Fraction)) or isinstance(bar, bool) or bar <= 0:
        raise ComposerError(f"bar must be a positive Fraction of quarter notes, received {bar!r}")
    bar = Fraction(bar)
    if (not isinstance(cantus, (list, tuple)) or len(cantus) < 3
            or not all(isinstance(c, (int, float)) and math.isfinite(c) for c in cantus)):
        raise ComposerError(f"the cantus must be a list of at least 3 pitches in cents, received {cantus!r}")
    cf = [semitones(c - tonic_cents) for c in cantus]
    cantus_notes = [(i * bar, (i + 1) * bar, float(c)) for i, c in enumerate(cantus)]
    slots = _slots(cf, species, bool(above), bool(minor), bar)
    width = BEAM_WIDTH[species]
    for _ in range(TRIES):
        passing = None                                # the best answer with warnings only
        for state in sorted(_beam(slots, cf, species, bool(above), bool(minor), width, rng), key=lambda s: s.cost):
            notes = _notes(state, slots, tonic_cents)
            findings = species_findings(cantus_notes, notes, species, bar, tonic_cents, minor)
            if any(f.severity == "error" for f in findings) or not _no_consecutives(notes, list(cantus), bar):
                continue
            if not findings:
                return notes
            passing = passing or notes
        if passing is not None:
            return passing
        width *= 2
    side = "above" if above else "below"
    names = " ".join(note_name(c, tonic_cents, minor) for c in cantus)
    raise ComposerError(f"no species-{species} counterpoint {side} the cantus {names} ({'minor' if minor else 'major'}, "
                        f"tonic {note_name(tonic_cents, tonic_cents, minor)}) in {TRIES} searches")


__all__ = ["cantus_firmus", "counterpoint"]
