"""How a melody's bars come back: a bar (or a unit of bars) as the repeat, the sequence (transposed by scale
steps), or the variation (rhythm kept, some pitches changed) of an earlier one, or new.

One definition serves three readers: the learner of phrase schemes (`tools/learn_schemes.py`, over the
corpora), the realism benchmark (real and composed tunes measured alike), and the tests that check a
composed piece returns to its motifs. A bar is a tuple of notes `(onset in the bar, duration, midi)`, onsets
and durations in any one exact unit (ticks or Fractions of a quarter).
"""
from __future__ import annotations

from dataclasses import dataclass

REPEAT_SHARE = 0.9        # same rhythm and at least this share of pitches the same: a repeat
VARY_SHARE = 0.4          # same rhythm and at least this share of pitches (or intervals) the same: a variation

Bar = tuple[tuple, ...]


@dataclass(frozen=True)
class Relation:
    """How a unit relates to an earlier one: 'repeat', 'sequence' (by `steps` scale steps), 'vary' or 'new'."""

    kind: str
    steps: int = 0

    @property
    def returns(self) -> bool:
        return self.kind != "new"


NEW = Relation("new")


def bars_of(onsets, durations, midis, bar_length, bars: int | None = None) -> list[Bar]:
    """The notes of a line grouped by bar (onsets from the start of bar 1; a pickup, before 0, is left out).
    A note is kept in the bar it starts in."""
    count = bars if bars is not None else (int(max(onsets) // bar_length) + 1 if len(onsets) else 0)
    out: list[list] = [[] for _ in range(count)]
    for o, d, m in zip(onsets, durations, midis):
        if o < 0:
            continue
        b = int(o // bar_length)
        if b < count:
            out[b].append((o - b * bar_length, d, int(round(m))))
    return [tuple(b) for b in out]


def _rhythm(unit: tuple[Bar, ...]) -> tuple:
    return tuple((o, d) for bar in unit for o, d, _ in bar)


def _pitches(unit: tuple[Bar, ...]) -> list[int]:
    return [m for bar in unit for _, _, m in bar]


def degree_steps(a: int, b: int, scale: tuple[int, ...]) -> int | None:
    """Scale steps from midi `a` to midi `b` when both lie in the scale (semitones above the tonic, `scale`
    as pitch classes); None when either does not."""
    def index(m):
        octave, pc = divmod(m, 12)
        return octave * len(scale) + scale.index(pc) if pc in scale else None

    ia, ib = index(a), index(b)
    return None if ia is None or ib is None else ib - ia


def sounding_share(unit: tuple[Bar, ...], earlier: tuple[Bar, ...]) -> float:
    """The share of the units' time in which both sound the same pitch (bar by bar, at every onset of
    either, weighted by how long it lasts)."""
    same = total = 0
    for a, b in zip(unit, earlier):
        if not a or not b:
            continue
        end = max(a[-1][0] + a[-1][1], b[-1][0] + b[-1][1])
        cuts = sorted({o for o, _, _ in a} | {o for o, _, _ in b} | {end})

        def at(bar, t):
            found = None
            for o, _, m in bar:
                if o <= t:
                    found = m
            return found

        for t, nxt in zip(cuts, cuts[1:]):
            total += nxt - t
            same += (nxt - t) if at(a, t) == at(b, t) else 0
    return same / total if total else 0.0


def relation(unit: tuple[Bar, ...], earlier: tuple[Bar, ...], scale: tuple[int, ...] | None = None,
             tonic: int = 0) -> Relation:
    """How `unit` relates to `earlier` (units of the same number of bars). `scale`: the mode's pitch classes
    above `tonic`, to count a sequence's steps (without it, a transposition counts as a variation). Units of
    different rhythms relate as a variation when they sound the same pitch at least `VARY_SHARE` of the time
    (the tune kept under a changed rhythm: ornamented, or a cadence moved)."""
    if len(unit) != len(earlier) or not any(unit):
        return NEW
    if _rhythm(unit) != _rhythm(earlier):
        return Relation("vary") if sounding_share(unit, earlier) >= VARY_SHARE else NEW
    a, b = _pitches(unit), _pitches(earlier)
    same = sum(x == y for x, y in zip(a, b)) / len(a)
    if same >= REPEAT_SHARE:
        return Relation("repeat")
    if len(a) > 1:
        ia = [y - x for x, y in zip(a, a[1:])]
        ib = [y - x for x, y in zip(b, b[1:])]
        shape = sum(x == y for x, y in zip(ia, ib)) / len(ia)
        if a[0] != b[0] and scale is not None:
            steps = degree_steps(b[0] - tonic, a[0] - tonic, scale)
            # A sequence moves by the same steps of the scale (a tonal sequence) or the same semitones.
            da = [degree_steps(x - tonic, y - tonic, scale) for x, y in zip(a, a[1:])]
            db = [degree_steps(x - tonic, y - tonic, scale) for x, y in zip(b, b[1:])]
            tonal = sum(x is not None and x == y for x, y in zip(da, db)) / len(da)
            if steps and max(shape, tonal) >= REPEAT_SHARE:
                return Relation("sequence", steps)
        if shape >= VARY_SHARE * 1.5 or same >= VARY_SHARE:
            return Relation("vary")
    return Relation("vary") if same >= VARY_SHARE else NEW


def best_relation(unit: tuple[Bar, ...], earlier: list[tuple[Bar, ...]], scale=None, tonic: int = 0
                  ) -> tuple[int | None, Relation]:
    """The earlier unit `unit` returns to most closely (a repeat before a sequence before a variation), and how;
    (None, NEW) when it returns to none."""
    rank = {"repeat": 0, "sequence": 1, "vary": 2}
    best: tuple[int | None, Relation] = (None, NEW)
    for i, e in enumerate(earlier):
        r = relation(unit, e, scale, tonic)
        if r.returns and (best[0] is None or rank[r.kind] < rank[best[1].kind]):
            best = (i, r)
    return best


def label_units(units: list[tuple[Bar, ...]], scale=None, tonic: int = 0) -> list[str]:
    """A scheme's labels for consecutive units: a new unit takes the next letter; a return takes its source's
    letter, plain for a repeat, primed for a variation, with the steps for a sequence ('a+1': a step higher)."""
    labels: list[str] = []
    letters = "abcdefghijklmnopqrstuvwxyz"
    roots: list[str] = []
    fresh = 0
    for j, unit in enumerate(units):
        i, r = best_relation(unit, units[:j], scale, tonic)
        if i is None:
            root = letters[min(fresh, len(letters) - 1)]
            fresh += 1
            labels.append(root)
        else:
            root = roots[i]
            labels.append(root + ("" if r.kind == "repeat" else "'" if r.kind == "vary" else f"{r.steps:+d}"))
        roots.append(root)
    return labels


def returning_share(bars: list[Bar], unit_bars: int = 1, scale=None, tonic: int = 0) -> float:
    """The share of units (after the first) that return to an earlier unit."""
    units = [tuple(bars[i:i + unit_bars]) for i in range(0, len(bars) - unit_bars + 1, unit_bars)]
    units = [u for u in units if any(u)]
    if len(units) < 2:
        return 0.0
    hits = sum(best_relation(u, units[:j], scale, tonic)[0] is not None for j, u in enumerate(units) if j)
    return hits / (len(units) - 1)
