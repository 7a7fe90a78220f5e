"""Writing the bars of a slot that are not copied: the rhythm (the models', the rules', or the words'), a
characteristic opening phrase of the mode, the climax cue, then the pitches.
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np

from theory import Pitch
from theory.cycle import load_cycle
from theory.melody_rules import melody_rules, tradition_melody

from ..plan.model import Plan
from ..plan.slots import Slot, note_name
from ..score.errors import LyricsError, UnsatisfiableError
from ..score.notes import Note
from ..score.rhythm import RhythmNote
from ..score.seeds import slot_rng
from ..text.lyric_rhythm import lyric_rhythm
from ..text.lyrics import note_lyrics
from .arudi import arudi_of, karvai_index, rest_wish
from .constraints import is_arrival
from .context import ATTEMPT_STAGE, COPY_DROP_ATTEMPT, RHYTHM_REDRAW_ATTEMPT, ChordLookup, FillContext
from .decode import decode_pitches
from .guide import copy_rhythms, line_guide, written_bars
from .mode_phrases import closing_phrase, opening_phrase
from .repeats import first_copied_pitch, opening_return, returned_pitch
from .result import FillRecord
from .rhythm import free_bar, idiom_rhythm, karvai_bar, phrase_rhythm


def fill_region(plan: Plan, slot: Slot, seed: int, lookup: ChordLookup, first_bar: int, before: list[Note],
                 by_phrase: dict, ctx: FillContext, record: FillRecord, attempt: int = 0) -> list[Note]:
    """Rhythm then pitch for bars first_bar.. of a slot, joined to the note before (and after).
    `attempt` > 0 draws again with fresh random streams (the originality guard's retries)."""
    meter, phrase = plan.meter, slot.phrase
    rng = slot_rng(seed, slot.part_index, phrase.index, first_bar + ATTEMPT_STAGE * attempt)
    sung = None
    # The part's notes so far: the phrases written, and this phrase's bars before the region.
    sounded = [*(n for notes in by_phrase.values() for n in notes), *(n for n in before if n.offset >= slot.start)]
    if slot.unmetered:
        bars = [free_bar(meter, rng, last=b == phrase.bars - 1) if b >= first_bar else [] for b in range(phrase.bars)]
    elif slot.lyrics and first_bar == 0:
        bars, sung = _lyric_bars(lyric_rhythm, meter, slot, rng)     # the words set the rhythm
    elif slot.chorale:
        bars = phrase_rhythm(meter, phrase.bars, rng, first_bar=first_bar, chorale=True)
    elif slot.idiom is not None:
        bars = idiom_rhythm(slot.idiom, meter, phrase.bars, rng, first_bar, slot.closes_section, not slot.lead_in,
                            played_bars(sounded, meter.bar_quarters))
    elif ctx.rhythms is not None:
        if attempt >= RHYTHM_REDRAW_ATTEMPT:
            decoded = ctx.late_rhythm(slot, attempt)
        else:
            if (slot.part_index, phrase.index) not in ctx.rhythms:
                ctx.rhythms[(slot.part_index, phrase.index)] = ctx.late_rhythm(slot)
            decoded = ctx.rhythms[(slot.part_index, phrase.index)]
        bars = [list(decoded[b]) if b >= first_bar else [] for b in range(phrase.bars)]
    else:
        bars = phrase_rhythm(meter, phrase.bars, rng, slot.notes_per_bar, slot.motifs, first_bar,
                             even=slot.harmony == "colotomic", hold=cadence_hold(plan, slot))
    sources = {m.source for m in phrase.scheme if m.source is not None}
    written = written_bars(plan, [n for n in sounded if int(n.offset // meter.bar_quarters) in sources]) \
        if sources else {}
    # The originality guard's late drafts write the phrase free of its motif returns too: a return can
    # carry a run the guard refused back into every draft.
    returns = bool(phrase.scheme) and sung is None and attempt < COPY_DROP_ATTEMPT
    if returns:
        copy_rhythms(plan, phrase, bars, first_bar, written)
    room = phrase.bars - 1           # bars an opening phrase may take: not the cadence bar, nor the climax's
    if slot.climax_cents is not None and phrase.climax is not None:
        room = min(room, int((phrase.climax - slot.start) // meter.bar_quarters))
    seed_phrase = opening_phrase(slot, meter, rng, before, room) if first_bar == 0 and not sung else None
    if seed_phrase is not None:
        for b, rhythm in seed_phrase.bars:
            bars[b] = list(rhythm)
    close = closing_phrase(slot, meter, phrase.bars) if not sung and phrase.bars - 2 >= first_bar else None
    pin = None
    if slot.climax_cents is not None and phrase.climax is not None:
        climax_bar = int((phrase.climax - slot.start) // meter.bar_quarters)
        if climax_bar >= first_bar:
            at = phrase.climax - slot.start - climax_bar * meter.bar_quarters
            if sung is not None:
                sung = _melisma_at(sung, bars, climax_bar, at)
            bars[climax_bar] = _onset_at(bars[climax_bar], at)
            if seed_phrase is not None and climax_bar < len(seed_phrase.bars):
                seed_phrase = None
            if close is not None and climax_bar >= phrase.bars - 2:
                close = None
            pin = phrase.climax
    arudi = arudi_of(plan, slot, first_bar) if sung is None else None
    if arudi is not None and (not arudi.after(seed_phrase, bars, first_bar)
                              or arudi.bar in (b for b, _ in (close.bars if close else ()))
                              or (pin is not None and arudi.covers(pin - slot.start, meter.bar_quarters))):
        arudi = None        # the mode's opening phrase or its close, or the climax, sounds there
    if arudi is not None:
        bars[arudi.bar] = karvai_bar(meter, bars[arudi.bar], arudi.at, arudi.hold)
    if sung is not None:
        arrival = _arrival_split(plan, slot, bars, lookup)
        if arrival is not None:
            sung = _melisma_at(sung, bars, phrase.bars - 1, arrival)
            bars[-1] = _onset_at(bars[-1], arrival)
    elif bars and bars[-1]:
        bars[-1] = land_cadence(plan, slot, bars, lookup)
    if close is not None:
        for b, rhythm in close.bars:
            bars[b] = list(rhythm)
        start = sum(len(bars[b]) for b in range(first_bar, close.bars[0][0])) + close.first_note
        closing = {start + i: c for i, c in enumerate(close.cents)}
    else:
        closing = {}
    positions = [lookup.position(meter, slot.start + b * meter.bar_quarters + r.offset, r.duration)
                 for b in range(first_bar, phrase.bars) for r in bars[b]]
    rest = rest_wish(slot, karvai_index(bars, first_bar, arudi)) if arudi is not None else None
    previous = before[-1].pitch.cents if before else None
    following = first_copied_pitch(plan, phrase, by_phrase, slot.part)
    # A tune leads into the return its next phrase opens with (measured on fiddle tunes: the packs the motion
    # rule of theory/rules/melody.yaml shapes; a dastgah's forud keeps its own approach).
    back_to = opening_return(plan, phrase, slot.part) \
        if sung is None and attempt < COPY_DROP_ATTEMPT and slot.key.pack in melody_rules().motion_packs else None
    lead_back = None            # the position whose pitch the next phrase opens by returning to
    if following is None and back_to is not None:
        if back_to >= phrase.start_bar + first_bar:
            lead_back = next((t for t, p in enumerate(positions) if int(p.offset // meter.bar_quarters) == back_to),
                             None)
        else:
            following = returned_pitch(plan, back_to, by_phrase)
    if following is None and slot.next_climax is not None:
        following = slot.next_climax
    guide = line_guide(plan, phrase if returns else replace(phrase, scheme=()), positions, slot.key,
                       first_bar, written, register_target(slot), previous, before, tune=not slot.chorale,
                       lead_back=lead_back, reach=slot.max_leap * 100.0)
    pitches = None
    if seed_phrase is not None:
        # The phrase in its best octave, then in the others that fit (the note before may be out of a leap's
        # reach of one octave and not of another), with the close fixed too where that still fits.
        tries = [(dict(enumerate(c)), with_close) for c in (seed_phrase.cents, *seed_phrase.others)
                 for with_close in (True, False)]
        for opening, with_close in tries:
            try:
                pitches = decode_pitches(plan, slot, positions, previous, rng, record, following,
                                         {**opening, **closing} if with_close else opening, ctx, narrow=rest,
                                         guide=guide)
            except UnsatisfiableError:
                continue
            record.note(phrase.index, f"{slot.part.name}: opens with the characteristic phrase {seed_phrase.name!r}")
            closing = closing if with_close else {}
            break
    if pitches is None and pin is not None:
        t = next(i for i, p in enumerate(positions) if p.offset == pin)
        climax = slot.climax_cents

        def below(problem):     # no other note of the lead reaches the climax (and the arudi rests)
            out = np.ones(problem.allowed.shape, dtype=bool) if rest is None else rest(problem)
            out[:, np.abs(problem.candidates.cents - climax) < 0.5] = False
            out[t] = True
            return out

        try:
            try:
                pitches = decode_pitches(plan, slot, positions, previous, rng, record, following,
                                         {t: climax, **closing}, ctx, narrow=below, guide=guide)
            except UnsatisfiableError:
                if not closing:
                    raise
                closing = {}
                pitches = decode_pitches(plan, slot, positions, previous, rng, record, following, {t: climax}, ctx,
                                         narrow=below, guide=guide)
        except UnsatisfiableError as exc:
            if plan.climax_planned:
                raise ClimaxMissed(str(exc)) from None
            raise
        if sum(abs(c - climax) < 0.5 for c in pitches) > 1:
            error = ClimaxMissed if plan.climax_planned else UnsatisfiableError
            raise error(f"part {slot.part.name!r}, bar {int(pin // meter.bar_quarters) + 1}: the climax cue's note "
                        f"cannot stay the phrase's only highest note under the constraints; move the cue or widen "
                        f"the range")
        what = "the climax" if plan.climax_planned else "the climax cue"
        record.note(phrase.index, f"{slot.part.name}: {what}: the melody's highest note, "
                                  f"{Pitch(climax).name()}, at bar {int(pin // meter.bar_quarters) + 1}")
    if pitches is None and closing:
        try:
            pitches = decode_pitches(plan, slot, positions, previous, rng, record, following, closing, ctx,
                                     narrow=rest, guide=guide)
        except UnsatisfiableError:
            closing = {}
    if pitches is None:
        closing = {}
        pitches = decode_pitches(plan, slot, positions, previous, rng, record, following, ctx=ctx, narrow=rest,
                                 guide=guide)
    if arudi is not None:
        note = karvai_index(bars, first_bar, arudi)
        record.note(phrase.index, f"{slot.part.name}: the first half comes to rest on the arudi, beat {arudi.beat} of "
                                  f"bar {phrase.start_bar + arudi.bar + 1}, held {arudi.hold / meter.unit} beats "
                                  f"(the karvai) on {note_name(slot.key, slot.key.rel_cents(pitches[note]))}")
    if closing and close is not None:
        what = "a tihai" if close.kind == "tihai" else "its closing phrase"
        record.note(phrase.index, f"{slot.part.name}: closes with {what} ({close.name})")
    if guide is not None and guide.asked:
        record.note(phrase.index, f"{slot.part.name}: motif returns: {guide.met} of {guide.asked} notes as planned, "
                                  f"the rest moved or redrawn where the constraints forbade them")
    if sung is not None:
        words = note_lyrics(sung)
        return [Note(p.offset, p.duration, Pitch(c), slot.part.velocity, w) for p, c, w in zip(positions, pitches, words)]
    return [Note(p.offset, p.duration, Pitch(c), slot.part.velocity) for p, c in zip(positions, pitches)]


class ClimaxMissed(UnsatisfiableError):
    """The contour plan's climax cannot be written at its pitch (the fill tries a lower one)."""


def played_bars(notes: list[Note], bar: Fraction) -> tuple[tuple[Fraction, ...], ...]:
    """The rhythm (durations) of each bar the notes fill, in order."""
    by_bar: dict[int, list[Note]] = {}
    for n in notes:
        by_bar.setdefault(int(n.offset // bar), []).append(n)
    out = []
    for b in sorted(by_bar):
        ordered = sorted(by_bar[b], key=lambda n: n.offset)
        durations = tuple(n.duration for n in ordered)
        if sum(durations) == bar and ordered[0].offset == b * bar:
            out.append(durations)
    return tuple(out)


def register_target(slot: Slot) -> tuple[float, float] | None:
    """(target cents, width) for the phrase's register from the contour plan, or None where it sets none."""
    if slot.phrase.register is None:
        return None
    low, high = slot.part.low.cents, slot.part.high.cents
    return low + slot.phrase.register * (high - low), max(400.0, (high - low) / 2.5)


def _lyric_bars(lyric_rhythm, meter, slot: Slot, rng):
    """The rhythm that sets a phrase's words: one note per syllable (and per melisma note), stressed
    syllables on the stronger beats."""
    phrase = slot.phrase
    try:
        bars, sung = lyric_rhythm(meter, phrase.bars, list(slot.lyrics), rng)
    except LyricsError as exc:
        raise LyricsError(f"part {slot.part.name!r}, section {phrase.section!r}, phrase {phrase.number} "
                          f"({phrase.bars} bars from bar {phrase.start_bar + 1}): {exc}; give the phrase more "
                          f"bars or its line fewer words") from None
    return [list(b) for b in bars], list(sung)


def _melisma_at(sung: list, bars: list, bar_index: int, at: Fraction) -> list:
    """The syllables, when the note sounding at `at` of a bar is split in two: its syllable gets one
    more note (a melisma), so the words stay on their notes."""
    index = sum(len(b) for b in bars[:bar_index])
    for r in bars[bar_index]:
        if r.offset < at < r.offset + r.duration:
            break
        index += 1
    else:
        return sung
    seen = 0
    for k, s in enumerate(sung):
        if seen <= index < seen + s.notes:
            return sung[:k] + [replace(s, melisma=s.melisma + 1)] + sung[k + 1:]
        seen += s.notes
    return sung


def land_cadence(plan: Plan, slot: Slot, bars: list, lookup: ChordLookup) -> list:
    """The phrase's last bar, its cadence note sounding on the final chord: where the final chord enters
    after the cadence note has begun (`_arrival_split`), the bar has a note from the chord's entry to its
    end (a lead-in after the old cadence note is dropped)."""
    at = _arrival_split(plan, slot, bars, lookup)
    if at is None:
        return bars[-1]
    bar = _onset_at(bars[-1], at)
    return [r for r in bar if r.offset < at] + [RhythmNote(at, plan.meter.bar_quarters - at)]


def _arrival_split(plan: Plan, slot: Slot, bars: list, lookup: ChordLookup) -> Fraction | None:
    """Where the last bar must be split so that the phrase's cadence note (`constraints.arrival_index`)
    sounds on its final chord: when it begins on a strong beat under an earlier chord and either leads on
    into the next phrase or shares no tone with the cadence's targets (a one-bar phrase whose single note
    would have to be two chords' tones at once). None when no split is needed."""
    phrase, meter = slot.phrase, plan.meter
    if not phrase.chords or not bars or not bars[-1]:
        return None
    final = phrase.chords[-1]
    bar_start = slot.start + (phrase.bars - 1) * meter.bar_quarters
    at = final.offset - bar_start
    cadence = [r for r in bars[-1] if is_arrival(meter, meter.strength(r.offset), r.duration)]
    last = cadence[-1] if cadence else bars[-1][-1]
    if not 0 < at < meter.bar_quarters or last.offset >= at or meter.strength(last.offset) < 0.5:
        return None
    if last is not bars[-1][-1]:
        return at     # a cadence note before the final chord, and a lead-in after it: it lands on the chord
    chord = lookup.at(bar_start + last.offset)
    if chord is None:
        return None
    tonic = slot.key.tonic_cents
    rel = [(pc - tonic) % 1200.0 for pc in chord.chord.pitch_classes_cents]
    if any(min(abs(r - t % 1200.0), 1200.0 - abs(r - t % 1200.0)) < 0.5 for r in rel for t in slot.targets):
        return None
    return at


def _onset_at(bar: list, at: Fraction) -> list:
    """A bar's rhythm with a note starting at `at` (from the bar's start): the note sounding there is split."""
    out = []
    for r in bar:
        if r.offset < at < r.offset + r.duration:
            out += [type(r)(r.offset, at - r.offset), type(r)(at, r.offset + r.duration - at)]
        else:
            out.append(r)
    return out


def cadence_hold(plan: Plan, slot: Slot) -> Fraction | None:
    """How long a phrase's cadence note is held where the piece goes on after it and the tradition holds it
    for the cycle's first division (`theory/rules/traditions.yaml`: `hold: group`): a tala's first vibhag,
    from the sam; None (held to the end of the bar) elsewhere."""
    if plan.cycle is None or not slot.lead_in or slot.key.pack == "western" \
            or tradition_melody(slot.key.pack).hold != "group" or load_cycle(plan.cycle).sam != 1:
        return None
    groups = plan.meter.group_lengths
    return groups[0] if len(groups) > 1 else None
