"""The tendency-tone rules of `partita check`, read from the harmonic analysis (`harmony.py`):

- ``leading-tone``: the leading tone of a dominant chord (V, V7, vii°, vii°7 of the local key) that
  does not rise by step when the tonic chord follows. An inner voice may fall to the fifth of the
  tonic (Bach's frustrated leading tone); a passing leading tone is no chord tone and is not held to
  it; a phrase that ends on the dominant (a half cadence, a fermata) has nothing to resolve to.
- ``seventh``: the seventh of a seventh chord that does not fall by step when the chord changes to
  one without that note; in V4/3-I6 the seventh may rise with the bass in tenths.
- ``doubled-leading-tone``: two voices sound the leading tone of a dominant chord at once.

Each returns (rule, time, voice indices, message, notes) tuples; the checker adds them.
"""
from __future__ import annotations

from fractions import Fraction

from .harmony import HarmonyAnalysis, pc_of

EPS = 1e-6


def _last_note_in(voice, start: Fraction, end: Fraction):
    notes = voice.notes_between(start, end)
    return notes[-1] if notes else None


def _following(analysis: HarmonyAnalysis, index: int, breaks):
    """The chord after chord `index`, unless a phrase ends between them."""
    c = analysis.chords[index]
    if index + 1 >= len(analysis.chords):
        return None
    nxt = analysis.chords[index + 1]
    if nxt.onset != c.end or breaks(c.end):
        return None
    return nxt


def _moves(analysis: HarmonyAnalysis, voices, chord, nxt, pc: int):
    """(voice index, note, next note, semitones moved, what it does) for each voice whose last note in
    `chord` is a chord tone of pitch class `pc` and that sounds at the next chord."""
    for idx, v in enumerate(voices):
        note = _last_note_in(v, chord.onset, chord.end)
        if note is None or pc_of(note.cents) != pc or analysis.tone(note):
            continue
        to = v.at(nxt.onset)
        if to is None:
            continue
        move = round((to.cents - note.cents) / 100.0)
        yield idx, note, to, move, "is held" if to is note or move == 0 else f"moves to {to.name}"


def leading_tones(analysis: HarmonyAnalysis, voices, breaks) -> list[tuple]:
    out = []
    last = len(voices) - 1
    for i, c in enumerate(analysis.chords):
        if c.function != "dominant":
            continue
        nxt = _following(analysis, i, breaks)
        if nxt is None or nxt.function != "tonic" or nxt.key.tonic_pc != c.key.tonic_pc:
            continue
        lt = (c.key.tonic_pc + 11) % 12
        for idx, note, to, move, what in _moves(analysis, voices, c, nxt, lt):
            if move == 1 or 0 < idx < last and move in (-3, -4, -8, -9):
                continue
            if to is note and analysis.tone(note) in ("retardation", "suspension"):
                continue
            out.append(("leading-tone", note.onset, (idx,),
                        f"leading tone {note.name} of {c.numeral} in {c.key} does not rise to the tonic ({what})",
                        (note,)))
    return out


def sevenths(analysis: HarmonyAnalysis, voices, breaks) -> list[tuple]:
    out = []
    chords = analysis.chords
    for i, c in enumerate(chords):
        seventh = c.seventh_pc
        if seventh is None:
            continue
        nxt = _following(analysis, i, breaks)
        if nxt is None or seventh in nxt.pcs:
            continue
        for idx, note, _to, move, what in _moves(analysis, voices, c, nxt, seventh):
            if move in (-1, -2):
                continue
            if move in (1, 2) and c.numeral.startswith("V43") and nxt.function == "tonic" and nxt.bass != nxt.root:
                continue              # V4/3-I6: the seventh rises with the bass in tenths
            out.append(("seventh", note.onset, (idx,),
                        f"seventh {note.name} of {c.numeral} in {c.key} does not fall by step ({what})", (note,)))
    return out


def doubled_leading_tones(analysis: HarmonyAnalysis, voices) -> list[tuple]:
    out = []
    for c in analysis.chords:
        if c.function != "dominant":
            continue
        lt = (c.key.tonic_pc + 11) % 12
        at = [(idx, v.at(c.onset)) for idx, v in enumerate(voices)]
        holders = [(idx, n) for idx, n in at if n is not None and pc_of(n.cents) == lt and not analysis.tone(n)]
        if len(holders) >= 2:
            (i, a), (j, b) = holders[:2]
            out.append(("doubled-leading-tone", c.onset, (i, j),
                        f"the leading tone of {c.numeral} in {c.key} is doubled ({a.name}, {b.name})", (a, b)))
    return out


__all__ = ["doubled_leading_tones", "leading_tones", "sevenths"]
