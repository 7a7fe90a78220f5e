"""Fit to a duration: `duration: 90s` and `cues: [{at: 30s, event: climax}, ...]`.

The planner chooses the number of bars, the tempo (within the spec's bounds) and the length of every
section and phrase so that the piece lasts the duration and each cue lands on a cadence or the climax:

1. The tempo that makes N bars last the duration exactly is N x (quarters per bar) x 60 / duration.
   Every N whose tempo lies within the bounds is a candidate, the nearest to the preferred tempo
   first. The duration is met exactly up to the MIDI tempo's microsecond, far within one beat.
2. For N bars, every phrase of the form (or of the spec's sections) is stretched or shrunk in
   proportion, keeping its cadence and key; a stretched phrase longer than its model is cut into
   phrases of the model's size, the last keeping the cadence. Sections of the same name keep one
   length where the bars allow it.
3. A `cadence` cue needs a phrase whose cadence arrives within one beat of it: the phrase that
   covers the cue is cut so that one ends there, with an authentic cadence (a half cadence where the
   harmony style has no authentic one). The arrival is the onset of the phrase's final chord; in a
   tradition without chords (a drone, a gamelan cycle), the end of the phrase, where its final note
   resolves onto the next beat one.
4. A `climax` cue marks the beat nearest to it: the fill puts the melody's highest note there (see
   `fill`), and no other note of the lead melody reaches it.

Each candidate is planned in full and its cadence times measured; the first that meets every cue is
kept. If none does, the error says which cue failed and what to change.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, replace
from fractions import Fraction

from ..score.errors import ComposerError
from ..spec.timing import Cue
from .form import split_bars

TEMPO_SPREAD = 0.15          # a single tempo `t` lets a fitted piece choose from t x (1 -/+ 0.15)
MAX_CANDIDATES = 400         # plans tried before giving up
MIN_PHRASE_BARS = 2
EVENTS = ("climax", "cadence")


class FitError(ComposerError):
    """No choice of bars, tempo and phrase lengths meets the duration and the cues."""


@dataclass(frozen=True)
class FitReport:
    """What the planner chose to fit the duration, for `explain` and the tests."""

    duration_s: float
    tempo_bpm: float
    bars: int
    seconds: float
    beat_s: float
    cues: tuple[tuple[Cue, str, float], ...] = ()    # (cue, where it landed, error in seconds)
    tried: int = 0

    def lines(self) -> list[str]:
        out = [f"fitted to {self.duration_s:g} s: {self.bars} bars at {self.tempo_bpm:.2f} bpm last "
               f"{self.seconds:.3f} s (one beat is {self.beat_s:.3f} s; {self.tried} plan(s) tried)"]
        for cue, where, error in self.cues:
            out.append(f"cue {cue.event} at {cue.at_s:g} s: {where} ({error * 1000:+.0f} ms)")
        return out


def _allocate(defs, total: int, grouped: bool) -> list[int] | None:
    """Bars per section for `total` bars, in proportion to the model's; same-named sections equal when
    `grouped`. None when no allocation adds up."""
    base = [sum(p[0] for p in d.phrases) for d in defs]
    whole = sum(base)
    if whole <= 0:
        return None
    keys = [d.name if grouped else i for i, d in enumerate(defs)]
    groups = list(dict.fromkeys(keys))
    count = {g: keys.count(g) for g in groups}
    size = {g: next(b for k, b in zip(keys, base) if k == g) for g in groups}
    scale = total / whole
    bars = {g: max(MIN_PHRASE_BARS, round(size[g] * scale)) for g in groups}
    # Move bars one at a time, from the groups whose rounding went furthest, until the sum is right.
    for _ in range(4 * total):
        diff = total - sum(bars[g] * count[g] for g in groups)
        if diff == 0:
            return [bars[k] for k in keys]
        fits = [g for g in groups if count[g] <= abs(diff) and (diff > 0 or bars[g] - 1 >= MIN_PHRASE_BARS)]
        if not fits:
            return None
        step = 1 if diff > 0 else -1
        g = min(fits, key=lambda g: (bars[g] + step) / size[g] * (1 if step > 0 else -1))
        bars[g] += step
    return None


def _stretch_phrases(phrases, bars: int) -> tuple[tuple[int, str, str | None], ...]:
    """The section's phrases scaled to `bars` bars, cadences and keys kept; long ones cut at the
    model's phrase size."""
    phrases = list(phrases)
    floor = min(MIN_PHRASE_BARS, bars)
    while len(phrases) > 1 and bars < floor * len(phrases):
        phrases = phrases[1:]          # too few bars for every phrase: the later ones, with the final cadence
    model = sum(p[0] for p in phrases)
    sizes = [max(floor, round(p[0] * bars / model)) for p in phrases]
    while sum(sizes) != bars:
        if sum(sizes) > bars:
            i = max((i for i in range(len(sizes)) if sizes[i] > floor), key=lambda i: sizes[i])
            sizes[i] -= 1
        else:
            sizes[min(range(len(sizes)), key=lambda i: sizes[i] / phrases[i][0])] += 1
    out = []
    for (model_bars, cadence, key), size in zip(phrases, sizes):
        if size > model_bars and size >= 2 * MIN_PHRASE_BARS and model_bars >= MIN_PHRASE_BARS:
            out += [(b, c, key) for b, c, _ in split_bars(size, model_bars, cadence)]
        else:
            out.append((size, cadence, key))
    return tuple(out)


def _cut_at(phrases, start_bar: int, bar: int, cadence: str) -> tuple | None:
    """The phrases of a section starting at `start_bar`, cut so that one ends at piece bar `bar`."""
    at = start_bar
    out = []
    for i, (size, cad, key) in enumerate(phrases):
        if at + size == bar:   # a phrase already ends there: its own cadence, unless it has none
            return tuple(out) + ((size, cadence if cad == "none" else cad, key),) + tuple(phrases[i + 1:])
        if at < bar < at + size:
            first, second = bar - at, at + size - bar
            if first < MIN_PHRASE_BARS or second < MIN_PHRASE_BARS:
                return None
            return tuple(out) + ((first, cadence, key), (second, cad, key)) + tuple(phrases[i + 1:])
        out.append((size, cad, key))
        at += size
    return None


def beat_quarters(meter) -> Fraction:
    """One beat as a listener counts it: the denominator's note in a simple meter, the shortest group
    in a compound or additive one (a dotted quarter in 6/8, a quarter in 7/8 = 2+2+3)."""
    return min(meter.group_lengths) if _grouped_beats(meter) else meter.unit


def _grouped_beats(meter) -> bool:
    """Eighth-note meters with groups (6/8, 9/8, 7/8 = 2+2+3) count groups; 4/4 and a tala's x/4 count units."""
    return meter.denominator >= 8 and max(meter.grouping) > 1


def tempo_bounds(spec) -> tuple[float, float, float]:
    """(slowest, fastest, preferred) for a fitted piece."""
    lo, hi = spec.tempo_range
    if lo == hi:
        return lo * (1 - TEMPO_SPREAD), hi * (1 + TEMPO_SPREAD), lo
    return lo, hi, (lo + hi) / 2


def arrival(plan, phrase) -> Fraction:
    """When a phrase's cadence arrives, in quarters: its final chord's onset, or (no chords) its end."""
    if phrase.chords:
        return phrase.chords[-1].offset
    return phrase.end(plan.meter)


def fit_plan(spec, defs, plan_with, rng_state):
    """Plan `spec` to last `spec.duration_s`: `plan_with(defs, tempo, rng)` plans one candidate."""
    meter = spec.meter
    bq = meter.bar_quarters
    duration = spec.duration_s
    slow, fast, preferred = tempo_bounds(spec)
    lo_bars = max(1, math.ceil(duration * slow / (60 * bq) - 1e-9))
    hi_bars = math.floor(duration * fast / (60 * bq) + 1e-9)
    if hi_bars < lo_bars or hi_bars < 1:
        raise FitError(f"duration {duration:g} s: no whole number of {meter} bars fits it at a tempo from "
                       f"{slow:g} to {fast:g} bpm (one bar lasts {60 * float(bq) / fast:.2f}-"
                       f"{60 * float(bq) / slow:.2f} s); widen the tempo range or change the duration")
    if any(d.chords is not None for d in defs):
        return _fit_chart(spec, defs, plan_with, rng_state, slow, fast, preferred)
    candidates = sorted(range(lo_bars, hi_bars + 1), key=lambda n: abs(n * float(bq) * 60 / duration - preferred))
    cadence_cues = sorted((c for c in spec.cues if c.event == "cadence"), key=lambda c: c.at_s)
    tried = 0
    failure = None
    for total in candidates:
        tempo = total * float(bq) * 60 / duration
        bar_s = float(bq) * 60 / tempo
        beat_s = float(beat_quarters(meter)) * 60 / tempo
        for grouped in (True, False):
            sizes = _allocate(defs, total, grouped)
            if sizes is None:
                if failure is None and total < MIN_PHRASE_BARS * len(defs):
                    failure = (f"the form's {len(defs)} sections need at least {MIN_PHRASE_BARS * len(defs)} "
                               f"bars ({MIN_PHRASE_BARS} each), and {duration:g} s holds at most {hi_bars}")
                continue
            stretched = [replace(d, phrases=_stretch_phrases(d.phrases, n)) for d, n in zip(defs, sizes)]
            layouts = 0
            for layout in _cue_layouts(stretched, sizes, cadence_cues, bar_s):
                layouts += 1
                tried += 1
                try:
                    plan = plan_with(layout, tempo, copy.deepcopy(rng_state))
                except FitError:
                    raise
                except ComposerError as exc:     # a phrase too short for its cadence, say: the next layout
                    failure = str(exc).split(";")[0]
                    continue
                landed, failure = _check_cues(plan, spec.cues, tempo, beat_s)
                if landed is not None:
                    seconds = plan.bars * float(bq) * 60 / tempo
                    fitted = replace(plan, fit=FitReport(duration, tempo, plan.bars, seconds, beat_s, tuple(landed),
                                                         tried))
                    return _mark_climaxes(fitted, spec.cues, tempo)
                if tried >= MAX_CANDIDATES:
                    break
            if not layouts and failure is None:
                failure = (f"no phrase of at least {MIN_PHRASE_BARS} bars can end at the cadence cue(s) at "
                           f"{', '.join(f'{c.at_s:g} s' for c in cadence_cues)}")
            if tried >= MAX_CANDIDATES:
                break
        if tried >= MAX_CANDIDATES:
            break
    what = "lands every cue within one beat" if spec.cues else "fits the form"
    with_cues = f" with {len(spec.cues)} cue(s)" if spec.cues else ""
    raise FitError(f"duration {duration:g} s{with_cues}: none of {tried} plans (tempo "
                   f"{slow:g}-{fast:g} bpm) {what} ({failure or 'no layout of the form fits'}); "
                   f"{'move the cue, ' if spec.cues else ''}widen the tempo range, lengthen the duration, or give "
                   f"the sections' bars")


def _fit_chart(spec, defs, plan_with, rng_state, slow, fast, preferred):
    """A chord chart fixes the bars: only the tempo can fit the duration."""
    bq = float(spec.meter.bar_quarters)
    bars = plan_with(defs, preferred, copy.deepcopy(rng_state)).bars
    tempo = bars * bq * 60 / spec.duration_s
    if not slow - 1e-9 <= tempo <= fast + 1e-9:
        raise FitError(f"duration {spec.duration_s:g} s: the chord chart fixes {bars} bars, which would need "
                       f"{tempo:.1f} bpm, outside {slow:g}-{fast:g} bpm; widen the tempo range or change the duration")
    plan = plan_with(defs, tempo, copy.deepcopy(rng_state))
    beat_s = float(beat_quarters(spec.meter)) * 60 / tempo
    landed, failure = _check_cues(plan, spec.cues, tempo, beat_s)
    if landed is None:
        raise FitError(f"duration {spec.duration_s:g} s: the chord chart fixes the phrases, and {failure}; "
                       f"move the cue or give the sections without a chart")
    fitted = replace(plan, fit=FitReport(spec.duration_s, tempo, bars, bars * bq * 60 / tempo, beat_s, tuple(landed), 2))
    return _mark_climaxes(fitted, spec.cues, tempo)


def _cue_layouts(defs, sizes, cues, bar_s: float):
    """Section layouts that put a phrase end near each cadence cue: for each cue, the bar line after
    the cue's bar, then the one before it, then two bars after (arrivals fall inside a phrase's last bar).
    A phrase end wanted a bar into a section is made by moving the section boundary there."""
    if not cues:
        yield defs
        return
    options = []
    for cue in cues:
        bar = cue.at_s / bar_s
        near = [math.floor(bar) + 1, math.floor(bar), math.floor(bar) + 2, round(bar)]
        options.append(list(dict.fromkeys(b for b in near if 1 <= b <= sum(sizes))))

    def place(i, layout, sizes):
        if i == len(cues):
            yield layout
            return
        starts = [sum(sizes[:j]) for j in range(len(sizes))]
        for bar in options[i]:
            s = next((j for j in range(len(layout)) if starts[j] < bar <= starts[j] + sizes[j]), None)
            if s is None:
                continue
            rel = bar - starts[s]
            if s > 0 and rel < MIN_PHRASE_BARS and sizes[s] - rel >= MIN_PHRASE_BARS:
                # Move the boundary: the section before ends at the cue's bar.
                moved = list(sizes)
                moved[s - 1] += rel
                moved[s] -= rel
                shifted = list(layout)
                shifted[s - 1] = replace(layout[s - 1], phrases=_stretch_phrases(layout[s - 1].phrases, moved[s - 1]))
                shifted[s] = replace(layout[s], phrases=_stretch_phrases(layout[s].phrases, moved[s]))
                yield from place(i + 1, shifted, moved)
                continue
            # Sections of one name share their phrases, so a repeat copies its model's chords bar for bar:
            # cut every one of them at the same place.
            new, ok = list(layout), True
            for j, d in enumerate(layout):
                if d.name == layout[s].name and sizes[j] == sizes[s]:
                    cut = _cut_at(d.phrases, starts[j], starts[j] + rel, "authentic")
                    if cut is None:
                        ok = False
                        break
                    new[j] = replace(d, phrases=cut)
            if ok:
                yield from place(i + 1, new, sizes)

    yield from place(0, list(defs), list(sizes))


def _check_cues(plan, cues, tempo: float, beat_s: float):
    """([(cue, where, error)], None) when every cadence cue lands within a beat, else (None, why)."""
    out = []
    sec_per_q = 60 / tempo
    ends = [(float(arrival(plan, p)) * sec_per_q, p) for p in plan.phrases
            if p.cadence not in ("none",)]
    for cue in cues:
        if cue.event == "cadence":
            at, phrase = min(ends, key=lambda e: abs(e[0] - cue.at_s))
            error = at - cue.at_s
            if abs(error) > beat_s + 1e-9:
                return None, f"the cadence nearest to {cue.at_s:g} s arrives at {at:.2f} s"
            bar = int(arrival(plan, phrase) // plan.meter.bar_quarters) + 1
            out.append((cue, f"{phrase.cadence} cadence of section {phrase.section}, phrase {phrase.number}, "
                             f"arriving in bar {bar}", error))
        else:
            at = climax_offset(plan, cue, tempo)
            error = float(at) * sec_per_q - cue.at_s
            if abs(error) > beat_s + 1e-9:
                return None, f"no beat within one beat of the climax cue at {cue.at_s:g} s lies outside a cadence"
            bar = int(at // plan.meter.bar_quarters) + 1
            beat = float(at % plan.meter.bar_quarters / plan.meter.unit) + 1
            out.append((cue, f"the melody's highest note, bar {bar} beat {beat:g}", error))
    return out, None


def climax_offset(plan, cue: Cue, tempo: float) -> Fraction:
    """The beat (see `beat_quarters`) nearest to a climax cue, in quarters, off the last bars of every
    phrase (where the cadence's notes are bound to its chords) and off its first beat."""
    meter = plan.meter
    bq = meter.bar_quarters
    at = Fraction(cue.at_s * tempo / 60).limit_denominator(10_000)
    if _grouped_beats(meter):
        starts = [b * bq + g for b in range(plan.bars) for g in meter.group_offsets]
    else:
        starts = [b * meter.unit for b in range(int(plan.bars * bq / meter.unit))]
    # The cadence bar, and in a phrase of four bars or more the bar before it: the melody needs room to
    # come down from its highest note to the cadence's note within the leap limit.
    cadence_bars = {p.start_bar + p.bars - 1 - k for p in plan.phrases for k in range(2 if p.bars >= 4 else 1)}
    openings = {p.start_bar * bq for p in plan.phrases}     # a phrase climbs to its climax from within
    free = [s for s in starts if int(s // bq) not in cadence_bars and s not in openings]
    return min(free or starts, key=lambda s: (abs(s - at), s))


def _mark_climaxes(plan, cues, tempo: float):
    """The plan with each climax cue's beat marked on its phrase (and the plan's climaxes)."""
    for cue in cues:
        if cue.event == "climax":
            at = climax_offset(plan, cue, tempo)
            phrase = next(p for p in plan.phrases if p.offset(plan.meter) <= at < p.end(plan.meter))
            marked = replace(phrase, climax=at)
            bar = int((at - phrase.offset(plan.meter)) // plan.meter.bar_quarters)
            if at % plan.meter.bar_quarters == 0 and bar > 0:
                bar -= 1            # on a downbeat: the bar before is written anew too, to climb to it
            if phrase.kept_bars > bar:
                # The climax is new music: the copy of a repeated section stops before its bar.
                marked = replace(marked, kept_bars=bar, copy_of=phrase.copy_of if bar else None,
                                 notes=phrase.notes + (f"the repeat's copy stops before bar "
                                                       f"{phrase.start_bar + bar + 1}, where the climax cue falls",))
            phrases = list(plan.phrases)
            phrases[phrase.index] = marked
            plan = replace(plan.with_phrases(phrases), climaxes=plan.climaxes + (at,))
    return plan
