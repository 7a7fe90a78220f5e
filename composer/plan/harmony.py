"""Harmony: chord charts and constrained walks of a style's chord graph.

A phrase's harmonic slots come from the style's harmonic rhythm; the walk is a
chain over the chord graph's nodes whose last slots are fixed to one of the
cadence's formulas, solved by the same feasibility pass as melodies, so every
phrase ends on its cadence and every step follows a grammar edge.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from theory import Chord, Key, Meter
from theory.melody_rules import tradition_melody

from ..grammar.chords import ChordGraphDef
from ..score.errors import ComposerError
from ..spec.charts import ChartChord, parse_chart_item
from .feasibility import backward_feasible, sample_chain

CADENCE_LABELS = {
    "authentic": "authentic cadence",
    "half": "half cadence",
    "plagal": "plagal cadence",
    "deceptive": "deceptive cadence",
    "none": "no cadence",
    "final": "ends on the final",
    "rest": "rests on the final or an emphasised note",
    "half_close": "a half close on the mode's second centre (a makam's asma karar on its güçlü)",
}


def modal_cadence(key, closes_section: bool, last_section: bool) -> str:
    """The cadence of a phrase with no chord progression (a drone, heterophony or colotomic tradition):
    'final' at the end of the piece; 'half_close' at the end of an earlier section where the tradition
    rests there on a second centre (`theory/rules/traditions.yaml`: `half_close`, a makam's güçlü) and the
    mode has one; 'rest' (the final or an emphasised note) elsewhere."""
    if closes_section and last_section:
        return "final"
    half = tradition_melody(key.pack).half_close
    if closes_section and half is not None and half in key.info.emphasis:
        return "half_close"
    return "rest"


@dataclass(frozen=True)
class HarmonicSlot:
    bar: int                 # bar index within the phrase
    offset_in_bar: Fraction  # quarter notes
    duration: Fraction


def chart_events(items: tuple[str, ...], key: Key, meter: Meter, bars: int) -> list[tuple[Fraction, Fraction, ChartChord]]:
    """(offset, duration, chord) in quarter notes from the section start; the chart must fill the section."""
    out, pos = [], Fraction(0)
    for text in items:
        item = parse_chart_item(text, key)
        length = meter.bar_quarters if item.beats is None else item.beats * meter.unit
        out.append((pos, length, item))
        pos += length
    total = bars * meter.bar_quarters
    if pos != total:
        raise ComposerError(f"chord chart lasts {pos / meter.unit} beats of {meter}, but the section has "
                            f"{bars} bars = {total / meter.unit} beats; give one chord per bar or durations that add up")
    return out


def classify_cadence(key: Key, chords: list[Chord]) -> str:
    """Name the cadence that ends a chord sequence (for charts)."""
    if not chords:
        return "none"
    final = chords[-1]
    # The approach is the last chord that differs from the final one (I7 I7 at the end count once).
    changes = [c for c in chords[:-1] if c.pitch_classes_cents != final.pitch_classes_cents]
    last = key.roman(final).lstrip("b#")
    prev = key.roman(changes[-1]).lstrip("b#") if changes else ""
    last_base, prev_base = re.sub(r"[^IViv]", "", last), re.sub(r"[^IViv]", "", prev)
    if last_base.upper() == "V" and not last.startswith(("b", "#")):
        return "half"
    if last_base.upper() == "I":
        if prev_base.upper() in ("V", "VII"):
            return "authentic"
        if prev_base.upper() == "IV":
            return "plagal"
    if last_base.upper() == "VI" and prev_base.upper() == "V":
        return "deceptive"
    return "none"


def harmonic_slots(meter: Meter, bars: int, chords_per_bar: int, min_slots: int = 1) -> list[HarmonicSlot]:
    """Chord positions of a phrase: `chords_per_bar` per bar (one, two, or one on every beat), one in the
    last bar (split if too few)."""
    per_bar = max(1, min(chords_per_bar, meter.beat_count))
    slots = [s for b in range(bars - 1) for s in bar_slots(meter, b, per_bar)] + bar_slots(meter, bars - 1, 1)
    if len(slots) < min_slots:
        slots = slots[:-1] + bar_slots(meter, bars - 1, 2)
    return slots


def bar_slots(meter: Meter, bar: int, parts: int) -> list[HarmonicSlot]:
    """A bar's chord positions: the whole bar, its two halves (cut at the beat nearest the middle), or
    every beat."""
    if parts == 1:
        return [HarmonicSlot(bar, Fraction(0), meter.bar_quarters)]
    if parts > 2 and parts == len(meter.group_offsets):          # a chord on every beat
        ends = [*meter.group_offsets[1:], meter.bar_quarters]
        return [HarmonicSlot(bar, start, end - start) for start, end in zip(meter.group_offsets, ends)]
    half = meter.bar_quarters / 2
    cut = min(meter.group_offsets[1:], key=lambda o: (abs(o - half), o)) if meter.beat_count > 1 else half
    return [HarmonicSlot(bar, Fraction(0), cut), HarmonicSlot(bar, cut, meter.bar_quarters - cut)]


@dataclass(frozen=True)
class ChordWalk:
    names: tuple[str, ...]
    formula: tuple[str, ...]
    relaxed: str | None = None


class ChordGraphArrays:
    """A chord graph as index arrays, built once per style variant."""

    def __init__(self, variant: ChordGraphDef):
        self.variant = variant
        self.names = variant.chord_names
        self.index = {n: i for i, n in enumerate(self.names)}
        n = len(self.names)
        self.weights = np.zeros((n, n))
        for a, targets in variant.transitions.items():
            for b, weight in targets.items():
                self.weights[self.index[a], self.index[b]] = float(weight if weight is not None else 1.0)
        self.edges = self.weights > 0
        self.start = np.array([float(variant.start.get(name, 0.0)) for name in self.names])


def walk_chords(arrays: ChordGraphArrays, n_slots: int, cadence: str, rng: np.random.Generator,
                previous: str | None = None, first: str | None = None,
                fixed: dict[int, str] | None = None, strict: bool = False) -> ChordWalk:
    """A chord sequence of `n_slots` that starts well and ends on one of the cadence's formulas. `strict`:
    on the graph and a formula whole, or not at all (ComposerError), no relaxation tried."""
    variant = arrays.variant
    if cadence not in variant.cadences:
        raise ComposerError(f"style variant {variant.variant!r} has no cadence {cadence!r} "
                            f"(accepted: {', '.join(variant.cadences)})")
    formulas = list(variant.cadences[cadence].formulas)
    order = rng.permutation(len(formulas))
    N = len(arrays.names)
    fitting = [i for i in order if len(formulas[i]) <= n_slots]
    attempts = [(tuple(formulas[i]), None, True, first) for i in fitting]
    if strict:
        pass               # the strict attempts only: a formula whole, on the graph, from a usual opening
    elif first is not None:
        attempts += [(tuple(formulas[i]), f"no room for the pivot chord {first}: modulated directly", True, None)
                     for i in fitting]
    if not strict:
        attempts += [(tuple(formulas[i]), "began on a chord that is not a usual opening", False, None)
                     for i in fitting]
        attempts += [(tuple(formulas[i]), "joined kept chords to the cadence outside the chord graph's edges", False,
                      None) for i in fitting]
        attempts += [(tuple(formulas[i][-1:]), "shortened the cadence formula to its last chord", False, None)
                     for i in order]
        attempts += [(tuple(formulas[i][-1:]), "shortened the cadence formula to its last chord and joined kept "
                      "chords to it outside the chord graph's edges", False, None) for i in order]
    free_edges = np.ones_like(arrays.edges)
    for formula, relaxed, strict_start, first in attempts:
        edges = free_edges if relaxed and "outside the chord graph" in relaxed else arrays.edges
        allowed = np.ones((n_slots, N), dtype=bool)
        for j, name in enumerate(formula):
            if name not in arrays.index:
                break
            t = n_slots - len(formula) + j
            allowed[t] = False
            allowed[t, arrays.index[name]] = True
        else:
            for t, name in (fixed or {}).items():
                if name in arrays.index:
                    allowed[t] &= np.eye(N, dtype=bool)[arrays.index[name]]
            start = None
            if first is not None and first in arrays.index:
                allowed[0] &= np.eye(N, dtype=bool)[arrays.index[first]]
            elif previous is not None and previous in arrays.index:
                start = edges[arrays.index[previous]]
            elif strict_start and (not fixed or 0 not in fixed):
                allowed[0] &= arrays.start > 0
            feasible = backward_feasible(allowed, edges, start=start)
            if feasible[0].any():
                unary = np.ones((n_slots, N))
                if previous is None and first is None:
                    unary[0] = np.where(arrays.start > 0, arrays.start, 1e-3)
                prev_index = arrays.index.get(previous) if first is None else None
                chain = sample_chain(feasible, edges, rng, unary_weights=unary,
                                     edge_weights=np.where(arrays.edges, arrays.weights, 0.05), previous=prev_index)
                return ChordWalk(tuple(arrays.names[i] for i in chain), formula, relaxed)
    raise ComposerError(f"no chord walk of {n_slots} chords reaches a {cadence} cadence in style variant "
                        f"{variant.variant!r}; lengthen the phrase or choose another cadence")
