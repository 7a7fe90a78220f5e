"""Keys, Roman numerals and chord symbols, checked the way a harmony teacher would."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory import Key, ParseError, UnknownNameError, parse_chord_symbol
from theory.pitch import Spelling, parse_spelling

NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def names(chord):
    """Pitch-class names of a chord, root first (sharps), for readable assertions."""
    return [NAMES[round(c / 100) % 12] for c in chord.pitch_classes_cents]


def pcs(*spelled):
    return {parse_spelling(s)[0].semitones * 100.0 for s in spelled}


# --- keys -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, tonic, mode", [
    ("Eb major", Spelling("E", -1), "major"),
    ("E-flat major", Spelling("E", -1), "major"),
    ("E flat major", Spelling("E", -1), "major"),
    ("F# minor", Spelling("F", 1), "natural_minor"),
    ("Bb dorian", Spelling("B", -1), "dorian"),
    ("a minor", Spelling("A"), "natural_minor"),
    ("A aeolian", Spelling("A"), "natural_minor"),
    ("C ionian", Spelling("C"), "major"),
    ("D", Spelling("D"), "major"),
    ("G harmonic minor", Spelling("G"), "harmonic_minor"),
    ("G harmonic-minor", Spelling("G"), "harmonic_minor"),
])
def test_key_parse(text, tonic, mode):
    key = Key.parse(text)
    assert key.tonic == tonic
    assert key.mode == mode


def test_key_str():
    assert str(Key.parse("E-flat major")) == "Eb major"
    assert str(Key.parse("f# minor")) == "F# minor"
    assert Key.parse("Bb dorian").name == "Bb dorian"


def test_key_parse_errors():
    with pytest.raises(ParseError, match="accepted"):
        Key.parse("H major")
    with pytest.raises(ParseError, match="accepted"):
        Key.parse("C4 major")
    with pytest.raises(UnknownNameError) as info:
        Key.parse("C majr")
    assert "major" in info.value.suggestions


@pytest.mark.parametrize("text, fifths", [
    ("C major", 0), ("G major", 1), ("D major", 2), ("F major", -1), ("Eb major", -3), ("B major", 5),
    ("F# major", 6), ("Gb major", -6), ("C# major", 7), ("Cb major", -7),
    ("A minor", 0), ("E minor", 1), ("F# minor", 3), ("C minor", -3), ("Bb minor", -5),
    ("D dorian", 0), ("Bb dorian", -4), ("E phrygian", 0), ("F lydian", 0), ("G mixolydian", 0),
    ("B locrian", 0), ("D mixolydian", 1), ("C lydian", 1), ("C harmonic minor", -3), ("C melodic minor", -3),
])
def test_key_signatures(text, fifths):
    assert Key.parse(text).fifths == fifths


def test_spelling_of_degrees():
    fs = Key.parse("F# major")
    assert [str(fs.degree_spelling(d)) for d in range(7)] == ["F#", "G#", "A#", "B", "C#", "D#", "E#"]
    gb = Key.parse("Gb major")
    assert [str(gb.degree_spelling(d)) for d in range(7)] == ["Gb", "Ab", "Bb", "Cb", "Db", "Eb", "F"]
    cm = Key.parse("C minor")
    assert [str(cm.degree_spelling(d)) for d in range(7)] == ["C", "D", "Eb", "F", "G", "Ab", "Bb"]
    assert str(Key.parse("C# minor").degree_spelling(6, 1)) == "B#"  # the raised leading tone
    assert str(Key.parse("G# minor").degree_spelling(6, 1)) == "F##"


def test_spell_pitch_classes_in_key():
    assert str(Key.parse("F# major").spell(5)) == "E#"
    assert str(Key.parse("Gb major").spell(11)) == "Cb"
    assert str(Key.parse("F major").spell(10)) == "Bb"
    assert str(Key.parse("F major").spell(1)) == "Db"   # chromatic: the flat side
    assert str(Key.parse("D major").spell(8)) == "G#"   # chromatic: the sharp side


@pytest.mark.parametrize("a, b", [
    ("G major", "E minor"), ("C major", "A minor"), ("Eb major", "C minor"), ("F# major", "D# minor"),
    ("Gb major", "Eb minor"), ("C# major", "A# minor"), ("Cb major", "Ab minor"), ("F major", "D minor"),
])
def test_relative_keys_share_the_signature(a, b):
    major, minor = Key.parse(a), Key.parse(b)
    assert major.relative() == minor
    assert minor.relative() == major
    assert major.fifths == minor.fifths


def test_parallel_keys():
    assert Key.parse("C minor").relative() == Key.parse("Eb major")
    assert Key.parse("C major").parallel() == Key.parse("C minor")
    assert Key.parse("C minor").parallel() == Key.parse("C major")
    assert Key.parse("C minor").parallel().fifths - Key.parse("C minor").fifths == 3


def test_transposed_chooses_the_smaller_signature():
    assert Key.parse("C major").transposed(1) == Key.parse("Db major")
    assert Key.parse("C major").transposed(7) == Key.parse("G major")
    assert Key.parse("A minor").transposed(1) == Key.parse("Bb minor")


# --- Roman numerals ---------------------------------------------------------------------

@pytest.mark.parametrize("numeral, expected", [
    ("I", ["C", "E", "G"]), ("ii", ["D", "F", "A"]), ("iii", ["E", "G", "B"]), ("IV", ["F", "A", "C"]),
    ("V", ["G", "B", "D"]), ("vi", ["A", "C", "E"]), ("vii°", ["B", "D", "F"]), ("viio", ["B", "D", "F"]),
    ("ii7", ["D", "F", "A", "C"]), ("V7", ["G", "B", "D", "F"]), ("Imaj7", ["C", "E", "G", "B"]),
    ("viiø7", ["B", "D", "F", "A"]), ("V/V", ["D", "F#", "A"]), ("V7/V", ["D", "F#", "A", "C"]),
    ("V7/IV", ["C", "E", "G", "A#"]), ("V/vi", ["E", "G#", "B"]), ("vii°7/V", ["F#", "A", "C", "D#"]),
    ("bVII", ["A#", "D", "F"]), ("bVI", ["G#", "C", "D#"]), ("bII6", ["C#", "F", "G#"]), ("III+", ["E", "G#", "C"]),
])
def test_roman_numerals_in_c_major(numeral, expected):
    assert names(Key.parse("C major").chord(numeral)) == expected


def test_roman_numeral_qualities_and_spelling_in_c_major():
    c = Key.parse("C major")
    assert c.chord("ii7").symbol == "Dm7"
    assert c.chord("V7").symbol == "G7"
    assert c.chord("V/V").symbol == "D"
    assert c.chord("V7/IV").symbol == "C7"
    assert c.chord("bVII").symbol == "Bb"
    assert c.chord("vii°").quality == "dim"


@pytest.mark.parametrize("numeral, symbol", [
    ("i", "Am"), ("ii°", "Bdim"), ("III", "C"), ("iv", "Dm"), ("v", "Em"), ("V", "E"), ("V7", "E7"),
    ("VI", "F"), ("VII", "G"), ("vii°", "G#dim"), ("vii°7", "G#dim7"), ("iiø7", "Bm7b5"), ("V/III", "G"),
])
def test_roman_numerals_in_a_minor(numeral, symbol):
    assert Key.parse("A minor").chord(numeral).symbol == symbol


def test_sharp_on_the_leading_tone_chord_in_minor_is_cautionary():
    a = Key.parse("A minor")
    assert a.chord("#vii°7") == a.chord("vii°7")
    assert a.chord("#vii°7").symbol == "G#dim7"
    assert a.chord("bvii").symbol == "Gm"
    assert a.roman(parse_chord_symbol("Gm")) == "bvii"


def test_dominant_in_minor_has_the_raised_leading_tone():
    v = Key.parse("A minor").chord("V")
    assert pcs("G#") <= set(v.pitch_classes_cents)
    assert not pcs("G") & set(v.pitch_classes_cents)
    assert Key.parse("C minor").chord("V7").symbol == "G7"
    assert Key.parse("C minor").chord("vii°7").symbol == "Bdim7"


@pytest.mark.parametrize("numeral, bass", [
    ("I", "C"), ("I6", "E"), ("I64", "G"), ("V65", "B"), ("V6/5", "B"), ("V43", "D"), ("V42", "F"),
    ("ii42", "C"), ("ii65", "F"), ("IV6", "A"), ("vii°6", "D"),
])
def test_inversions_in_c_major(numeral, bass):
    chord = Key.parse("C major").chord(numeral)
    assert chord.bass_pc_cents == parse_spelling(bass)[0].semitones * 100.0
    if chord.bass is not None:
        assert str(chord.bass) == bass


def test_inversion_keeps_the_root_and_spells_the_bass():
    v65 = Key.parse("A minor").chord("V65")
    assert str(v65.root) == "E" and str(v65.bass) == "G#"
    assert v65.symbol == "E7/G#"
    assert Key.parse("Eb major").chord("I6").symbol == "Eb/G"


@pytest.mark.parametrize("bad", ["VIII", "X", "I/", "Vsus", ""])
def test_bad_numerals_raise_parse_error(bad):
    with pytest.raises(ParseError):
        Key.parse("C major").chord(bad)


MAJOR_NUMERALS = ["I", "ii", "iii", "IV", "V", "vi", "vii°",
                  "Imaj7", "ii7", "iii7", "IVmaj7", "V7", "vi7", "viiø7",
                  "I6", "I64", "V65", "V43", "V42", "ii65", "ii42", "viiø65"]
MINOR_NUMERALS = ["i", "ii°", "III", "iv", "v", "V", "VI", "VII", "vii°",
                  "i7", "iiø7", "IIImaj7", "iv7", "v7", "V7", "VImaj7", "VII7", "vii°7",
                  "i6", "i64", "V65", "V43", "V42", "vii°65", "vii°42", "iv6"]
MAJOR_TONICS = ["Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#"]
MINOR_TONICS = ["Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#"]


@settings(max_examples=60, deadline=None)
@given(st.one_of(
    st.tuples(st.sampled_from(MAJOR_TONICS), st.just("major")),
    st.tuples(st.sampled_from(MINOR_TONICS), st.just("minor")),
))
def test_roman_inverts_chord(tonic_mode):
    tonic, mode = tonic_mode
    key = Key.parse(f"{tonic} {mode}")
    for numeral in MAJOR_NUMERALS if mode == "major" else MINOR_NUMERALS:
        chord = key.chord(numeral)
        assert key.roman(chord) == numeral, (str(key), numeral, chord.symbol)
        assert key.chord(key.roman(chord)) == chord


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(MAJOR_TONICS))
def test_diatonic_chords_use_only_scale_tones(tonic):
    key = Key.parse(f"{tonic} major")
    scale = {round(key.degree_cents(d)) for d in range(7)}
    for numeral in MAJOR_NUMERALS:
        chord = key.chord(numeral)
        assert {round(c) for c in chord.pitch_classes_cents} <= scale, numeral
        # every root is spelled with the key's own letter for that degree
        degree = ["I", "II", "III", "IV", "V", "VI", "VII"].index(re.match(r"[IViv]+", numeral).group().upper())
        assert chord.root == key.degree_spelling(degree)


def test_roman_of_chord_symbols():
    c = Key.parse("C major")
    assert c.roman(parse_chord_symbol("G7")) == "V7"
    assert c.roman(parse_chord_symbol("Dm7")) == "ii7"
    assert c.roman(parse_chord_symbol("Bb")) == "bVII"
    assert c.roman(parse_chord_symbol("Ab")) == "bVI"
    assert c.roman(parse_chord_symbol("C/E")) == "I6"
    assert c.roman(parse_chord_symbol("G7/B")) == "V65"
    a = Key.parse("A minor")
    assert a.roman(parse_chord_symbol("E")) == "V"
    assert a.roman(parse_chord_symbol("G#dim7")) == "vii°7"
    assert a.roman(parse_chord_symbol("G")) == "VII"
    assert a.roman(parse_chord_symbol("F#m")) == "#vi"


# --- chord symbols ----------------------------------------------------------------------

@pytest.mark.parametrize("symbol, expected, quality", [
    ("C", ["C", "E", "G"], "maj"),
    ("Am", ["A", "C", "E"], "min"),
    ("Dm7", ["D", "F", "A", "C"], "min7"),
    ("G7", ["G", "B", "D", "F"], "dom7"),
    ("Bbmaj7", ["A#", "D", "F", "A"], "maj7"),
    ("F#m7b5", ["F#", "A", "C", "E"], "hdim7"),
    ("Cdim7", ["C", "D#", "F#", "A"], "dim7"),
    ("Cdim", ["C", "D#", "F#"], "dim"),
    ("Caug", ["C", "E", "G#"], "aug"),
    ("C+", ["C", "E", "G#"], "aug"),
    ("Csus4", ["C", "F", "G"], "sus4"),
    ("C6", ["C", "E", "G", "A"], "maj6"),
    ("Ebm", ["D#", "F#", "A#"], "min"),
    ("C/E", ["C", "E", "G"], "maj"),
])
def test_chord_symbols(symbol, expected, quality):
    chord = parse_chord_symbol(symbol)
    assert names(chord) == expected
    assert chord.quality == quality


def test_slash_chord_bass():
    chord = parse_chord_symbol("C/E")
    assert str(chord.root) == "C" and str(chord.bass) == "E"
    assert chord.bass_pc_cents == 400.0
    assert chord.symbol == "C/E"
    assert parse_chord_symbol("C").bass_pc_cents == 0.0


def test_symbol_round_trips():
    for text in ["C", "Am", "Dm7", "G7", "Bbmaj7", "F#m7b5", "Cdim7", "Caug", "C/E"]:
        assert parse_chord_symbol(parse_chord_symbol(text).symbol) == parse_chord_symbol(text)


def test_chord_tones():
    g7 = parse_chord_symbol("G7")
    assert g7.has_seventh and not parse_chord_symbol("G").has_seventh
    assert g7.tone_pc("root") == 700.0 and g7.tone_pc("third") == 1100.0
    assert g7.tone_pc("fifth") == 200.0 and g7.tone_pc("seventh") == 500.0
    assert parse_chord_symbol("G").tone_pc("seventh") == 700.0  # no seventh: the root
    assert g7.contains_pc(1100.0) and g7.contains_pc(6500.0) and not g7.contains_pc(0.0)
    with pytest.raises(ParseError, match="accepted"):
        g7.tone_pc("ninth")


def test_unknown_suffix_lists_accepted_suffixes():
    with pytest.raises(ParseError) as info:
        parse_chord_symbol("Cxyz")
    message = str(info.value)
    assert "'xyz'" in message and "accepted suffixes" in message
    for suffix in ("m7", "maj7", "dim", "m7b5", "7"):
        assert suffix in message


def test_unreadable_chord_symbol():
    with pytest.raises(ParseError, match="accepted"):
        parse_chord_symbol("H7")


def test_a_chord_tone_is_spelled_as_its_chord_spells_it():
    from theory import Key, parse_chord_symbol

    c_major, f_major = Key.parse("C major"), Key.parse("F major")
    assert c_major.spell(10).name == "A#" and c_major.spell(10, parse_chord_symbol("C7")).name == "Bb"
    assert f_major.spell(6).name == "Gb" and f_major.spell(6, parse_chord_symbol("D")).name == "F#"
    assert c_major.spell(6, parse_chord_symbol("D7")).name == "F#"          # V7/V: its own key's leading tone
    assert c_major.spell(8, parse_chord_symbol("E7")).name == "G#"          # V7/vi
    assert Key.parse("Ab minor").spell(11).name == "Cb"                     # the third of A-flat minor
    assert c_major.pitch_name(7100.0 - 1200.0, parse_chord_symbol("G")) == "B3"
    assert Key.parse("Ab minor").pitch_name(7100.0) == "Cb5"
