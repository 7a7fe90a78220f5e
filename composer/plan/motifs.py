"""The motif plan: which bars of a section state new material and which return to earlier bars.

A section's bars are cut into units (two bars in the shipped schemes), phrase by phrase, and every four
units (a strain) take a scheme drawn from a scheme table learned from the corpora (`grammars/schemes/`):
'a b a c' (the second phrase opens as the first did), "a a' b c" (a unit answered by its variation), ...
A unit that returns to an earlier one (its letter again) derives each of its bars from the matching bar:
a repeat, a sequence (moved by scale steps), or a variation (rhythm kept, the first bar restated, the
others' heads kept and their tails new). A new unit's second bar may answer its first (the table's
`bar_pairs`). A later section ends, now and then, as the first one did (the table's `rhyme`).

Two bars never derive one from the other when only one of them ends a phrase (a cadence bar's rhythm
does not suit a bar that runs on), and the piece's final bar is its own, unless it rhymes with the close of
the first section. The fill writes a source
bar once and its returns from it, under the same hard constraints (`fill.motifs`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..grammar import SchemeTable, UnitLabel
from .model import BarMotif

STRAIN_UNITS = 4


@dataclass(frozen=True)
class PhraseShape:
    """What the motif plan needs of a phrase: its first bar (of the piece), its bars, and how many of its
    leading bars are copied from a repeated section (those follow the section they copy)."""

    start_bar: int
    bars: int
    kept: int = 0


def _draw(rng: np.random.Generator, items, weight=lambda x: x[-1]):
    w = np.array([weight(x) for x in items], dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]


def section_motifs(phrases: list[PhraseShape], table: SchemeTable, rng: np.random.Generator,
                   first_end: tuple[BarMotif, ...] | None = None, final_bar: int | None = None, used: int = 0
                   ) -> tuple[dict[int, BarMotif], int]:
    """Each bar's motif (by bar of the piece) for one section's phrases, and the letters stated so far.
    `first_end`: the bars of the first section's last two units, which this section's end may rhyme with;
    `final_bar`: the piece's last bar, derived only from the first section's last; `used`: the letters earlier sections stated."""
    size = table.unit_bars
    units: list[tuple[int, ...]] = []
    ends = {p.start_bar + p.bars - 1 for p in phrases}
    for p in phrases:
        for start in range(p.start_bar + p.kept, p.start_bar + p.bars - size + 1, size):
            units.append(tuple(range(start, start + size)))
    out: dict[int, BarMotif] = {}
    letters = "abcdefghijklmnopqrstuvwxyz"
    for g in range(0, len(units), STRAIN_UNITS):
        group = units[g:g + STRAIN_UNITS]
        n = len(group) if len(group) in table.schemes else max((k for k in table.schemes if k <= len(group)),
                                                               default=0)
        labels: list[UnitLabel] = list(_draw(rng, table.schemes[n], lambda s: s.weight).units) if n else []
        labels += [UnitLabel(chr(ord("a") + len({u.letter for u in labels}) + k), "new")
                   for k in range(len(group) - len(labels))]
        first_of: dict[str, tuple[int, ...]] = {}
        for unit, label in zip(group, labels):
            letter = letters[min(used + ord(label.letter) - ord("a"), len(letters) - 1)]
            shown = UnitLabel(letter, label.kind, label.steps).text
            if label.kind == "new" or label.letter not in first_of:
                first_of[label.letter] = unit
                _new_unit(out, unit, shown, table, rng)
                continue
            for dst, src in zip(unit, first_of[label.letter]):
                kind = label.kind if label.kind != "vary" or dst != unit[0] else "repeat"
                out[dst] = BarMotif(dst, shown, kind, src, label.steps)
        used += len({u.letter for u in labels})
    if first_end is not None and units and len(first_end) == 2 * size:
        # A later section ends as the first did: its last two units, or its last one.
        draw = rng.random()
        count = 2 if draw < table.rhyme_half else 1 if draw < table.rhyme else 0
        tail = [b for u in units[-count:] for b in u] if count and len(units) >= count else []
        if tail:
            for dst, src in zip(tail, first_end[-len(tail):]):
                out[dst] = BarMotif(dst, src.label[:1], "repeat", src.bar)
    closing = first_end[-1].bar if first_end else None
    ends |= {closing} if closing is not None else set()
    for bar, motif in list(out.items()):
        if motif.source is not None and ((bar in ends) != (motif.source in ends)
                                         or (bar == final_bar and motif.source != closing)):
            out[bar] = BarMotif(bar, motif.label, "new")
    return out, used


def _new_unit(out: dict[int, BarMotif], unit: tuple[int, ...], label: str, table: SchemeTable,
              rng: np.random.Generator) -> None:
    """A unit of new material: its first bar new; each later bar new, or answering the first as the table's
    `bar_pairs` say (a variation, a repeat, a sequence)."""
    out[unit[0]] = BarMotif(unit[0], label, "new")
    for bar in unit[1:]:
        relation, steps, _ = _draw(rng, table.bar_pairs)
        out[bar] = BarMotif(bar, label, relation, None if relation == "new" else unit[0], steps)


def describe(motifs: list[BarMotif], unit_bars: int) -> str:
    """'bars 1-8: a b a c; a (bars 5-6) repeats bars 1-2' for a phrase's (or section's) motifs."""
    if not motifs:
        return ""
    first, last = motifs[0].bar + 1, motifs[-1].bar + 1
    units: list[list[BarMotif]] = []
    for m in motifs:
        if units and units[-1][0].label == m.label and len(units[-1]) < unit_bars:
            units[-1].append(m)
        else:
            units.append([m])
    text = f"bars {first}-{last}: " + " ".join(u[0].label.split(" ")[0] for u in units)
    details = []
    for u in units:
        derived = [m for m in u if m.source is not None]
        if not derived:
            continue
        span = f"bar {u[0].bar + 1}" if len(u) == 1 else f"bars {u[0].bar + 1}-{u[-1].bar + 1}"
        parts = []
        for m in derived:
            verb = {"repeat": "repeats", "vary": "varies", "sequence": f"moves {abs(m.steps)} step(s) "
                    f"{'up' if m.steps > 0 else 'down'} from"}[m.kind]
            parts.append(f"{m.bar + 1} {verb} {m.source + 1}")
        details.append(f"{u[0].label} ({span}): bar " + ", bar ".join(parts))
    return text + ("; " + "; ".join(details) if details else "")
