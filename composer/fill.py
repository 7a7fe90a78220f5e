"""Filling the melody slots of a plan: rhythm first, then pitch, under hard constraints.

Each (part, phrase) slot has its own rng derived from the seed, so slots are
independent and a slot can be refilled alone. Kept bars of a repeated section
are copied (transposed when the key changed); the rest is decoded with the
feasibility pass so every hard constraint holds.
"""
from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction

import numpy as np

from theory import Pitch

from . import fill_rules, grammar
from .constraints import Position, build_problem, diagnose
from .errors import UnsatisfiableError
from .feasibility import backward_feasible, sample_chain
from .piece import ChordEvent, Note
from .plan import PhrasePlan, Plan
from .rhythm import phrase_rhythm
from .spec import PartSpec, Spec

FILLERS = ("rules",)


def slot_rng(seed: int, part_index: int, phrase_index: int, stage: int) -> np.random.Generator:
    return np.random.default_rng([seed, 1 + part_index, phrase_index, stage])


class ChordLookup:
    def __init__(self, chords: list[ChordEvent]):
        self.chords = sorted(chords, key=lambda c: c.offset)
        self.starts = [c.offset for c in self.chords]

    def overlapping(self, start: Fraction, end: Fraction) -> list[ChordEvent]:
        """Chord events that sound somewhere in [start, end)."""
        i = max(0, bisect_right(self.starts, start) - 1)
        out = []
        while i < len(self.chords) and self.chords[i].offset < end:
            if self.chords[i].end > start:
                out.append(self.chords[i])
            i += 1
        return out

    def at(self, offset: Fraction) -> ChordEvent | None:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and self.chords[i].offset <= offset < self.chords[i].end:
            return self.chords[i]
        return None


def cadence_pcs(plan: Plan, phrase: PhrasePlan, spec: Spec, is_last: bool) -> list[float]:
    """Pitch classes the phrase's last melody note may take."""
    key = phrase.key
    final = phrase.chords[-1].chord if phrase.chords else None
    final_pcs = list(final.pitch_classes_cents) if final else [key.tonic_cents]
    style = grammar.load_chord_style(spec.style).variant_for(key.mode, key.family)
    degrees = style.cadences[phrase.cadence].melody_degrees if phrase.cadence in style.cadences else ()
    targets = [key.degree_cents(d - 1) for d in degrees]
    targets = [t for t in targets if any(abs(t - f) % 1200 < 0.5 for f in final_pcs)] or final_pcs
    if is_last and spec.constraints.end_on_tonic and any(abs(key.tonic_cents - f) % 1200 < 0.5 for f in final_pcs):
        targets = [key.tonic_cents]
    return targets


def precheck(plan: Plan, spec: Spec) -> None:
    """Find impossible requests before decoding: every cadence target and every chord needs a note in range."""
    problems = []
    meter = plan.meter
    for part in spec.parts:
        if part.role != "melody":
            continue
        lo, hi = part.low.cents, part.high.cents
        in_range = [c for c in range(int(np.ceil(lo / 100.0)) * 100, int(hi) + 1, 100)]
        pcs = {c % 1200 for c in in_range}
        for phrase in plan.phrases:
            is_last = phrase.index == len(plan.phrases) - 1
            targets = {round(t) % 1200 for t in cadence_pcs(plan, phrase, spec, is_last)}
            bar = phrase.start_bar + phrase.bars
            if not targets & pcs:
                names = ", ".join(sorted(phrase.key.spell(int(t // 100)).name for t in targets))
                problems.append(f"part {part.name!r}: the {phrase.cadence} cadence of section {phrase.section!r} "
                                f"(bar {bar}) must end on {names}, which the range {part.low}-{part.high} lacks; "
                                f"widen the range")
            if spec.constraints.chord_tones_on_strong_beats:
                for event in phrase.chords:
                    if not {round(c) % 1200 for c in event.chord.pitch_classes_cents} & pcs:
                        at = int(event.offset / meter.bar_quarters) + 1
                        problems.append(f"part {part.name!r}: no tone of {event.chord.symbol} (bar {at}) lies in the "
                                        f"range {part.low}-{part.high}; widen the range or set "
                                        f"constraints.chord_tones_on_strong_beats: false")
    if problems:
        raise UnsatisfiableError("; ".join(dict.fromkeys(problems)))


def fill_melody(plan: Plan, spec: Spec, part: PartSpec, part_index: int, filler: str = "rules") -> list[Note]:
    meter = plan.meter
    lookup = ChordLookup(plan.chords)
    notes: list[Note] = []
    by_phrase: dict[int, list[Note]] = {}
    for phrase in plan.phrases:
        start, end = phrase.offset(meter), phrase.end(meter)
        copied: list[Note] = []
        rewrite_tail = False
        if phrase.kept_bars and phrase.copy_of is not None:
            previous = notes[-1].pitch.cents if notes else None
            found = _copy_kept(plan, phrase, by_phrase.get(phrase.copy_of, []), part, previous,
                               spec.constraints.max_leap)
            if found is None:
                phrase.notes.append(f"{part.name}: the repeat did not fit the range or the leap limit after "
                                    f"transposition; written anew")
            else:
                copied = found
                is_last = phrase.index == len(plan.phrases) - 1
                rewrite_tail = (is_last and phrase.kept_bars == phrase.bars and spec.constraints.end_on_tonic
                                and copied[-1].pitch.nearest_midi % 12 != phrase.key.tonic_pc)
        kept_bars = phrase.kept_bars if copied else 0
        if rewrite_tail:
            # The piece must close on the tonic: write the last bar(s) anew, as few as will join.
            for refill in range(1, phrase.bars + 1):
                kept_end = end - refill * meter.bar_quarters
                head = [n for n in copied if n.offset < kept_end]
                try:
                    tail = _fill_region(plan, spec, part, part_index, phrase, lookup, phrase.bars - refill,
                                        head or notes, by_phrase)
                except UnsatisfiableError:
                    if refill == phrase.bars:
                        raise
                    continue
                phrase.notes.append(f"{part.name}: last {refill} bar(s) written anew to close on the tonic")
                phrase_notes = head + tail
                break
        else:
            phrase_notes = list(copied)
            if kept_bars < phrase.bars:
                phrase_notes += _fill_region(plan, spec, part, part_index, phrase, lookup, kept_bars,
                                             phrase_notes or notes, by_phrase)
        by_phrase[phrase.index] = phrase_notes
        notes.extend(phrase_notes)
    return notes


def _fill_region(plan: Plan, spec: Spec, part: PartSpec, part_index: int, phrase: PhrasePlan,
                 lookup: ChordLookup, first_bar: int, before: list[Note], by_phrase: dict) -> list[Note]:
    """Rhythm then pitch for bars first_bar.. of a phrase, joined to the note before (and after)."""
    meter = plan.meter
    start = phrase.offset(meter)
    rng = slot_rng(spec.seed, part_index, phrase.index, first_bar)
    bars = phrase_rhythm(meter, phrase.bars, rng, spec.constraints.notes_per_bar, phrase.motifs, first_bar)
    positions = [
        Position(start + b * meter.bar_quarters + r.offset, r.duration,
                 lookup.at(start + b * meter.bar_quarters + r.offset), meter.strength(r.offset))
        for b in range(first_bar, phrase.bars) for r in bars[b]
    ]
    previous = before[-1].pitch.cents if before else None
    is_last = phrase.index == len(plan.phrases) - 1
    variant = grammar.load_chord_style(spec.style).variant_for(phrase.key.mode, phrase.key.family)
    blue = [(phrase.key.tonic_cents + b) % 1200.0 for b in variant.blue_notes]
    following = _first_copied_pitch(plan, phrase, by_phrase, part)
    pitches = _decode(plan, spec, part, phrase, positions, previous, cadence_pcs(plan, phrase, spec, is_last),
                      blue, rng, first_bar, following)
    return [Note(p.offset, p.duration, Pitch(c), part.velocity) for p, c in zip(positions, pitches)]


def _copy_kept(plan: Plan, phrase: PhrasePlan, source_notes: list[Note], part: PartSpec,
               previous: float | None, max_leap_semitones: int) -> list[Note] | None:
    meter = plan.meter
    src = plan.phrases[phrase.copy_of]
    src_start = src.offset(meter)
    length = phrase.kept_bars * meter.bar_quarters
    shift = (phrase.key.tonic_pc - src.key.tonic_pc) % 12
    shift = shift - 12 if shift > 6 else shift
    chosen = [n for n in source_notes if src_start <= n.offset < src_start + length]
    for octave in (0, -12, 12):
        moved = [Note(n.offset - src_start + phrase.offset(meter), n.duration,
                      Pitch(n.pitch.cents + (shift + octave) * 100.0), n.velocity) for n in chosen]
        joins = previous is None or not moved or abs(moved[0].pitch.cents - previous) <= max_leap_semitones * 100.0 + 1e-6
        if joins and all(part.low.cents <= n.pitch.cents <= part.high.cents for n in moved):
            return moved
    return None


def _first_copied_pitch(plan: Plan, phrase: PhrasePlan, by_phrase: dict, part: PartSpec) -> float | None:
    """The first note of the next phrase, when that phrase starts with bars copied from earlier music."""
    if phrase.index + 1 >= len(plan.phrases):
        return None
    nxt = plan.phrases[phrase.index + 1]
    if not nxt.kept_bars or nxt.copy_of is None or nxt.copy_of not in by_phrase:
        return None
    copied = _copy_kept(plan, nxt, by_phrase[nxt.copy_of], part, None, 0)
    return copied[0].pitch.cents if copied else None


def _decode(plan: Plan, spec: Spec, part: PartSpec, phrase: PhrasePlan, positions: list[Position],
            previous: float | None, targets: list[float], blue, rng: np.random.Generator, first_bar: int,
            following: float | None = None) -> list[float]:
    key, meter, c = phrase.key, plan.meter, spec.constraints
    problem = build_problem(key, meter, positions, part.low, part.high, target_pcs=targets,
                            max_leap_semitones=c.max_leap, strong_chord_tones=c.chord_tones_on_strong_beats,
                            blue_pcs=blue)
    cands = problem.candidates
    start = None
    if previous is not None:
        start = np.abs(cands.cents - previous) <= c.max_leap * 100.0 + 1e-6
    feasible = None
    if following is not None:
        # Join the last note to the locked note that follows (the start of a repeat), when possible.
        joined = problem.allowed.copy()
        joined[-1] &= np.abs(cands.cents - following) <= c.max_leap * 100.0 + 1e-6
        feasible = backward_feasible(joined, problem.edges, start=start)
        if not feasible[0].any():
            feasible = None
    if feasible is None:
        feasible = backward_feasible(problem.allowed, problem.edges, start=start)
    if not feasible[0].any():
        _raise_unsatisfiable(problem, start, phrase, part, meter)
    unary = fill_rules.unary_weights(problem, part.low.cents, part.high.cents)
    edge_w = fill_rules.edge_weights(problem, key)
    prev_index = None
    if previous is not None:
        prev_index = None  # the previous note may lie outside this slot's candidates; use `start` instead
        unary = unary.copy()
        unary[0] *= _closeness(cands.cents, previous)
    chain = sample_chain(feasible, problem.edges, rng, unary_weights=unary, edge_weights=edge_w, previous=prev_index)
    pitches = [float(cands.cents[i]) for i in chain]
    if phrase.motifs:
        pitches = _apply_motifs(problem, positions, pitches, phrase, meter, start, rng, unary, edge_w) or pitches
    return pitches


def _closeness(cents: np.ndarray, previous: float) -> np.ndarray:
    semis = np.rint(np.abs(cents - previous) / 100.0).astype(int)
    return np.array([fill_rules.INTERVAL_WEIGHTS.get(int(s), fill_rules.FAR_WEIGHT) for s in semis])


def _apply_motifs(problem, positions, pitches, phrase, meter, start, rng, unary, edge_w) -> list[float] | None:
    """Copy motif bars (transposed by scale steps) where the constraints allow; resample the rest."""
    cands = problem.candidates
    scale_cents = cands.cents[cands.degrees >= 0]
    base = phrase.offset(meter)
    bar_of = [int((p.offset - base) / meter.bar_quarters) for p in positions]
    fixed: dict[int, float] = {}
    for m in phrase.motifs:
        for k in range(m.bars):
            src = [i for i, b in enumerate(bar_of) if b == m.from_bar + k]
            dst = [i for i, b in enumerate(bar_of) if b == m.to_bar + k]
            for i, j in zip(src, dst):
                idx = int(np.argmin(np.abs(scale_cents - pitches[i])))
                if 0 <= idx + m.transpose < len(scale_cents):
                    fixed[j] = float(scale_cents[idx + m.transpose])
    if not fixed:
        return None
    first = min(fixed)
    allowed = problem.allowed.copy()
    for t in range(first):
        allowed[t] &= np.abs(cands.cents - pitches[t]) < 0.5
    for t, cents in fixed.items():
        exact = allowed[t] & (np.abs(cands.cents - cents) < 0.5)
        if exact.any():
            allowed[t] = exact
    feasible = backward_feasible(allowed, problem.edges, start=start)
    if not feasible[0].any():
        phrase.notes.append("motif copy dropped: it conflicts with the harmony or range")
        return None
    chain = sample_chain(feasible, problem.edges, rng, unary_weights=unary, edge_weights=edge_w)
    return [float(cands.cents[i]) for i in chain]


def _raise_unsatisfiable(problem, start, phrase: PhrasePlan, part: PartSpec, meter) -> None:
    from .feasibility import first_infeasible

    where = first_infeasible(problem.allowed, problem.edges, start=start)
    t = where.position if where else 0
    pos = problem.positions[t]
    bar = int(pos.offset / meter.bar_quarters) + 1
    beat = (pos.offset % meter.bar_quarters) / meter.unit + 1
    names = diagnose(problem, t) if where and "own constraints" in where.reason else ["max leap", "scale movement"]
    advice = {
        "in range": f"widen the range of part {part.name!r} ({part.low}-{part.high})",
        "cadence target": f"widen the range of part {part.name!r} or choose another cadence for section {phrase.section!r}",
        "chord tone on a strong beat": "set constraints.chord_tones_on_strong_beats: false or widen the range",
        "max leap": "raise constraints.max_leap or widen the range",
    }
    hints = "; ".join(dict.fromkeys(advice.get(n, f"relax {n}") for n in names))
    raise UnsatisfiableError(
        f"part {part.name!r}, section {phrase.section!r}, bar {bar}, beat {beat}: no note satisfies "
        f"{' + '.join(names)} ({where.reason if where else 'empty'}); to fix: {hints}")
