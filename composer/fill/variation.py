"""Variations: a section that varies an earlier one (`vary: {of: A, amount: 0.3, keep: rhythm}`).

The plan copies the theme's chords into the variation, as for a repeat; the fill copies the theme's
melody (moved into the variation's key) and then changes a share `amount` of its notes:

- `keep: rhythm` (the default): the onsets and durations stay; the chosen notes take another pitch.
  Each changed note keeps the theme's contour where the constraints allow: it moves in the same
  direction from the note before and to the note after as the theme's note did.
- `keep: contour`: the theme's notes all stay, at their pitches and onsets; each chosen note is
  ornamented: it is shortened by an eighth (a quarter and longer) or halved, and the time freed takes
  an ornament, a neighbour or passing note that is neither the note itself nor the next one. A chosen
  note that the constraints let take no ornament gives its place to another long note, once.

The new pitches are drawn by the slot's filler under every hard constraint of the slot (range, scale
and its movement rules, chord tones on strong beats, the leap limit, the cadence target), with the
unchanged notes fixed. The phrase's cadence note (and a lead-in after it) is never changed or ornamented.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from theory import Pitch

from ..score.errors import UnsatisfiableError
from ..score.notes import Note
from .constraints import Position, arrival_index
from .decode import decode_pitches
from .result import FillRecord

KEEPS = ("rhythm", "contour")
ORNAMENT = Fraction(1, 2)          # an eighth: the time an ornament takes from a quarter or longer


def vary_notes(plan, slot, theme: list[Note], amount: float, keep: str, rng: np.random.Generator,
               previous: float | None, following: float | None, lookup, ctx, record) -> tuple[list[Note], str]:
    """The varied notes and a line saying what was varied (what shaped each new note goes into `record`)."""
    if len(theme) < 2 or amount <= 0:
        return theme, "copied unchanged (nothing to vary)"
    if keep == "contour":
        return _ornamented(plan, slot, theme, amount, rng, previous, following, lookup, ctx, record)
    return _new_pitches(plan, slot, theme, amount, rng, previous, following, lookup, ctx, record)


def _cadence(plan, slot, theme: list[Note]) -> int:
    """The index of the theme's cadence note (`constraints.arrival_index`) when it ends its phrase: it and
    the lead-in after it are neither changed nor ornamented. Else the theme's last note."""
    if slot.targets is None:
        return len(theme) - 1
    meter = plan.meter
    return arrival_index([n.offset for n in theme], [n.duration for n in theme],
                         [meter.strength(n.offset % meter.bar_quarters) for n in theme], meter)


def _choose(rng: np.random.Generator, eligible: list[int], share: float, total: int) -> list[int]:
    k = min(len(eligible), max(1, int(round(share * total))))
    return sorted(int(i) for i in rng.choice(eligible, size=k, replace=False)) if eligible else []


def _positions(plan, lookup, timing: list[tuple[Fraction, Fraction]]) -> list[Position]:
    return [lookup.position(plan.meter, o, d) for o, d in timing]


def _new_pitches(plan, slot, theme, amount, rng, previous, following, lookup, ctx, record):
    old = [n.pitch.cents for n in theme]
    chosen = _choose(rng, list(range(_cadence(plan, slot, theme))), amount, len(theme))
    positions = _positions(plan, lookup, [(n.offset, n.duration) for n in theme])
    fixed = {t: c for t, c in enumerate(old) if t not in chosen}

    def narrow(contour: bool):
        def mask(problem):
            cents = problem.candidates.cents
            out = np.ones(problem.allowed.shape, dtype=bool)
            for t in chosen:
                out[t] &= np.abs(cents - old[t]) > 0.5
                if contour and t > 0 and t - 1 not in chosen and old[t] != old[t - 1]:
                    out[t] &= (cents > old[t - 1]) if old[t] > old[t - 1] else (cents < old[t - 1])
                if contour and t + 1 < len(old) and t + 1 not in chosen and old[t + 1] != old[t]:
                    out[t] &= (cents < old[t + 1]) if old[t + 1] > old[t] else (cents > old[t + 1])
            return out
        return mask

    pitches = None
    for contour in (True, False):
        try:
            pitches = decode_pitches(plan, slot, positions, previous, rng, record, following, fixed, ctx,
                              narrow=narrow(contour))
        except UnsatisfiableError:
            return theme, "copied unchanged (no change fits the constraints)"
        if sum(abs(a - b) > 0.5 for a, b in zip(pitches, old)) * 2 >= len(chosen):
            break
    notes = [Note(n.offset, n.duration, Pitch(c), n.velocity, n.lyric) for n, c in zip(theme, pitches)]
    changed = sum(abs(a - b) > 0.5 for a, b in zip(pitches, old))
    return notes, f"a variation: rhythm kept, {changed} of {len(theme)} pitches changed"


def _ornamented(plan, slot, theme, amount, rng, previous, following, lookup, ctx, record):
    eligible = [i for i, n in enumerate(theme[:_cadence(plan, slot, theme)])
                if n.duration >= 2 * min(ORNAMENT, plan.meter.unit)
                or n.duration >= 1]
    chosen = set(_choose(rng, eligible, amount, len(theme)))
    if not chosen:
        return theme, "copied unchanged (no note long enough to ornament)"
    kept = FillRecord()              # what the decoder noted of the draft that is kept
    try:
        notes, refused = _ornament_notes(plan, slot, theme, chosen, rng, previous, following, lookup, ctx, kept)
    except UnsatisfiableError:
        return theme, "copied unchanged (no ornament fits the constraints)"
    spare = [i for i in eligible if i not in chosen]
    if refused and spare:
        # A note the constraints let take no ornament (its neighbours are the next note, or dissonant with
        # the chord): as many other long notes are tried in its place, once.
        others = set(_choose(rng, spare, len(refused) / len(theme), len(theme)))
        trial = FillRecord()
        try:
            again, _ = _ornament_notes(plan, slot, theme, (chosen - refused) | others, rng, previous, following,
                                       lookup, ctx, trial)
        except UnsatisfiableError:
            again = notes
        if len(again) > len(notes):          # more notes: more ornaments
            notes, kept = again, trial
    for phrase_index, lines in kept.lines.items():
        for line in lines:
            record.note(phrase_index, line)
    record.reasons.update(kept.reasons)
    made = len(notes) - len(theme)
    if not made:
        return theme, "copied unchanged (no ornament fits the constraints)"
    return notes, f"a variation: the theme's {len(theme)} notes kept, {made} of them ornamented"


def _ornament_notes(plan, slot, theme, chosen, rng, previous, following, lookup, ctx, record):
    """The theme with an ornament after each note of `chosen` where the constraints allow one, and the chosen
    notes that got none."""
    timing, fixed, ornaments, sources = [], {}, {}, []
    for i, n in enumerate(theme):
        if i in chosen:
            tail = ORNAMENT if n.duration >= 1 else n.duration / 2
            fixed[len(timing)] = n.pitch.cents
            timing.append((n.offset, n.duration - tail))
            sources.append(n)
            nxt = theme[i + 1].pitch.cents if i + 1 < len(theme) else None
            ornaments[len(timing)] = (n.pitch.cents, nxt, i)
            timing.append((n.offset + n.duration - tail, tail))
            sources.append(None)
        else:
            fixed[len(timing)] = n.pitch.cents
            timing.append((n.offset, n.duration))
            sources.append(n)
    positions = _positions(plan, lookup, timing)

    def narrow(problem):
        cents = problem.candidates.cents
        out = np.ones(problem.allowed.shape, dtype=bool)
        for t, (main, nxt, _) in ornaments.items():
            out[t] &= (np.abs(cents - main) > 0.5) & (np.abs(cents - main) <= 400.0)
            if nxt is not None:
                out[t] &= np.abs(cents - nxt) > 0.5
        return out

    pitches = decode_pitches(plan, slot, positions, previous, rng, record, following, fixed, ctx, narrow=narrow)
    # An ornament the constraints left on its own note or on the next one is no ornament: it is merged back.
    notes: list[Note] = []
    refused = set()
    for t, ((o, d), c, src) in enumerate(zip(timing, pitches, sources)):
        if src is None:
            main, nxt, i = ornaments[t]
            if abs(c - main) < 0.5 or (nxt is not None and abs(c - nxt) < 0.5) or abs(c - main) > 400.0:
                last = notes[-1]
                notes[-1] = Note(last.offset, last.duration + d, last.pitch, last.velocity, last.lyric)
                refused.add(i)
                continue
        notes.append(Note(o, d, Pitch(c), src.velocity if src else theme[0].velocity, src.lyric if src else None))
    return notes, refused
