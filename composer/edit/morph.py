"""Morph: a passage of N bars that moves from one melody to another.

Each source is a melody: the lead melody of a piece file, of a MIDI or of a MusicXML file, or of one
section of a piece (`jig.piece.json:B`). Both are read bar by bar from their start (cyclically when
shorter than the passage). Bar b of the passage, with weight w = b / (N - 1) going from 0 to 1:

- takes its rhythm from the first melody's bar with probability 1 - w, else from the second's;
- aims each note at the weighted mean w of the two melodies' pitches sounding at the same place
  in their bars: a pitch near the aim is much likelier, so the first bar is the first melody's own
  notes and the last bar the second's, where the constraints allow;
- is written under the hard constraints of its key: the first melody's key for the first half, the
  second's for the rest (a change of key at the middle bar when they differ), the pitches of the
  scale (quarter tones included) and its movement rules, the leap limit across every join, and a
  range spanning both melodies.

The draw is the seed's: the same sources, bars and seed give the same passage.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from theory import Key, Meter, Pitch

from ..analysis.context import context_of, lead_part
from ..fill.constraints import Position, build_problem
from ..fill.decode import step_ok
from ..formats.piece_file import PIECE_SUFFIX, load_piece
from ..formats.read import read_piece
from ..plan.feasibility import backward_feasible, sample_chain
from ..score.errors import ComposerError
from ..score.notes import Instrument, KeyChange, Note, Part, key_at
from ..score.piece import PieceData
from ..score.seeds import check_seed, morph_rng
from ..spec.model import DEFAULT_MAX_LEAP

MIN_BARS, MAX_BARS = 2, 256
AIM_CENTS = 60.0          # how sharply a note is drawn to its aim: weight exp(-distance / AIM_CENTS)
ENDPOINT_CENTS = 3.0      # ... in the first and last bars: the nearest pitch, all but surely
MAX_LEAP = DEFAULT_MAX_LEAP   # semitones: the spec's default, so a composed melody's own leaps fit


class MorphError(ComposerError):
    """A morph that cannot be made: an unreadable source, an unknown section, two meters."""


@dataclass
class Melody:
    """One source: its notes from the start of the chosen passage (offsets from 0), meter and keys."""

    name: str
    notes: list[Note]
    meter: Meter
    keys: list[KeyChange]
    instrument: Instrument
    tempo_bpm: float

    @property
    def bars(self) -> int:
        end = max(n.end for n in self.notes)
        return max(1, int(-(-end // self.meter.bar_quarters)))

    def key_at(self, offset: Fraction) -> Key:
        return key_at(self.keys, offset)

    def bar(self, index: int) -> list[Note]:
        """The notes of bar `index` (cyclic), offsets from the bar's start."""
        bq = self.meter.bar_quarters
        b = index % self.bars
        return [Note(n.offset - b * bq, n.duration, n.pitch, n.velocity) for n in self.notes
                if b * bq <= n.offset < (b + 1) * bq]


def read_melody(text: str) -> Melody:
    """'FILE' or 'FILE:SECTION': the lead melody of a piece file, MIDI or MusicXML (of one section)."""
    path, section = Path(text), None
    if not path.exists() and ":" in text:
        head, _, tail = text.rpartition(":")
        path, section = Path(head), tail
    if not path.exists():
        raise MorphError(f"{text}: no such file (accepted: a .piece.json, .mid or .musicxml file, "
                         f"optionally ':SECTION')")

    piece = load_piece(path) if path.name.endswith(PIECE_SUFFIX) else read_piece(path)
    ctx = context_of(piece)
    lead = lead_part(piece, ctx)
    if lead is None or not lead.notes:
        raise MorphError(f"{path}: has no melody to morph")
    start, end = Fraction(0), piece.length_quarters
    plan = ctx.plan
    if section is not None:
        if plan is None:
            raise MorphError(f"{text}: a section is named, but {path} carries no partita plan "
                             f"({ctx.note or 'no spec'})")
        found = [s for s in plan.sections if s.name == section]
        if not found:
            raise MorphError(f"{text}: no section {section!r} (sections: "
                             f"{', '.join(dict.fromkeys(s.name for s in plan.sections))})")
        bq = piece.meter.bar_quarters
        start, end = found[0].start_bar * bq, (found[0].start_bar + found[0].bars) * bq
    keys = ([KeyChange(p.offset(plan.meter), p.key) for p in plan.phrases] if plan is not None
            else list(piece.keys))
    keys = [KeyChange(max(Fraction(0), k.offset - start), k.key) for k in keys if k.offset < end]
    keys = [k for i, k in enumerate(keys) if not any(j.offset == k.offset for j in keys[i + 1:])] or \
        [KeyChange(Fraction(0), piece.key_at(start))]
    notes = sorted((Note(n.offset - start, n.duration, n.pitch, n.velocity) for n in lead.notes
                    if start <= n.offset < end), key=lambda n: (n.offset, -n.pitch.cents))
    # One line: of simultaneous notes, the highest.
    line = [n for i, n in enumerate(notes) if i == 0 or n.offset != notes[i - 1].offset]
    if not line:
        raise MorphError(f"{text}: the section has no melody notes")
    return Melody(text, line, piece.meter, keys, lead.instrument, piece.tempo_bpm)


def _sounding(bar: list[Note], at: Fraction) -> float:
    """The pitch sounding at `at` in a bar (the last note begun before it, else the first)."""
    chosen = bar[0]
    for n in bar:
        if n.offset <= at:
            chosen = n
    return chosen.pitch.cents


def morph(first: Melody | str, second: Melody | str, bars: int = 8, seed: int = 0, title: str | None = None) -> PieceData:
    """A piece of `bars` bars, one melody part, moving from `first` to `second` (see the module)."""
    a = first if isinstance(first, Melody) else read_melody(first)
    b = second if isinstance(second, Melody) else read_melody(second)
    if isinstance(bars, bool) or not isinstance(bars, int) or not MIN_BARS <= bars <= MAX_BARS:
        raise MorphError(f"bars must be an integer from {MIN_BARS} to {MAX_BARS}, received {bars!r}")
    check_seed(seed, MorphError)
    if a.meter.bar_quarters != b.meter.bar_quarters:
        raise MorphError(f"{a.name} is in {a.meter} and {b.name} in {b.meter}: a morph needs bars of one length")
    meter = a.meter
    bq = meter.bar_quarters
    rng = morph_rng(seed)
    pitches = [n.pitch.cents for n in a.notes + b.notes]
    low, high = Pitch(min(pitches)), Pitch(max(max(pitches), min(pitches) + 1200.0))
    middle = bars // 2
    key_a, key_b = a.key_at(Fraction(0)), b.key_at(Fraction(0))
    out: list[Note] = []
    previous = None
    for bar in range(bars):
        w = bar / (bars - 1)
        bar_a, bar_b = a.bar(bar), b.bar(bar)
        use_a = bar == 0 or (bar < bars - 1 and rng.random() >= w)
        rhythm = bar_a if use_a else bar_b
        key = key_a if bar < middle else key_b
        base = bar * bq
        positions = [Position(base + n.offset, n.duration, None, meter.strength(n.offset)) for n in rhythm]
        aims = np.array([(1 - w) * _sounding(bar_a, n.offset) + w * _sounding(bar_b, n.offset) for n in rhythm])
        problem = build_problem(key, meter, positions, low, high, targets_rel=None, max_leap_semitones=MAX_LEAP,
                                strong_chord_tones=False)
        cands = problem.candidates.cents
        start = None
        if previous is not None:
            start = np.array([step_ok(key, previous, c, MAX_LEAP) for c in cands], dtype=bool)
        allowed = problem.allowed
        if bar == bars - 2:
            # Look ahead: the last bar is the second melody's own, so this one must be able to step to it.
            arrive = b.bar(bars - 1)[0].pitch.cents
            ahead = allowed.copy()
            ahead[-1] &= np.array([step_ok(key_b, c, arrive, MAX_LEAP) for c in cands], dtype=bool)
            if backward_feasible(ahead, problem.edges, start=start)[0].any():
                allowed = ahead
        feasible = backward_feasible(allowed, problem.edges, start=start)
        if not feasible[0].any():
            feasible = backward_feasible(allowed, problem.edges)   # a key change: the join is free
        if not feasible[0].any():
            raise MorphError(f"bar {bar + 1}: no pitch of {key} lies in the range {low}-{high}")
        sharpness = AIM_CENTS if 0 < bar < bars - 1 else ENDPOINT_CENTS   # the ends are the melodies themselves
        unary = np.exp(-np.abs(cands[None, :] - aims[:, None]) / sharpness) + 1e-300
        chain = sample_chain(feasible, problem.edges, rng, unary_weights=unary)
        for pos, index in zip(positions, chain):
            out.append(Note(pos.offset, pos.duration, Pitch(float(cands[index])), 90))
        previous = out[-1].pitch.cents
    keys = [KeyChange(Fraction(0), key_a)] + ([KeyChange(middle * bq, key_b)] if key_b != key_a else [])
    name = title or f"Morph: {Path(a.name).name} to {Path(b.name).name}"
    piece = PieceData(name, meter, a.tempo_bpm, bars, [Part("melody", "melody", a.instrument, out)], [], keys, seed=seed,
                  settings={"morph": {"from": a.name, "to": b.name, "bars": bars, "seed": seed}})
    return piece
