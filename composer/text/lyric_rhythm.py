"""The rhythm of a sung line: one note per syllable (more for a melisma), stress on strong beats.

`lyric_rhythm` places the syllables of one line over `bars` bars of a meter by dynamic
programming over grid positions. The state is (syllable, onset position); a syllable sung
on k notes covers a span of the line split into k notes that never cross a bar line, so
every bar starts with an onset and sums exactly to the meter. The score of a placement adds:

* the note values: a log weight per duration (quarter and eighth notes are common, dotted
  and long ones rarer, values that are no single written note rare) and a penalty for a
  note that starts off the beat and runs over the next beat (`SYNCOPATION_LOG`);
* stress against metre: a stressed syllable gains with the strength of its onset, an
  unstressed one gains with its weakness (`STRESS_GAIN`), and each pair of neighbouring
  syllables where a stressed one stands on a weaker position than an unstressed one costs
  `CLASH_COST` (the pair term is what `stress_alignment` measures);
* length: stressed syllables and the line's last syllable gain with the length of what they
  are sung on; the last syllable gains with the strength of its onset in the last bar;
* a little noise from `rng` on every (syllable, position) and on each length, so different
  seeds give different rhythms among nearly equal ones.

The grid is the meter's eighth (its unit where that is shorter) when the line fits on it, else
its half (sixteenths in simple meters); a line with more notes than the finer grid has
positions raises `LyricsError`. A line with fewer notes than bars gets melisma notes, on its
last syllable first and then on its stressed syllables from the end, until every bar has one.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from theory import Meter

from ..score.errors import LyricsError
from ..score.rhythm import RhythmNote, grid_of

if TYPE_CHECKING:  # pragma: no cover
    from .lyrics import Syllable


# Relative frequency of note values in quarter notes (simple and compound meters); other grid
# multiples are allowed (written tied) with RARE_WEIGHT.
SIMPLE_WEIGHTS = {Fraction(1, 4): 0.8, Fraction(1, 2): 2.2, Fraction(3, 4): 0.6, Fraction(1): 4.0,
                  Fraction(3, 2): 1.4, Fraction(2): 1.6, Fraction(3): 0.7, Fraction(4): 0.5}
COMPOUND_WEIGHTS = {Fraction(1, 4): 0.6, Fraction(1, 2): 3.0, Fraction(1): 2.0, Fraction(3, 2): 3.0,
                    Fraction(3): 0.8, Fraction(6): 0.4}
RARE_WEIGHT = 0.08
SYNCOPATION_LOG = -2.0
STRESS_GAIN = 0.9          # per rank of onset strength, for a stressed syllable (minus, for an unstressed)
UNSTRESSED_GAIN = 0.35
CLASH_COST = 5.0           # a stressed syllable on a weaker position than its unstressed neighbour
INITIAL_CLASH_COST = 1.5   # the same, for the line's first two syllables (the first is on the downbeat)
CONTRAST_GAIN = 0.4        # ... on a strictly stronger one
STRESSED_LENGTH_GAIN = 0.5  # per doubling of the length a stressed syllable is sung on
FINAL_LENGTH_GAIN = 1.2     # per doubling, for the line's last syllable
FINAL_BEAT_GAIN = 0.6       # per rank of the last syllable's onset strength in the last bar
NOISE = 0.6
_NEG = -1e9
_GRID_NAMES = {Fraction(1, 8): "thirty-second", Fraction(1, 4): "sixteenth", Fraction(1, 2): "eighth",
               Fraction(1): "quarter", Fraction(2): "half"}


def _rank(strength: float) -> float:
    """Onset strength as a rank: downbeat 5, half bar 4, beat 3, half beat 2, quarter beat 1."""
    return max(0.0, 5.0 + math.log2(strength))


def stress_alignment(syllables: list[Syllable], strengths: list[float]) -> tuple[int, int]:
    """Over all neighbouring pairs of a stressed and an unstressed syllable of a line: (pairs whose
    stressed syllable's onset is at least as strong as the unstressed one's, pairs)."""
    if len(syllables) != len(strengths):
        raise ValueError(f"one strength per syllable is needed: {len(syllables)} syllables, "
                         f"{len(strengths)} strengths")
    good = total = 0
    for (a, sa), (b, sb) in zip(zip(syllables, strengths), list(zip(syllables, strengths))[1:]):
        if (a.stress > 0) == (b.stress > 0):
            continue
        total += 1
        strong, weak = (sa, sb) if a.stress > 0 else (sb, sa)
        good += strong >= weak
    return good, total


def onset_strengths(meter: Meter, bars: list[list[RhythmNote]], syllables: list[Syllable]) -> list[float]:
    """The metric strength of each syllable's first note in a rhythm from `lyric_rhythm`."""
    notes = [n for bar in bars for n in bar]
    out, i = [], 0
    for s in syllables:
        out.append(meter.strength(notes[i].offset))
        i += s.notes
    return out


def _line_name(syllables) -> str:
    return f"lyrics line {syllables[0].line + 1}" if syllables else "lyrics line"


def _with_melisma(syllables: list, bars: int) -> list:
    """Add melisma notes until there are at least as many notes as bars (see the module docstring)."""
    out = list(syllables)
    missing = bars - sum(s.notes for s in out)
    order = [len(out) - 1] + [i for i in range(len(out) - 2, -1, -1) if out[i].stress > 0]
    k = 0
    while missing > 0:
        i = order[k % len(order)]
        out[i] = dataclasses.replace(out[i], melisma=out[i].melisma + 1)
        missing -= 1
        k += 1
    return out


def _choose_grid(meter: Meter, bars: int, notes: int, grid, syllables) -> Fraction:
    coarse = grid_of(meter)
    if grid is not None:
        grid = Fraction(grid)
        if grid <= 0 or (meter.bar_quarters / grid).denominator != 1:
            raise LyricsError(f"{_line_name(syllables)}: grid {grid} quarter notes does not divide the bar of "
                              f"{meter} ({meter.bar_quarters} quarter notes)")
        options = [grid]
    else:
        options = [coarse, coarse / 2]
    for g in options:
        if notes <= bars * int(meter.bar_quarters / g):
            return g
    g = options[-1]
    most = bars * int(meter.bar_quarters / g)
    value = _GRID_NAMES.get(g, f"{g} quarter notes")
    raise LyricsError(f"{_line_name(syllables)}: {len(syllables)} syllables need {notes} notes, but at most "
                      f"{most} fit in {bars} bar{'s' if bars != 1 else ''} of {meter} (one per {value}); "
                      f"give the line more bars or fewer syllables")


@lru_cache(maxsize=64)
def _tables(meter: Meter, grid: Fraction, bars: int, most: int):
    """(ranks per position, note log-weights [p, q], rest[k][p, q] best k-note chains, their argmax)."""
    per_bar = int(meter.bar_quarters / grid)
    size = bars * per_bar
    ranks = np.array([_rank(meter.strength((p % per_bar) * grid)) for p in range(size)])
    weights = COMPOUND_WEIGHTS if meter.is_compound else SIMPLE_WEIGHTS
    beats = [int(b / grid) for b in meter.group_offsets] + [per_bar]
    note = np.full((size + 1, size + 1), _NEG)
    for p in range(size):
        bar_end = (p // per_bar + 1) * per_bar
        inner = p % per_bar
        nxt = min(b for b in beats if b > inner)
        for q in range(p + 1, bar_end + 1):
            value = math.log(weights.get((q - p) * grid, RARE_WEIGHT))
            if inner not in beats and (q - p) + inner > nxt:
                value += SYNCOPATION_LOG
            note[p, q] = value
    rest = [None, note]
    args = [None, None]
    for _ in range(2, most + 1):
        combined = note[:, :, None] + rest[-1][None, :, :]     # [p, m, q]
        arg = combined.argmax(axis=1)
        rest.append(np.maximum(np.take_along_axis(combined, arg[:, None, :], axis=1)[:, 0, :], _NEG))
        args.append(arg)
    return ranks, note, rest, args


def _chain(args, k: int, p: int, q: int) -> list[int]:
    """Onsets of the best k-note chain from p to q."""
    onsets = [p]
    while k > 1:
        m = int(args[k][p, q])
        onsets.append(m)
        p, k = m, k - 1
    return onsets


def lyric_rhythm(meter: Meter, bars: int, syllables: list[Syllable], rng: np.random.Generator,
                 grid: Fraction | None = None) -> tuple[list[list[RhythmNote]], list[Syllable]]:
    """Rhythm for one line of syllables over `bars` bars: (per bar, its notes from the bar start;
    the syllables, with melisma notes added where the line had fewer notes than bars). Every
    bar is filled exactly and starts with a note; there is one note per syllable plus one per
    melisma note (see the module docstring for how onsets are chosen)."""
    syllables = list(syllables)
    if isinstance(bars, bool) or not isinstance(bars, numbers.Integral) or bars < 1:
        raise LyricsError(f"{_line_name(syllables)}: bars must be a whole number >= 1, received {bars!r}")
    bars = int(bars)
    if not syllables:
        raise LyricsError(f"{_line_name(syllables)}: no syllables to set")
    syllables = _with_melisma(syllables, bars)
    total = sum(s.notes for s in syllables)
    g = _choose_grid(meter, bars, total, grid, syllables)
    per_bar = int(meter.bar_quarters / g)
    size = bars * per_bar
    most = max(s.notes for s in syllables)
    ranks, _, rest, args = _tables(meter, g, bars, most)
    positions = np.arange(size + 1)
    lengths = np.log2(np.maximum(positions, 1) * float(g) * 4)     # log2 of a length in sixteenths
    length_noise = rng.normal(0.0, NOISE, size + 1)
    span = positions[None, :] - positions[:size, None]              # [p, q] -> q - p
    span_log = np.where(span > 0, lengths[np.clip(span, 0, size)] + length_noise[np.clip(span, 0, size)], 0.0)
    ranks_q = np.append(ranks, 0.0)
    count = len(syllables)
    best = np.full(size + 1, _NEG)
    best[0] = 0.0
    back = []
    for j, s in enumerate(syllables):
        stressed = s.stress > 0
        unary = (STRESS_GAIN * ranks if stressed else -UNSTRESSED_GAIN * ranks) + rng.normal(0.0, NOISE, size)
        if j == count - 1:
            unary = unary + np.where(positions[:size] >= size - per_bar, FINAL_BEAT_GAIN * ranks, 0.0)
        score = best[:size, None] + rest[s.notes][:size, :] + unary[:, None]
        gain = (STRESSED_LENGTH_GAIN if stressed else 0.0) + (FINAL_LENGTH_GAIN if j == count - 1 else 0.0)
        if gain:
            score = score + gain * span_log
        if j + 1 < count and stressed != (syllables[j + 1].stress > 0):
            here, there = ranks[:, None], ranks_q[None, :]
            strong, weak = (here, there) if stressed else (there, here)
            cost = INITIAL_CLASH_COST if j == 0 else CLASH_COST
            score = score + np.where(strong < weak, -cost, np.where(strong > weak, CONTRAST_GAIN, 0.0))
        if j == count - 1:
            score[:, :size] = _NEG                                 # the last syllable ends the line
        arg = score.argmax(axis=0)
        best = score[arg, positions]
        back.append(arg)
    if best[size] <= _NEG / 2:
        raise LyricsError(f"{_line_name(syllables)}: {count} syllables ({total} notes) cannot be set in "
                          f"{bars} bars of {meter}")
    starts = [0] * count
    q = size
    for j in range(count - 1, -1, -1):
        p = int(back[j][q])
        starts[j] = p
        q = p
    onsets: list[int] = []
    for j, s in enumerate(syllables):
        end = starts[j + 1] if j + 1 < count else size
        onsets.extend(_chain(args, s.notes, starts[j], end))
    out: list[list[RhythmNote]] = [[] for _ in range(bars)]
    for p, q in zip(onsets, onsets[1:] + [size]):
        bar = p // per_bar
        out[bar].append(RhythmNote((p - bar * per_bar) * g, (q - p) * g))
    return out, syllables
