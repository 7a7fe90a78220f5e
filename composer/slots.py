"""Slots: one per (melody part, phrase), the unit the fillers write.

A slot gathers everything a filler needs to know and nothing it may change: the
time span, the key and scale, the chords (through the plan), the range, the
cadence's target pitch classes, the blue notes the style allows, motif relations,
the bars it copies from an earlier phrase, and the hard-constraint settings.
`precheck` finds impossible slots before any decoding.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from theory import Key, Pitch

from . import grammar
from .errors import UnsatisfiableError
from .plan import Motif, PhrasePlan, Plan
from .spec import PartSpec, Spec


@dataclass(frozen=True)
class Slot:
    part_index: int
    part: PartSpec
    phrase: PhrasePlan
    start: Fraction
    end: Fraction
    key: Key
    cadence_pcs: tuple[float, ...]     # pitch classes (cents above C) the last note may take
    blue_pcs: tuple[float, ...]        # chromatic pitch classes the style allows anywhere
    motifs: tuple[Motif, ...]
    kept_bars: int                     # leading bars copied from phrase `copy_of`
    copy_of: int | None
    is_last: bool                      # the last phrase of the piece
    max_leap: int
    strong_chord_tones: bool
    notes_per_bar: tuple[int, int] | None

    @property
    def low(self) -> Pitch:
        return self.part.low

    @property
    def high(self) -> Pitch:
        return self.part.high


def cadence_pcs(phrase: PhrasePlan, spec: Spec, is_last: bool) -> tuple[float, ...]:
    """Pitch classes the phrase's last melody note may take: the cadence's melody degrees that are
    tones of the final chord (the tonic alone at the very end, when asked)."""
    key = phrase.key
    final = phrase.chords[-1].chord if phrase.chords else None
    final_pcs = list(final.pitch_classes_cents) if final else [key.tonic_cents]
    variant = grammar.load_chord_style(spec.style).variant_for(key.mode, key.family)
    degrees = variant.cadences[phrase.cadence].melody_degrees if phrase.cadence in variant.cadences else ()
    targets = [key.degree_cents(d - 1) for d in degrees]
    targets = [t for t in targets if any(abs(t - f) % 1200 < 0.5 for f in final_pcs)] or final_pcs
    if is_last and spec.constraints.end_on_tonic and any(abs(key.tonic_cents - f) % 1200 < 0.5 for f in final_pcs):
        targets = [key.tonic_cents]
    return tuple(targets)


def plan_slots(plan: Plan, spec: Spec) -> list[Slot]:
    """Every (melody part, phrase) slot, in part order then time order."""
    style = grammar.load_chord_style(spec.style)
    c = spec.constraints
    slots = []
    for i, part in enumerate(spec.parts):
        if part.role != "melody":
            continue
        for phrase in plan.phrases:
            is_last = phrase.index == len(plan.phrases) - 1
            variant = style.variant_for(phrase.key.mode, phrase.key.family)
            slots.append(Slot(
                part_index=i, part=part, phrase=phrase, start=phrase.offset(plan.meter), end=phrase.end(plan.meter),
                key=phrase.key, cadence_pcs=cadence_pcs(phrase, spec, is_last),
                blue_pcs=tuple((phrase.key.tonic_cents + b) % 1200.0 for b in variant.blue_notes),
                motifs=phrase.motifs, kept_bars=phrase.kept_bars, copy_of=phrase.copy_of, is_last=is_last,
                max_leap=c.max_leap, strong_chord_tones=c.chord_tones_on_strong_beats, notes_per_bar=c.notes_per_bar,
            ))
    return slots


def precheck(plan: Plan, slots: list[Slot]) -> None:
    """Find impossible requests before decoding: every cadence target and every chord needs a note in range."""
    problems = []
    meter = plan.meter
    for slot in slots:
        part, phrase = slot.part, slot.phrase
        lo, hi = part.low.cents, part.high.cents
        pcs = {c % 1200 for c in range(int(np.ceil(lo / 100.0)) * 100, int(hi) + 1, 100)}
        targets = {round(t) % 1200 for t in slot.cadence_pcs}
        if not targets & pcs:
            names = ", ".join(sorted(phrase.key.spell(int(t // 100)).name for t in targets))
            problems.append(f"part {part.name!r}: the {phrase.cadence} cadence of section {phrase.section!r} "
                            f"(bar {phrase.start_bar + phrase.bars}) must end on {names}, which the range "
                            f"{part.low}-{part.high} lacks; widen the range")
        if slot.strong_chord_tones:
            for event in phrase.chords:
                if not {round(c) % 1200 for c in event.chord.pitch_classes_cents} & pcs:
                    at = int(event.offset / meter.bar_quarters) + 1
                    problems.append(f"part {part.name!r}: no tone of {event.chord.symbol} (bar {at}) lies in the "
                                    f"range {part.low}-{part.high}; widen the range or set "
                                    f"constraints.chord_tones_on_strong_beats: false")
    if problems:
        raise UnsatisfiableError("; ".join(dict.fromkeys(problems)))
