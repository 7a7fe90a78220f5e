"""`partita exercise`: every kind of exercise comes with a model answer that passes the exercise's own
rule set, graded as a student's answer is (`partita check --rules SET --key KEY`, no provenance); the
exercise hands out only its given voice; and a mistake planted in a copy of the answer is found at its
bar by its rule."""
from __future__ import annotations

import json
from fractions import Fraction

import pytest
from conftest import run_cli

from composer.analysis.check import analyse_score, check
from composer.analysis.check_input import _BarMap, _voices
from composer.exercises import KINDS, figures, four_part_exercise, make_exercise, write_exercise
from composer.score.errors import ComposerError

CASES = [(kind, key, seed) for kind in KINDS for key, seed in (("C major", 0), ("G minor", 1))]


@pytest.mark.parametrize("kind,key,seed", CASES, ids=[f"{k}-{key.split()[0]}{key.split()[1][:3]}-{s}" for k, key, s in CASES])
def test_the_model_answer_passes_its_rule_set(kind, key, seed, tmp_path):
    ex = make_exercise(kind, key, level=1, seed=seed, above=seed == 0)
    write_exercise(ex, tmp_path)
    report = check(tmp_path / "answer.musicxml", key=str(ex.key), rules=ex.rules)
    assert report.errors == 0, [str(f) for f in report.findings if f.severity == "error"]
    given = {v.part_name for v in _voices(ex.exercise)}
    expected = {"figured-bass": {"bass"}, "unfigured-bass": {"bass"}, "harmonise": {"soprano"}}.get(kind,
                                                                                                     {"cantus firmus"})
    assert given == expected          # the exercise hands out the given voice and nothing else
    assert not list(ex.exercise.recurse().getElementsByClass("ChordSymbol"))    # nor the chords
    info = json.loads((tmp_path / "exercise.json").read_text())
    assert info["rules"] == ex.rules and info["key"] == str(ex.key) and "--exercise" in info["grade"]
    graded = check(tmp_path / "answer.musicxml", exercise=tmp_path / "exercise.json")
    assert graded.errors == 0 and graded.rules == ex.rules and graded.key == str(ex.key)


def _plant_octaves(score):
    """Write the tenor an octave under the soprano on two beats where the soprano moves by step."""
    voices = {v.name: v for v in _voices(score)}
    s, t = voices["soprano"], voices["tenor"]
    for a, b in zip(s.notes, s.notes[1:]):
        ta, tb = t.at(a.onset), t.at(b.onset)
        if (a.end == b.onset and 0 < abs(b.cents - a.cents) <= 200 and ta and tb and ta.onset == a.onset
                and tb.onset == b.onset and ta.end == b.onset and a.onset == int(a.onset) and not a.fermata
                and tb.element.tie is None and ta.element.tie is None):
            for n, src in ((ta, a), (tb, b)):
                n.element.pitch.ps = (src.cents - 1200.0) / 100.0
            return b.onset
    raise AssertionError("no place to plant")


def _plant_dissonance(score):
    """Move the counterpoint's first note struck in bar 3 to a second above the cantus."""
    voices = {v.part_name: v for v in _voices(score)}
    cf, cp = voices["cantus firmus"], voices["counterpoint"]
    note = next(n for n in cp.notes if Fraction(8) <= n.onset < Fraction(12))
    note.element.pitch.ps = (cf.at(note.onset).cents + 200.0) / 100.0
    return note.onset


@pytest.mark.parametrize("kind", KINDS)
def test_a_mistake_planted_in_the_answer_is_found(kind):
    ex = make_exercise(kind, "D major", level=1, seed=2)
    score = ex.answer
    if kind.startswith("species"):
        t = _plant_dissonance(score)
        rule = "species-dissonance"
    else:
        t = _plant_octaves(score)
        rule = "parallel-octaves"
    report = analyse_score(score, key=str(ex.key), rules=ex.rules)
    errors = {(f.rule, f.bar) for f in report.findings if f.severity == "error"}
    assert (rule, _BarMap(score).locate(t)[0]) in errors, [str(f) for f in report.findings]


def test_figures_are_what_a_continuo_player_reads():
    ex = make_exercise("figured-bass", "A minor", seed=0)
    figs = [f for _t, f in four_part_exercise(ex.kind, ex.key, ex.level, ex.seed).figures]
    assert figs and set(figs) <= {"", "6", "6/4", "7", "6/5", "4/3", "4/2", "#", "7/#", "#6", "6/#4", "#6/5",
                                  "6/#", "6/4/#", "#6/4/3", "4/#2", "6/5/#", "b", "n", "7/n", "6/b"}, figs
    assert "#" in "".join(figs)          # the raised leading tone of minor is figured


def test_the_command_writes_the_files_and_says_how_to_grade(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "exercise", "species1", "--key", "F major", "-o", str(tmp_path / "ex"))
    assert code == 0
    assert (tmp_path / "ex" / "answer.musicxml").exists() and "--exercise" in out
    code, _, err = run_cli(capsys, "exercise", "species1", "-o", str(tmp_path / "ex"))
    assert code == 2 and "--force" in err
    code, out, _ = run_cli(capsys, "check", str(tmp_path / "ex" / "answer.musicxml"), "--exercise",
                           str(tmp_path / "ex" / "exercise.json"))
    assert code == 0 and "0 errors" in out and "rules species1" in out and "key F major" in out


def test_an_answer_that_changes_the_given_voice_is_marked(tmp_path):
    ex = make_exercise("figured-bass", "F major", seed=1)
    write_exercise(ex, tmp_path)
    score = ex.answer
    bass = next(v for v in _voices(score) if v.name == "bass")
    moved = bass.notes[3]
    moved.element.pitch.ps = moved.cents / 100.0 - 12            # the student moved a bass note down an octave
    student = tmp_path / "student.musicxml"
    score.write("musicxml", fp=str(student))
    report = check(student, exercise=tmp_path / "exercise.json")
    given = [f for f in report.findings if f.rule == "given-voice"]
    assert [(f.bar, f.beat, f.severity) for f in given] == [(1, 4.0, "error")], [str(f) for f in report.findings]


def test_bad_requests_name_what_is_accepted():
    with pytest.raises(ComposerError, match="accepted: figured-bass, unfigured-bass, harmonise, species1"):
        make_exercise("species9")
    with pytest.raises(ComposerError, match="major or minor"):
        make_exercise("species1", "D dorian")
    assert figures is not None
