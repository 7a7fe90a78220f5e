"""A mode's own phrases in the melody: the opening phrase a phrase starts with (a pakad, a seyir, a maqam's
ascent), and the close of the piece (a qafla or a forud, or a tihai built from the end of the pakad).

What each tradition does is data (`theory/rules/traditions.yaml`: `opening_phrase`, `closing`); which phrase
opens and which closes is the pack's (`at: opening | closing | anywhere`). The rhythm comes from the phrase's
beats; the pitches are fixed notes that the decoder keeps under every hard constraint, or the fill writes
the phrase without them.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from theory.melody_rules import tradition_melody
from theory.pack import Phrase

from ..plan.slots import Slot
from ..score.rhythm import RhythmNote
from .rhythm import seeded_bars

TIHAI_FIGURE = 3        # notes in a tihai's figure: the last three of the pakad, the third on the final
KARAR_NOTES = 4        # a karar without a closing phrase: the last four notes of the descent, onto the final
TIHAI_DAM = 2           # the figure's last note is held this many beats (the dam), except the landing note


@dataclass(frozen=True)
class FixedPhrase:
    """A phrase of the mode set into the melody: its name, and (bar index in the slot, rhythm of that bar)
    for each bar it changes, and the pitches of its notes (cents), counted from the first note it fixes."""

    name: str
    bars: tuple[tuple[int, tuple[RhythmNote, ...]], ...]
    cents: tuple[float, ...]
    first_note: int          # index of its first note among the slot's notes, from the first bar it changes
    kind: str                # 'opening', 'closing' or 'tihai'
    others: tuple[tuple[float, ...], ...] = ()   # the same phrase in the other octaves that fit, to try next


def _bars_needed(phrase: Phrase, meter) -> int:
    """The bars a phrase takes when it opens a bar (a note that would cross a barline starts the next)."""
    bars, pos = 1, Fraction(0)
    for b in phrase.beats:
        d = Fraction(str(b)) * meter.unit
        if pos + d > meter.bar_quarters:
            bars, pos = bars + 1, Fraction(0)
        pos += d
    return bars


def openers(slot: Slot) -> list[Phrase]:
    return [p for p in slot.key.info.phrases if p.at != "closing"]


def _placed(slot: Slot, phrase_cents, low_register: bool = False) -> list[float] | None:
    """The phrase's pitches in the octave that fits the range best: the octave it is written in, else the one
    nearest the middle, or (`low_register`, a close) as low as it fits; None where no octave fits."""
    fits = _placements(slot, phrase_cents, low_register)
    return fits[0] if fits else None


def _placements(slot: Slot, phrase_cents, low_register: bool = False) -> list[list[float]]:
    """Every octave of the phrase that fits the part's range, best first (see `_placed`)."""
    period = slot.key.scale.period_cents
    lo, hi = slot.part.low.cents, slot.part.high.cents
    fits = []
    for k in range(-6, 8):
        cents = [slot.key.anchor_cents + c + k * period for c in phrase_cents]
        if lo - 1e-6 <= min(cents) and max(cents) <= hi + 1e-6:
            fits.append(cents)
    if low_register:
        return sorted(fits, key=lambda cs: cs[-1])
    written = [slot.key.anchor_cents + c for c in phrase_cents]
    middle = (lo + hi) / 2.0
    # The octave the phrase is written in first (a pakad from mandra Ni to Sa), then nearest the middle.
    return sorted(fits, key=lambda cs: (cs != written, abs(sum(cs) / len(cs) - middle)))


def heard(phrase: Phrase, cents: list[float]) -> int:
    """How many times the phrase sounds in these pitches (in a row, at its intervals, in any octave)."""
    shape = [c - phrase.cents[0] for c in phrase.cents]
    k = len(shape)
    return sum(1 for i in range(len(cents) - k + 1)
               if all(abs(cents[i + j] - cents[i] - shape[j]) < 1.0 for j in range(k)))


def opening_phrase(slot: Slot, meter, rng: np.random.Generator, before=(), room: int | None = None
                   ) -> FixedPhrase | None:
    """The mode's opening phrase that this phrase starts with, with the tradition's chance: of those whose
    first note is within a leap of the note before, the one heard least in the notes `before` it (the first
    of those in the pack's order), so that a piece states each of them; None for a Western key, a mode
    without one, a phrase that does not fit the bar or the range, or a section's later phrase in a
    tradition whose opening phrases open sections (`opens: section`: a makam's seyir)."""
    if slot.key.pack == "western":
        return None
    candidates = openers(slot)
    rules = tradition_melody(slot.key.pack)
    if not candidates or rng.random() >= rules.opening_phrase:
        return None
    if rules.opens == "section" and slot.phrase.number != 1:
        return None     # a makam's seyir opens a section, it is not restated in each of its phrases
    sounded = [n.pitch.cents for n in before]
    previous = sounded[-1] if sounded else None

    def reachable(p: Phrase) -> list[list[float]]:
        """Its octaves that fit the range and start within a leap of the note before."""
        return [f for f in _placements(slot, p.cents)
                if previous is None or abs(f[0] - previous) <= slot.max_leap * 100.0 + 1e-6]

    # The phrase may take more than a bar (a pakad in a short tala), never the phrase's cadence bar nor the
    # bar of its climax (`room`).
    most = max(1, slot.phrase.bars - 1) if room is None else room
    choices = [p for p in candidates if reachable(p) and _bars_needed(p, meter) <= most]
    if not choices:
        return None
    phrase = min(choices, key=lambda p: (heard(p, sounded), candidates.index(p)))
    durations = [Fraction(str(b)) * meter.unit for b in phrase.beats]
    bars = seeded_bars(meter, durations, rng, most)
    fits = reachable(phrase)
    if bars is None or not fits:
        return None
    return FixedPhrase(phrase.name, tuple((b, tuple(bar)) for b, bar in enumerate(bars)), tuple(fits[0]), 0,
                       "opening", tuple(tuple(f) for f in fits[1:]))


def closing_phrase(slot: Slot, meter, bars: int) -> FixedPhrase | None:
    """The close of the piece's last phrase, where the tradition has one: the mode's closing formula (its
    notes but the last end the second-last bar, the last is the final on the last bar's downbeat), or a
    tihai (a three-note figure from the end of the mode's first phrase that ends on the final, stated three
    times, the third landing on the downbeat). None where the slot is not the piece's last, the phrase has
    fewer than two bars, or nothing fits."""
    if slot.key.pack == "western" or not slot.is_last or bars < 2:
        return None
    how = tradition_melody(slot.key.pack).closing
    info = slot.key.info
    period = slot.key.scale.period_cents
    ends_on_final = [p for p in info.phrases
                     if abs((p.cents[-1] - info.final_cents) % period) < 0.5 and len(p.cents) >= 2]
    if how == "formula":
        choice = next((p for p in ends_on_final if p.at == "closing"), None)
        if choice is not None:
            durations = [Fraction(str(b)) * meter.unit for b in choice.beats[:-1]]
            return _close(slot, meter, bars, choice.name, choice.cents, durations, "closing")
        # No closing phrase in the pack (a makam's karar): the descent through the lower jins to the final,
        # a beat a note, in the low register.
        descent = _descent_to_final(slot.key, KARAR_NOTES)
        if descent is None:
            return None
        return _close(slot, meter, bars, "karar: the descent to the final", descent,
                      [meter.unit] * (KARAR_NOTES - 1), "closing")
    if how == "tihai":
        source = next((p for p in ends_on_final if len(p.cents) >= TIHAI_FIGURE), None)
        if source is not None:
            figure, name = source.cents[-TIHAI_FIGURE:], f"tihai on the {source.name}"
        else:
            # No phrase of the mode ends on its final: the figure is the end of its descent (Mohanam's G R S).
            figure, name = _descent_to_final(slot.key), "tihai on the avaroha's end"
            if figure is None:
                return None
        # The figure a beat a note with a held last note (the dam); in a short tala, without the dam, or in
        # half beats: the first of these that fits the bar before the last.
        for beat, dam in ((meter.unit, TIHAI_DAM), (meter.unit, 1), (meter.unit / 2, 1)):
            one = [beat] * (TIHAI_FIGURE - 1) + [dam * beat]
            durations = one + one + [beat] * (TIHAI_FIGURE - 1)
            close = _close(slot, meter, bars, name, tuple(figure) * 3, durations, "tihai")
            if close is not None:
                return close
        return None
    return None


def _descent_to_final(key, notes: int = 0) -> tuple[float, ...] | None:
    """The last `notes` (default `TIHAI_FIGURE`) notes of the mode's descending form, ending on the final
    (cents above the tonic, falling), or None where the form is too short."""
    notes = notes or TIHAI_FIGURE
    scale, info = key.scale, key.info
    period = scale.period_cents
    final = scale.degree_of(info.final_cents)
    order = sorted(scale.descending)           # the descending form's notes, rising
    if final is None or final not in order or len(order) < notes:
        return None
    at = order.index(final)
    picked = [order[(at + k) % len(order)] for k in range(notes - 1, -1, -1)]   # the notes above it, falling
    cents = [scale.degree_cents[d] for d in picked]
    out = [cents[-1]]
    for c in reversed(cents[:-1]):          # each earlier note above the one after it
        while c <= out[0]:
            c += period
        while c - period > out[0]:
            c -= period
        out.insert(0, c)
    base = info.final_cents - out[-1]
    return tuple(c + base for c in out)


def _close(slot: Slot, meter, bars: int, name: str, cents, lead: list[Fraction], kind: str) -> FixedPhrase | None:
    """The phrase's notes but the last ending the second-last bar (durations `lead`), the last on the last
    bar's downbeat, held to the end."""
    total = sum(lead, Fraction(0))
    bar_q = meter.bar_quarters
    if total > bar_q or meter.strength(bar_q - total) < 0.0:
        return None
    placed = _placed(slot, cents, low_register=True)
    if placed is None:
        return None
    head = bar_q - total
    grid = meter.unit / 4
    if (head / grid).denominator != 1:
        return None
    before: list[RhythmNote] = []
    at = Fraction(0)
    if head:
        # The head of the bar: one note per beat, then what is left of a beat (the fill writes their pitches).
        while at < head:
            d = min(meter.unit, head - at)
            before.append(RhythmNote(at, d))
            at += d
    tail = []
    for d in lead:
        tail.append(RhythmNote(at, d))
        at += d
    penultimate = tuple(before + tail)
    last = (RhythmNote(Fraction(0), bar_q),)
    return FixedPhrase(name, ((bars - 2, penultimate), (bars - 1, last)), tuple(placed), len(before), kind)
