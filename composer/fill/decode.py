"""Decoding pitches under a slot's hard constraints: the backward feasibility pass, then the filler's draw,
motif copies, and a reason kept for each note.
"""
from __future__ import annotations

import numpy as np

from theory.melody_rules import tradition_melody

from ..plan.feasibility import backward_feasible, first_infeasible, sample_chain
from ..plan.model import PhrasePlan, Plan
from ..plan.slots import Slot
from ..score.errors import UnsatisfiableError
from ..spec.model import PartSpec
from . import rules as fill_rules
from .constraints import Position, build_problem, diagnose, is_leading_tone, is_step, leads_home, pitch_classes_in
from .context import FillContext
from .guide import LineGuide
from .neural import melody_sampler
from .result import FillRecord, NoteReason


def step_ok(key, a: float, b: float, max_leap_semitones: int, a_chord=None, b_chord=None) -> bool:
    """May a melody in `key` step from `a` to `b` cents: within the leap limit and, when both are
    notes of the scale, along the movement graph of the step's direction, unless one of them is a
    tone of the chord sounding under it (`a_chord`, `b_chord`: ChordEvents), which governs it (as
    `constraints.chord_governed_movement`)."""
    if abs(b - a) > max_leap_semitones * 100.0 + 1e-6:
        return False
    scale = key.scale
    if scale.is_symmetric:
        return True
    if any(c is not None and c.chord.contains_pc(x) for c, x in ((a_chord, a), (b_chord, b))):
        return True
    da = scale.degree_of(key.rel_cents(a), tolerance=0.5)
    db = scale.degree_of(key.rel_cents(b), tolerance=0.5)
    if da is None or db is None:
        return True  # a chromatic chord tone: governed by the chord, not the scale
    return bool(scale.movement_matrix(np.array([da, db]), np.array([a, b]))[0, 1])


def _joins_following(plan: Plan, slot: Slot, positions: list[Position], cands, following: float) -> np.ndarray:
    """The candidates the last note may take to join the locked note that follows: within a leap of it, a
    leading tone over a dominant moving home rising to it, a note outside its chord stepping to it."""
    key = slot.key
    last = positions[-1]
    row = np.array([step_ok(key, c, following, slot.max_leap, a_chord=last.chord) for c in cands.cents], dtype=bool)
    after = _chord_sounding(plan, last.offset + last.duration)
    if last.chord is not None and leads_home(key, last.chord.chord, after):
        row &= ~(is_leading_tone(key, cands.cents) & (np.abs(cands.cents + 100.0 - following) > 0.5))
    if last.chord is not None:
        outside = ~pitch_classes_in(cands.pcs, (*last.chord.chord.pitch_classes_cents, *slot.blue_pcs))
        row &= ~outside | is_step(cands.cents, following, key)
    return row


def _last_row(allowed: np.ndarray, row: np.ndarray) -> np.ndarray:
    """`allowed` with its last position narrowed to `row`."""
    out = allowed.copy()
    out[-1] &= row
    return out


def _chord_sounding(plan: Plan, offset, before: bool = False):
    """The chord (a theory Chord) sounding at `offset`, or just before it; None where none does."""
    event = plan.chord_spans.at(offset, closed_right=before)
    return event.chord if event is not None else None


def decode_pitches(plan: Plan, slot: Slot, positions: list[Position], previous: float | None, rng: np.random.Generator,
            record: FillRecord, following: float | None = None, fixed: dict[int, float] | None = None,
            ctx: FillContext | None = None, narrow=None, guide=None) -> list[float]:
    """The pitches of `positions`, drawn under the slot's hard constraints (and `fixed` notes). `narrow`,
    a function problem -> (positions x candidates) mask, is a wish laid over them, kept position by
    position where some chain still satisfies every constraint (a variation's 'change this note').
    `guide` (`fill.guide.LineGuide`): the plan's motif returns, picked where the constraints allow, the
    phrase's register and the turn after a leap (without one: the turn after a leap only).
    What shaped each note, and a motif copy that had to be dropped, go into `record`."""
    key, meter, part, phrase = slot.key, plan.meter, slot.part, slot.phrase
    problem = build_problem(key, meter, positions, part.low, part.high, targets_rel=slot.targets,
                            max_leap_semitones=slot.max_leap, strong_chord_tones=slot.strong_chord_tones,
                            every_chord=slot.chorale, blue_pcs=slot.blue_pcs, fixed=fixed, lead_in=slot.lead_in)
    cands = problem.candidates
    guide = (guide if guide is not None else LineGuide([], before=previous)).bind(cands)
    start = None
    if previous is not None:
        start = np.array([step_ok(key, previous, c, slot.max_leap, b_chord=positions[0].chord) for c in cands.cents],
                         dtype=bool)
        # The note before is joined as the edges join the slot's own notes, where that leaves a way on (the
        # tonic may lie above a range held under a climax still to come): a leading tone over a dominant
        # rises to the tonic, a non-chord tone is left by step.
        before = _chord_sounding(plan, positions[0].offset, before=True)
        wishes = []
        if positions[0].chord is not None and is_leading_tone(key, previous) and \
                leads_home(key, before, positions[0].chord.chord):
            wishes.append(np.abs(cands.cents - previous - 100.0) < 0.5)
        if before is not None and not before.contains_pc(previous) and \
                not any(abs((previous - b + 600.0) % 1200.0 - 600.0) < 0.5 for b in slot.blue_pcs):
            wishes.append(is_step(previous, cands.cents, key))
        for wish in wishes:
            if backward_feasible(problem.allowed, problem.edges, start=start & wish)[0].any():
                start = start & wish
    if narrow is not None:
        problem.allowed = narrowed(problem, narrow(problem), start)
    follow = _joins_following(plan, slot, positions, cands, following) if following is not None else None
    returns = guide.static_wish(cands) if len(guide.wishes) == len(positions) else None
    if returns is not None:
        # The returns the constraints allow all together lead the draw into them; else the guide picks
        # each where it can as the chain is drawn. The join to a locked note that follows (the start of a
        # repeat) binds first, where it can be kept at all.
        joint = problem.allowed & returns
        check = joint
        if follow is not None and backward_feasible(_last_row(problem.allowed, follow), problem.edges,
                                                    start=start)[0].any():
            check = _last_row(joint, follow)
        if backward_feasible(check, problem.edges, start=start)[0].any():
            problem.allowed = joint
    feasible = None
    if following is None and slot.lead_in and len(positions) > 1:
        # The note a phrase leads on with leaves a way on: not a note the mode lets the melody only repeat
        # (Yaman's Pa at the bottom of the range: Pa does not rise, and there is nothing below it).
        moves = problem.edges if problem.edges.ndim == 2 else problem.edges[-1]
        moves = moves & ~np.eye(cands.size, dtype=bool)
        joined = problem.allowed.copy()
        joined[-1] &= moves.any(axis=1)
        feasible = backward_feasible(joined, problem.edges, start=start)
        if not feasible[0].any():
            feasible = None
    if following is not None:
        # Join the last note to the locked note that follows (the start of a repeat), when possible.
        feasible = backward_feasible(_last_row(problem.allowed, follow), problem.edges, start=start)
        if not feasible[0].any():
            feasible = None
    if feasible is None:
        feasible = backward_feasible(problem.allowed, problem.edges, start=start)
    if not feasible[0].any():
        _raise_unsatisfiable(problem, start, phrase, part, meter)
    if ctx is not None and ctx.melody_model is not None:
        emphasis = fill_rules.emphasis_weights(problem, slot.emphasis)
        sampler = melody_sampler(plan, slot, problem, previous, rng, ctx.melody_model, emphasis, ctx.sampling,
                                 guide)
    else:
        unary = fill_rules.unary_weights(problem, part.low.cents, part.high.cents, slot.emphasis, plan.meter,
                                         seleh=slot.harmony == "colotomic")
        edge_w = fill_rules.edge_weights(problem, key, tradition_melody(key.pack).wide_leap_weight
                                         if key.pack != "western" else None)
        if previous is not None:
            # The previous note may lie outside this slot's candidates (another key): `start` holds the hard
            # join, and the interval weights from it become a soft preference on the first note.
            unary = unary.copy()
            unary[0] *= _closeness(cands.cents, previous)

        def sampler(f):
            return sample_chain(f, problem.edges, rng, unary_weights=unary, edge_weights=edge_w, guide=guide)
    chain = sampler(feasible)
    pitches = [float(cands.cents[i]) for i in chain]
    if phrase.motifs:
        pitches = _apply_motifs(problem, positions, pitches, phrase, meter, start, sampler, record) or pitches
    record_reasons(record, slot, problem, feasible, positions, pitches, previous, ctx.name if ctx else "rules")
    return pitches


def narrowed(problem, wish: np.ndarray, start) -> np.ndarray:
    """The allowed pitches with a wish laid over them, position by position: a position's wish is kept
    when some chain still meets every constraint with it and the wishes kept before it, else dropped."""
    allowed = problem.allowed
    if backward_feasible(allowed & wish, problem.edges, start=start)[0].any():
        return allowed & wish
    out = allowed.copy()
    for t in np.flatnonzero((allowed & ~wish).any(axis=1)):
        trial = out.copy()
        trial[t] &= wish[t]
        if trial[t].any() and backward_feasible(trial, problem.edges, start=start)[0].any():
            out = trial
    return out


def record_reasons(record: FillRecord, slot: Slot, problem, feasible, positions, pitches, previous,
                    filler: str = "rules") -> None:
    """Keep, for every note, the hard constraints that shaped it (for `explain --note`)."""
    allowed_counts = problem.allowed.sum(axis=1)
    feasible_counts = feasible.sum(axis=1)
    restricting = {name: ~mask.all(axis=1) for name, mask in problem.masks.items()}
    for t, pos in enumerate(positions):
        record.reason(slot.part.name, pos.offset, NoteReason(
            slot, tuple(name for name, rows in restricting.items() if rows[t]), pos.chord, pos.strength,
            pitches[t - 1] if t else previous, int(allowed_counts[t]), int(feasible_counts[t]),
            problem.candidates.size, filler))


def _closeness(cents: np.ndarray, previous: float) -> np.ndarray:
    semis = np.rint(np.abs(cents - previous) / 100.0).astype(int)
    return np.array([fill_rules.INTERVAL_WEIGHTS.get(int(s), fill_rules.FAR_WEIGHT) for s in semis])


def _apply_motifs(problem, positions, pitches, phrase, meter, start, sampler, record: FillRecord) -> list[float] | None:
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
        record.note(phrase.index, "motif copy dropped: it conflicts with the harmony or range")
        return None
    chain = sampler(feasible)
    return [float(cands.cents[i]) for i in chain]


def _raise_unsatisfiable(problem, start, phrase: PhrasePlan, part: PartSpec, meter) -> None:
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
        "lead-in ends on a chord tone": f"widen the range of part {part.name!r} ({part.low}-{part.high})",
    }
    hints = "; ".join(dict.fromkeys(advice.get(n, f"relax {n}") for n in names))
    raise UnsatisfiableError(
        f"part {part.name!r}, section {phrase.section!r}, bar {bar}, beat {beat}: no note satisfies "
        f"{' + '.join(names)} ({where.reason if where else 'empty'}); to fix: {hints}")
