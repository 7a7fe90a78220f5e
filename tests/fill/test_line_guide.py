"""The soft preferences a line is drawn under (`composer.fill.guide.LineGuide`, rules in
`theory/rules/melody.yaml`): a step is likelier than a repeated note; after a leap the line turns back; and
a figure the part has played comes back as it went on, the way a fiddler's hand remembers a turn."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from composer.fill.guide import LineGuide
from theory.melody_rules import melody_rules

C4 = 6000.0
# candidates: C4 D4 E4 F4 G4 A4 B4 C5 (cents), all in the scale
CANDS = SimpleNamespace(cents=np.array([6000.0, 6200.0, 6400.0, 6500.0, 6700.0, 6900.0, 7100.0, 7200.0]),
                        degrees=np.arange(8))
E8 = 0.5                                   # an eighth note, in quarters


def guide(history=(), durations=(E8,) * 8, before=None, pack="western") -> LineGuide:
    return LineGuide([None] * len(durations), before=before, history=list(history), durations=list(durations),
                     pack=pack).bind(CANDS)


def test_a_step_is_preferred_to_a_repeated_note_and_to_a_leap():
    rules = melody_rules()
    w = guide(before=6400.0).weights(0, [])
    e, d, f, g = w[2], w[1], w[3], w[4]
    assert d == f == rules.step_weight and e == rules.repeat_weight and g == 1.0
    assert rules.repeat_weight < 1.0 < rules.step_weight


def test_a_leap_wider_than_a_fifth_is_disfavoured():
    """From E4, C5 is a minor sixth away, a leap rarer in a tune than the fourth up to A4, which the rule
    leaves alone."""
    rules = melody_rules()
    w = guide(before=6400.0).weights(0, [])
    assert rules.wide_leap_semitones == 7 and rules.wide_leap_weight < 1.0
    assert w[7] == rules.wide_leap_weight                     # C5: eight semitones up
    assert w[5] == 1.0                                         # A4: a fourth up


def test_a_note_struck_twice_is_struck_a_third_time_more_rarely_still():
    """E4 E4 then E4 again: a minuet bar of three repeated quarters, which a teacher marks as static."""
    rules = melody_rules()
    third = guide(before=6400.0).weights(1, [2])[2]           # E4, E4: a third E4
    second = guide(before=6200.0).weights(1, [2])[2]          # D4, E4: a second E4
    assert second == rules.repeat_weight
    assert third == rules.repeat_weight * rules.third_strike_weight < second


def test_after_a_wide_leap_the_step_back_is_preferred():
    rules = melody_rules()
    w = guide(before=6000.0).weights(1, [7])          # C4 up to C5
    assert w[6] == rules.recovery_weight * rules.step_weight                       # B4: back down by step
    assert w[6] > w[5] and w[6] > w[7]


def test_a_figure_played_before_goes_on_as_it_went_on():
    # The part played C D E, E D C in eighths; now it plays C D (eighths) and an eighth follows: E, as before.
    rules = melody_rules()
    history = [(6000.0, E8), (6200.0, E8), (6400.0, E8), (6400.0, E8), (6200.0, E8), (6000.0, E8)]
    g = guide(history)
    w = g.weights(2, [0, 1])                          # the region so far: C4 D4
    assert w[2] == rules.step_weight * rules.figure_weight                          # E4 continues the figure
    assert w[0] == rules.step_weight                                                # back to C4: a step only
    assert w[2] / w[0] == rules.figure_weight


def test_a_varied_bar_goes_on_anew_where_its_source_went_on():
    """The same figure as above, but position 2 lies in the new tail of a bar the plan varies, where its source
    sounded E4: the memory is silent there, and E4 is rarer than the other steps (the variation varies)."""
    rules = melody_rules()
    history = [(6000.0, E8), (6200.0, E8), (6400.0, E8), (6400.0, E8), (6200.0, E8), (6000.0, E8)]
    g = guide(history)
    g.fresh = {2: 6400.0}
    w = g.weights(2, [0, 1])
    assert w[2] == rules.step_weight * rules.variation_weight < w[0] == rules.step_weight
    g.fresh = {2: 0}                                  # the source is the region's own first note, C4
    w = g.weights(2, [0, 1])
    assert w[0] == rules.step_weight * rules.variation_weight and w[2] == rules.step_weight


def test_the_figure_must_match_in_rhythm_too():
    # The part played C D E in eighths; the region plays C D in eighths, then a quarter or an eighth.
    history = [(6000.0, E8), (6200.0, E8), (6400.0, E8)]
    rules = melody_rules()
    assert guide(history, durations=(E8, E8, 1.0)).weights(2, [0, 1])[2] == rules.step_weight
    assert guide(history, durations=(E8, E8, E8)).weights(2, [0, 1])[2] == rules.step_weight * rules.figure_weight


def test_a_figure_met_inside_the_region_is_remembered():
    # Drawn so far: C D E F (eighths) and again C D: the next note would go on to E.
    w = guide().weights(6, [0, 1, 2, 3, 0, 1])
    assert w[2] == melody_rules().step_weight * melody_rules().figure_weight


def test_without_a_note_before_nothing_is_preferred_but_the_register():
    assert guide().weights(0, []) is None


def test_a_tradition_s_line_is_shaped_by_its_own_rules_only():
    # A balungan's even pulse of five tones: every figure recurs, and a memory of them made loops.
    history = [(6000.0, E8), (6200.0, E8), (6400.0, E8)]
    assert not {"gamelan", "hindustani"} & set(melody_rules().figure_packs + melody_rules().motion_packs)
    w = guide(history, pack="gamelan").weights(2, [0, 1])
    assert w is None or np.all(w == 1.0)
