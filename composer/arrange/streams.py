"""Voices as a reader of the score hears them, and the voice-leading rules between them.

A part's notes become voices by rank: at each onset the notes that start together are ranked top
first, and rank r of every onset is one voice (a melody is one voice; block chords are three; an
Alberti figure, one note at a time, is one). Two voices are compared at every onset of either while
both sound; a silence in either breaks the chain. This is how `partita check` reads a MusicXML
file, so what the arrangement avoids here is what the checker would report.

`texture_findings(voices)` lists, by the named rules of `theory/rules/voice_leading.yaml`:
parallel fifths and octaves between any two voices (and consecutive ones by contrary motion),
direct fifths and octaves between the outer
voices, crossing between adjacent voices, and spacing wider than an octave between adjacent upper
voices. The voices are given top first (melody, then the accompaniment's ranks, then the bass).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory.voice_leading import FAMILY_RULES, contrary_family, hidden_family, parallel_family, voice_leading_rules

from ..score.arrays import union_sorted
from ..score.notes import Note

EPS = 1e-6


class Voice:
    """One line: its notes (onset, end, cents) in time order, without overlaps, as lists and as numpy
    arrays; times in quarters, as floats (the searches compare them many times, and every onset of a
    score is exact in binary or near enough to order alike)."""

    def __init__(self, name: str, notes: list[tuple[float, float, float]]):
        self.name = name
        self.notes = notes
        table = np.array(notes, dtype=float).reshape(-1, 3)
        self.starts, self.ends, self.cents = table[:, 0], table[:, 1], table[:, 2]

    def sounding(self, times: np.ndarray) -> np.ndarray:
        """The index of the note sounding at each time (-1: none)."""
        i = np.searchsorted(self.starts, times, side="right") - 1
        return np.where((i >= 0) & (times < self.ends[np.maximum(i, 0)]), i, -1)


def part_voices(name: str, notes: list[Note]) -> list[Voice]:
    """A part's voices by rank, top first (one voice for a part that never sounds two notes at once)."""
    return voices_of(name, [(float(n.offset), float(n.offset) + float(n.duration), n.pitch.cents) for n in notes])


def voices_of(name: str, rows: list[tuple[float, float, float]]) -> list[Voice]:
    """`part_voices` of notes given as (start, stop, cents) rows."""
    by_onset: dict[float, list[tuple[float, float]]] = {}
    for start, stop, cents in rows:
        by_onset.setdefault(start, []).append((cents, stop))
    ranks: list[list[tuple[float, float, float]]] = []
    for start in sorted(by_onset):
        for r, (cents, end) in enumerate(sorted(by_onset[start], reverse=True)):
            while len(ranks) <= r:
                ranks.append([])
            line = ranks[r]
            if line and line[-1][1] > start:            # overlapping notes in one voice: the later one wins
                line[-1] = (line[-1][0], start, line[-1][2])
            line.append((start, end, cents))
    if len(ranks) == 1:
        return [Voice(name, ranks[0])]
    return [Voice(f"{name} {r + 1}", line) for r, line in enumerate(ranks)]


@dataclass(frozen=True)
class Finding:
    rule: str
    at: float
    voices: tuple[str, str]
    detail: str
    family: str = ""              # 'fifths' or 'octaves', for the rules of consecutive perfect intervals


def _first_of_runs(flags: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Where a run of True begins: True now, and False (or a break) just before."""
    before = np.concatenate([[False], flags[:-1] & ~breaks[:-1]])
    return flags & ~before


def texture_findings(voices: list[Voice], rules: set[str] | None = None, among: set[str] | None = None) -> list[Finding]:
    """The voice-leading findings between `voices` (top first), by rule name; `rules` limits them, and
    `among` to the pairs with at least one of those voices. Two voices are compared at every onset of
    either while both sound; a silence in either breaks the chain."""
    vl = voice_leading_rules()
    wanted = set(vl.rules) if rules is None else rules
    out: list[Finding] = []
    n = len(voices)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = voices[i], voices[j]
            if among is not None and a.name not in among and b.name not in among:
                continue
            outer, adjacent, upper = i == 0 and j == n - 1, j == i + 1, j < n - 1 and n >= 3
            times = union_sorted(a.starts, b.starts)
            ia, ib = a.sounding(times), b.sounding(times)
            both = (ia >= 0) & (ib >= 0)
            index = np.flatnonzero(both)
            va, vb, at = a.cents[ia[index]], b.cents[ib[index]], times[index]
            step = np.flatnonzero(index[1:] == index[:-1] + 1)           # consecutive dyads
            a1, b1, a2, b2 = va[step], vb[step], va[step + 1], vb[step + 1]
            parallel = parallel_family(a1, b1, a2, b2)
            contrary = contrary_family(a1, b1, a2, b2)
            hidden = hidden_family(a1, b1, a2, b2) * (parallel == 0) if outer else np.zeros_like(parallel)
            for family, kind in ((parallel, "parallel"), (contrary, "contrary"), (hidden, "hidden")):
                for m in np.flatnonzero(family):
                    rule = "contrary-fifths-octaves" if kind == "contrary" else f"{kind}-{FAMILY_RULES[int(family[m])]}"
                    if rule in wanted:
                        out.append(Finding(rule, float(at[step[m] + 1]), (a.name, b.name),
                                           f"{a1[m]:g}/{b1[m]:g} -> {a2[m]:g}/{b2[m]:g}",
                                           FAMILY_RULES[int(family[m])]))
            if adjacent:
                breaks = np.concatenate([index[1:] != index[:-1] + 1, [True]])
                crossed = _first_of_runs(va < vb - EPS, breaks)
                wide = _first_of_runs((va - vb > vl.max_upper_spacing_cents + vl.perfect_tolerance_cents) & upper,
                                      breaks)
                if "voice-crossing" in wanted:
                    out += [Finding("voice-crossing", float(at[m]), (a.name, b.name), f"{vb[m]:g} above {va[m]:g}")
                            for m in np.flatnonzero(crossed)]
                if "spacing" in wanted:
                    out += [Finding("spacing", float(at[m]), (a.name, b.name), f"{va[m] - vb[m]:g} cents apart")
                            for m in np.flatnonzero(wide)]
    return sorted(out, key=lambda f: (f.at, f.rule, f.voices))


def sounds_pc(voices: list[Voice], start, end, pc: float) -> bool:
    """Does any of `voices` sound pitch class `pc` (cents above C) between `start` and `end`?"""
    for v in voices:
        inside = (v.starts < float(end)) & (v.ends > float(start))
        offset = (v.cents[inside] - pc) % 1200.0
        if (np.minimum(offset, 1200.0 - offset) < 0.5).any():
            return True
    return False


__all__ = ["Finding", "Voice", "part_voices", "sounds_pc", "texture_findings", "voices_of"]
