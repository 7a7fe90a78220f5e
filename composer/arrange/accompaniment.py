"""Accompaniment patterns: which pattern a part plays, and where each of its events falls under each
chord of the plan. The voices themselves are chosen by the voice-leading search (`voice_leading`);
the pattern breaks them up."""
from __future__ import annotations

import math
from fractions import Fraction

from theory import Meter

from .. import grammar
from ..plan.model import Plan

# The pattern used when a part names none: by meter first, then the style's own (grammars/chords/).
METER_PATTERNS = {"3/4": "waltz"}


def default_pattern(meter: Meter, style: str) -> str:
    if len(set(meter.grouping)) > 1:
        return "groups"
    name = METER_PATTERNS.get(f"{meter.numerator}/{meter.denominator}")
    if name is None:
        name = grammar.load_chord_style(style).accompaniment
    pattern = grammar.load_pattern(name)
    if pattern.meters and f"{meter.numerator}/{meter.denominator}" not in pattern.meters:
        return "block"
    return name


def _pattern_events(pattern: grammar.AccompanimentPattern, lane: str, meter: Meter, plan: Plan):
    """(absolute onset, duration, chord event, event spec, onset within the bar) for every event of a
    lane (the last in ticks, a key for the accent): each bar is cut
    at chord changes (and at beat groups for a pattern played per group), and the pattern's cycle
    repeats from the start of each piece of bar. Counted in integer ticks of a common denominator of
    every time involved, then given back as exact fractions."""
    chords = plan.chords
    times = [meter.bar_quarters, pattern.unit, *meter.group_offsets, *(e.at for e in pattern.bass + pattern.upper),
             *(e.dur for e in pattern.bass + pattern.upper if e.dur is not None),
             *(c.offset for c in chords), *(c.duration for c in chords)]
    den = math.lcm(*(Fraction(t).denominator for t in times))

    def tick(t) -> int:
        return int(Fraction(t) * den)

    bar, unit = tick(meter.bar_quarters), tick(pattern.unit)
    cycle = pattern.length * unit
    groups = [tick(g) for g in meter.group_offsets] if pattern.per_group else []
    events = [(tick(ev.at * pattern.unit), None if ev.dur is None else tick(ev.dur * pattern.unit), ev)
              for ev in (pattern.bass if lane == "bass" else pattern.upper)]
    spans = [(tick(c.offset), tick(c.offset + c.duration), c) for c in chords]
    edges = sorted({t for a, b, _ in spans for t in (a, b)})
    k = 0
    for b in range(plan.bars):
        bar_start = b * bar
        cuts = {bar_start, bar_start + bar} | {bar_start + g for g in groups}
        cuts |= {t for t in edges if bar_start < t < bar_start + bar}
        cuts = sorted(cuts)
        for seg_start, seg_end in zip(cuts, cuts[1:]):
            while k < len(spans) and spans[k][1] <= seg_start:
                k += 1
            if k >= len(spans) or not spans[k][0] <= seg_start < spans[k][1]:
                continue
            chord = spans[k][2]
            starts = [seg_start] if pattern.per_group else range(seg_start, seg_end, cycle)
            for c_start in starts:
                c_end = seg_end if pattern.per_group else min(seg_end, c_start + cycle)
                for at, dur, ev in events:
                    onset = c_start + at
                    if onset >= c_end:
                        continue
                    end = c_end if dur is None else min(onset + dur, seg_end)
                    if end > onset:
                        yield Fraction(onset, den), Fraction(end - onset, den), chord, ev, onset - bar_start


def events_by_chord(pattern: grammar.AccompanimentPattern, lane: str, plan: Plan):
    """A lane's events for every chord of the plan, in order: (onset, duration, velocity, what) where
    `what` is the event's voice indices (None: all) for the upper lane, its tone for the bass."""
    index = {id(c): k for k, c in enumerate(plan.chords)}
    out = [[] for _ in plan.chords]
    accents: dict[int, int] = {}
    for onset, dur, chord, ev, in_bar in _pattern_events(pattern, lane, plan.meter, plan):
        what = ev.tone if lane == "bass" else ev.voices
        if in_bar not in accents:
            accents[in_bar] = accent_at(plan.meter, onset % plan.meter.bar_quarters, 0)
        out[index[id(chord)]].append((onset, dur, accents[in_bar], what))
    return out


def accent_at(meter: Meter, onset: Fraction, velocity: int) -> int:
    """The velocity of a note at `onset` (within the bar): louder on the downbeat and the strong beats."""
    strength = meter.strength(onset % meter.bar_quarters)
    return int(min(127, velocity + (8 if strength >= 1.0 else 4 if strength >= 0.5 else 0)))
