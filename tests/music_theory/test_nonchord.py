"""Non-chord tones named as a harmony textbook names them, on figures a teacher can check by hand."""
from __future__ import annotations

import pytest

from theory import parse_chord_symbol
from theory.nonchord import (
    ANTICIPATION,
    APPOGGIATURA,
    CHORD_TONE,
    ESCAPE,
    FREE,
    NEIGHBOUR,
    PASSING,
    RETARDATION,
    SUSPENSION,
    classify,
    non_chord_types,
)

C, G, G7, F, Am = (parse_chord_symbol(s) for s in ("C", "G", "G7", "F", "Am"))
C4, D4, E4, F4, G4, A4, B4, C5, D5 = 6000, 6200, 6400, 6500, 6700, 6900, 7100, 7200, 7400


@pytest.mark.parametrize("before, note, after, chord, chord_before, chord_after, expected", [
    (C4, E4, G4, C, C, C, CHORD_TONE),
    (C4, D4, E4, C, C, C, PASSING),               # C-D-E over C: the D passes
    (G4, F4, E4, C, C, C, PASSING),               # descending
    (E4, F4, E4, C, C, C, NEIGHBOUR),             # upper neighbour
    (C4, B4 - 1200, C4, C, C, C, NEIGHBOUR),      # lower neighbour, B3
    (C5, C5, B4, G, C, G, SUSPENSION),            # 4-3 over G: C held from the C chord, falls to B
    (B4, B4, C5, Am, G, Am, RETARDATION),         # B held from G over A minor, rises to C
    (G4, D5, C5, Am, Am, Am, APPOGGIATURA),       # leap to D over A minor, step down to C
    (None, D5, C5, Am, None, Am, APPOGGIATURA),   # the first note, left by step
    (D4, C4, C4, G7, G7, C, ANTICIPATION),        # the tonic sounded early over G7
    (C4, D4, A4, C, C, C, ESCAPE),                # step in, leap out
    (G4, D4, A4, C, C, C, FREE),                  # leap in, leap out
    (C4, D4, None, C, C, None, FREE),             # the last note, not a chord tone
    (C4, D4, E4, None, None, None, CHORD_TONE),   # no chord: nothing to measure against
])
def test_each_type_is_told_by_its_approach_and_its_resolution(before, note, after, chord, chord_before, chord_after,
                                                              expected):
    assert classify(before, note, after, chord, chord_before, chord_after) == expected


def test_a_line_is_classified_note_by_note():
    line = [E4, F4, G4, A4, G4, F4, E4]
    chords = [C, C, C, C, C, G7, C]
    assert non_chord_types(line, chords) == [CHORD_TONE, PASSING, CHORD_TONE, NEIGHBOUR, CHORD_TONE, CHORD_TONE,
                                             CHORD_TONE]
