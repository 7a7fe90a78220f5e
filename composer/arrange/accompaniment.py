"""Arrangement: bass lines and chord accompaniment from the pattern data, with
voice-leading-aware voicings (each chord is voiced as close as possible to the
one before it)."""
from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from theory import Chord, Meter, Pitch

from .. import grammar
from ..fill.context import ChordLookup
from ..plan.model import Plan
from ..score.notes import ChordEvent, Note
from ..spec.model import PartSpec

# The pattern used when a part names none: by meter first, then by style.
METER_PATTERNS = {"3/4": "waltz"}
STYLE_PATTERNS = {"classical": "alberti", "pop": "pop_eighths", "blues": "oompah", "jazz": "block", "modal": "sustained"}
MAX_VOICING_SPAN = 1200.0 + 700.0


def default_pattern(meter: Meter, style: str) -> str:
    if len(set(meter.grouping)) > 1:
        return "groups"
    name = METER_PATTERNS.get(f"{meter.numerator}/{meter.denominator}")
    if name is None:
        name = STYLE_PATTERNS.get(style, "block")
    pattern = grammar.load_pattern(name)
    if pattern.meters and f"{meter.numerator}/{meter.denominator}" not in pattern.meters:
        return "block"
    return name


def _segments(meter: Meter, bar_start: Fraction, lookup: ChordLookup, per_group: bool):
    """Split a bar at chord changes (and beat groups when asked): (start, end, chord) relative to the bar."""
    bar_end = bar_start + meter.bar_quarters
    cuts = {Fraction(0), meter.bar_quarters}
    if per_group:
        cuts.update(meter.group_offsets)
    for event in lookup.overlapping(bar_start, bar_end):
        for edge in (event.offset, event.end):
            if bar_start < edge < bar_end:
                cuts.add(edge - bar_start)
    cuts = sorted(cuts)
    for a, b in zip(cuts, cuts[1:]):
        chord = lookup.at(bar_start + a)
        if chord is not None:
            yield a, b, chord


def _pattern_events(pattern: grammar.AccompanimentPattern, lane: str, meter: Meter, plan: Plan):
    """(absolute onset, duration, chord event, event spec) for every event of a lane."""
    lookup = ChordLookup(plan.chords)
    events = pattern.bass if lane == "bass" else pattern.upper
    unit = pattern.unit
    cycle = pattern.length * unit
    for bar in range(plan.bars):
        bar_start = bar * meter.bar_quarters
        for seg_start, seg_end, chord in _segments(meter, bar_start, lookup, pattern.per_group):
            starts = [seg_start] if pattern.per_group else _cycle_starts(seg_start, seg_end, cycle)
            for c_start in starts:
                c_end = seg_end if pattern.per_group else min(seg_end, c_start + cycle)
                for ev in events:
                    onset = c_start + ev.at * unit
                    if onset >= c_end:
                        continue
                    end = c_end if ev.dur is None else min(onset + ev.dur * unit, seg_end)
                    if end > onset:
                        yield bar_start + onset, end - onset, chord, ev


def _cycle_starts(seg_start: Fraction, seg_end: Fraction, cycle: Fraction):
    pos = seg_start
    while pos < seg_end:
        yield pos
        pos += cycle


def voice_chord(chord: Chord, low: float, high: float, previous: tuple[float, ...] | None, voices: int = 3) -> tuple[float, ...]:
    """Upper voices for a chord: chord tones in range, closest in total motion to the previous voicing."""
    pcs = list(chord.pitch_classes_cents)
    if len(pcs) > voices:  # sevenths and beyond: keep root, third and seventh first
        order = [0, 1, 3, 2, 4][: len(pcs)]
        pcs = [pcs[i] for i in order][:voices]
    options = []
    for tone in pcs:
        first = low + ((tone - low) % 1200.0)
        options.append([c for c in np.arange(first, high + 0.5, 1200.0)])
    best, best_cost = None, None
    center = (low + high) / 2.0
    for combo in itertools.product(*options):
        ordered = tuple(sorted(combo))
        if ordered[-1] - ordered[0] > MAX_VOICING_SPAN or len(set(ordered)) < len(ordered):
            continue
        if previous is not None and len(previous) == len(ordered):
            cost = sum(abs(a - b) for a, b in zip(ordered, previous))
        else:
            cost = abs(sum(ordered) / len(ordered) - center) * len(ordered)
        cost += 0.05 * (ordered[-1] - ordered[0])
        if best_cost is None or cost < best_cost - 1e-9 or (abs(cost - best_cost) < 1e-9 and ordered < best):
            best, best_cost = ordered, cost
    if best is None:  # range too narrow for the whole chord: the root alone
        best = (low + ((pcs[0] - low) % 1200.0),)
    return best


def arrange_chords(plan: Plan, part: PartSpec, style: str) -> list[Note]:
    pattern = grammar.load_pattern(part.pattern or default_pattern(plan.meter, style))
    notes: list[Note] = []
    voicing: tuple[float, ...] | None = None
    current: ChordEvent | None = None
    for onset, dur, chord, ev in _pattern_events(pattern, "upper", plan.meter, plan):
        if chord is not current:
            voicing = voice_chord(chord.chord, part.low.cents, part.high.cents, voicing)
            current = chord
        chosen = voicing if ev.voices is None else tuple(voicing[min(i, len(voicing) - 1)] for i in ev.voices)
        for cents in sorted(set(chosen)):
            notes.append(Note(onset, dur, Pitch(cents), _accent(plan.meter, onset, part.velocity)))
    return notes


def arrange_bass(plan: Plan, part: PartSpec, style: str) -> list[Note]:
    pattern = grammar.load_pattern(part.pattern or default_pattern(plan.meter, style))
    notes: list[Note] = []
    previous = None
    low, high = part.low.cents, part.high.cents
    for onset, dur, chord, ev in _pattern_events(pattern, "bass", plan.meter, plan):
        tone = ev.tone or "root"
        pc = chord.chord.bass_pc_cents if tone == "root" else chord.chord.tone_pc(tone)
        options = np.arange(low + ((pc - low) % 1200.0), high + 0.5, 1200.0)
        if options.size == 0:
            continue
        if tone == "octave" and previous is not None:
            cents = float(options[np.argmax(options)])
        else:
            target = previous if previous is not None else low + 700.0
            cents = float(options[np.argmin(np.abs(options - target) + 1e-3 * options)])
        previous = cents
        notes.append(Note(onset, dur, Pitch(cents), _accent(plan.meter, onset, part.velocity)))
    return notes


def _accent(meter: Meter, onset: Fraction, velocity: int) -> int:
    strength = meter.strength(onset % meter.bar_quarters)
    return int(min(127, velocity + (8 if strength >= 1.0 else 4 if strength >= 0.5 else 0)))
