"""The machinery of the voice-leading search: states, lanes, the tests the rules make, and Viterbi.

Each chord of the plan takes one *state* of a part: for the bass a chord tone in its range, for the
accompaniment a voicing. A `Lane` holds, for every chord, the notes the part's pattern plays and a
table of their pitches for every state (NaN where a state plays no note), so that every rule can be
tested on all states of a chord at once. The notes are read as voices the way `partita check` reads
a score (`streams`): each rank of the lane is a voice, the melody and the parts arranged before are
fixed voices. `gather` walks every pair of voices once and files each test under the chord (a
*unary* term) or the chord change (a *binary* term) its notes belong to; `unary_costs` and
`binary_costs` price the terms with numpy over all states; `viterbi` finds the cheapest chain.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from theory import Chord, Pitch
from theory.voice_leading import consecutive_family, hidden_family, perfect_family, voice_leading_rules

from ..score.arrays import distinct_sorted, union_sorted
from ..score.notes import ChordEvent, Note
from .streams import Voice

HARD = 1000.0                 # a hard rule broken: paid only where no chain avoids it
DIRECT = 300.0                # direct fifths or octaves into the outer voices: avoided, but before a parallel
SPACING = 4.0                 # adjacent upper voices more than an octave apart
MAX_SPAN = 1900.0             # the widest three-voice voicing: a twelfth
MOTIONS = ("parallel", "octaves", "hidden")    # the kinds of term that test two consecutive dyads
OCTAVES = 1                   # consecutive_family's code for octaves and unisons


@dataclass(frozen=True)
class LaneNote:
    """One note of a lane under one chord: when (exactly, and as floats for the searches), which column
    of the pitch table sounds it, its rank among the notes that start with it (0: top), and its accent."""

    onset: Fraction
    duration: Fraction
    column: int
    rank: int
    accent: int
    start: float = 0.0
    stop: float = 0.0

    @classmethod
    def at(cls, onset: Fraction, duration: Fraction, column: int, rank: int, accent: int) -> "LaneNote":
        start = float(onset)
        return cls(onset, duration, column, rank, accent, start, start + float(duration))


@dataclass
class Lane:
    """A part's notes under every chord, symbolically: `notes[k]` under chord k, and `pitches`, the
    cents of each of those notes (columns) for each state of each chord: chords x states x columns,
    NaN where a state plays no note, or where chord k has fewer states or notes (`states[k]` states)."""

    name: str
    notes: list[list[LaneNote]]
    pitches: np.ndarray
    states: list[int]

    @classmethod
    def of(cls, name: str, notes: list[list[LaneNote]], tables: list[np.ndarray]) -> "Lane":
        shape = (len(tables), max((t.shape[0] for t in tables), default=0), max((t.shape[1] for t in tables), default=0))
        pitches = np.full(shape, np.nan)
        for k, t in enumerate(tables):
            pitches[k, :t.shape[0], :t.shape[1]] = t
        return cls(name, notes, pitches, [t.shape[0] for t in tables])

    def take(self, keep: list[np.ndarray]) -> "Lane":
        """The lane with only the states `keep[k]` (indices) of each chord k."""
        return Lane.of(self.name, self.notes, [self.pitches[k, idx] for k, idx in enumerate(keep)])

    def realise(self, chain: list[int], velocity: int) -> tuple[list[Note], list[tuple[float, float, float]]]:
        """The notes the chain of states plays, and the same as (start, stop, cents) rows."""
        notes, rows = [], []
        for k, s in enumerate(chain):
            row = self.pitches[k, s]
            for note in self.notes[k]:
                cents = float(row[note.column])
                if cents != cents:                      # NaN: this state plays no note here
                    continue
                notes.append(Note(note.onset, note.duration, Pitch(cents), min(127, velocity + note.accent)))
                rows.append((note.start, note.stop, cents))
        return notes, rows


# --- candidates ----------------------------------------------------------------------------------

def octaves(pc: float, low: float, high: float) -> list[float]:
    """Every pitch of pitch class `pc` (cents above C) in [low, high]."""
    return [float(c) for c in np.arange(low + (pc - low) % 1200.0, high + 0.5, 1200.0)]


def bass_states(event: ChordEvent, low: float, high: float) -> list[tuple[float, int]]:
    """(cents, inversion) for each note the bass may take under a chord: the written bass of a slash
    chord, else the root (0), the third (1: a first inversion) or the fifth (2: a six-four, the last
    resort), in every octave of the range."""
    chord = event.chord
    tones = [(chord.bass_pc_cents, 0)]
    if chord.bass is None and len(chord.intervals) >= 3:
        tones += [(chord.pitch_classes_cents[1], 1), (chord.pitch_classes_cents[2], 2)]
    return sorted((cents, inversion) for pc, inversion in tones for cents in octaves(pc, low, high))


@lru_cache(maxsize=4096)
def upper_states(chord: Chord, low: float, high: float) -> tuple[tuple[float, ...], ...]:
    """Voicings of a chord in [low, high], ascending: three different chord tones within a twelfth (a
    seventh chord keeps its third and seventh); then two-voice ones (the third with the root, or with
    the seventh, or a triad's third with its fifth, the bass holding the root), for where three do not fit
    under the melody; last, no voice at all (a rest), for where no two chord tones fit."""
    pcs = list(chord.pitch_classes_cents)
    third = pcs[1] if len(pcs) > 1 else pcs[0]
    sets = [tuple(pcs[:3])] if len(pcs) <= 3 else [(pcs[0], pcs[1], pcs[3]), (pcs[1], pcs[2], pcs[3])]
    found = set()
    for tones in sets:
        for combo in itertools.product(*(octaves(pc, low, high) for pc in tones)):
            ordered = tuple(sorted(combo))
            if len(set(ordered)) == len(ordered) and ordered[-1] - ordered[0] <= MAX_SPAN:
                found.add(ordered)
    pairs = {(pcs[0], third)} | ({(third, pcs[3])} if len(pcs) > 3 else {(third, pcs[2])} if len(pcs) == 3 else set())
    for a, b in pairs:
        for combo in itertools.product(octaves(a, low, high), octaves(b, low, high)):
            ordered = tuple(sorted(combo))
            if ordered[0] != ordered[1] and ordered[1] - ordered[0] <= 1200.0:
                found.add(ordered)
    return tuple(sorted(found, key=lambda v: (-len(v), v))) + ((),)   # (): the accompaniment rests under this chord


# --- lanes ---------------------------------------------------------------------------------------

def upper_lane(name: str, events_by_chord, voicings: list[tuple[tuple[float, ...], ...]]) -> Lane:
    """The accompaniment's lane: a pattern event's voice indices (ascending, as the pattern names
    them; None: all) choose notes of each voicing, ranked top first."""
    notes, pitches = [], []
    for events, states in zip(events_by_chord, voicings):
        chord_notes, columns = [], []
        sounding: dict = {}               # voice indices -> states x ranks: what each voicing plays
        for onset, dur, accent, voice_ids in events:
            key = None if voice_ids is None else tuple(voice_ids)
            if key not in sounding:
                sounding[key] = _sounding(states, key)          # cached: chords and patterns repeat
            for r in range(sounding[key].shape[1]):
                chord_notes.append(LaneNote.at(onset, dur, len(columns), r, accent))
                columns.append(sounding[key][:, r])
        notes.append(chord_notes)
        pitches.append(np.stack(columns, axis=1) if columns else np.full((len(states), 0), np.nan))
    return Lane.of(name, notes, pitches)


@lru_cache(maxsize=4096)
def _sounding(states: tuple[tuple[float, ...], ...], voice_ids: tuple[int, ...] | None) -> np.ndarray:
    """states x ranks: the pitches each voicing sounds for a pattern event's voice indices, top first
    (NaN past the notes a voicing has)."""
    width = 3 if voice_ids is None else len(set(voice_ids))
    out = np.full((len(states), width), np.nan)
    for s, voicing in enumerate(states):
        ids = range(len(voicing)) if voice_ids is None else voice_ids
        notes = sorted({voicing[min(i, len(voicing) - 1)] for i in ids} if voicing else (), reverse=True)
        out[s, :len(notes)] = notes[:width]
    return out


def bass_lane(name: str, events_by_chord, states: list[list[tuple[float, int]]], chords: list[ChordEvent],
              low: float, high: float) -> Lane:
    """The bass's lane: 'root' sounds the state's note; another tone of the pattern (a stride bass's
    fifth) the nearest such chord tone in range."""
    notes, pitches = [], []
    for events, options, event in zip(events_by_chord, states, chords):
        chord_notes = [LaneNote.at(onset, dur, c, 0, accent) for c, (onset, dur, accent, _) in enumerate(events)]
        table = np.full((len(options), len(events)), np.nan)
        for c, (_, _, _, tone) in enumerate(events):
            tone = tone or "root"
            for s, (cents, _) in enumerate(options):
                if tone == "root":
                    table[s, c] = cents
                elif tone == "octave":
                    table[s, c] = cents + 1200.0 if cents + 1200.0 <= high + 0.5 else cents
                else:
                    choices = np.array(octaves(event.chord.tone_pc(tone), low, high))
                    table[s, c] = float(choices[np.argmin(np.abs(choices - cents))]) if choices.size else cents
        notes.append(chord_notes)
        pitches.append(table)
    return Lane.of(name, notes, pitches)


# --- voices and the tests between them -----------------------------------------------------------

class LineOfRefs:
    """A voice as arrays: each note's onset and end (quarters, floats), and its pitch, either a note of
    the lane (`chord` k >= 0 and `column`) or a fixed one (`chord` -1, `cents`)."""

    def __init__(self, name: str, notes: list[tuple[float, float, object]]):
        self.name = name
        self.starts = np.array([n[0] for n in notes], dtype=float)
        self.ends = np.array([n[1] for n in notes], dtype=float)
        self.chord = np.array([n[2][0] if isinstance(n[2], tuple) else -1 for n in notes], dtype=int)
        self.column = np.array([n[2][1] if isinstance(n[2], tuple) else 0 for n in notes], dtype=int)
        self.cents = np.array([0.0 if isinstance(n[2], tuple) else n[2] for n in notes], dtype=float)

    @classmethod
    def fixed(cls, voice: Voice) -> "LineOfRefs":
        line = cls.__new__(cls)
        line.name, line.starts, line.ends, line.cents = voice.name, voice.starts, voice.ends, voice.cents
        line.chord = np.full(len(voice.starts), -1)
        line.column = np.zeros(len(voice.starts), dtype=int)
        return line

    def sounding(self, times: np.ndarray) -> np.ndarray:
        """The index of the note sounding at each time (-1: none)."""
        i = np.searchsorted(self.starts, times, side="right") - 1
        ok = (i >= 0) & (times < self.ends[np.maximum(i, 0)])
        return np.where(ok, i, -1)


def lane_lines(lane: Lane) -> list[LineOfRefs]:
    """The lane's voices, one per rank, top first."""
    by_rank: dict[int, list] = {}
    for k, chord_notes in enumerate(lane.notes):
        for note in chord_notes:
            by_rank.setdefault(note.rank, []).append((note.start, note.stop, (k, note.column)))
    out = []
    for r in sorted(by_rank):
        line: list = []
        for n in sorted(by_rank[r], key=lambda n: n[0]):
            if line and line[-1][1] > n[0]:
                line[-1] = (line[-1][0], n[0], line[-1][2])
            line.append(n)
        out.append(LineOfRefs(f"{lane.name} {r + 1}", line))
    return out


@dataclass
class Terms:
    """The tests the rules make, by kind: per position (two for a position test, four for a motion),
    the pitch reference of each term as arrays (chord: k for a note of the lane, -1 for a fixed note;
    column; cents of a fixed note). `unary` terms involve one chord's notes, `binary` terms two
    neighbouring chords'."""

    unary: dict
    binary: dict

    def add(self, kind: str, refs: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        chords = np.array([c for c, _, _ in refs])
        big = np.iinfo(int).max
        first = np.where(chords >= 0, chords, big).min(axis=0)
        last = chords.max(axis=0)
        for table, keep in ((self.unary, (first == last) & (last >= 0)), (self.binary, last == first + 1)):
            if keep.any():
                kept = [(c[keep], col[keep], cents[keep]) for c, col, cents in refs]
                if kind in table:
                    table[kind] = [tuple(np.concatenate([x, y]) for x, y in zip(old, new))
                                   for old, new in zip(table[kind], kept)]
                else:
                    table[kind] = kept


def gather(pairs) -> Terms:
    """Walk each pair of voices (upper, lower, relations) over their dyads, at every onset of either
    while both sound: 'parallel' (and 'hidden' for the outer voices) between consecutive dyads, 'cross'
    and 'spacing' at each dyad. A pair whose relations hold 'fifths-relaxed' (a style's planing or power
    chords) is tested for consecutive octaves only ('octaves')."""
    terms = Terms({}, {})
    for a, b, relations in pairs:
        times = union_sorted(a.starts, b.starts)
        ia, ib = a.sounding(times), b.sounding(times)
        both = (ia >= 0) & (ib >= 0)
        ia, ib = ia[both], ib[both]
        refs_a = (a.chord[ia], a.column[ia], a.cents[ia])
        refs_b = (b.chord[ib], b.column[ib], b.cents[ib])
        for kind in ("cross", "spacing"):
            if kind in relations:
                terms.add(kind, [refs_a, refs_b])
        index = np.flatnonzero(both)
        consecutive = index[1:] == index[:-1] + 1
        if consecutive.any():
            before = np.flatnonzero(consecutive)
            after = before + 1
            motion = [tuple(x[before] for x in refs_a), tuple(x[before] for x in refs_b),
                      tuple(x[after] for x in refs_a), tuple(x[after] for x in refs_b)]
            terms.add("octaves" if "fifths-relaxed" in relations else "parallel", motion)
            if "outer" in relations:
                terms.add("hidden", motion)
    return terms


def price(kind: str, values: list[np.ndarray]) -> np.ndarray:
    """The cost of each term (arrays broadcast); a NaN pitch (no note) costs nothing."""
    with np.errstate(invalid="ignore"):
        if kind == "parallel":
            return (consecutive_family(*values) > 0) * HARD
        if kind == "octaves":
            return (consecutive_family(*values) == OCTAVES) * HARD
        if kind == "hidden":
            return (hidden_family(*values) > 0) * DIRECT
        a, b = values
        if kind == "cross":
            return (a < b - 1e-6) * HARD
        vl = voice_leading_rules()
        return (a - b > vl.max_upper_spacing_cents + vl.perfect_tolerance_cents) * SPACING


def unary_costs(terms: Terms, lane: Lane) -> np.ndarray:
    """chords x states: the cost of the terms each chord's notes alone decide (every term at once)."""
    chords, states, _ = lane.pitches.shape
    cost = np.zeros((chords, states))
    for kind, refs in terms.unary.items():
        owner = np.max([c for c, _, _ in refs], axis=0)
        values = [np.where((c >= 0)[:, None], lane.pitches[np.maximum(c, 0), :, col], fixed[:, None])
                  for c, col, fixed in refs]                                   # terms x states
        cost += _summed(owner, price(kind, values), chords)
    return cost


def binary_costs(terms: Terms, lane: Lane) -> np.ndarray:
    """(chords - 1) x states x states: the cost of the terms that join chord k's notes to chord k+1's.
    A joining term is a motion whose first dyad sounds under chord k and second under chord k+1, so
    its first two pitches vary with k's state and its last two with k+1's.

    A motion can break a rule only into a perfect interval (and a parallel one only from one), and few
    dyads of all the states are perfect: the motions are priced for those pairs of states alone."""
    chords, states, _ = lane.pitches.shape
    changes = max(chords - 1, 0)
    cost = np.zeros((changes, states, states))
    tol = voice_leading_rules().perfect_tolerance_cents
    for kind, refs in terms.binary.items():
        first = np.min([np.where(c >= 0, c, chords) for c, _, _ in refs], axis=0)
        pitch = [np.where((c < 0)[:, None], fixed[:, None], lane.pitches[np.maximum(c, 0), :, col])
                 for c, col, fixed in refs]                                     # terms x states
        if kind not in MOTIONS:
            values = [p[:, :, None] if i < 2 else p[:, None, :] for i, p in enumerate(pitch)]
            cost += _summed(first, price(kind, values), changes)
            continue
        a1, b1, a2, b2 = pitch
        with np.errstate(invalid="ignore"):
            into = perfect_family(a2 - b2, tol) > 0
            from_ = perfect_family(a1 - b1, tol) > 0 if kind != "hidden" else ~np.isnan(a1 - b1)
        t, s1, s2 = _pairs(from_, into)
        if t.size:
            owed = price(kind, [a1[t, s1], b1[t, s1], a2[t, s2], b2[t, s2]])
            flat = (first[t] * states + s1) * states + s2
            cost += np.bincount(flat, weights=owed, minlength=changes * states * states).reshape(cost.shape)
    return cost


def _pairs(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (term, state, state) with `first[term, state]` and `second[term, state]` (terms x states
    each): a join of the two lists of true cells on their term."""
    t1, s1 = np.nonzero(first)
    t2, s2 = np.nonzero(second)
    terms = first.shape[0]
    n1, n2 = np.bincount(t1, minlength=terms), np.bincount(t2, minlength=terms)
    n = n1 * n2
    term = np.repeat(np.arange(terms), n)
    k = np.arange(term.size) - np.repeat(np.cumsum(n) - n, n)
    i = np.cumsum(n1)[term] - n1[term] + k // np.maximum(n2[term], 1)
    j = np.cumsum(n2)[term] - n2[term] + k % np.maximum(n2[term], 1)
    return term, s1[i], s2[j]


def _summed(owner: np.ndarray, costs: np.ndarray, chords: int) -> np.ndarray:
    """The terms' costs (terms x ...) summed by the chord each belongs to (chords x ...)."""
    out = np.zeros((chords, *costs.shape[1:]))
    if len(owner):
        order = np.argsort(owner, kind="stable")
        owners, first = distinct_sorted(owner[order])
        out[owners] = np.add.reduceat(costs[order], first, axis=0)
    return out


def viterbi(unary: np.ndarray, binary: np.ndarray) -> list[int]:
    """The cheapest chain of states (the first of equals): `unary` chords x states (inf: no such
    state), `binary` (chords - 1) x states x states."""
    best = unary[0].copy()
    back = []
    for k in range(1, len(unary)):
        total = best[:, None] + binary[k - 1]
        choice = np.argmin(total, axis=0)
        back.append(choice)
        best = total[choice, np.arange(total.shape[1])] + unary[k]
    chain = [int(np.argmin(best))]
    for choice in reversed(back):
        chain.append(int(choice[chain[-1]]))
    return chain[::-1]


__all__ = ["HARD", "Lane", "LaneNote", "LineOfRefs", "Terms", "bass_lane", "bass_states", "binary_costs", "gather",
           "lane_lines", "octaves", "price", "unary_costs", "upper_lane", "upper_states", "viterbi"]
