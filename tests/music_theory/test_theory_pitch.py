"""Pitch and interval: what a musician checks first (middle C, A440, spellings, quarter tones)."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory import Interval, ParseError, Pitch, Spelling
from theory.pitch import parse_spelling


def test_middle_c_is_6000_cents_and_midi_60():
    c4 = Pitch.from_name("C4")
    assert c4.cents == 6000.0
    assert c4.midi == 60
    assert Pitch.from_midi(60) == c4


def test_a4_is_440_hz_and_octaves_double():
    a4 = Pitch.from_name("A4")
    assert a4.cents == 6900.0
    assert a4.frequency_hz == pytest.approx(440.0)
    assert Pitch.from_name("A5").frequency_hz == pytest.approx(880.0)
    assert Pitch.from_name("A3").frequency_hz == pytest.approx(220.0)
    assert Pitch.from_name("C4").frequency_hz == pytest.approx(261.6256, abs=1e-3)


@pytest.mark.parametrize("name, midi", [
    ("C#4", 61), ("Db4", 61), ("Eb3", 51), ("E-flat4", 63), ("E flat4", 63), ("F-sharp2", 42),
    ("B#3", 60), ("Cb4", 59), ("E#4", 65), ("Fb4", 64), ("Cx4", 62), ("C##4", 62), ("Dbb4", 60),
    ("c4", 60), ("G♯4", 68), ("B♭3", 58), ("A0", 21), ("C8", 108),
])
def test_from_name_spellings(name, midi):
    assert Pitch.from_name(name).midi == midi


def test_enharmonic_equivalents_are_equal_pitches():
    assert Pitch.from_name("B#3") == Pitch.from_name("C4")
    assert Pitch.from_name("Cb4") == Pitch.from_name("B3")
    assert Pitch.from_name("F#4") == Pitch.from_name("Gb4")


@pytest.mark.parametrize("bad", ["H4", "C$4", "", "4C", "Cbbb4", "major"])
def test_bad_names_raise_parse_error_naming_what_is_accepted(bad):
    with pytest.raises(ParseError) as info:
        Pitch.from_name(bad)
    assert "accepted" in str(info.value)
    assert repr(bad) in str(info.value)


def test_name_without_octave_asks_for_one():
    with pytest.raises(ParseError, match="octave"):
        Pitch.from_name("C#")


def test_parse_error_is_a_value_error():
    with pytest.raises(ValueError):
        Pitch.from_name("H4")


def test_quarter_tone_keeps_its_cents():
    p = Pitch(6050.0)  # C4 + a quarter tone
    assert p.nearest_midi == 60
    assert p.bend_cents == pytest.approx(50.0)
    assert p.nearest_midi * 100 + p.bend_cents == p.cents
    below = Pitch(5950.0)  # a quarter tone below C4: B3 raised by a quarter tone
    assert below.nearest_midi == 59 and below.bend_cents == pytest.approx(50.0)
    assert Pitch(6030.0).nearest_midi == 60 and Pitch(6030.0).bend_cents == pytest.approx(30.0)
    assert Pitch(6070.0).nearest_midi == 61 and Pitch(6070.0).bend_cents == pytest.approx(-30.0)
    assert Pitch(6050.0).frequency_hz == pytest.approx(261.6256 * 2 ** (50 / 1200), rel=1e-6)


@given(st.floats(min_value=0, max_value=12700, allow_nan=False))
def test_bend_is_within_a_quarter_tone(cents):
    p = Pitch(cents)
    assert -50.0 - 1e-6 <= p.bend_cents <= 50.0 + 1e-6
    assert p.nearest_midi * 100 + p.bend_cents == pytest.approx(cents)


def test_names_print_back():
    assert Pitch.from_name("C4").name() == "C4"
    assert Pitch.from_name("Eb3").name(prefer_flats=True) == "Eb3"
    assert Pitch.from_name("Eb3").name() == "D#3"
    assert str(Pitch(6050.0)) == "C4+50c"
    assert str(Pitch(6070.0)) == "C#4-30c"


@given(st.integers(min_value=12, max_value=127), st.booleans())
def test_name_round_trips(midi, flats):
    p = Pitch.from_midi(midi)
    assert Pitch.from_name(p.name(prefer_flats=flats)) == p


def test_intervals_add_up():
    c4, g4, c5 = Pitch.from_name("C4"), Pitch.from_name("G4"), Pitch.from_name("C5")
    fifth, fourth = g4 - c4, c5 - g4
    assert fifth == Interval(700.0) and fourth == Interval(500.0)
    assert fifth + fourth == Interval(1200.0) == c5 - c4
    assert c4 + fifth == g4
    assert c5 - fourth == g4
    assert -fifth == c4 - g4
    assert abs(c4 - g4) == fifth
    assert Interval.from_semitones(7) == fifth and fifth.semitones == 7
    assert Interval(350.0).semitones == 3.5  # a neutral third stays a neutral third
    assert Interval(300.0) < Interval(400.0)


def test_pitches_order_by_height():
    assert Pitch.from_name("B3") < Pitch.from_name("C4") < Pitch.from_name("C#4")


def test_pitch_class_cents():
    assert Pitch.from_name("E5").pitch_class_cents == 400.0
    assert Pitch(6050.0).pitch_class_cents == 50.0


def test_pitch_must_be_finite():
    with pytest.raises(ParseError):
        Pitch(math.nan)
    with pytest.raises(ParseError):
        Pitch(math.inf)


def test_spelling():
    assert parse_spelling("F#") == (Spelling("F", 1), None)
    assert parse_spelling("Eb4") == (Spelling("E", -1), 4)
    assert Spelling("E", 1).semitones == 5 and Spelling("C", -1).semitones == 11
    assert Spelling("B", -2).name == "Bbb" and str(Spelling("F", 1)) == "F#"
    with pytest.raises(ParseError, match="A-G"):
        Spelling("H")


def test_pitch_is_frozen_and_hashable():
    p = Pitch.from_name("C4")
    with pytest.raises(AttributeError):
        p.cents = 1.0  # type: ignore[misc]
    assert len({p, Pitch(6000.0)}) == 1
