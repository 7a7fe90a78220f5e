"""Ornaments on a melody's notes, tradition by tradition (`theory/rules/ornaments.yaml`): a Darbari's
andolan on komal ga and dha, a Carnatic kampita on the jiva svara, a meend or a maqam's slide into the next
note by step, a trill on a held ghammaz, a Turkish çarpma. An ornament is a pitch curve inside one note
(`score.notes.Ornament`) that starts on the note and ends on a note of the mode: the note itself, or for a
glide the next note. The notes' pitches and times do not change, so every hard constraint of the fill still
holds; the writers sound it (MIDI pitch bends, WAV glides) and show it (MusicXML slides and signs).

Only a curve that stays within the MIDI bend range of the note's key (two semitones) is written: an
ornament never needs more, as it moves to a neighbouring note of the mode.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from theory import Key
from theory.melody_rules import OrnamentKind, OrnamentRule, leaning_roles, ornament_kinds, ornament_rules

from ..plan.model import Plan
from ..score.notes import Note, Ornament

ORNAMENT_STREAM = 0x0A7E      # the ornaments' random stream, apart from the fill's
BEND_LIMIT_CENTS = 200.0      # the MIDI writers' bend range
GLIDE_START = 0.6             # a glide holds the note for this share of it, then moves to the next


def neighbour(key: Key, cents: float, side: str) -> float | None:
    """The nearest note of the mode above or below `cents` (absolute), or None."""
    period = key.scale.period_cents
    base = key.anchor_cents
    octave = np.floor((cents - base) / period)
    pitches = [base + (octave + k) * period + d for k in (-1, 0, 1, 2) for d in key.scale.degree_cents]
    if side == "above":
        higher = [p for p in pitches if p > cents + 1.0]
        return min(higher) if higher else None
    lower = [p for p in pitches if p < cents - 1.0]
    return max(lower) if lower else None


def _curve(kind: OrnamentKind, note: Note, key: Key, following: Note | None, side: str | None = None) -> tuple | None:
    c = note.pitch.cents
    quarters = float(note.duration)
    if kind.shape == "glide":
        if following is None:
            return None
        return ((0.0, c), (GLIDE_START, c), (1.0, following.pitch.cents))
    other = neighbour(key, c, side or kind.neighbour)
    if other is None:
        return None
    if kind.shape == "strike":
        a = min(0.25, kind.length_quarters / quarters / 2.0)
        return ((0.0, c), (a, other), (2.0 * a, c), (1.0, c))
    swing = c + kind.depth * (other - c)
    cycles = max(1, int(round(kind.cycles_per_quarter * quarters)))
    start, end = 0.15, 0.9          # the note is heard plain first, and settles before it ends
    points = [(0.0, c), (start, c)]
    for k in range(cycles):
        t0 = start + (end - start) * k / cycles
        half = (end - start) / cycles / 2.0
        points += [(round(t0 + half, 6), swing), (round(t0 + 2 * half, 6), c)]
    points.append((1.0, c))
    return tuple(points)


def _within(points, home: float) -> bool:
    return points is not None and all(abs(cents - home) <= BEND_LIMIT_CENTS for _, cents in points)


def _targets(rule: OrnamentRule, key: Key) -> list[float] | None:
    """The pitch classes (cents above the tonic) a rule ornaments in this key; None: any note."""
    info = key.info
    if rule.on == "leaning":
        roles = leaning_roles(tuple(info.emphasis))
        return [info.emphasis[roles[0]]] if roles else []
    if rule.on == "notes":
        names = rule.notes.get(info.name, ())
        scale = key.scale
        return [scale.degree_cents[scale.degree_names.index(n)] for n in names if n in scale.degree_names]
    return None


def ornament_melody(plan: Plan, notes: list[Note], seed: int, part_index: int) -> tuple[list[Note], list[str]]:
    """The melody's notes with their ornaments, and a line per kind saying where (none in a Western key)."""
    rng = np.random.default_rng([seed, ORNAMENT_STREAM, part_index])
    kinds = ornament_kinds()
    out: list[Note] = []
    counts: dict[str, int] = {}
    ordered = sorted(notes, key=lambda n: n.offset)
    for i, note in enumerate(ordered):
        key = plan.phrase_keys.at(note.offset, plan.home_key)
        following = ordered[i + 1] if i + 1 < len(ordered) and ordered[i + 1].offset == note.end else None
        chosen = None
        for rule in ornament_rules(key.pack) if key.pack != "western" else ():
            if float(note.duration) < rule.min_quarters or rng.random() >= rule.chance:
                continue
            kind = kinds[rule.ornament]
            if rule.on == "step_to_next":
                if following is None or not 1.0 < abs(following.pitch.cents - note.pitch.cents) <= BEND_LIMIT_CENTS:
                    continue
            else:
                targets = _targets(rule, key)
                period = key.scale.period_cents
                rel = key.rel_cents(note.pitch.cents)
                if targets is not None and not any(min(abs(rel - t) % period, period - abs(rel - t) % period) < 1.0
                                                   for t in targets):
                    continue
            home = note.pitch.nearest_midi * 100.0
            points = _curve(kind, note, key, following)
            if kind.shape == "strike" and not _within(points, home):
                # A stroke of the neighbour a bend cannot reach (a Pythagorean whole tone above a note
                # tuned sharp of its key) strikes the neighbour on the other side.
                points = _curve(kind, note, key, following, "below" if kind.neighbour == "above" else "above")
            if not _within(points, home):
                continue
            chosen = Ornament(rule.ornament, points)
            break
        if chosen is not None:
            counts[chosen.name] = counts.get(chosen.name, 0) + 1
            note = replace(note, ornament=chosen)
        out.append(note)
    lines = [f"{kinds[name].title}: {count} note{'s' if count > 1 else ''} ({kinds[name].why})"
             for name, count in counts.items()]
    return out, lines
