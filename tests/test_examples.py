"""Every example composes; its MusicXML, read back by music21, has the bars and meter the
spec asks for, every bar of every part is full, and key analysis finds the spec's key."""
from fractions import Fraction

import pytest
from music21 import converter

from composer import compose, load_spec
from composer.render.musicxml import measure_fill_problems
from conftest import EXAMPLES

# Profile-based key finding (Krumhansl-Schmuckler) hears a blues in F, whose tonic chord is F7
# (with E-flat) and whose IV7 is B-flat 7, as B-flat major; it is not a functional-tonal piece.
NOT_TONAL = {"blues_in_f"}


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example(request, tmp_path_factory):
    path = request.param
    piece = compose(path)
    out = tmp_path_factory.mktemp(path.stem)
    xml = piece.write(out / f"{path.stem}.musicxml")
    mid = piece.write(out / f"{path.stem}.mid")
    return path, piece, converter.parse(xml), mid


def test_there_are_at_least_six_examples():
    names = {p.stem for p in EXAMPLES}
    assert {"minuet_in_g", "blues_in_f", "aaba_song", "chorale_d_minor", "pop_verse_chorus", "dance_7_8"} <= names


def test_musicxml_has_the_bars_and_meter_of_the_spec(example):
    path, piece, score, _ = example
    spec = load_spec(path)
    assert len(score.parts) == len(spec.parts)
    for part in score.parts:
        measures = part.getElementsByClass("Measure")
        assert len(measures) == piece.plan.bars
        ts = part.recurse().getElementsByClass("TimeSignature")[0]
        assert (ts.numerator, ts.denominator) == (spec.meter.numerator, spec.meter.denominator)
    if spec.form:
        from composer.grammar import load_form

        form_bars = sum(s.bars for s in load_form(spec.form).sections)
        assert piece.plan.bars == form_bars or any(s.bars for s in spec.sections)


def test_every_bar_of_every_part_is_full(example):
    _, piece, score, _ = example
    assert measure_fill_problems(score, float(piece.meter.bar_quarters)) == []


def test_key_analysis_finds_the_spec_key(example):
    path, piece, score, _ = example
    key = piece.key
    if path.stem in NOT_TONAL or key.family not in ("major", "minor"):
        pytest.skip("not a major/minor tonal piece")
    found = score.analyze("key")
    assert found.tonic.pitchClass == key.tonic_pc
    assert found.mode == ("minor" if key.is_minor else "major")


def test_modal_example_centres_on_its_final(example):
    path, piece, _, _ = example
    if piece.key.family != "modal":
        pytest.skip("not modal")
    melody = piece.part("melody").sorted_notes()
    assert melody[-1].pitch.nearest_midi % 12 == piece.key.tonic_pc
    assert piece.chords[-1].chord.root_pc == piece.key.tonic_pc


def test_blues_is_the_twelve_bar_chart_and_ends_home(example):
    path, piece, _, _ = example
    if path.stem != "blues_in_f":
        pytest.skip("blues only")
    roots = [c.chord.symbol for c in piece.chords]
    assert roots == ["F7", "Bb7", "F7", "F7", "Bb7", "Bb7", "F7", "F7", "C7", "Bb7", "F7", "F7"]
    assert piece.part("melody").sorted_notes()[-1].pitch.nearest_midi % 12 == 5  # ends on F
    assert piece.part("bass").sorted_notes()[-1].pitch.nearest_midi % 12 == 5


def test_aaba_bridge_modulates_and_returns(example):
    path, piece, _, _ = example
    if path.stem != "aaba_song":
        pytest.skip("AABA only")
    keys = [str(k.key) for k in piece.keys]
    assert keys[0] == "Eb major" and "Ab major" in keys and keys[-1] == "Eb major"
    assert piece.plan.bars == 32
    bridge = next(s for s in piece.plan.sections if s.name == "B")
    assert bridge.key.name == "Ab major" and bridge.phrases[0].modulation is not None


def test_dance_7_8_is_grouped_two_two_three(example):
    path, piece, _, _ = example
    if path.stem != "dance_7_8":
        pytest.skip("7/8 only")
    assert piece.meter.grouping == (2, 2, 3)
    onsets = {n.offset % piece.meter.bar_quarters for n in piece.part("chords").notes}
    assert onsets == {Fraction(0), Fraction(1), Fraction(2)}  # one chord per group: 2+2+3 eighths
