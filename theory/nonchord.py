"""Non-chord tones: what a melody note that is not a tone of its chord is, told by how it is approached
and left (Aldwell & Schachter, *Harmony and Voice Leading*, ch. 10 and 17).

- passing: approached and left by step in the same direction;
- neighbour: approached by step and left by step back to the note it came from;
- suspension: held (or struck again) from the chord before, where it was a chord tone, and resolved
  down by step; a retardation resolves up by step;
- appoggiatura: approached by leap (or with nothing before it) and left by step;
- anticipation: a tone of the next chord sounded early, then sounded again over that chord;
- escape: approached by step and left by leap;
- free: anything else.

`classify` works on one note with its neighbours; `non_chord_types` on a line of notes under a
sequence of chords. The tests compare pitch classes in cents, so they hold in any 12-EDO key.
"""
from __future__ import annotations

from .chord import Chord

CHORD_TONE = "chord tone"
PASSING, NEIGHBOUR, SUSPENSION, RETARDATION = "passing", "neighbour", "suspension", "retardation"
APPOGGIATURA, ANTICIPATION, ESCAPE, FREE = "appoggiatura", "anticipation", "escape", "free"
TYPES = (CHORD_TONE, PASSING, NEIGHBOUR, SUSPENSION, RETARDATION, APPOGGIATURA, ANTICIPATION, ESCAPE, FREE)
RESOLVES_BY_STEP = frozenset({PASSING, NEIGHBOUR, SUSPENSION, RETARDATION, APPOGGIATURA})

STEP_CENTS = 200.0            # a whole tone: the widest step
TOLERANCE = 0.5


def _is_step(a: float, b: float) -> bool:
    return TOLERANCE < abs(b - a) <= STEP_CENTS + TOLERANCE


def _same(a: float, b: float) -> bool:
    return abs(b - a) <= TOLERANCE


def classify(before: float | None, cents: float, after: float | None, chord: Chord | None,
             chord_before: Chord | None = None, chord_after: Chord | None = None) -> str:
    """The type of the note `cents` sounding over `chord`, between the notes `before` and `after`
    (None: none, at the start or the end of a line) sounding over `chord_before` and `chord_after`.
    A note with no chord under it, or in its chord, is a chord tone."""
    if chord is None or chord.contains_pc(cents):
        return CHORD_TONE
    if before is not None and _same(before, cents) and chord_before is not None and chord_before != chord \
            and chord_before.contains_pc(cents) and after is not None and _is_step(cents, after):
        return SUSPENSION if after < cents else RETARDATION
    if after is not None and _same(cents, after) and chord_after is not None and chord_after != chord \
            and chord_after.contains_pc(cents):
        return ANTICIPATION
    stepped_in = before is not None and _is_step(before, cents)
    steps_out = after is not None and _is_step(cents, after)
    if stepped_in and steps_out:
        return PASSING if (cents - before > 0) == (after - cents > 0) else NEIGHBOUR
    if steps_out and (before is None or not _same(before, cents)):
        return APPOGGIATURA
    if stepped_in and after is not None and not _same(cents, after):
        return ESCAPE
    return FREE


# How each type came about, in words (`partita explain --note`): {before}, {after}: the notes either
# side; {chord_before}, {chord_after}: the chords under them.
DESCRIPTIONS = {
    PASSING: "a passing tone: stepped to from {before} and on to {after}, in the same direction",
    NEIGHBOUR: "a neighbour tone: a step away from {before}, and back",
    SUSPENSION: "a suspension: held from the chord before ({chord_before}), where it was a chord tone, and "
                "resolved down by step to {after}",
    RETARDATION: "a retardation: held from the chord before ({chord_before}), where it was a chord tone, and "
                 "resolved up by step to {after}",
    APPOGGIATURA: "an appoggiatura: reached by leap (or first), and resolved by step to {after}",
    ANTICIPATION: "an anticipation: a tone of the next chord ({chord_after}), sounded before it",
    ESCAPE: "an escape tone: stepped to from {before}, and left by leap to {after}",
    FREE: "a free dissonance: neither approached nor left by step",
}


def non_chord_types(cents: list[float], chords: list[Chord | None]) -> list[str]:
    """`classify` for every note of a line (`chords[i]`: the chord under note i)."""
    n = len(cents)
    return [classify(cents[i - 1] if i else None, cents[i], cents[i + 1] if i + 1 < n else None, chords[i],
                     chords[i - 1] if i else None, chords[i + 1] if i + 1 < n else None) for i in range(n)]


__all__ = ["ANTICIPATION", "APPOGGIATURA", "CHORD_TONE", "DESCRIPTIONS", "ESCAPE", "FREE", "NEIGHBOUR", "PASSING",
           "RESOLVES_BY_STEP", "RETARDATION", "SUSPENSION", "TYPES", "classify", "non_chord_types"]
