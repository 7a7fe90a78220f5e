"""Repeats: the kept bars of a repeated section copied (moved into the new key), or varied."""
from __future__ import annotations

from dataclasses import replace

from theory import Pitch

from ..plan.model import PhrasePlan, Plan
from ..plan.slots import Slot, phrase_lyrics
from ..score.notes import Note
from ..score.seeds import slot_rng
from ..spec.model import PartSpec
from .context import ATTEMPT_STAGE, ChordLookup, FillContext
from .decode import step_ok
from .result import FillRecord
from .variation import vary_notes

VARY_STAGE = 700              # the rng stream of a variation's changes


def vary_copy(plan: Plan, slot: Slot, seed: int, theme: list[Note], previous: float | None, by_phrase: dict,
          lookup: ChordLookup, ctx: FillContext, record: FillRecord, attempt: int) -> list[Note]:
    """The copied bars of a variation, varied (see `variation`)."""
    phrase = slot.phrase
    whole = theme[-1].end == slot.end
    following = first_copied_pitch(plan, phrase, by_phrase, slot.part) if whole else None
    rng = slot_rng(seed, slot.part_index, phrase.index, VARY_STAGE + ATTEMPT_STAGE * attempt)
    amount, keep = phrase.variation
    # The cadence target binds the phrase's last note, which the theme reaches only when it is kept whole.
    notes, line = vary_notes(plan, slot if whole else replace(slot, targets=None), theme, amount, keep, rng,
                             previous, following, lookup, ctx, record)
    record.note(phrase.index, f"{slot.part.name}: {line}")
    return notes


def copy_kept(plan: Plan, phrase: PhrasePlan, source_notes: list[Note], part: PartSpec,
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
        joins = previous is None or not moved or step_ok(phrase.key, previous, moved[0].pitch.cents, max_leap_semitones)
        if joins and all(part.low.cents <= n.pitch.cents <= part.high.cents for n in moved):
            return moved
    return None


def first_copied_pitch(plan: Plan, phrase: PhrasePlan, by_phrase: dict, part: PartSpec) -> float | None:
    """The first note of the next phrase, when that phrase starts with bars copied from earlier music."""
    nxt = _next_unsung(plan, phrase, part)
    if nxt is None or not nxt.kept_bars or nxt.copy_of is None or nxt.copy_of not in by_phrase:
        return None
    copied = copy_kept(plan, nxt, by_phrase[nxt.copy_of], part, None, 0)
    return copied[0].pitch.cents if copied else None


def opening_return(plan: Plan, phrase: PhrasePlan, part: PartSpec) -> int | None:
    """The bar (of the piece) the next phrase's first bar returns to, when its motif plan restates it there
    (a repeat, or a variation, whose head is the source's) in the same key: the bar its first note wishes to
    sound as it did. None when the next phrase opens otherwise, or sets its own words."""
    nxt = _next_unsung(plan, phrase, part)
    if nxt is None or nxt.kept_bars:
        return None
    motif = next((m for m in nxt.scheme if m.bar == nxt.start_bar), None)
    if motif is None or motif.source is None or motif.kind not in ("repeat", "vary"):
        return None
    source = next((p for p in plan.phrases if p.start_bar <= motif.source < p.start_bar + p.bars), None)
    return motif.source if source is not None and source.key == nxt.key else None


def returned_pitch(plan: Plan, bar: int, by_phrase: dict) -> float | None:
    """The first note of `bar` among the notes already written (`by_phrase`), or None."""
    bar_q = plan.meter.bar_quarters
    notes = [n for notes in by_phrase.values() for n in notes if bar * bar_q <= n.offset < (bar + 1) * bar_q]
    return min(notes, key=lambda n: n.offset).pitch.cents if notes else None


def _next_unsung(plan: Plan, phrase: PhrasePlan, part: PartSpec) -> PhrasePlan | None:
    """The next phrase, unless there is none or it sets its own words (written anew, neither copied nor
    returning to earlier music)."""
    if phrase.index + 1 >= len(plan.phrases):
        return None
    nxt = plan.phrases[phrase.index + 1]
    if part.lyrics and phrase_lyrics(part, len(plan.phrases))[nxt.index]:
        return None
    return nxt
