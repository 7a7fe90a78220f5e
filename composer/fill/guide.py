"""What shapes a melodic line among the notes its hard constraints allow, besides the filler's own weights:
the returns of the plan's motifs (`plan.motifs`), the turn back after a leap, and the phrase's register
(the contour plan). Both fillers draw through a `LineGuide`.

Motifs: a returning bar gets the rhythm of its source bar (`copy_rhythms`), and each of its notes is guided
while the chain is drawn. A guided note takes its wished pitch when the hard constraints allow it there (the
sampler's allowed set: feasible, and joined to the note before); else, for a repeat or a sequence, the
allowed pitch nearest the wish within a whole tone; else the filler draws it as any other note. A repeat
wishes the source's pitch (moved into this phrase's key when the key changed, as a repeated section is,
unless the unmoved music fits the chords here better); a sequence, that pitch moved by the plan's scale
steps; a variation, the pitches of the bar's first half only, so that its tail is new.

Leap recovery (`theory/rules/melody.yaml`): after a leap wider than the rule's size, a step back against
it is preferred by the rule's weight. Motion: a step is preferred, and a repeated note and a leap wider than
a fifth disfavoured, by the rule's weights. Figure memory: where the part's last notes repeat a figure it played before (their
intervals, and their durations with the next note's), the note that goes on as the figure went on is
preferred by the rule's weight. Register: a phrase the contour plan sets high or low prefers pitches near
its target, softly.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from theory.melody_rules import melody_rules

from ..plan.feasibility import edge_at
from ..plan.model import BarMotif, Plan
from ..score.notes import Note
from ..score.rhythm import RhythmNote

NEAR_CENTS = 200.0 + 1e-6


def tonic_shift(from_key, to_key) -> float:
    """Cents that move music from one key's tonic to the other's, by the nearer way (a repeat in a new key)."""
    shift = (to_key.tonic_pc - from_key.tonic_pc) % 12
    return 100.0 * (shift - 12 if shift > 6 else shift)


def written_bars(plan: Plan, notes: list[Note]) -> dict[int, list[Note]]:
    """The notes already written, by bar of the piece."""
    bar_q = plan.meter.bar_quarters
    out: dict[int, list[Note]] = {}
    for n in notes:
        out.setdefault(int(n.offset // bar_q), []).append(n)
    return out


def copy_rhythms(plan: Plan, phrase, bars: list[list[RhythmNote]], first_bar: int,
                 written: dict[int, list[Note]]) -> None:
    """Give each returning bar (from `first_bar` on) its source bar's rhythm, in place; the piece's last bar
    keeps its own, which comes to rest (its pitches still return where they can)."""
    bar_q = plan.meter.bar_quarters
    for motif in phrase.scheme:
        b = motif.bar - phrase.start_bar
        if motif.source is None or b < first_bar or motif.bar == plan.bars - 1:
            continue
        s = motif.source - phrase.start_bar
        if first_bar <= s < b:
            bars[b] = list(bars[s])
        elif motif.source in written:
            src = sorted(written[motif.source], key=lambda n: n.offset)
            start = motif.source * bar_q
            rhythm = [RhythmNote(n.offset - start, n.duration) for n in src]
            if rhythm and rhythm[0].offset == 0 and sum(r.duration for r in rhythm) == bar_q:
                bars[b] = rhythm


@dataclass
class LineGuide:
    """Per position of a slot's region: what its note wishes to return to (and a tally of the wishes met);
    the leap recovery rule; the register the phrase prefers."""

    wishes: list = field(default_factory=list)   # per position: None or (kind, steps, source, shift)
    register: tuple[float, float] | None = None  # (target cents, width cents): a soft preference
    before: float | None = None          # the pitch just before the region (for the first position's leap)
    history: list = field(default_factory=list)     # (cents, quarters) of the part's notes before the region
    durations: list = field(default_factory=list)   # quarters of each position's note
    pack: str | None = None              # the key's pack: whether the motion and figure rules apply
    lead_back: int | None = None         # the position whose pitch the next phrase opens by returning to
    reach: float = 0.0                   # cents the last note may lie from that pitch (the part's largest leap)
    fresh: dict = field(default_factory=dict)   # position in a varied bar's new tail -> its source's note there
    met: int = 0
    asked: int = 0
    cents: np.ndarray = None             # the candidates' pitches (`bind`)
    scale: np.ndarray = None             # the candidates of the scale, sorted (for a sequence's steps)
    _register_weights: np.ndarray = None
    _figures: dict = None                # figure before the region -> the moves that went on from it

    def bind(self, candidates) -> "LineGuide":
        """The guide over a problem's candidates (the decoder binds it before drawing)."""
        self.cents = candidates.cents
        self.met = self.asked = 0
        self.scale = np.sort(candidates.cents[candidates.degrees >= 0])
        if self.register is not None:
            target, width = self.register
            self._register_weights = np.exp(-0.5 * ((self.cents - target) / width) ** 2) + 0.05
        if self._figures is None:
            self._figures = {}
            for figure, move in _figures(self.history, melody_rules().figure_context, 0):
                self._figures.setdefault(figure, set()).add(move)
        return self

    def static_wish(self, candidates) -> np.ndarray | None:
        """(positions x candidates, the guide bound to them) mask of the wishes known before the draw (returns to notes already
        written), all-true elsewhere; None when there are none. The decoder lays it over the allowed notes
        where the constraints still leave a way through, so that the line is led into its returns."""
        static = [(t, w) for t, w in enumerate(self.wishes) if w is not None and not isinstance(w[2], int)]
        if not static:
            return None
        mask = np.ones((len(self.wishes), candidates.size), dtype=bool)
        for t, _ in static:
            target = self.wish(t, [])
            if target is not None:
                mask[t] = np.abs(candidates.cents - target) < 0.5
        return mask

    def weights(self, t: int, chain: list[int]) -> np.ndarray | None:
        """Factors over the candidates at position t (None: all 1): the register, the turn after a leap, the
        balance of steps, repeated notes (a third strike rarer still) and wide leaps, and the figure memory (these
        two in the packs their rules name)."""
        out = self._register_weights
        rules = melody_rules()
        prev = self.cents[chain[t - 1]] if t >= 1 else self.before
        if prev is None:
            return out
        earlier = self.cents[chain[t - 2]] if t >= 2 else (self.before if t == 1 else None)
        if earlier is not None and abs(prev - earlier) > rules.recovery_leap_semitones * 100.0 + 1e-6:
            back = (np.sign(self.cents - prev) == -np.sign(prev - earlier)) & (np.abs(self.cents - prev) <= 200.0 + 1e-6)
            out = _times(out, np.where(back, rules.recovery_weight, 1.0))
        if self.pack in rules.motion_packs:
            move = np.abs(self.cents - prev)
            struck_twice = earlier is not None and abs(prev - earlier) < 0.5
            repeat = rules.repeat_weight * (rules.third_strike_weight if struck_twice else 1.0)
            out = _times(out, np.where(move < 0.5, repeat,
                                       np.where(move <= STEP_CENTS, rules.step_weight,
                                                np.where(move > rules.wide_leap_semitones * 100.0 + 0.5,
                                                         rules.wide_leap_weight, 1.0))))
        if t in self.fresh and self.pack in rules.figure_packs:
            # A variation's tail goes on anew: no memory of how the source went on, and its note there is rarer.
            source = self.fresh[t]
            source = self.cents[chain[source]] if isinstance(source, int) else source
            return _times(out, np.where(np.abs(self.cents - source) < 0.5, rules.variation_weight, 1.0))
        goes_on = self._goes_on(t, chain, rules.figure_context) if self.pack in rules.figure_packs else None
        if goes_on:
            hit = np.isin(np.rint(self.cents - prev), list(goes_on))
            out = _times(out, np.where(hit, rules.figure_weight, 1.0))
        return out

    def _goes_on(self, t: int, chain: list[int], k: int) -> set[int]:
        """The moves (cents) that went on from the figure the line ends with at position t, wherever the
        part played it before (before the region, or earlier in it)."""
        if self._figures is None or len(self.durations) <= t:
            return set()
        before = self.history[-k:]           # the figures that end before the region are in _figures
        line = before + [(float(self.cents[c]), self.durations[i]) for i, c in enumerate(chain[:t])]
        if len(line) < k:
            return set()
        here = next(_figures(line + [(0.0, self.durations[t])], k, len(line)))[0]
        found = set(self._figures.get(here, ()))
        found.update(move for figure, move in _figures(line, k, len(before)) if figure == here)
        return found

    def lead(self, t: int, chain: list[int], mask: np.ndarray, feasible: np.ndarray, edges) -> np.ndarray:
        """`mask` (the notes allowed at position t) narrowed to those from which the next position's return can
        be taken (its wished pitch allowed there and joined to this note), when any are: a return is led into,
        as a player steers toward a phrase they know is coming. Unchanged when the next note wishes nothing,
        its wish hangs on this very note, or no allowed note leads to it. The region's last note, when the
        next phrase opens by returning to a note of this region (`lead_back`), is one from which that note
        lies within a leap's reach, where one is allowed."""
        nxt = t + 1
        if nxt == len(self.wishes) and self.lead_back is not None and self.lead_back < t:
            led = mask & (np.abs(self.cents - self.cents[chain[self.lead_back]]) <= self.reach + 1e-6)
            return led if led.any() else mask
        entry = self.wishes[nxt] if nxt < len(self.wishes) else None
        if entry is None or nxt >= feasible.shape[0] or (isinstance(entry[2], int) and entry[2] >= t):
            return mask
        target = self.wish(nxt, chain)
        if target is None:
            return mask
        hits = np.flatnonzero((np.abs(self.cents - target) < 0.5) & feasible[nxt])
        if not hits.size:
            return mask
        led = mask & edge_at(edges, t)[:, hits[0]]
        return led if led.any() else mask

    def wish(self, t: int, chain: list[int]) -> float | None:
        entry = self.wishes[t] if t < len(self.wishes) else None
        if entry is None:
            return None
        kind, steps, source, shift = entry
        base = float(self.cents[chain[source]]) if isinstance(source, int) else source
        cents = base + shift
        if kind == "sequence" and steps and self.scale.size:
            i = int(np.argmin(np.abs(self.scale - cents)))
            j = i + steps
            if not 0 <= j < self.scale.size:
                return None
            cents = float(self.scale[j])
        return cents

    def choose(self, t: int, chain: list[int], allowed: np.ndarray) -> int | None:
        """The candidate index the guide picks at position t among `allowed`, or None (the filler draws)."""
        target = self.wish(t, chain)
        if target is None:
            return None
        self.asked += 1
        distance = np.where(allowed, np.abs(self.cents - target), np.inf)
        best = int(np.argmin(distance))
        if distance[best] < 0.5:
            self.met += 1
            return best
        kind = self.wishes[t][0]
        return best if kind in ("repeat", "sequence") and distance[best] <= NEAR_CENTS else None


def line_guide(plan: Plan, phrase, positions, key, first_bar: int, written: dict[int, list[Note]],
               register: tuple[float, float] | None = None, before: float | None = None,
               history: list[Note] = (), tune: bool = True, lead_back: int | None = None,
               reach: float = 0.0) -> LineGuide:
    """The guide for a region's positions (bars `first_bar`.. of `phrase`); `history`: the part's notes
    before them, whose figures it remembers; `tune`: False for a line the motion and figure rules, learned
    from fiddle tunes, do not shape (a chorale's soprano, a hymn tune above a four-part harmony)."""
    guide = LineGuide([None] * len(positions), register, before=before,
                      history=[(float(n.pitch.cents), float(n.duration)) for n in history],
                      durations=[float(p.duration) for p in positions], pack=key.pack if tune else None,
                      lead_back=lead_back, reach=reach)
    if not any(m.source is not None for m in phrase.scheme):
        return guide
    meter = plan.meter
    bar_q = meter.bar_quarters
    by_bar: dict[int, list[int]] = {}
    for t, p in enumerate(positions):
        by_bar.setdefault(int(p.offset // bar_q), []).append(t)
    keys = {b: ph.key for ph in plan.phrases for b in range(ph.start_bar, ph.start_bar + ph.bars)}
    motifs: dict[int, BarMotif] = {m.bar: m for m in phrase.scheme}
    for bar, targets in by_bar.items():
        motif = motifs.get(bar)
        if motif is None or motif.source is None:
            continue
        in_region = motif.source in by_bar and motif.source >= phrase.start_bar + first_bar
        head = len(targets) if motif.kind != "vary" else (len(targets) + 1) // 2
        if in_region:
            sources: list = list(by_bar[motif.source])
            offsets = [positions[t].offset - motif.source * bar_q for t in sources]
            shift, steps = 0.0, motif.steps
        elif motif.source in written:
            src_notes = sorted(written[motif.source], key=lambda n: n.offset)
            sources = [float(n.pitch.cents) for n in src_notes]
            offsets = [n.offset - motif.source * bar_q for n in src_notes]
            shift, steps = _best_move(sources, offsets, positions, _judged(plan, motif, positions, targets, head),
                                      bar * bar_q, key, tonic_shift(keys.get(motif.source, key), key), motif)
        else:
            continue
        kind = "sequence" if steps else motif.kind
        for k, t in enumerate(targets):
            at = positions[t].offset - bar * bar_q
            j = k if len(sources) == len(targets) else _sounding(offsets, at)
            if j is not None and k < head:
                guide.wishes[t] = (kind, steps, sources[j], shift)
            elif j is not None:
                guide.fresh[t] = sources[j]      # a variation's tail: the source's note (or its position) there
    return guide


STEP_CENTS = 250.0          # a move of one or two semitones (a three-quarter tone included) is a step


def _times(out: np.ndarray | None, factor: np.ndarray) -> np.ndarray:
    return factor if out is None else out * factor


def _figures(line: list[tuple[float, float]], k: int, first: int):
    """(figure, move) for each note j of `line` from `first` on that has `k` notes before it: the figure is
    those notes' moves (whole cents) with their durations and note j's, the move the one into note j."""
    moves = [round(b[0] - a[0]) for a, b in zip(line, line[1:])]
    durations = [d for _, d in line]
    for j in range(max(k, first), len(line)):
        yield (tuple(moves[j - k:j - 1]), tuple(durations[j - k:j + 1])), moves[j - 1]


RESTEPS = (0, 1, -1, 2, -2, 3, -3)   # how far a return may move along the scale to meet its new chords


def _best_move(sources, offsets, positions, targets, bar_start, key, key_shift: float, motif) -> tuple[float, int]:
    """(cents, scale steps) that move a returning bar's source notes where they best fit this bar's chords
    (at `targets`: a variation's head only, its tail being new):
    into this phrase's key (or left where they were, when that fits better: a modulating phrase enters on
    a pivot chord that the old key's music often fits), and, for a repeat or a variation whose chords
    differ from its source's, along the scale (the bar restated a step or two higher or lower, over its new
    harmony, as a sequence is). A sequence keeps the plan's steps. The most chord tones on strong beats win;
    among equals, the least move."""
    options = []
    most = sum(positions[t].strength >= 0.5 and positions[t].chord is not None for t in targets)
    pairs = [(positions[t], _sounding(offsets, positions[t].offset - bar_start)) for t in targets]
    pairs = [(p, j) for p, j in pairs if j is not None and p.chord is not None]
    for order, shift in enumerate(dict.fromkeys((key_shift, 0.0))):
        for rank, steps in enumerate((motif.steps,) if motif.kind == "sequence" else RESTEPS):
            moved = [_along_scale(c + shift, steps, key) for c in sources]
            strong, weak = _chord_fit(moved, pairs)
            if strong == most and not rank:
                return shift, steps          # it fits as it stands: no need to look further
            options.append((strong, -rank, -order, weak, shift, steps))
    best = max(options)
    return best[4], best[5]


def _judged(plan: Plan, motif: BarMotif, positions, targets: list[int], head: int) -> list[int]:
    """The positions a return's move is judged on: a variation's head (its tail is new); a repeat's notes over
    the chords its source had at the same point of the bar, where only some are (a bar that restates its
    source, then turns to the cadence under other chords), else all of them."""
    if motif.kind == "vary":
        return targets[:head]
    bar_q = plan.meter.bar_quarters
    bar = int(positions[targets[0]].offset // bar_q)
    spans = plan.chord_spans

    def chord(offset):
        event = spans.at(offset)
        return event.chord if event is not None else None

    same = [t for t in targets
            if chord(positions[t].offset) == chord(positions[t].offset + (motif.source - bar) * bar_q)]
    return same if same else targets


def _along_scale(cents: float, steps: int, key) -> float:
    """`cents` moved `steps` degrees along the key's scale (from the nearest degree)."""
    if not steps:
        return cents
    scale = key.scale
    period = scale.period_cents
    rel = cents - key.tonic_cents
    octave = np.floor(rel / period)
    degrees = np.asarray(scale.degree_cents, dtype=float)
    i = int(np.argmin(np.abs(degrees - (rel - octave * period)))) + steps
    o, i = divmod(i, len(degrees))
    return key.tonic_cents + (octave + o) * period + degrees[i]


def _chord_fit(pitches: list[float], pairs) -> tuple[int, int]:
    """How many of a bar's notes are tones of the chords under them: on strong beats (where the hard
    constraint binds), and elsewhere. `pairs`: (position, index of the source note sounding there)."""
    strong = weak = 0
    for p, j in pairs:
        if p.chord.chord.contains_pc(pitches[j]):
            strong, weak = (strong + 1, weak) if p.strength >= 0.5 else (strong, weak + 1)
    return strong, weak


def _sounding(offsets: list, at) -> int | None:
    """The index of the source note sounding at `at` (from its bar's start; `offsets` in order)."""
    j = bisect_right(offsets, at) - 1
    return j if j >= 0 else None
