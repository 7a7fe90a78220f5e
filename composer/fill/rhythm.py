"""Rhythm on the meter's grid: bars that always sum exactly to the meter.

A bar is sampled left to right over grid positions; a duration is offered at a
position only if the bar can still be completed from where it lands with the
requested number of notes (a reachability table over (position, notes so far)),
so every bar is filled exactly, by construction.
"""
from __future__ import annotations

from collections import Counter
from fractions import Fraction
from functools import lru_cache

import numpy as np

from theory import Meter

from ..score.rhythm import RhythmNote, grid_of
from .constraints import cadence_length, is_arrival

# Durations a melody may use, in quarter notes, with their base weights (rules filler).
DURATION_WEIGHTS = {
    Fraction(1, 2): 2.2,
    Fraction(1): 4.0,
    Fraction(3, 2): 1.0,
    Fraction(2): 1.4,
    Fraction(3): 0.5,
    Fraction(4): 0.25,
}
COMPOUND_WEIGHTS = {Fraction(1, 2): 3.0, Fraction(1): 2.0, Fraction(3, 2): 3.0, Fraction(3): 0.6}


# Sixteenth-note meters (3/16, 7/16, 15/16, the buchimish usul) need sixteenths and dotted eighths to
# fill a bar whose length is an odd number of sixteenths.
SIXTEENTH_WEIGHTS = {Fraction(1, 4): 2.0, Fraction(3, 4): 1.0}


def duration_weights(meter: Meter) -> dict[Fraction, float]:
    table = COMPOUND_WEIGHTS if meter.is_compound else DURATION_WEIGHTS
    grid = grid_of(meter)
    if grid < Fraction(1, 2):
        table = {**SIXTEENTH_WEIGHTS, **table}
    return {d: w for d, w in table.items() if d <= meter.bar_quarters and (d / grid).denominator == 1}


@lru_cache(maxsize=256)
def _reachable(meter: Meter, lo: int, hi: int) -> tuple[tuple[bool, ...], ...]:
    """reach[pos][k]: from grid position pos with k notes placed, the bar can end with lo..hi notes."""
    grid = grid_of(meter)
    n = int(meter.bar_quarters / grid)
    steps = [int(d / grid) for d in duration_weights(meter)]
    reach = [[False] * (hi + 2) for _ in range(n + 1)]
    for k in range(hi + 1):
        reach[n][k] = lo <= k <= hi
    for pos in range(n - 1, -1, -1):
        for k in range(hi, -1, -1):
            reach[pos][k] = any(pos + s <= n and k + 1 <= hi and reach[pos + s][k + 1] for s in steps)
    return tuple(tuple(r) for r in reach)


def _syncopation_factor(meter: Meter, start: Fraction, duration: Fraction) -> float:
    """Penalise a note that starts off the beat and runs over the next beat start."""
    beats = list(meter.group_offsets) + [meter.bar_quarters]
    if start in beats:
        return 1.0
    nxt = min(b for b in beats if b > start)
    return 0.12 if start + duration > nxt else 1.0


@lru_cache(maxsize=256)
def _bar_options(meter: Meter) -> tuple[tuple[tuple[int, Fraction, float], ...], ...]:
    """For each grid position of a bar: (steps, duration, base weight) of every duration that fits,
    its weight already scaled for syncopation and metrical position (computed once per meter)."""
    grid = grid_of(meter)
    n = int(meter.bar_quarters / grid)
    table = duration_weights(meter)
    out = []
    for pos in range(n):
        start = pos * grid
        accent = 1.6 if meter.strength(start) >= 0.25 else 1.0
        out.append(tuple((int(d / grid), d, base * _syncopation_factor(meter, start, d) * accent)
                         for d, base in table.items() if pos + int(d / grid) <= n))
    return tuple(out)


def sample_bar(meter: Meter, rng: np.random.Generator, notes_range: tuple[int, int] | None = None) -> list[RhythmNote]:
    """One bar of rhythm that fills the meter exactly, with a note count in `notes_range`."""
    grid = grid_of(meter)
    n = int(meter.bar_quarters / grid)
    lo, hi = notes_range or (1, n)
    hi = min(hi, n)
    lo = min(lo, hi)
    reach = _reachable(meter, lo, hi)
    if not reach[0][0]:
        lo, hi = 1, n
        reach = _reachable(meter, lo, hi)
    options_at = _bar_options(meter)
    out, pos, k = [], 0, 0
    while pos < n:
        options = [(steps, d, w) for steps, d, w in options_at[pos] if k + 1 <= hi and reach[pos + steps][k + 1]]
        weights = np.array([w for _, _, w in options])
        steps, d, _ = options[int(rng.choice(len(options), p=weights / weights.sum()))]
        out.append(RhythmNote(pos * grid, d))
        pos += steps
        k += 1
    return out


def cadence_bar(meter: Meter) -> list[RhythmNote]:
    """The last bar of a phrase: one long note from the downbeat."""
    return [RhythmNote(Fraction(0), meter.bar_quarters)]


def held_cadence_bar(meter: Meter, hold: Fraction, rng: np.random.Generator) -> list[RhythmNote]:
    """The last bar of a phrase that goes on within the cycle: the cadence note on the downbeat (the sam)
    held `hold`, then notes of a beat or less that lead on into the next phrase, none of which could be heard
    as a second arrival (no note of a beat starts on a strong beat: `constraints.is_arrival`)."""
    out = [RhythmNote(Fraction(0), hold)]
    pos, bar = hold, meter.bar_quarters
    table = duration_weights(meter)
    longest = cadence_length(meter)
    while pos < bar:
        options = [d for d in table if pos + d <= bar and d <= meter.unit
                   and not (meter.strength(pos) >= 0.5 and d >= longest)]
        if not options:
            return cadence_bar(meter)
        w = np.array([table[d] * _syncopation_factor(meter, pos, d) for d in options])
        d = options[int(rng.choice(len(options), p=w / w.sum()))]
        out.append(RhythmNote(pos, d))
        pos += d
    return out


def karvai_bar(meter: Meter, bar: list[RhythmNote], at: Fraction, hold: Fraction) -> list[RhythmNote]:
    """A bar whose note at `at` is held `hold` (a karvai): the notes before it end there, those that
    start while it sounds are dropped, and the time from its end to the next onset is one note."""
    end = at + hold
    before = [RhythmNote(r.offset, min(r.duration, at - r.offset)) for r in bar if r.offset < at]
    after = [r for r in bar if r.offset >= end]
    nxt = after[0].offset if after else meter.bar_quarters
    gap = [RhythmNote(end, nxt - end)] if nxt > end else []
    return before + [RhythmNote(at, hold)] + gap + after


# An unmetered opening's note lengths, in beats, and their weights: long notes of free length, now and then
# a quick pair of half beats (no accent of the cycle shapes them).
FREE_BEATS = {Fraction(1, 2): 0.5, Fraction(1): 1.0, Fraction(3, 2): 1.2, Fraction(2): 1.8, Fraction(3): 1.6,
              Fraction(4): 1.0, Fraction(5): 0.5}


def free_bar(meter: Meter, rng: np.random.Generator, last: bool = False) -> list[RhythmNote]:
    """A bar of an opening in free rhythm (an alap, a taqsim): notes of free length, weighed by `FREE_BEATS`
    and not by the beats' accents; a phrase's last bar is one held note."""
    if last:
        return cadence_bar(meter)
    bar, out, pos = meter.bar_quarters, [], Fraction(0)
    while pos < bar:
        options = [b * meter.unit for b in FREE_BEATS if pos + b * meter.unit <= bar]
        if not options:
            out.append(RhythmNote(pos, bar - pos))
            break
        w = np.array([FREE_BEATS[d / meter.unit] for d in options])
        d = options[int(rng.choice(len(options), p=w / w.sum()))]
        out.append(RhythmNote(pos, d))
        pos += d
    return out


def even_bar(meter: Meter) -> list[RhythmNote]:
    """One note on every beat (a gamelan balungan, a skeleton melody)."""
    return [RhythmNote(i * meter.unit, meter.unit) for i in range(meter.numerator)]


PASSING_EIGHTHS = 0.35        # the chance that a bar of a chorale's soprano has one beat of two eighths


def chorale_bar(meter: Meter, rng: np.random.Generator) -> list[RhythmNote]:
    """A bar of a chorale's soprano: a note on every beat; now and then one quarter-note beat other than
    the last is two eighths (the second a passing or neighbour tone, which the fill leaves by step)."""
    beats = even_bar(meter)
    split = [i for i, b in enumerate(beats[:-1]) if b.duration == 1]
    chosen = split[int(rng.integers(len(split)))] if split and rng.random() < PASSING_EIGHTHS else None
    out = []
    for i, beat in enumerate(beats):
        if i == chosen:
            half = beat.duration / 2
            out += [RhythmNote(beat.offset, half), RhythmNote(beat.offset + half, half)]
        else:
            out.append(beat)
    return out


def seeded_bar(meter: Meter, durations: list[Fraction], rng: np.random.Generator) -> list[RhythmNote] | None:
    """A bar that opens with the given durations (a characteristic phrase) and is completed exactly;
    None when they do not fit in the bar or off the grid."""
    grid = grid_of(meter)
    total = sum(durations, Fraction(0))
    if total > meter.bar_quarters or any((d / grid).denominator != 1 for d in durations):
        return None
    out, pos = [], Fraction(0)
    for d in durations:
        out.append(RhythmNote(pos, d))
        pos += d
    table = duration_weights(meter)
    while pos < meter.bar_quarters:
        options = [d for d in table if pos + d <= meter.bar_quarters]
        w = np.array([table[d] * _syncopation_factor(meter, pos, d) for d in options])
        d = options[int(rng.choice(len(options), p=w / w.sum()))]
        out.append(RhythmNote(pos, d))
        pos += d
    return out


def seeded_bars(meter: Meter, durations: list[Fraction], rng: np.random.Generator,
                most: int) -> list[list[RhythmNote]] | None:
    """Bars that open with the given durations (a characteristic phrase), over as many bars as it needs,
    up to `most`: a note that would cross a barline starts the next bar instead, the note before it held
    to the barline; the last bar is completed as `seeded_bar` does. None when they do not fit."""
    grid = grid_of(meter)
    if any((d / grid).denominator != 1 or d > meter.bar_quarters for d in durations):
        return None
    bars: list[list[Fraction]] = [[]]
    pos = Fraction(0)
    for d in durations:
        if pos + d > meter.bar_quarters:
            if not bars[-1]:
                return None
            bars[-1][-1] += meter.bar_quarters - pos
            bars.append([])
            pos = Fraction(0)
        bars[-1].append(d)
        pos += d
    if len(bars) > most:
        return None
    out = []
    for k, group in enumerate(bars):
        if k < len(bars) - 1:
            at, bar = Fraction(0), []
            for d in group:
                bar.append(RhythmNote(at, d))
                at += d
            out.append(bar)
        else:
            last = seeded_bar(meter, group, rng)
            if last is None:
                return None
            out.append(last)
    return out


def phrase_rhythm(meter: Meter, bars: int, rng: np.random.Generator, notes_range: tuple[int, int] | None = None,
                  motifs=(), first_bar: int = 0, cadence: bool = True, even: bool = False,
                  chorale: bool = False, hold: Fraction | None = None) -> list[list[RhythmNote]]:
    """Rhythm for bars first_bar..bars-1 of a phrase: a few recurring bar patterns and a cadence bar
    (or, `even`, one note per beat throughout, the last on the cycle's final beat; or, `chorale`, a
    note per beat with now and then a pair of passing eighths, and the cadence held a whole bar).
    `hold`: the cadence note is held this long and the bar goes on (`held_cadence_bar`)."""
    if even:
        return [even_bar(meter) if b >= first_bar else [] for b in range(bars)]
    if chorale:
        return [[] if b < first_bar else cadence_bar(meter) if cadence and b == bars - 1 else chorale_bar(meter, rng)
                for b in range(bars)]
    palette = [sample_bar(meter, rng, notes_range) for _ in range(2)]
    out: list[list[RhythmNote]] = [[] for _ in range(bars)]
    for b in range(first_bar, bars):
        if cadence and b == bars - 1:
            out[b] = held_cadence_bar(meter, hold, rng) if hold is not None else cadence_bar(meter)
            continue
        r = rng.random()
        out[b] = palette[0] if r < 0.45 else palette[1] if r < 0.75 else sample_bar(meter, rng, notes_range)
    for m in motifs:
        for k in range(m.bars):
            src, dst = m.from_bar + k, m.to_bar + k
            if first_bar <= dst < bars - (1 if cadence else 0) and src < bars:
                out[dst] = out[src]
    return out


def idiom_rhythm(idiom, meter: Meter, bars: int, rng: np.random.Generator, first_bar: int = 0,
                 closes_section: bool = True, comes_to_rest: bool = True,
                 played: tuple[tuple[Fraction, ...], ...] = ()) -> list[list[RhythmNote]]:
    """Rhythm for bars first_bar..bars-1 of a phrase in an idiom (`grammar.Idiom`): each bar drawn from the
    idiom's bar rhythms, learned from its tunes. A phrase's last bar lands its cadence on a strong beat: a
    bar that comes to rest (`comes_to_rest`: the piece's last, no lead-in after it) is one of the idiom's
    cadence bars whose last note comes to rest (`_rests`: a beat or more on a strong beat, or a compound
    meter's last beat group, a slip jig's closing dotted quarter), as its tunes do (else one long note);
    another section's last bar (`closes_section`) is one of
    its cadence bars, and a phrase inside a section any of its bars, that hold a cadence note (a note on a
    strong beat lasting a quarter, or the beat, or more: `constraints.arrival_index`), the notes after it
    leading on into the next phrase, as the tunes do. A tune keeps to its own rhythms: each bar is drawn
    1 - `idiom.memory` from the table's weights and `idiom.memory` from how often the part has played each
    of the table's rhythms so far (`played`, the bars before this phrase, then this phrase's own)."""
    fits = [(d, w) for d, w in idiom.bars if writable(d)]
    if comes_to_rest:
        closes = [(d, w) for d, w in idiom.cadence if writable(d) and _rests(d, meter)]
    else:
        closes = [(d, w) for d, w in (idiom.cadence if closes_section else fits + list(idiom.cadence))
                  if writable(d) and _arrives(d, meter)]
    out: list[list[RhythmNote]] = [[] for _ in range(bars)]
    heard = Counter(played)
    for b in range(first_bar, bars):
        table = closes if b == bars - 1 else fits
        if not table:
            out[b] = cadence_bar(meter) if b == bars - 1 else sample_bar(meter, rng)
            continue
        p = _remembered(table, heard, idiom.memory)
        durations = table[int(rng.choice(len(table), p=p))][0]
        heard[durations] += 1
        at, bar = Fraction(0), []
        for d in durations:
            bar.append(RhythmNote(at, d))
            at += d
        out[b] = bar
    return out


def _remembered(table, heard: Counter, memory: float) -> np.ndarray:
    """The chance of each of a table's bar rhythms: its weight, mixed with the share of the part's bars so far that
    played it, by `memory` (the table alone where the part has played none of them)."""
    w = np.array([x[1] for x in table], dtype=float)
    w /= w.sum()
    counts = np.array([heard.get(d, 0) for d, _ in table], dtype=float)
    if memory <= 0 or not counts.sum():
        return w
    return (1 - memory) * w + memory * counts / counts.sum()


def _dyadic(x: Fraction) -> bool:
    return x.denominator & (x.denominator - 1) == 0


def writable(durations) -> bool:
    """Whether a bar of these durations can be written in common notation: every note a plain or dotted value,
    or a triplet value (2/3 of one) in a complete group of triplets that starts where a plain note could
    (each run of triplet values spans a plain value from a plain offset)."""
    at, run_start = Fraction(0), None
    for d in durations:
        if not _dyadic(d):
            if not _dyadic(d * Fraction(3, 2)):
                return False
            if run_start is None:
                run_start = at
        at += d
        if run_start is not None and _dyadic(at):
            run_start = None if _dyadic(at - run_start) else run_start
    return run_start is None


def _rests(durations, meter: Meter) -> bool:
    """Whether a bar of these durations comes to rest: its last note, a beat or more, starts on a strong beat
    (metrical strength 0.5 or more), or, in a compound meter, fills the bar's last beat group (a slip jig's
    closing dotted quarter on its third beat)."""
    last = durations[-1]
    start = meter.bar_quarters - last
    if last >= meter.unit and meter.strength(start) >= 0.5:
        return True
    return meter.is_compound and start == meter.group_offsets[-1]


def _arrives(durations, meter: Meter) -> bool:
    """Whether a bar of these durations holds a cadence note (`constraints.is_arrival`)."""
    at = Fraction(0)
    for d in durations:
        if is_arrival(meter, meter.strength(at), d):
            return True
        at += d
    return False
