"""Passing and neighbour tones in a bass that holds (the classical style's `bass: passing`).

Where the bass holds one note through a chord of two beats or more and the next chord's bass lies a
third away, the last beat fills the third with the scale step between (a passing tone). Where the next
chord's bass is the same note, every other time the last beat dips to the step below and comes back (a
lower neighbour), so that the bass does not ripple under every repeated chord. Never inside a pedal
point, never the leading tone, and only where the tone breaks no hard rule against the voices above
(the melody; the accompaniment is written after the bass, around it).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from theory import Key, Pitch

from ..fill.constraints import is_leading_tone
from ..plan.model import Plan
from ..score.notes import Note
from .search import HARD_RULES
from .streams import Voice, part_voices, texture_findings

HIDDEN = {"hidden-fifths", "hidden-octaves"}
THIRDS = (300.0, 400.0)


def add_passing_tones(plan: Plan, bass: list[Note], above: list[Voice], name: str, low: float,
                      high: float) -> list[Note]:
    """`bass` (one note at a time, in the range `low`..`high` cents) with passing and neighbour tones on
    the last beat of the notes that hold through two beats or more, where they break no rule (see the
    module docstring)."""
    notes = sorted(bass, key=lambda n: n.offset)
    beat = plan.meter.unit
    out: list[Note] = []
    neighbours = 0
    for i, held in enumerate(notes):
        nxt = notes[i + 1] if i + 1 < len(notes) else None
        step = None
        pedal = any(p.start < held.end and held.offset < p.end for p in plan.pedals)
        if nxt is not None and held.duration >= 2 * beat and held.end == nxt.offset and not pedal:
            key = _key_at(plan, held.offset)
            move = abs(nxt.pitch.cents - held.pitch.cents)
            if any(abs(move - third) < 0.5 for third in THIRDS):
                step = _scale_between(key, held.pitch.cents, nxt.pitch.cents)
            elif move < 0.5:
                neighbours += 1
                step = _step_below(key, held.pitch.cents) if neighbours % 2 == 0 else None
            if step is not None and (is_leading_tone(key, step) or not low - 0.5 <= step <= high + 0.5):
                step = None
        if step is not None:
            added = _split(held, beat, step)
            window = [*out[-2:], *added, *notes[i + 1:i + 3]]
            if not _breaks(window, above, name, held.end - beat, held.end):
                out += added
                continue
        out.append(held)
    return out


def _key_at(plan: Plan, offset) -> Key:
    for event in plan.chords:
        if event.offset <= offset < event.end:
            return event.key
    return plan.home_key


def _scale_between(key: Key, a: float, b: float) -> float | None:
    """The one degree of `key`'s scale strictly between pitches `a` and `b` (a third apart)."""
    low, high = min(a, b), max(a, b)
    found = [c for c in _scale_pitches(key, low, high) if low + 0.5 < c < high - 0.5]
    return found[0] if len(found) == 1 else None


def _step_below(key: Key, a: float) -> float | None:
    below = [c for c in _scale_pitches(key, a - 250.0, a) if a - 250.0 <= c < a - 0.5]
    return below[-1] if below else None


def _scale_pitches(key: Key, low: float, high: float) -> list[float]:
    degrees = np.asarray(key.scale.degree_cents, dtype=float)
    period = key.scale.period_cents
    first = int(np.floor((low - key.anchor_cents) / period)) - 1
    out = []
    for k in range(first, first + int((high - low) / period) + 3):
        out += [key.anchor_cents + k * period + d for d in degrees]
    return sorted(float(c) for c in out if low - 0.5 <= c <= high + 0.5)


def _split(held: Note, beat, step: float) -> list[Note]:
    """The held note shortened by a beat, and the added tone on that beat."""
    return [replace(held, duration=held.duration - beat),
            replace(held, offset=held.end - beat, duration=beat, pitch=Pitch(step), velocity=max(1, held.velocity - 6))]


def _breaks(bass: list[Note], above: list[Voice], name: str, start, end) -> bool:
    """Does the bass, against the voices above, break a hard rule (or move into direct fifths or
    octaves with the melody) between `start` and `end`?"""
    mine = part_voices(name, bass)
    found = texture_findings([*above, *mine], HARD_RULES | HIDDEN, among={v.name for v in mine})
    return any(float(start) - 1e-9 <= f.at <= float(end) + 1e-9 for f in found)


__all__ = ["add_passing_tones"]
