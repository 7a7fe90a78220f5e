"""Filling the melody slots of a plan: rhythm first, then pitch, under hard constraints.

Each (part, phrase) slot has its own rng derived from the seed, so slots are
independent and a slot can be refilled alone. Kept bars of a repeated section
are copied (transposed when the key changed); the rest is decoded with the
feasibility pass so every hard constraint holds.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from theory import Pitch

from . import fill_rules
from .constraints import Position, build_problem, diagnose
from .errors import UnsatisfiableError
from .feasibility import backward_feasible, sample_chain
from .piece import ChordEvent, Note
from .plan import PhrasePlan, Plan
from .rhythm import phrase_rhythm, seeded_bar
from .slots import Slot
from .spec import PartSpec

FILLERS = ("neural", "rules", "ngram")
DEFAULT_FILLER = "neural"


@dataclass(frozen=True)
class FillResult:
    """What the fill wrote and why: the notes of each melody part it wrote (by part index), the lines it
    added to each phrase's notes (by phrase index), and what shaped each note (by part name and onset: a
    `NoteReason` for a decoded note, lines of text for a copied one). The plan is left as it was."""

    parts: dict = field(default_factory=dict)
    phrase_notes: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict, repr=False)

    def lines(self, phrase_index: int) -> tuple[str, ...]:
        return self.phrase_notes.get(phrase_index, ())

    @classmethod
    def combine(cls, results) -> "FillResult":
        """One result for several parts, each phrase's lines in the order of the results."""
        parts, lines, reasons = {}, {}, {}
        for result in results:
            parts.update(result.parts)
            reasons.update(result.reasons)
            for index, more in result.phrase_notes.items():
                lines[index] = lines.get(index, ()) + tuple(more)
        return cls(parts, lines, reasons)


class FillRecord:
    """The fill's notebook while it writes: lines per phrase and a reason per note; `result` freezes it.
    A record started from an earlier result (a refill) keeps what that result says."""

    def __init__(self, base: FillResult | None = None):
        self.lines: dict[int, list[str]] = {i: list(v) for i, v in base.phrase_notes.items()} if base else {}
        self.reasons: dict = dict(base.reasons) if base else {}

    def note(self, phrase_index: int, line: str) -> None:
        self.lines.setdefault(phrase_index, []).append(line)

    def mark(self, phrase_index: int) -> int:
        return len(self.lines.get(phrase_index, ()))

    def rollback(self, phrase_index: int, mark: int) -> None:
        """Forget the lines noted for a phrase since `mark` (a draft that was drawn again)."""
        del self.lines.get(phrase_index, [])[mark:]

    def reason(self, part: str, offset: Fraction, why) -> None:
        self.reasons[(part, offset)] = why

    def result(self, parts: dict) -> FillResult:
        return FillResult(dict(parts), {i: tuple(v) for i, v in self.lines.items() if v}, dict(self.reasons))


@dataclass
class FillContext:
    """What a filler brings to every slot of a part: its name, and for the neural filler the models,
    the sampling settings and the rhythms decoded for all slots in one batch."""

    name: str
    rhythms: dict = None
    melody_model: object = None
    sampling: object = None
    late_rhythm: object = None       # decodes one slot's rhythm on demand (a copy that did not fit)


def filler_context(filler: str, plan: Plan, slots: list[Slot], seed: int, sampling=None,
                   batch: bool = True) -> FillContext:
    """'rules': nothing to prepare. 'neural' and 'ngram': the two models, and every slot's rhythm
    decoded in one batch (the n-gram baseline is decoded by the same code as the neural models).
    `batch=False`: no batch, each rhythm decoded on demand (a refill draws its own)."""
    if filler == "rules":
        return FillContext(filler)
    from .fill_neural import DEFAULT_SAMPLING, models, neural_rhythms

    sampling = sampling or DEFAULT_SAMPLING
    if filler == "ngram":
        from .models.ngram import ngram_models

        rhythm_model, melody_model = ngram_models()
    else:
        rhythm_model, melody_model = models()
    # Slots that only copy an earlier phrase need no rhythm unless the copy fails: decode those later, alone.
    # Slots that set words take the words' rhythm.
    todo = [s for s in slots if (s.kept_bars < s.phrase.bars or s.copy_of is None) and not s.lyrics] if batch else []
    rngs = [slot_rng(seed, s.part_index, s.phrase.index, 50) for s in todo]
    decoded = neural_rhythms(plan, todo, rngs, rhythm_model, sampling) if todo else []
    rhythms = {(s.part_index, s.phrase.index): decoded[i] for i, s in enumerate(todo)}

    def late(slot: Slot, attempt: int = 0):
        rng = slot_rng(seed, slot.part_index, slot.phrase.index, 50 + ATTEMPT_STAGE * attempt)
        return neural_rhythms(plan, [slot], [rng], rhythm_model, sampling)[0]

    return FillContext(filler, rhythms, melody_model, sampling, late)


ATTEMPT_STAGE = 1000          # an rng stream per attempt of the originality guard


def slot_rng(seed: int, part_index: int, phrase_index: int, stage: int) -> np.random.Generator:
    return np.random.default_rng([seed, 1 + part_index, phrase_index, stage])


class ChordLookup:
    def __init__(self, chords: list[ChordEvent]):
        self.chords = sorted(chords, key=lambda c: c.offset)
        self.starts = [c.offset for c in self.chords]

    def overlapping(self, start: Fraction, end: Fraction) -> list[ChordEvent]:
        """Chord events that sound somewhere in [start, end)."""
        i = max(0, bisect_right(self.starts, start) - 1)
        out = []
        while i < len(self.chords) and self.chords[i].offset < end:
            if self.chords[i].end > start:
                out.append(self.chords[i])
            i += 1
        return out

    def position(self, meter, offset: Fraction, duration: Fraction) -> Position:
        """A melody note's position for the constraints: its chord and metrical strength."""
        return Position(offset, duration, self.at(offset), meter.strength(offset % meter.bar_quarters))

    def at(self, offset: Fraction) -> ChordEvent | None:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and self.chords[i].offset <= offset < self.chords[i].end:
            return self.chords[i]
        return None


def fill_melody(plan: Plan, slots: list[Slot], seed: int, filler: str = DEFAULT_FILLER, sampling=None,
                guard=None, lead: bool = True) -> FillResult:
    """The notes of one melody part and why: its slots, in time order, each copied or decoded by `filler`
    ('neural': the trained models under the constraints; 'rules': hand weights under the same).

    `guard` (a `originality.CopyGuard`): a slot whose notes complete a run copied from a corpus tune
    is drawn again with fresh random streams (from the third try with a fresh rhythm too, from the
    fifth written anew instead of copying a repeat, from the seventh by the rules filler, whose
    hand weights know no corpus), up to the guard's number of attempts.

    `lead`: this is the piece's lead melody, which puts its highest note on a climax cue (see `fit`)."""
    ctx = filler_context(filler, plan, slots, seed, sampling)
    lookup = ChordLookup(plan.chords)
    record = FillRecord()
    notes: list[Note] = []
    by_phrase: dict[int, list[Note]] = {}
    climax = _climax_pitch(plan, slots, lookup) if lead else None    # a climax cue shapes the lead melody
    for i, slot in enumerate(slots):
        if climax is not None:
            nxt = slots[i + 1] if i + 1 < len(slots) else None
            slot = _under_climax(slot, climax, nxt is not None and nxt.phrase.climax == nxt.start)
        phrase = slot.phrase
        kept_notes = record.mark(phrase.index)
        attempts = guard.attempts if guard is not None else 1
        for attempt in range(attempts):
            record.rollback(phrase.index, kept_notes)
            use = ctx if attempt < RULES_FALLBACK_ATTEMPT or ctx.name == "rules" else FillContext("rules")
            phrase_notes = _slot_notes(plan, slot, seed, notes, by_phrase, lookup, use, record, attempt)
            copy = guard.copy_in(notes, phrase_notes, slot.part.name) if guard is not None else None
            if copy is None:
                break
            if attempt == attempts - 1:
                from .originality import OriginalityError

                bar = int(copy.start // plan.meter.bar_quarters) + 1
                raise OriginalityError(
                    f"part {slot.part.name!r}, section {phrase.section!r}, bar {bar}: every one of {attempts} "
                    f"drafts copies a run of {guard.max_run} notes from the tune {copy.tune_title!r} "
                    f"({copy.tune_id}); to fix: raise constraints.max_copied_run or choose another seed")
            guard.resampled += 1
        if attempt:
            record.note(phrase.index, f"{slot.part.name}: drawn {attempt + 1} times; the earlier drafts copied "
                                      f"{guard.max_run} or more notes from a corpus tune")
        by_phrase[phrase.index] = phrase_notes
        notes.extend(phrase_notes)
    return record.result({slots[0].part_index: tuple(notes)} if slots else {})


def _climax_pitch(plan: Plan, slots: list[Slot], lookup: ChordLookup) -> float | None:
    """The pitch of the climax cue (the lead melody's highest note): the highest pitch the slot's hard
    constraints allow at that beat (a chord tone on a strong beat). None without a climax cue."""
    if not plan.climaxes or not slots:
        return None
    at = plan.climaxes[0]
    slot = next((s for s in slots if s.start <= at < s.end), None)
    if slot is None:
        return None
    meter = plan.meter
    position = lookup.position(meter, at, meter.unit)
    problem = build_problem(slot.key, meter, [position], slot.part.low, slot.part.high, targets_rel=None,
                            max_leap_semitones=slot.max_leap, strong_chord_tones=slot.strong_chord_tones,
                            blue_pcs=slot.blue_pcs)
    allowed = problem.candidates.cents[problem.allowed[0]]
    if not allowed.size:
        return None
    # The very top of the range leaves no room to approach it by step: the highest allowed pitch at
    # least a step below the range's top when there is one, else the top.
    below = allowed[allowed <= slot.part.high.cents - 200.0 + 1e-6]
    return float(below.max() if below.size else allowed.max())


def _under_climax(slot: Slot, climax: float, climax_next: bool = False) -> Slot:
    """A slot whose part stays below the climax; the climax's own slot may reach it, at its beat only.
    `climax_next`: the next phrase opens on the climax, so this one's last note must lead to it."""
    from dataclasses import replace

    holds = slot.phrase.climax is not None
    high = Pitch(climax if holds else climax - 1.0)
    slot = replace(slot, climax_cents=climax if holds else None, next_climax=climax if climax_next else None)
    return slot if high >= slot.part.high else replace(slot, part=replace(slot.part, high=high))


RHYTHM_REDRAW_ATTEMPT = 2     # from this attempt on, a guarded slot gets a fresh rhythm as well
COPY_DROP_ATTEMPT = 4         # ... and is written anew rather than copying the section it repeats
RULES_FALLBACK_ATTEMPT = 6    # ... and is written by the rules filler


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
        found = _copy_kept(plan, phrase, by_phrase.get(phrase.copy_of, []), part, previous, slot.max_leap)
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
                copied = _vary(plan, slot, seed, copied, previous, by_phrase, lookup, ctx, record, attempt)
            period = slot.key.scale.period_cents
            last_rel = slot.key.rel_cents(copied[-1].pitch.cents)
            rewrite_tail = (slot.is_last and phrase.kept_bars == phrase.bars
                            and not any(min(abs(last_rel - t), period - abs(last_rel - t)) < 0.5
                                        for t in slot.targets))
    elif phrase.kept_bars and phrase.copy_of is not None and not slot.lyrics:
        record.note(phrase.index, f"{part.name}: written anew rather than repeated (the repeat joined a copied run)")
    kept_bars = phrase.kept_bars if copied else 0
    if rewrite_tail:
        # The piece must close on the tonic: write the last bar(s) anew, as few as will join.
        for refill in range(1, phrase.bars + 1):
            kept_end = end - refill * meter.bar_quarters
            head = [n for n in copied if n.offset < kept_end]
            try:
                tail = _fill_region(plan, slot, seed, lookup, phrase.bars - refill, head or notes, by_phrase, ctx,
                                    record, attempt)
            except UnsatisfiableError:
                if refill == phrase.bars:
                    raise
                continue
            record.note(phrase.index, f"{part.name}: last {refill} bar(s) written anew to close on the tonic")
            return head + tail
    phrase_notes = list(copied)
    if kept_bars < phrase.bars:
        phrase_notes += _fill_region(plan, slot, seed, lookup, kept_bars, phrase_notes or notes, by_phrase, ctx,
                                     record, attempt)
    return phrase_notes


VARY_STAGE = 700              # the rng stream of a variation's changes


def _vary(plan: Plan, slot: Slot, seed: int, theme: list[Note], previous: float | None, by_phrase: dict,
          lookup: ChordLookup, ctx: FillContext, record: FillRecord, attempt: int) -> list[Note]:
    """The copied bars of a variation, varied (see `variation`)."""
    from dataclasses import replace

    from .variation import vary_notes

    phrase = slot.phrase
    whole = theme[-1].end == slot.end
    following = _first_copied_pitch(plan, phrase, by_phrase, slot.part) if whole else None
    rng = slot_rng(seed, slot.part_index, phrase.index, VARY_STAGE + ATTEMPT_STAGE * attempt)
    amount, keep = phrase.variation
    # The cadence target binds the phrase's last note, which the theme reaches only when it is kept whole.
    notes, line = vary_notes(plan, slot if whole else replace(slot, targets=None), theme, amount, keep, rng,
                             previous, following, lookup, ctx, record)
    record.note(phrase.index, f"{slot.part.name}: {line}")
    return notes


def _fill_region(plan: Plan, slot: Slot, seed: int, lookup: ChordLookup, first_bar: int, before: list[Note],
                 by_phrase: dict, ctx: FillContext, record: FillRecord, attempt: int = 0) -> list[Note]:
    """Rhythm then pitch for bars first_bar.. of a slot, joined to the note before (and after).
    `attempt` > 0 draws again with fresh random streams (the originality guard's retries)."""
    meter, phrase = plan.meter, slot.phrase
    rng = slot_rng(seed, slot.part_index, phrase.index, first_bar + ATTEMPT_STAGE * attempt)
    sung = None
    if slot.lyrics and first_bar == 0:
        from .lyrics import lyric_rhythm

        bars, sung = _lyric_bars(lyric_rhythm, meter, slot, rng)     # the words set the rhythm
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
                             even=slot.harmony == "colotomic")
    seed_phrase = _choose_characteristic_phrase(slot, meter, rng) if first_bar == 0 and not sung else None
    if seed_phrase is not None:
        bars[0] = seed_phrase[1]
    pin = None
    if slot.climax_cents is not None and phrase.climax is not None:
        climax_bar = int((phrase.climax - slot.start) // meter.bar_quarters)
        if climax_bar >= first_bar:
            at = phrase.climax - slot.start - climax_bar * meter.bar_quarters
            if sung is not None:
                sung = _melisma_at(sung, bars, climax_bar, at)
            bars[climax_bar] = _onset_at(bars[climax_bar], at)
            if seed_phrase is not None and climax_bar == 0:
                seed_phrase = None
            pin = phrase.climax
    arrival = _arrival_split(plan, slot, bars, lookup)
    if arrival is not None:
        if sung is not None:
            sung = _melisma_at(sung, bars, phrase.bars - 1, arrival)
        bars[-1] = _onset_at(bars[-1], arrival)
    positions = [lookup.position(meter, slot.start + b * meter.bar_quarters + r.offset, r.duration)
                 for b in range(first_bar, phrase.bars) for r in bars[b]]
    previous = before[-1].pitch.cents if before else None
    following = _first_copied_pitch(plan, phrase, by_phrase, slot.part)
    if following is None and slot.next_climax is not None:
        following = slot.next_climax
    pitches = None
    if seed_phrase is not None:
        fixed = dict(enumerate(seed_phrase[2]))
        try:
            pitches = _decode(plan, slot, positions, previous, rng, record, following, fixed, ctx)
            record.note(phrase.index, f"{slot.part.name}: opens with the characteristic phrase {seed_phrase[0]!r}")
        except UnsatisfiableError:
            pitches = None
    if pitches is None and pin is not None:
        t = next(i for i, p in enumerate(positions) if p.offset == pin)
        climax = slot.climax_cents

        def below(problem):     # no other note of the lead reaches the climax
            out = np.ones(problem.allowed.shape, dtype=bool)
            out[:, np.abs(problem.candidates.cents - climax) < 0.5] = False
            out[t] = True
            return out

        pitches = _decode(plan, slot, positions, previous, rng, record, following, {t: climax}, ctx, narrow=below)
        if sum(abs(c - climax) < 0.5 for c in pitches) > 1:
            raise UnsatisfiableError(f"part {slot.part.name!r}, bar {int(pin // meter.bar_quarters) + 1}: the climax "
                                     f"cue's note cannot stay the phrase's only highest note under the constraints; "
                                     f"move the cue or widen the range")
        record.note(phrase.index, f"{slot.part.name}: the climax cue: the melody's highest note, "
                                  f"{Pitch(climax).name()}, at bar {int(pin // meter.bar_quarters) + 1}")
    if pitches is None:
        pitches = _decode(plan, slot, positions, previous, rng, record, following, ctx=ctx)
    if sung is not None:
        from .lyrics import note_lyrics

        words = note_lyrics(sung)
        return [Note(p.offset, p.duration, Pitch(c), slot.part.velocity, w) for p, c, w in zip(positions, pitches, words)]
    return [Note(p.offset, p.duration, Pitch(c), slot.part.velocity) for p, c in zip(positions, pitches)]


def _lyric_bars(lyric_rhythm, meter, slot: Slot, rng):
    """The rhythm that sets a phrase's words: one note per syllable (and per melisma note), stressed
    syllables on the stronger beats."""
    from .lyrics import LyricsError

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
    from dataclasses import replace

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


def _arrival_split(plan: Plan, slot: Slot, bars: list, lookup: ChordLookup) -> Fraction | None:
    """Where the last bar must be split so that the phrase's last note sounds on its final chord: when
    the last note begins on a strong beat under an earlier chord that shares no tone with the cadence's
    targets (a one-bar phrase whose single note would have to be two chords' tones at once). None when
    no split is needed."""
    phrase, meter = slot.phrase, plan.meter
    if not phrase.chords or not bars or not bars[-1] or not slot.strong_chord_tones:
        return None
    final = phrase.chords[-1]
    bar_start = slot.start + (phrase.bars - 1) * meter.bar_quarters
    at = final.offset - bar_start
    last = bars[-1][-1]
    if not 0 < at < meter.bar_quarters or last.offset >= at or meter.strength(last.offset) < 0.5:
        return None
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


def _copy_kept(plan: Plan, phrase: PhrasePlan, source_notes: list[Note], part: PartSpec,
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


def step_ok(key, a: float, b: float, max_leap_semitones: int) -> bool:
    """May a melody in `key` step from `a` to `b` cents: within the leap limit and, when both are
    notes of the scale, along the movement graph of the step's direction."""
    if abs(b - a) > max_leap_semitones * 100.0 + 1e-6:
        return False
    scale = key.scale
    if scale.is_symmetric:
        return True
    da = scale.degree_of(key.rel_cents(a), tolerance=0.5)
    db = scale.degree_of(key.rel_cents(b), tolerance=0.5)
    if da is None or db is None:
        return True  # a chromatic chord tone: governed by the chord, not the scale
    return bool(scale.movement_matrix(np.array([da, db]), np.array([a, b]))[0, 1])


def _first_copied_pitch(plan: Plan, phrase: PhrasePlan, by_phrase: dict, part: PartSpec) -> float | None:
    """The first note of the next phrase, when that phrase starts with bars copied from earlier music."""
    if phrase.index + 1 >= len(plan.phrases):
        return None
    nxt = plan.phrases[phrase.index + 1]
    if not nxt.kept_bars or nxt.copy_of is None or nxt.copy_of not in by_phrase:
        return None
    if part.lyrics:
        from .slots import phrase_lyrics

        if phrase_lyrics(part, len(plan.phrases))[nxt.index]:
            return None    # the next phrase sets its own words: written anew, not copied
    copied = _copy_kept(plan, nxt, by_phrase[nxt.copy_of], part, None, 0)
    return copied[0].pitch.cents if copied else None


PHRASE_SEED_PROBABILITY = 0.6


def _choose_characteristic_phrase(slot: Slot, meter, rng: np.random.Generator):
    """(name, first bar's rhythm, pitches) of a characteristic phrase of the mode that fits the range
    and the bar, chosen with the slot's rng; or None."""
    info = slot.key.info
    if slot.key.pack == "western" or not info.phrases or rng.random() >= PHRASE_SEED_PROBABILITY:
        return None
    phrase = info.phrases[int(rng.integers(len(info.phrases)))]
    durations = [Fraction(str(b)) * meter.unit for b in phrase.beats]
    bar = seeded_bar(meter, durations, rng)
    if bar is None:
        return None
    period = slot.key.scale.period_cents
    lo, hi = slot.part.low.cents, slot.part.high.cents
    fits = []
    for k in range(-6, 8):
        cents = [slot.key.anchor_cents + c + k * period for c in phrase.cents]
        if lo - 1e-6 <= min(cents) and max(cents) <= hi + 1e-6:
            fits.append(cents)
    if not fits:
        return None
    middle = (lo + hi) / 2.0
    best = min(fits, key=lambda cs: abs(sum(cs) / len(cs) - middle))
    return phrase.name, bar, best


def _decode(plan: Plan, slot: Slot, positions: list[Position], previous: float | None, rng: np.random.Generator,
            record: FillRecord, following: float | None = None, fixed: dict[int, float] | None = None,
            ctx: FillContext | None = None, narrow=None) -> list[float]:
    """The pitches of `positions`, drawn under the slot's hard constraints (and `fixed` notes). `narrow`,
    a function problem -> (positions x candidates) mask, is a wish laid over them, kept position by
    position where some chain still satisfies every constraint (a variation's 'change this note').
    What shaped each note, and a motif copy that had to be dropped, go into `record`."""
    key, meter, part, phrase = slot.key, plan.meter, slot.part, slot.phrase
    problem = build_problem(key, meter, positions, part.low, part.high, targets_rel=slot.targets,
                            max_leap_semitones=slot.max_leap, strong_chord_tones=slot.strong_chord_tones,
                            blue_pcs=slot.blue_pcs, fixed=fixed)
    cands = problem.candidates
    start = None
    if previous is not None:
        start = np.array([step_ok(key, previous, c, slot.max_leap) for c in cands.cents], dtype=bool)
    if narrow is not None:
        problem.allowed = _narrowed(problem, narrow(problem), start)
    feasible = None
    if following is not None:
        # Join the last note to the locked note that follows (the start of a repeat), when possible.
        joined = problem.allowed.copy()
        joined[-1] &= np.array([step_ok(key, c, following, slot.max_leap) for c in cands.cents], dtype=bool)
        feasible = backward_feasible(joined, problem.edges, start=start)
        if not feasible[0].any():
            feasible = None
    if feasible is None:
        feasible = backward_feasible(problem.allowed, problem.edges, start=start)
    if not feasible[0].any():
        _raise_unsatisfiable(problem, start, phrase, part, meter)
    if ctx is not None and ctx.melody_model is not None:
        from .fill_neural import melody_sampler

        emphasis = fill_rules.emphasis_weights(problem, slot.emphasis)
        sampler = melody_sampler(plan, slot, problem, previous, rng, ctx.melody_model, emphasis, ctx.sampling)
    else:
        unary = fill_rules.unary_weights(problem, part.low.cents, part.high.cents, slot.emphasis)
        edge_w = fill_rules.edge_weights(problem, key)
        if previous is not None:
            # The previous note may lie outside this slot's candidates (another key): `start` holds the hard
            # join, and the interval weights from it become a soft preference on the first note.
            unary = unary.copy()
            unary[0] *= _closeness(cands.cents, previous)

        def sampler(f):
            return sample_chain(f, problem.edges, rng, unary_weights=unary, edge_weights=edge_w)
    chain = sampler(feasible)
    pitches = [float(cands.cents[i]) for i in chain]
    if phrase.motifs:
        pitches = _apply_motifs(problem, positions, pitches, phrase, meter, start, sampler, record) or pitches
    _record_reasons(record, slot, problem, feasible, positions, pitches, previous, ctx.name if ctx else "rules")
    return pitches


def _narrowed(problem, wish: np.ndarray, start) -> np.ndarray:
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


@dataclass(frozen=True)
class NoteReason:
    """What shaped one decoded note, kept cheaply; `explain --note` puts it into words."""

    slot: Slot
    constraints: tuple[str, ...]     # the named hard constraints that excluded something here
    chord: object                    # the ChordEvent sounding, or None
    strength: float
    previous_cents: float | None
    allowed: int                     # candidates that met the note's own constraints
    feasible: int                    # ... that could still reach the end of the phrase
    candidates: int
    filler: str = "rules"            # what chose among the feasible: 'neural' (the models) or 'rules'


def _record_reasons(record: FillRecord, slot: Slot, problem, feasible, positions, pitches, previous,
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
    from .feasibility import first_infeasible

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
    }
    hints = "; ".join(dict.fromkeys(advice.get(n, f"relax {n}") for n in names))
    raise UnsatisfiableError(
        f"part {part.name!r}, section {phrase.section!r}, bar {bar}, beat {beat}: no note satisfies "
        f"{' + '.join(names)} ({where.reason if where else 'empty'}); to fix: {hints}")
