"""Scala .scl files: reading (ratios, cents, comments, stretched periods), writing, round
trips, pack export, and a DataFileError with the line for every malformed case."""
from __future__ import annotations

import math

import pytest

from theory import DataFileError, Tuning, UnknownNameError, load_pack
from theory.scala import MAX_SCL_BYTES, pack_tuning_to_scl, parse_scl_value, read_scl, write_scl

JUST_12 = """! ji_12.scl
!
5-limit just intonation, 12 notes
 12
!
 16/15
 9/8
 6/5
 5/4
 4/3
 45/32     augmented fourth
 3/2
 8/5
 5/3
 9/5
 15/8
 2/1
"""

SLENDRO = """! slendro_measured.scl
! A measured slendro with a stretched octave.
Slendro (measured, stretched octave)
5
!
231.0
474.0
717.0
955.0
1208.0
"""


def cents(ratio: float) -> float:
    return 1200 * math.log2(ratio)


def test_read_just_intonation_ratios():
    t = read_scl(JUST_12)
    assert isinstance(t, Tuning)
    assert t.name == "5-limit just intonation, 12 notes"
    assert t.size == 12 and t.period_cents == pytest.approx(1200.0)
    assert t.degree_cents[0] == 0.0
    assert t.degree_cents[7] == pytest.approx(cents(3 / 2)) == pytest.approx(701.955, abs=0.001)
    assert t.degree_cents[4] == pytest.approx(386.314, abs=0.001)
    assert t.degree_cents[6] == pytest.approx(cents(45 / 32))


def test_read_slendro_with_stretched_period(tmp_path):
    path = tmp_path / "slendro.scl"
    path.write_text(SLENDRO)
    for source in (path, str(path), SLENDRO, SLENDRO.encode()):
        t = read_scl(source)
        assert t.degree_cents == (0.0, 231.0, 474.0, 717.0, 955.0)
        assert t.period_cents == 1208.0
        assert t.name == "Slendro (measured, stretched octave)"
        assert t.cents_of(5) == 1208.0 and t.cents_of(6) == 1439.0


def test_values_integers_and_trailing_text():
    assert parse_scl_value("2") == pytest.approx(1200.0)
    assert parse_scl_value("3/2") == pytest.approx(701.955, abs=0.001)
    assert parse_scl_value("100.") == 100.0 and parse_scl_value(".5") == 0.5
    t = read_scl("!\nthree\n3\n3/2 fifth\n 900.0  ! comment\n2\n")
    assert t.name == "three" and t.degree_cents == pytest.approx((0.0, 701.955, 900.0), abs=0.001)
    t = read_scl("tritave\n2\n 1901.955 just twelfth\n 3\n")
    assert t.period_cents == pytest.approx(cents(3)) and t.degree_cents[1] == 1901.955


def test_empty_description_takes_the_file_stem(tmp_path):
    path = tmp_path / "bohlen.scl"
    path.write_text("!\n\n2\n600.0\n1200.0\n")
    assert read_scl(path).name == "bohlen"
    assert read_scl(path, name="mine").name == "mine"


@pytest.mark.parametrize("tuning", [
    Tuning.edo(12), Tuning.edo(24), Tuning.edo(53), Tuning("slendro", (0.0, 231.0, 474.0, 717.0, 955.0), 1208.0),
    Tuning("rast (Turkish theory)", (0.0, 203.774, 384.906, 498.113, 701.887, 905.66, 1086.792)),
])
def test_round_trip(tuning, tmp_path):
    path = tmp_path / "t.scl"
    text = write_scl(tuning, path)
    assert path.read_text() == text
    assert text.splitlines()[0] == "! t.scl"
    back = read_scl(path)
    assert back.name == tuning.name
    assert back.period_cents == pytest.approx(tuning.period_cents, abs=1e-6)
    assert back.degree_cents == pytest.approx(tuning.degree_cents, abs=1e-6)
    assert read_scl(write_scl(tuning)) == back


def test_written_format():
    text = write_scl(Tuning("quarter", (0.0, 150.0), 300.0))
    lines = [line for line in text.splitlines() if not line.startswith("!")]
    assert lines == ["quarter", " 2", " 150.0", " 300.0"]
    assert write_scl(Tuning("!bang", (0.0,), 1200.0)).splitlines()[2] == " !bang"
    assert read_scl(write_scl(Tuning("!bang", (0.0,), 1200.0))).name == "!bang"


def test_pack_tuning_to_scl():
    text = pack_tuning_to_scl("western")
    t = read_scl(text)
    assert t.degree_cents == pytest.approx(Tuning.edo(12).degree_cents) and t.period_cents == 1200.0
    major = read_scl(pack_tuning_to_scl("western", mode="major"))
    assert major.degree_cents == pytest.approx((0, 200, 400, 500, 700, 900, 1100))
    assert "major" in major.name
    pack = load_pack("western")
    assert read_scl(pack_tuning_to_scl("western", tuning=pack.default_tuning)) == t
    with pytest.raises(UnknownNameError):
        pack_tuning_to_scl("western", tuning="nonesuch")
    with pytest.raises(UnknownNameError):
        pack_tuning_to_scl("western", mode="nonesuch")


@pytest.mark.parametrize("text, line, message", [
    ("desc\n3\n100.0\n200.0\n", 5, "announces 3 notes on line 2"),           # too few
    ("desc\n2\n100.0\n1200.0\n1300.0\n", 5, "more pitch lines"),                # too many
    ("desc\ntwelve\n100.0\n", 2, "number of notes"),
    ("desc\n0\n", 2, "0 notes"),
    ("desc\n2\nabc\n1200.0\n", 3, "cannot read 'abc'"),
    ("desc\n2\n1.2.3\n1200.0\n", 3, "cannot read '1.2.3' as cents"),
    ("desc\n2\n3/0\n2/1\n", 3, "numerator and denominator"),
    ("desc\n2\n-3/2\n2/1\n", 3, "negative"),
    ("desc\n2\n-100.0\n1200.0\n", 3, "above the implied 1/1"),
    ("desc\n2\n0.0\n1200.0\n", 3, "above the implied 1/1"),
    ("desc\n3\n400.0\n300.0\n1200.0\n", 4, "does not rise"),
    ("desc\n2\n702.0\n3/2\n", 4, "does not rise"),
    ("desc\n2\n\n1200.0\n", 3, "empty pitch line"),
    ("desc\n2\n100.0\n4294967296/1\n", 4, "numerator and denominator"),
    ("", 1, "empty Scala file"),
    ("! only a comment\n", 1, "empty Scala file"),
    ("desc only\n", 2, "number of notes"),
])
def test_malformed_files_name_the_file_and_line(text, line, message, tmp_path):
    path = tmp_path / "bad.scl"
    path.write_text(text)
    with pytest.raises(DataFileError) as info:
        read_scl(path)
    assert str(path) in str(info.value)
    assert f"line {line}:" in str(info.value)
    assert message in str(info.value)


def test_binary_and_oversized_files(tmp_path):
    binary = tmp_path / "binary.scl"
    binary.write_bytes(b"desc\n2\n\x00\x01\x02\xff\n")
    with pytest.raises(DataFileError, match=r"binary\.scl: line 3: binary"):
        read_scl(binary)
    control = tmp_path / "control.scl"
    control.write_bytes(b"desc\n\x1b[2\n100.0\n")
    with pytest.raises(DataFileError, match=r"line 2: binary"):
        read_scl(control)
    big = tmp_path / "big.scl"
    big.write_text("desc\n1\n2/1\n" + "! padding\n" * (MAX_SCL_BYTES // 10 + 1))
    with pytest.raises(DataFileError, match=r"big\.scl.*above the limit"):
        read_scl(big)
    with pytest.raises(DataFileError, match="no such Scala file"):
        read_scl(tmp_path / "missing.scl")
    with pytest.raises(DataFileError, match="line 1: empty"):
        read_scl(b"")


@pytest.mark.parametrize("count_line, words", [
    (" ²", "whole number"),                    # a digit to str.isdigit, not to int
    (" " + "9" * 5000, "whole number"),         # more digits than int() reads
    (" 20000", "above the limit of 1024"),
])
def test_a_note_count_that_is_no_count_is_refused_in_one_line(count_line, words):
    with pytest.raises(DataFileError, match=words) as info:
        read_scl(f"! x.scl\nx\n{count_line}\n!\n 100.0\n")
    assert len(str(info.value)) < 300


def test_a_ratio_of_5000_digits_is_refused_with_an_excerpt():
    with pytest.raises(DataFileError, match="cannot read") as info:
        read_scl("! x.scl\nx\n 1\n " + "3" * 5000 + "/2\n")
    assert len(str(info.value)) < 300
