"""Filling the melody slots of a plan: rhythm first, then pitch, under hard constraints.

Each (part, phrase) slot has its own rng derived from the seed, so slots are
independent and a slot can be refilled alone. Kept bars of a repeated section
are copied (transposed when the key changed); the rest is decoded with the
feasibility pass so every hard constraint holds.
"""
from __future__ import annotations

from dataclasses import replace

from theory import Pitch

from ..models.corpus_index import OriginalityError
from ..plan.model import Plan
from ..plan.slots import Slot
from ..score.errors import UnsatisfiableError
from ..score.notes import Note
from .balance import LEAN_ATTEMPTS, balanced, shortfall
from .constraints import arrival_index, build_problem, pitch_classes_in
from .context import (
    COPY_DROP_ATTEMPT,
    DEFAULT_FILLER,
    LEARNED_PACKS,
    RULES_FALLBACK_ATTEMPT,
    ChordLookup,
    FillContext,
    filler_context,
)
from .region import ClimaxMissed, fill_region
from .repeats import copy_kept, vary_copy
from .result import FillRecord, FillResult


def fill_melody(plan: Plan, slots: list[Slot], seed: int, filler: str = DEFAULT_FILLER, sampling=None,
                guard=None, lead: bool = True) -> FillResult:
    """The notes of one melody part and why: its slots, in time order, each copied or decoded by `filler`
    ('neural': the trained models under the constraints; 'rules': hand weights under the same).

    `guard` (a `fill.guard.CopyGuard`): a slot whose notes complete a run copied from a corpus tune
    is drawn again with fresh random streams (from the third try with a fresh rhythm too, from the
    fifth written anew instead of copying a repeat, from the seventh by the rules filler, whose
    hand weights know no corpus), up to the guard's number of attempts.

    `lead`: this is the piece's lead melody, which puts its highest note on a climax cue (see `fit`)."""
    ctx = filler_context(filler, plan, slots, seed, sampling)
    lookup = ChordLookup(plan.chords)
    heights = _climax_pitches(plan, slots, lookup) if lead else []    # a climax shapes the lead melody
    redrawn = guard.resampled if guard is not None else 0
    for climax in heights[:CLIMAX_TRIES] or [None]:
        try:
            return _fill_part(plan, slots, seed, filler, ctx, lookup, guard, climax)
        except ClimaxMissed:
            if guard is not None:
                guard.resampled = redrawn     # the drafts of an abandoned try are not counted
            continue      # the contour plan's climax: a lower pitch, with more room around it
    return _fill_part(plan, slots, seed, filler, ctx, lookup, guard, None,
                      f"the planned climax found no pitch from which the phrase could go on under the "
                      f"constraints ({len(heights[:CLIMAX_TRIES])} tried): the melody is written without it")


CLIMAX_TRIES = 3


def _fill_part(plan: Plan, slots: list[Slot], seed: int, filler: str, ctx: FillContext, lookup: ChordLookup,
               guard, climax: float | None, missed: str | None = None) -> FillResult:
    """One melody part, every slot, under the climax at `climax` cents (None: no climax); `missed`: a line
    saying why a planned climax is not there."""
    record = FillRecord()
    if ctx.name != filler and slots:
        record.note(slots[0].phrase.index, f"{slots[0].part.name}: written by the rules filler with the "
                                           f"{slots[0].key.pack} pack's emphasis weights: the {filler} models have "
                                           f"not learned this tradition (trained on {', '.join(LEARNED_PACKS)} "
                                           f"scales only)")
    if missed and slots:
        holder = next((s for s in slots if s.phrase.climax is not None), slots[0])
        record.note(holder.phrase.index, f"{holder.part.name}: {missed}")
    notes: list[Note] = []
    by_phrase: dict[int, list[Note]] = {}
    for i, slot in enumerate(slots):
        history = [(s.key, by_phrase[s.phrase.index]) for s in slots[:i] if s.phrase.index in by_phrase]
        slot, leaning = balanced(slot, history)
        if leaning:
            record.note(slot.phrase.index, leaning)
        if climax is not None:
            nxt = slots[i + 1] if i + 1 < len(slots) else None
            slot = _under_climax(slot, climax, nxt is not None and nxt.phrase.climax == nxt.start)
        phrase = slot.phrase
        kept_notes = record.mark(phrase.index)
        attempts = max(guard.attempts if guard is not None else 1, LEAN_ATTEMPTS)
        strayed, best = 0, None
        for attempt in range(attempts):
            record.rollback(phrase.index, kept_notes)
            use = ctx if attempt < RULES_FALLBACK_ATTEMPT or ctx.name == "rules" else FillContext("rules")
            try:
                phrase_notes = _slot_notes(plan, slot, seed, notes, by_phrase, lookup, use, record, attempt)
            except UnsatisfiableError as exc:
                if climax is not None and plan.climax_planned and not isinstance(exc, ClimaxMissed):
                    raise ClimaxMissed(str(exc)) from None   # the range held under the climax left no way
                raise
            copy = guard.copy_in(notes, phrase_notes, slot.part.name) if guard is not None else None
            if copy is None:
                short = shortfall(slot, history, phrase_notes)
                if short and attempt + 1 < LEAN_ATTEMPTS:
                    best = min(best, (short, attempt)) if best else (short, attempt)
                    strayed += 1        # drawn again: the draft leaves a plain degree ahead of the mode's
                    continue            # leaning note (`fill.balance`)
                if short and best and best[0] < short:
                    # The last draft strays further than an earlier one: that one is written again.
                    record.rollback(phrase.index, kept_notes)
                    phrase_notes = _slot_notes(plan, slot, seed, notes, by_phrase, lookup, use, record, best[1])
                break
            if guard is None or attempt == attempts - 1:
                bar = int(copy.start // plan.meter.bar_quarters) + 1
                raise OriginalityError(
                    f"part {slot.part.name!r}, section {phrase.section!r}, bar {bar}: every one of {attempts} "
                    f"drafts copies a run of {guard.max_run} notes from the tune {copy.tune_title!r} "
                    f"({copy.tune_id}); to fix: raise constraints.max_copied_run or choose another seed")
            guard.resampled += 1
        if attempt > strayed:
            record.note(phrase.index, f"{slot.part.name}: drawn {attempt + 1} times; the earlier drafts copied "
                                      f"{guard.max_run} or more notes from a corpus tune")
        elif strayed:
            record.note(phrase.index, f"{slot.part.name}: drawn {attempt + 1} times; the earlier drafts left a plain "
                                      f"degree sounding as long as the mode's leaning note")
        by_phrase[phrase.index] = phrase_notes
        notes.extend(phrase_notes)
    return record.result({slots[0].part_index: tuple(notes)} if slots else {})


def _climax_pitches(plan: Plan, slots: list[Slot], lookup: ChordLookup) -> list[float]:
    """The pitch of the climax (the lead melody's highest note) and, for the contour plan's climax, the lower
    ones to try after it, highest first: the pitches the slot's hard constraints allow at that beat (a tone
    of the chord on a strong beat). A cue's climax lies a step below the top of the range where it can, to
    leave room to approach it; the contour plan's starts at the top. Empty without a climax."""
    if not plan.climaxes or not slots:
        return []
    at = plan.climaxes[0]
    slot = next((s for s in slots if s.start <= at < s.end), None)
    if slot is None:
        return []
    meter = plan.meter
    position = lookup.position(meter, at, meter.unit)
    problem = build_problem(slot.key, meter, [position], slot.part.low, slot.part.high, targets_rel=None,
                            max_leap_semitones=slot.max_leap, strong_chord_tones=slot.strong_chord_tones,
                            every_chord=slot.chorale, blue_pcs=slot.blue_pcs)
    allowed = problem.candidates.cents[problem.allowed[0]]
    if position.chord is not None:
        # A tone of the chord: a climax stands on the harmony (a non-chord tone there must step away, and
        # a leading tone rise, back to the climax's own pitch).
        tones = allowed[pitch_classes_in(allowed % 1200.0, position.chord.chord.pitch_classes_cents)]
        allowed = tones if tones.size else allowed
    if not allowed.size:
        return []
    if plan.climax_planned:
        return sorted((float(c) for c in allowed), reverse=True)
    below = allowed[allowed <= slot.part.high.cents - 200.0 + 1e-6]
    return [float(below.max() if below.size else allowed.max())]


def _under_climax(slot: Slot, climax: float, climax_next: bool = False) -> Slot:
    """A slot whose part stays below the climax; the climax's own slot may reach it, at its beat only.
    `climax_next`: the next phrase opens on the climax, so this one's last note must lead to it."""
    holds = slot.phrase.climax is not None
    high = Pitch(climax if holds else climax - 1.0)
    slot = replace(slot, climax_cents=climax if holds else None, next_climax=climax if climax_next else None)
    return slot if high >= slot.part.high else replace(slot, part=replace(slot.part, high=high))


def _slot_notes(plan: Plan, slot: Slot, seed: int, notes: list[Note], by_phrase: dict, lookup: ChordLookup,
                ctx: FillContext, record: FillRecord, attempt: int = 0) -> list[Note]:
    """One slot's notes: the kept bars of a repeat copied, the rest decoded."""
    meter = plan.meter
    phrase, part = slot.phrase, slot.part
    end = slot.end
    copied: list[Note] = []
    rewrite_tail = False
    if slot.lyrics and phrase.kept_bars and phrase.copy_of is not None and not attempt:
        record.note(phrase.index, f"{part.name}: written anew rather than repeated, to set its own words")
    if phrase.kept_bars and phrase.copy_of is not None and attempt < COPY_DROP_ATTEMPT and not slot.lyrics:
        previous = notes[-1].pitch.cents if notes else None
        found = copy_kept(plan, phrase, by_phrase.get(phrase.copy_of, []), part, previous, slot.max_leap)
        if found is None:
            record.note(phrase.index, f"{part.name}: the repeat did not fit the range or the leap limit after "
                                      f"transposition; written anew")
        else:
            copied = found
            src = plan.phrases[phrase.copy_of]
            for n in copied:
                record.reason(part.name, n.offset, [
                    f"copied from phrase {src.number} of section {src.section!r} (bar "
                    f"{src.start_bar + 1}): the section repeats it"
                    + (f", moved into {phrase.key}" if src.key != phrase.key else "")])
            if phrase.variation is not None:
                copied = vary_copy(plan, slot, seed, copied, previous, by_phrase, lookup, ctx, record, attempt)
            period = slot.key.scale.period_cents
            last_rel = slot.key.rel_cents(copied[-1].pitch.cents)
            ends_on_cadence = arrival_index([n.offset for n in copied], [n.duration for n in copied],
                                            [meter.strength(n.offset % meter.bar_quarters) for n in copied],
                                            meter) == len(copied) - 1
            rewrite_tail = (slot.is_last and phrase.kept_bars == phrase.bars
                            and (not ends_on_cadence
                                 or not any(min(abs(last_rel - t), period - abs(last_rel - t)) < 0.5
                                            for t in slot.targets)))
    elif phrase.kept_bars and phrase.copy_of is not None and not slot.lyrics:
        record.note(phrase.index, f"{part.name}: written anew rather than repeated (the repeat joined a copied run)")
    kept_bars = phrase.kept_bars if copied else 0
    if rewrite_tail:
        # The piece must close on the tonic: write the last bar(s) anew, as few as will join.
        for refill in range(1, phrase.bars + 1):
            kept_end = end - refill * meter.bar_quarters
            head = [n for n in copied if n.offset < kept_end]
            try:
                tail = fill_region(plan, slot, seed, lookup, phrase.bars - refill, head or notes, by_phrase, ctx,
                                    record, attempt)
            except UnsatisfiableError:
                if refill == phrase.bars:
                    raise
                continue
            record.note(phrase.index, f"{part.name}: last {refill} bar(s) written anew to close on the tonic")
            return head + tail
    phrase_notes = list(copied)
    if kept_bars < phrase.bars:
        phrase_notes += fill_region(plan, slot, seed, lookup, kept_bars, phrase_notes or notes, by_phrase, ctx,
                                     record, attempt)
    return phrase_notes
