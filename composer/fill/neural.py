"""The neural filler: the trained rhythm and melody models propose, the constraints decide.

Rhythm: every slot's phrase is decoded in one batch, note by note; at each step the rhythm
model's distribution over durations is masked to the durations that keep the bar fillable
exactly (a reachability table over grid position and notes placed) within the slot's notes per
bar, with the cadence bar's last note at least a beat long, and motif bars copied.
Melody: each slot's pitches are decoded left to right (a slot joins the note before it, so
slots of one part are sequential); at each step the melody model's distribution over scale
steps is mapped onto the slot's candidate pitches and masked by the feasibility pass's
`feasible[t]` and the edge from the previous pitch. Every hard constraint holds by construction;
the model only chooses among what the constraints allow. Temperature and top-p shape the draw.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..models import vocab as V
from ..models.features import CENTER_CENTS_DEFAULT
from ..models.runtime import GRUModel, Sampling, load_model, masked_sample
from ..plan.feasibility import edge_at
from ..score.rhythm import RhythmNote
from .constraints import cadence_length
from .rhythm import even_bar

DEFAULT_SAMPLING = Sampling(temperature=1.0, top_p=0.95)


def models() -> tuple[GRUModel, GRUModel]:
    return load_model("rhythm"), load_model("melody")


def section_role(plan, phrase) -> int:
    sections = sorted(plan.sections, key=lambda s: s.start_bar)
    idx = max(i for i, s in enumerate(sections) if s.start_bar <= phrase.start_bar) if sections else 0
    return 0 if idx == 0 else 2 if idx == len(sections) - 1 else 1


@lru_cache(maxsize=4096)
def _strength_id(meter, pos_q: int) -> int:
    return V.strength_id(meter.strength(Fraction(pos_q, V.Q)))


def meter_id(meter) -> int:
    return V.meter_id(meter.numerator, meter.denominator)


@lru_cache(maxsize=256)
def _reach(bar_q: int, durations: tuple[int, ...], lo: int, hi: int, final_starts: frozenset | None) -> np.ndarray:
    """reach[pos, k]: from grid position pos (Q units) with k notes placed, the bar can be completed
    with lo..hi notes, its last note starting at one of `final_starts` (None: anywhere)."""
    reach = np.zeros((bar_q + 1, hi + 2), dtype=bool)
    for pos in range(bar_q - 1, -1, -1):
        for k in range(hi):
            for d in durations:
                end = pos + d
                if end < bar_q and reach[end, k + 1]:
                    reach[pos, k] = True
                    break
                if end == bar_q and (final_starts is None or pos in final_starts) and lo <= k + 1 <= hi:
                    reach[pos, k] = True
                    break
    return reach


@lru_cache(maxsize=64)
def _cadence_starts(meter, bar_q: int, unit_q: int) -> frozenset:
    """Where a phrase's last note may begin: on a strong beat (strength >= 0.5), a beat or more before
    the bar's end, so the cadence lands and rests."""
    return frozenset(p for p in range(0, bar_q - unit_q + 1)
                     if meter.strength(Fraction(p, V.Q)) >= 0.5)


@lru_cache(maxsize=64)
def _strong_starts(meter, bar_q: int) -> frozenset:
    """The strong beats of a bar (metrical strength 0.5 or more), in Q units: where a cadence note may begin."""
    return frozenset(p for p in range(bar_q) if meter.strength(Fraction(p, V.Q)) >= 0.5)


@lru_cache(maxsize=256)
def _reach_arrival(bar_q: int, durations: tuple[int, ...], lo: int, hi: int, arrivals: frozenset,
                   least: int) -> np.ndarray:
    """reach[pos, k, a]: from grid position pos with k notes placed, and a cadence note placed (a = 1) or
    not, the bar can be completed with lo..hi notes and a cadence note in it: a note that starts at one
    of `arrivals` and lasts `least` or more."""
    reach = np.zeros((bar_q + 1, hi + 2, 2), dtype=bool)
    for pos in range(bar_q - 1, -1, -1):
        for k in range(hi):
            for a in (0, 1):
                for d in durations:
                    end, a2 = pos + d, int(a or (pos in arrivals and d >= least))
                    if (end < bar_q and reach[end, k + 1, a2]) or (end == bar_q and a2 and lo <= k + 1 <= hi):
                        reach[pos, k, a] = True
                        break
    return reach


def _allowed_durations(meter) -> tuple[int, ...]:
    bar_q = V.as_q(meter.bar_quarters)
    return tuple(d for d in V.GENERATED_DURATIONS_Q if d <= bar_q)


class _RhythmChain:
    """The state of one slot's rhythm while the batch decodes. A forced bar (the piece's final
    cadence, a motif's copy) is fed through the model like the rest, one allowed token at a time."""

    def __init__(self, slot, plan, rng, role: int):
        meter = plan.meter
        self.slot, self.rng, self.role = slot, rng, role
        self.bars = slot.phrase.bars
        self.bar_q = V.as_q(meter.bar_quarters)
        self.unit_q = V.as_q(meter.unit)
        self.cadence_starts = _cadence_starts(meter, self.bar_q, min(self.unit_q, self.bar_q))
        # The piece's last note comes to rest: from a strong beat to the barline, half the bar or more.
        self.closing_starts = frozenset(p for p in self.cadence_starts if 2 * (self.bar_q - p) >= self.bar_q)
        # A phrase before the piece's last arrives on a strong beat and may lead on into the next one.
        self.arrivals = _strong_starts(meter, self.bar_q) if slot.lead_in else None
        self.least = V.as_q(cadence_length(meter))
        self.arrived = False
        self.durations = _allowed_durations(meter)
        n_max = self.bar_q // min(self.durations)
        lo, hi = slot.notes_per_bar or (1, n_max)
        self.lo, self.hi = max(1, min(lo, n_max)), max(1, min(hi, n_max))
        self.out: list[list[RhythmNote]] = [[] for _ in range(self.bars)]
        self.b, self.pos, self.k = 0, 0, 0
        self.prev: int | None = None
        self.done = self.bars == 0
        self.forced = None if self.done else self._forced(0)

    def _forced(self, b: int) -> list[int] | None:
        for m in self.slot.motifs:
            for k in range(m.bars):
                src, dst = m.from_bar + k, m.to_bar + k
                if dst == b and src < dst and dst < self.bars - 1 and self.out[src]:
                    return [V.as_q(r.duration) for r in self.out[src]]
        return None

    def mask(self) -> np.ndarray:
        allowed = np.zeros(V.N_DUR, dtype=bool)
        if self.forced is not None:
            allowed[V.duration_token(self.forced[self.k])] = True
            return allowed
        if self.b == self.bars - 1 and self.arrivals is not None:
            return self._arrival_mask(allowed)
        finals = (self.closing_starts if self.slot.is_last else self.cadence_starts) if self.b == self.bars - 1 else None
        reach = _reach(self.bar_q, self.durations, self.lo, self.hi, finals)
        if self.k == 0 and self.pos == 0 and not reach[0, 0]:
            # The notes-per-bar request cannot fill this bar with these durations: any count will do.
            self.lo, self.hi = 1, self.bar_q // min(self.durations)
            reach = _reach(self.bar_q, self.durations, self.lo, self.hi, finals)
        for d in self.durations:
            end = self.pos + d
            if end < self.bar_q and self.k + 1 <= self.hi and reach[end, self.k + 1]:
                allowed[V.duration_token(d)] = True
            elif end == self.bar_q and self.lo <= self.k + 1 <= self.hi and (finals is None or self.pos in finals):
                allowed[V.duration_token(d)] = True
        if not allowed.any():  # a bar no generated duration can fill exactly (9/8 in one note...): fill it
            allowed[V.duration_token(self.bar_q - self.pos)] = True
            self.forced = [None] * self.k + [self.bar_q - self.pos]
        return allowed

    def _arrival_mask(self, allowed: np.ndarray) -> np.ndarray:
        """The last bar of a phrase before the piece's last: some note of it begins on a strong beat and
        lasts a quarter (or the beat) or more, its cadence note (`constraints.arrival_index`); the notes
        after it lead into the next phrase."""
        reach = _reach_arrival(self.bar_q, self.durations, self.lo, self.hi, self.arrivals, self.least)
        if self.k == 0 and self.pos == 0 and not reach[0, 0, 0]:
            self.lo, self.hi = 1, self.bar_q // min(self.durations)
            reach = _reach_arrival(self.bar_q, self.durations, self.lo, self.hi, self.arrivals, self.least)
        for d in self.durations:
            end = self.pos + d
            arrived = int(self.arrived or (self.pos in self.arrivals and d >= self.least))
            if end < self.bar_q and self.k + 1 <= self.hi and reach[end, self.k + 1, arrived]:
                allowed[V.duration_token(d)] = True
            elif end == self.bar_q and self.lo <= self.k + 1 <= self.hi and arrived:
                allowed[V.duration_token(d)] = True
        if not allowed.any():
            allowed[V.duration_token(self.bar_q - self.pos)] = True
            self.forced = [None] * self.k + [self.bar_q - self.pos]
        return allowed

    def advance(self, token: int) -> None:
        d = self.forced[self.k] if self.forced is not None else V.DURATIONS_Q[token]
        if self.arrivals is not None and self.pos in self.arrivals and d >= self.least:
            self.arrived = True
        self.out[self.b].append(RhythmNote(Fraction(self.pos, V.Q), Fraction(d, V.Q)))
        self.prev = token
        self.pos += d
        self.k += 1
        if self.pos >= self.bar_q:
            self.arrived = False
            self.b += 1
            self.pos, self.k = 0, 0
            self.done = self.b >= self.bars
            self.forced = None if self.done else self._forced(self.b)


def neural_rhythms(plan, slots, rngs, model: GRUModel, sampling: Sampling = DEFAULT_SAMPLING):
    """The rhythm of every slot's phrase (a list of bars of `RhythmNote`), decoded as one batch."""
    meter = plan.meter
    results: dict[int, list[list[RhythmNote]]] = {}
    chains = []
    for i, slot in enumerate(slots):
        if slot.harmony == "colotomic":
            results[i] = [even_bar(meter) for _ in range(slot.phrase.bars)]
            continue
        chains.append((i, _RhythmChain(slot, plan, rngs[i], section_role(plan, slot.phrase))))
    if not chains:
        return results
    h = model.initial_state(len(chains))
    m_id = meter_id(meter)
    cond = {k: np.zeros(len(chains), dtype=np.int64) for k in model.config["conditions"]}
    while True:
        active = [j for j, (_, c) in enumerate(chains) if not c.done]
        if not active:
            break
        for j in active:
            c = chains[j][1]
            cond["pos"][j] = V.position_id(c.pos)
            cond["strength"][j] = _strength_id(meter, c.pos)
            cond["meter"][j] = m_id
            cond["phrase_bar"][j], cond["bars_left"][j] = V.phrase_ids(c.b, c.bars)
            cond["role"][j] = c.role
        idx = np.array(active)
        prev = np.array([chains[j][1].prev if chains[j][1].prev is not None else model.bos for j in active])
        cond_in = model.condition_inputs({k: v[idx] for k, v in cond.items()})
        h_new, logits = model.step(h[idx], prev, cond_in)
        h[idx] = h_new
        for row, j in enumerate(active):
            c = chains[j][1]
            token = masked_sample(logits[row], _IDENTITY_DUR, c.mask(), c.rng, sampling)
            c.advance(token)
    for i, c in chains:
        results[i] = c.out
    return results


_IDENTITY_DUR = np.arange(V.N_DUR)


def candidate_tokens(key, cands, low_cents: float, high_cents: float, center_cents: float):
    """Each candidate's pitch token (relative to the tonic octave that centres the range the way the
    corpus is centred), and how many candidates share that token (their probability is split)."""
    period = cands.period
    ref = _reference(key, period, low_cents, high_cents, center_cents)
    degrees = key.scale.degree_cents
    tokens = V.pitch_tokens(cands.cents - ref, cands.degrees >= 0, degrees, period)
    counts = np.bincount(tokens, minlength=V.N_PITCH)
    return tokens, counts[tokens].astype(float), ref


def _reference(key, period: float, low_cents: float, high_cents: float, center_cents: float) -> float:
    """The tonic (in cents) the tokens count from: the one that puts the range's middle where the
    corpus's melodies sit above their tonic."""
    middle = (low_cents + high_cents) / 2.0
    return key.anchor_cents + round((middle - center_cents - key.anchor_cents) / period) * period


def chord_id_of(event, key) -> int:
    if event is None:
        return 0
    chord = event.chord
    root_rel = (chord.root_pc * 100.0 - key.tonic_cents) % 1200.0
    degrees = key.scale.degree_cents
    period = key.scale.period_cents
    if period != 1200.0:
        return 0
    slot = V.heptatonic_slot(root_rel, degrees, period) if degrees else 0
    return V.chord_id(slot, V.quality_of(chord.intervals))


def melody_sampler(plan, slot, problem, previous: float | None, rng, model: GRUModel, emphasis: np.ndarray | None,
                   sampling: Sampling = DEFAULT_SAMPLING, guide=None):
    """A function feasible -> chain of candidate indices, drawn from the melody model under the masks (a
    `guide`, the plan's motif returns, may pick a note among the allowed ones first)."""
    meter, key, phrase = plan.meter, slot.key, slot.phrase
    cands = problem.candidates
    center = float(model.config.get("center_cents", CENTER_CENTS_DEFAULT))
    tokens, share, _ = candidate_tokens(key, cands, slot.part.low.cents, slot.part.high.cents, center)
    extra = 1.0 / share
    if emphasis is not None:
        extra = extra * emphasis
    positions = problem.positions
    T = len(positions)
    base = phrase.offset(meter)
    bar_quarters = meter.bar_quarters
    role = section_role(plan, phrase)
    mode = V.nearest_mode(tuple(key.scale.degree_cents), key.scale.period_cents)
    m_id = meter_id(meter)
    conds = {k: np.zeros(T, dtype=np.int64) for k in model.config["conditions"]}
    for t, p in enumerate(positions):
        rel = p.offset - base
        bar = int(rel // bar_quarters)
        pos_q = V.as_q(rel - bar * bar_quarters)
        conds["pos"][t] = V.position_id(pos_q)
        conds["strength"][t] = _strength_id(meter, pos_q)
        conds["meter"][t] = m_id
        conds["phrase_bar"][t], conds["bars_left"][t] = V.phrase_ids(bar, phrase.bars)
        conds["role"][t] = role
        conds["dur"][t] = V.duration_token(V.as_q(p.duration))
        conds["chord"][t] = chord_id_of(p.chord, key)
        conds["mode"][t] = mode
    cond_in = model.condition_inputs(conds)
    first_prev = model.bos
    if previous is not None:
        ref = _reference(key, cands.period, slot.part.low.cents, slot.part.high.cents, center)
        rel = np.array([previous - ref])
        deg = key.scale.degree_of(key.rel_cents(previous), tolerance=0.5)
        first_prev = int(V.pitch_tokens(rel, np.array([deg is not None]), key.scale.degree_cents,
                                        key.scale.period_cents)[0])

    def sample(feasible: np.ndarray) -> list[int]:
        h = model.initial_state(1)
        prev_tok, prev_choice, chain = first_prev, None, []
        for t in range(T):
            h, logits = model.step(h, np.array([prev_tok]), cond_in[t:t + 1])
            allowed = feasible[t] if prev_choice is None else feasible[t] & edge_at(problem.edges, t - 1)[prev_choice]
            choice = guide.choose(t, chain, allowed) if guide is not None else None
            if choice is None:
                if guide is not None:
                    allowed = guide.lead(t, chain, allowed, feasible, problem.edges)
                shaped = guide.weights(t, chain) if guide is not None else None
                choice = masked_sample(logits[0], tokens, allowed, rng, sampling,
                                       extra if shaped is None else extra * shaped)
            chain.append(choice)
            prev_choice, prev_tok = choice, int(tokens[choice])
        return chain

    return sample
