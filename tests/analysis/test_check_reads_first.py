"""`partita check` reads before it judges, as a teacher does: the chromatic notes of an applied chord
are not errors, a diminished triad has no seventh, no rule of motion reaches across a fermata, a fifth
restated an octave away and a pianist's doubled octaves are not parallels, and each rule set keeps the
rules its textbook keeps."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from music21 import chord, expressions, key, meter, note, stream

from composer.analysis.annotate import annotate
from composer.analysis.check import analyse_score, rule_book
from composer.score.errors import ComposerError

SATB = ("Soprano", "Alto", "Tenor", "Bass")


def satb(chords: list[str], k: str = "C", fermata_after: int | None = None, ts: str = "4/4"):
    """Four parts, a quarter-note chord 'S A T B' on every beat."""
    score = stream.Score()
    for i, name in enumerate(SATB):
        part = stream.Part()
        part.partName = name
        part.append(key.Key(k))
        part.append(meter.TimeSignature(ts))
        for c, text in enumerate(chords):
            n = note.Note(text.split()[i], quarterLength=1)
            if fermata_after is not None and c == fermata_after:
                n.expressions.append(expressions.Fermata())
            part.append(n)
        measured = part.makeMeasures()
        measured.partName = name
        score.insert(0, measured)
    return score


def rules_found(score, **kw) -> set[str]:
    return {f.rule for f in analyse_score(score, **kw).findings}


def test_the_tones_of_an_applied_dominant_are_in_the_key():
    # I - V65/V - V - I: the F-sharp is the leading tone of G, not a wrong note in C major
    score = satb(["E5 G4 C4 C3", "D5 A4 C4 F#3", "D5 G4 B3 G3", "C5 G4 E4 C3"])
    report = analyse_score(score, rules="chorale")
    assert "out-of-scale" not in {f.rule for f in report.findings}, [str(f) for f in report.findings]
    assert any("V65/V" in line for line in report.analysis_lines), report.analysis_lines


def test_the_same_sharp_with_nothing_to_explain_it_is_an_error():
    # F-sharp struck against F natural: no chord has both
    score = satb(["E5 G4 C4 C3", "F5 A4 F#4 F3", "D5 G4 B3 G3", "C5 G4 E4 C3"])
    found = [f for f in analyse_score(score, rules="chorale").findings if f.rule == "out-of-scale"]
    assert [(f.bar, f.beat, f.voices) for f in found] == [(1, 2.0, ("tenor",))]


def test_a_diminished_triad_has_no_seventh_and_its_leading_tone_rises():
    # vii°6 - I6: B rises to C; nothing is a seventh
    score = satb(["B4 F4 D4 D3", "C5 E4 C4 E3", "D5 F4 B3 G3", "C5 E4 C4 C3"])
    found = rules_found(score, rules="chorale")
    assert not found & {"seventh", "leading-tone", "out-of-scale"}, found


def test_an_unresolved_seventh_is_still_marked():
    score = satb(["C5 E4 G3 C3", "C5 F4 A3 F3", "B4 F4 G3 G3", "C5 G4 E3 C3"])   # F of G7 rises to G
    found = [f for f in analyse_score(score, rules="chorale").findings if f.rule == "seventh"]
    assert [(f.bar, f.beat, f.voices) for f in found] == [(1, 3.0, ("alto",))]


def test_no_rule_of_motion_reaches_across_a_fermata():
    chords = ["E5 G4 C4 C3", "B4 G4 D4 G3", "G4 E4 C4 C3", "A4 F4 C4 D3"]   # G4/C3 -> A4/D3: fifths
    assert "parallel-fifths" in rules_found(satb(chords), rules="chorale")
    assert "parallel-fifths" not in rules_found(satb(chords, fermata_after=2), rules="chorale")


def test_a_fifth_restated_an_octave_away_is_not_parallel_fifths():
    found = rules_found(satb(["G4 E4 C4 C3", "G5 E4 C4 C4", "E5 G4 C4 C3", "D5 G4 B3 G3"]), rules="chorale")
    assert "restated-perfects" in found and "parallel-fifths" not in found, found


def _melody_and_piano():
    score = stream.Score()
    tune = stream.Part()
    tune.partName = "melody"
    piano = stream.Part()
    piano.partName = "piano"
    for p in (tune, piano):
        p.append(meter.TimeSignature("4/4"))
    for top, low in (("E5", ("C3", "C4")), ("F5", ("D3", "D4")), ("G5", ("E3", "E4")), ("E5", ("C3", "C4"))):
        tune.append(note.Note(top, quarterLength=1))
        piano.append(chord.Chord(list(low), quarterLength=1))
    for p in (tune, piano):
        measured = p.makeMeasures()
        measured.partName = p.partName
        score.insert(0, measured)
    return score


def test_a_pianists_doubled_bass_is_a_doubling_where_the_set_allows_it():
    free = analyse_score(_melody_and_piano(), rules="free").findings
    assert {f.rule for f in free if f.voices == ("piano 1", "piano 2")} == {"keyboard-doubling"}
    assert not [f for f in free if f.severity == "error"]
    strict = analyse_score(_melody_and_piano(), rules="strict").findings
    assert any(f.rule == "parallel-octaves" and f.severity == "error" for f in strict)


def test_rules_are_switched_by_name_and_bad_names_are_refused():
    chords = ["E5 G4 C4 C3", "B4 G4 D4 G3", "G4 E4 C4 C3", "A4 F4 C4 D3"]
    assert "parallel-fifths" not in rules_found(satb(chords), rules="chorale", disable=["parallel-fifths"])
    with pytest.raises(ComposerError, match="no such rule set.*chorale, strict"):
        rule_book("bach")
    with pytest.raises(ComposerError, match="--disable 'fifths'.*parallel-fifths"):
        rule_book("chorale", disable=["fifths"])
    assert rule_book("species1").species == 1 and rule_book("jazz").relaxes("parallel-fifths")


def test_four_voices_default_to_the_chorale_set_and_two_parts_of_one_name_are_told_apart():
    assert analyse_score(satb(["E5 G4 C4 C3", "D5 G4 B3 G3"])).rules == "chorale"
    score = stream.Score()
    for _ in range(2):
        p = stream.Part()
        p.partName = "Violin"
        p.append(note.Note("C5" if not score.parts else "C4", quarterLength=4))
        measured = p.makeMeasures()
        measured.partName = "Violin"
        score.insert(0, measured)
    voices = {v for f in analyse_score(score, key="C major").findings for v in f.voices}
    report = analyse_score(score, key="C major")
    assert report.rules == "free" and not voices - {"Violin (1)", "Violin (2)"}


def test_annotate_writes_each_finding_at_its_notes(tmp_path):
    chords = ["E5 G4 C4 C3", "B4 G4 D4 G3", "G4 E4 C4 C3", "A4 F4 C4 D3"]
    report = analyse_score(satb(chords), rules="chorale")
    out = tmp_path / "marked.musicxml"
    assert annotate(report, out) == len([f for f in report.findings if f.notes])
    root = ET.parse(out).getroot()
    red = [n for n in root.iter("note") if n.get("color", "").upper() == "#D00000"]
    words = [w.text for w in root.iter("words")]
    assert len(red) >= 4                     # the four notes of the parallel fifths
    assert any(w and w.startswith("parallel-fifths: parallel fifths (G4-C3 -> A4-D3)") for w in words), words
