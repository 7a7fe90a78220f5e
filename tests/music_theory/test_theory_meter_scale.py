"""Meters (exact bar lengths, groupings, accents) and scales as movement graphs."""
from fractions import Fraction

import numpy as np
import pytest

from theory import Meter, ParseError, Scale, load_pack
from theory.scale import DOWN, UP

# --- meter ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, bar, grouping, compound", [
    ("4/4", Fraction(4), (1, 1, 1, 1), False),
    ("3/4", Fraction(3), (1, 1, 1), False),
    ("2/2", Fraction(4), (1, 1), False),
    ("6/8", Fraction(3), (3, 3), True),
    ("9/8", Fraction(9, 2), (3, 3, 3), True),
    ("12/8", Fraction(6), (3, 3, 3, 3), True),
    ("5/8", Fraction(5, 2), (3, 2), False),
    ("7/8", Fraction(7, 2), (2, 2, 3), False),
    ("7/8 (3+2+2)", Fraction(7, 2), (3, 2, 2), False),
    ("7 / 8 ( 2 + 2 + 3 )", Fraction(7, 2), (2, 2, 3), False),
])
def test_meters(text, bar, grouping, compound):
    meter = Meter.parse(text)
    assert meter.bar_quarters == bar
    assert isinstance(meter.bar_quarters, Fraction)
    assert meter.grouping == grouping
    assert meter.is_compound is compound
    assert sum(meter.group_lengths) == meter.bar_quarters


def test_six_eight_is_two_dotted_quarter_beats():
    meter = Meter.parse("6/8")
    assert meter.beat_count == 2
    assert meter.group_offsets == (Fraction(0), Fraction(3, 2))
    assert meter.group_lengths == (Fraction(3, 2), Fraction(3, 2))
    assert meter.unit == Fraction(1, 2)


def test_grouping_argument():
    assert Meter.parse("7/8", grouping="3+2+2").grouping == (3, 2, 2)
    assert Meter.parse("7/8", grouping=[2, 3, 2]).grouping == (2, 3, 2)
    assert Meter.parse("7/8 (3+2+2)").group_offsets == (0, Fraction(3, 2), Fraction(5, 2))
    assert Meter(7, 8, (3, 2, 2)) == Meter.parse("7/8 (3+2+2)")


def test_str_shows_nondefault_groupings():
    assert str(Meter.parse("4/4")) == "4/4"
    assert str(Meter.parse("6/8")) == "6/8"
    assert str(Meter.parse("7/8 (3+2+2)")) == "7/8 (3+2+2)"
    assert Meter.parse(str(Meter.parse("7/8"))) == Meter.parse("7/8")


@pytest.mark.parametrize("text", ["7/8 (3+3)", "7/8 (2+2+2+2)", "6/8 (3+2)"])
def test_grouping_that_does_not_add_up(text):
    with pytest.raises(ParseError, match="add up"):
        Meter.parse(text)


@pytest.mark.parametrize("text", ["4/3", "0/4", "four/4", "4/4 (a+b)", "", "7/8 (2+2+x)"])
def test_bad_meters(text):
    with pytest.raises(ParseError):
        Meter.parse(text)


def test_bad_grouping_argument():
    with pytest.raises(ParseError, match="add up"):
        Meter.parse("7/8", grouping="2+2+2")
    with pytest.raises(ParseError, match="2\\+2\\+3"):
        Meter.parse("7/8", grouping="2+two")


@pytest.mark.parametrize("text", ["4/4", "3/4", "6/8", "7/8", "7/8 (3+2+2)", "5/8", "9/8", "12/8"])
def test_downbeat_strongest_group_starts_beat_offbeats(text):
    meter = Meter.parse(text)
    grid = [k * Fraction(1, 8) for k in range(int(meter.bar_quarters * 8))]
    strengths = {pos: meter.strength(pos) for pos in grid}
    assert strengths[Fraction(0)] == 1.0
    assert all(s < 1.0 for pos, s in strengths.items() if pos != 0)
    starts = set(meter.group_offsets)
    weakest_start = min(strengths[p] for p in starts)
    for pos, s in strengths.items():
        if pos not in starts:
            assert s < weakest_start, (text, pos, s)
    assert meter.is_strong(0)
    assert meter.strength(meter.bar_quarters) == 1.0  # the next downbeat


def test_four_four_hierarchy():
    m = Meter.parse("4/4")
    assert m.strength(0) > m.strength(2) > m.strength(1) > m.strength(Fraction(1, 2)) > m.strength(Fraction(1, 4))
    assert m.strength(1) == m.strength(3)
    assert m.is_strong(2) and not m.is_strong(1)


def test_six_eight_hierarchy():
    m = Meter.parse("6/8")
    assert m.strength(Fraction(3, 2)) > m.strength(Fraction(1, 2)) == m.strength(1)


# --- scale ------------------------------------------------------------------------------


def melodic_minor() -> Scale:
    return load_pack("western").mode("melodic_minor").scale


def test_melodic_minor_ascending_and_descending_differ():
    s = melodic_minor()
    up = [s.degree_cents[i] for i in s.ascending]
    down = [s.degree_cents[i] for i in s.descending]
    assert up == [0, 200, 300, 500, 700, 900, 1100]
    assert down == [0, 200, 300, 500, 700, 800, 1000]
    assert not s.is_symmetric
    assert s.size == 9


def candidates(scale: Scale, tonic_cents: float = 6000.0, octaves: int = 2):
    degrees, heights = [], []
    for octave in range(octaves):
        for i, c in enumerate(scale.degree_cents):
            degrees.append(i)
            heights.append(tonic_cents + octave * scale.period_cents + c)
    degrees.append(0)
    heights.append(tonic_cents + octaves * scale.period_cents)
    return np.array(degrees), np.array(heights)


def test_melodic_minor_movement_matrix():
    s = melodic_minor()
    degrees, heights = candidates(s)
    allowed = s.movement_matrix(degrees, heights)
    at = {round(h): i for i, h in enumerate(heights)}  # C4 = 6000 is the tonic
    c4, g4, ab4, a4, bb4, b4, c5, d5 = (at[x] for x in (6000, 6700, 6800, 6900, 7000, 7100, 7200, 7400))
    assert allowed.shape == (len(heights), len(heights))
    assert allowed[np.arange(len(heights)), np.arange(len(heights))].all()  # repeats
    # rising: through the raised 6th and 7th, never into the lowered ones
    assert allowed[g4, a4] and allowed[a4, b4] and allowed[b4, c5] and allowed[g4, b4]
    assert not allowed[g4, ab4] and not allowed[g4, bb4] and not allowed[c4, ab4]
    # falling: through the lowered 6th and 7th, never from the raised ones
    assert allowed[c5, bb4] and allowed[bb4, ab4] and allowed[ab4, g4] and allowed[c5, ab4]
    assert not allowed[a4, g4] and not allowed[b4, a4] and not allowed[b4, g4] and not allowed[d5, b4]
    # leaps inside one form, including across the tonic
    assert allowed[c4, b4]          # a rising major seventh, both in the ascending form
    assert allowed[c5, at[6200]]    # a falling minor seventh C5 -> D4, both in the descending form
    assert allowed[b4, c5] and allowed[c5, bb4]  # the steps across the octave boundary


def test_symmetric_scale_allows_every_move_in_scale():
    s = load_pack("western").mode("dorian").scale
    assert s.is_symmetric
    degrees, heights = candidates(s)
    assert s.movement_matrix(degrees, heights).all()
    # a note outside the scale (degree index not in any form) can only repeat
    pent = Scale("gap", (0.0, 200.0, 400.0, 700.0, 900.0), (0, 1, 2, 3, 4), (0, 1, 2, 3))
    allowed = pent.movement_matrix(np.array([0, 4, 0]), np.array([0.0, 900.0, 1200.0]))
    assert allowed[0, 1] and not allowed[1, 0] and not allowed[2, 1] and allowed[2, 0]


def test_movement_graph_edges():
    s = melodic_minor()
    g = s.movement
    cents = s.degree_cents

    def edges(direction):
        return {(cents[a], cents[b]) for a, b, d in g.edges(data="direction") if d == direction}

    assert edges(UP) == {(0, 200), (200, 300), (300, 500), (500, 700), (700, 900), (900, 1100), (1100, 0)}
    assert edges(DOWN) == {(200, 0), (300, 200), (500, 300), (700, 500), (800, 700), (1000, 800), (0, 1000)}
    assert set(g.nodes) == set(range(s.size))


def test_extra_edges_are_in_the_graph():
    s = Scale("zigzag", (0.0, 200.0, 400.0), (0, 1, 2), (0, 1, 2), extra_edges=((2, 0, DOWN),))
    assert s.movement.edges[2, 0]["direction"] == DOWN
    assert not s.is_symmetric


def test_scale_helpers():
    s = load_pack("western").mode("major").scale
    assert s.degree_of(700) == 4
    assert s.degree_of(1900) == 4
    assert s.degree_of(1199.8) == 0
    assert s.degree_of(600) is None
    assert s.form(UP) == s.ascending and s.form(DOWN) == s.descending
    assert s.as_tuning().cents_of(7) == 1200.0
    assert s.pitch_classes() == (0, 200, 400, 500, 700, 900, 1100)


def test_from_cents_keeps_microtones():
    rast = Scale.from_cents("rast", [0, 200, 350, 500, 700, 900, 1050], [0, 200, 350, 500, 700, 900, 1000])
    assert 350.0 in rast.degree_cents and 1050.0 in rast.degree_cents and 1000.0 in rast.degree_cents
    assert rast.size == 8


@pytest.mark.parametrize("kwargs", [
    dict(degree_cents=(), ascending=(0,), descending=(0,)),
    dict(degree_cents=(0.0, 200.0, 100.0), ascending=(0, 1), descending=(0, 1)),
    dict(degree_cents=(0.0, 200.0), ascending=(0, 5), descending=(0, 1)),
    dict(degree_cents=(0.0, 200.0), ascending=(0, 1), descending=(0, 1), degree_names=("1",)),
])
def test_bad_scales(kwargs):
    with pytest.raises(ParseError):
        Scale("bad", **kwargs)
