"""The named voice-leading rules (theory/rules/voice_leading.yaml) and the motion tests both the
composer and the checker use, on intervals a teacher can check by hand."""
from __future__ import annotations

import numpy as np
import pytest

from theory.errors import TheoryError
from theory.voice_leading import (
    consecutive_family,
    contrary_family,
    hidden_family,
    hidden_kind,
    parallel_family,
    parallel_kind,
    perfect_kind,
    similar_motion,
    voice_leading_rules,
)

C4, D4, E4, F4, G4, A4, B4, C5, D5, E5, G5 = 6000, 6200, 6400, 6500, 6700, 6900, 7100, 7200, 7400, 7600, 7900
C3, D3 = 4800, 5000


def test_every_rule_has_a_severity_the_voices_it_binds_and_a_source():
    rules = voice_leading_rules()
    assert {"parallel-fifths", "parallel-octaves", "hidden-fifths", "hidden-octaves", "voice-crossing", "spacing",
            "leading-tone", "seventh", "doubled-leading-tone"} <= set(rules.rules)
    for rule in rules.rules.values():
        assert rule.severity in ("error", "warning") and rule.source and rule.description
    assert rules.rule("parallel-fifths").severity == "error"
    with pytest.raises(TheoryError, match="unknown voice-leading rule 'parallel-sixths'"):
        rules.rule("parallel-sixths")


@pytest.mark.parametrize("interval, kind", [(0, "unisons"), (1200, "octaves"), (2400, "octaves"), (700, "fifths"),
                                            (702, "fifths"), (1900, "fifths"), (-700, "fifths"), (600, ""),
                                            (400, ""), (750, "")])
def test_perfect_intervals(interval, kind):
    assert perfect_kind(interval) == kind


def test_parallels_need_similar_motion_into_the_same_perfect_interval():
    assert parallel_kind(G4, C4, A4, D4) == "fifths"                 # C-G to D-A
    assert parallel_kind(G4, C4, C5, F4) == "fifths"                 # a leap in both: still consecutive fifths
    assert parallel_kind(C5, C4, D5, D4) == "octaves"
    assert parallel_kind(C4, C4, D4, D4) == "octaves"                # unisons count with the octaves
    assert parallel_kind(G5, C4, G5 + 200, D4) == "fifths"           # a twelfth to a twelfth
    assert parallel_kind(G4, C4, G4, D4) == ""                       # oblique motion
    assert parallel_kind(G4, C4, F4, D4) == ""                       # contrary motion
    assert parallel_kind(G4, C4, D5, 5500) == ""                     # a fifth to a twelfth by contrary motion:
    assert contrary_family(G4, C4, D5, 5500) == 2                    # ... consecutive fifths all the same
    assert contrary_family(C5, C4, 8400, 4800) == 1                  # an octave to a triple octave
    assert contrary_family(G4, C4, A4, D4) == 0                      # similar motion is the parallel rule's
    assert parallel_kind(G4, C4, C5, C4 + 600) == ""                 # a fifth to a tritone
    assert parallel_kind(G4, C4, 7700, F4) == ""                     # a fifth to an octave (F4-F5): direct, not parallel


def test_direct_fifths_and_octaves_need_a_leap_in_the_upper_voice():
    assert hidden_kind(E4, C3, C5, 5300) == "fifths"                 # E4 over C3 to C5 over F3 (a twelfth), E4-C5 leaps
    assert hidden_kind(E5, C4, G5, G4) == "octaves"                  # a tenth to an octave, E5-G5 leaps a third
    assert hidden_kind(B4, D3, C5, C4) == ""                         # the upper voice steps B4-C5: allowed
    assert hidden_kind(G4, C4, A4, D4) == ""                         # already a fifth: a parallel, not a direct fifth
    assert hidden_kind(E5, C4, G5, C4) == ""                         # the lower voice holds: oblique motion


def test_the_tests_work_on_arrays_of_voicings():
    upper = np.array([A4, B4, D5])                                   # three candidates for the upper voice at 2
    assert list(parallel_family(G4, C4, upper, D4)) == [2, 0, 0]     # D-A fifths; D-B a sixth; D-D an octave
    assert list(parallel_family(C5, C4, upper + 500, D4)) == [1, 0, 0]   # from an octave: D5-D4 is parallel
    assert list(similar_motion(G4, C4, upper, np.array([D4, C4, B4 - 1200]))) == [True, False, False]


def test_the_scalar_tests_agree_with_the_array_tests():
    rng = np.random.default_rng(5)
    pitches = rng.choice(np.arange(4800.0, 8400.0, 100.0), size=(4000, 4))
    pitches[::7, 2] = pitches[::7, 0]                                # some voices hold
    pitches[::11] += rng.choice([0.0, 2.0, 702.0 - 700.0], size=(len(pitches[::11]), 4))   # some just intervals
    a1, b1, a2, b2 = pitches.T
    assert [parallel_kind(*row) for row in pitches] == [{0: "", 1: "octaves", 2: "fifths"}[int(f)]
                                                        for f in parallel_family(a1, b1, a2, b2)]
    assert [hidden_kind(*row) for row in pitches] == [{0: "", 1: "octaves", 2: "fifths"}[int(f)]
                                                      for f in hidden_family(a1, b1, a2, b2)]


def test_consecutive_family_is_parallel_or_contrary():
    rng = np.random.default_rng(7)
    pitches = rng.choice(np.arange(4800.0, 8400.0, 100.0), size=(4000, 4))
    pitches[::5, 2] = pitches[::5, 0]                                # some voices hold
    a1, b1, a2, b2 = pitches.T
    expected = np.maximum(parallel_family(a1, b1, a2, b2), contrary_family(a1, b1, a2, b2))
    assert (consecutive_family(a1, b1, a2, b2) == expected).all()
    assert (expected > 0).sum() > 50                                 # the sample holds such motions
