"""`partita check`: each planted error in tests/exercises is found at its bar with its rule,
nothing else is reported as an error, clean exercises produce no findings, and the command
line answers with the documented exit codes and JSON shape."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import run_cli as run_partita

from composer.analysis.check import SEVERITY, Finding, check, check_file, check_score
from composer.cli.main import main

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
MANIFEST = yaml.safe_load((EXERCISES / "manifest.yaml").read_text(encoding="utf-8"))["exercises"]
PLANTED = [e for e in MANIFEST if e["expected"]]
CLEAN = [e for e in MANIFEST if not e["expected"]]


def _kw(entry: dict) -> dict:
    return {"key": entry.get("key"), "scale": entry.get("scale")}


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    return run_partita(capsys, "check", *argv)


def test_manifest_lists_every_exercise_and_enough_of_them():
    files = {p.name for p in EXERCISES.glob("*.musicxml")}
    listed = [e["file"] for e in MANIFEST]
    assert sorted(listed) == sorted(files)
    assert len(PLANTED) >= 12 and len(CLEAN) >= 4
    for e in PLANTED:
        assert 1 <= len(e["expected"]) <= 2
        assert all(x["rule"] in SEVERITY for x in e["expected"])


@pytest.mark.parametrize("entry", PLANTED, ids=[e["file"] for e in PLANTED])
def test_planted_errors_found_at_their_bars(entry):
    findings = check_file(EXERCISES / entry["file"], **_kw(entry))
    got = {(f.rule, f.bar) for f in findings}
    expected = {(x["rule"], x["bar"]) for x in entry["expected"]}
    allowed = expected | {(x["rule"], x["bar"]) for x in entry.get("allowed_warnings") or []}
    for rule, bar in sorted(expected):
        assert (rule, bar) in got, f"{entry['file']}: {rule} at bar {bar} not found; got {[str(f) for f in findings]}"
    extra_errors = [str(f) for f in findings if f.severity == "error" and (f.rule, f.bar) not in expected]
    assert not extra_errors, f"{entry['file']}: unexpected errors {extra_errors}"
    extra_warnings = [str(f) for f in findings if f.severity == "warning" and (f.rule, f.bar) not in allowed]
    assert not extra_warnings, f"{entry['file']}: unexpected warnings {extra_warnings}"
    for f in findings:
        assert f.severity == SEVERITY[f.rule]


@pytest.mark.parametrize("entry", CLEAN, ids=[e["file"] for e in CLEAN])
def test_clean_exercises_have_no_findings(entry):
    report = check(EXERCISES / entry["file"], **_kw(entry))
    assert report.findings == [], [str(f) for f in report.findings]
    if entry.get("detected_key"):
        assert report.key == entry["detected_key"]
        assert "key signature" in report.key_source


def test_finding_fields_and_order():
    findings = check_file(EXERCISES / "parallel_fifths.musicxml", key="C major")
    (f,) = findings
    assert isinstance(f, Finding)
    assert (f.rule, f.severity, f.bar, f.beat, f.voices) == ("parallel-fifths", "error", 2, 1.0, ("soprano", "bass"))
    assert "\n" not in f.message and "C5-F3 -> D5-G3" in f.message
    with pytest.raises(Exception):
        f.bar = 3  # frozen


def test_scale_report_names_the_tonic_and_tuning():
    report = check(EXERCISES / "clean_yaman.musicxml", scale="hindustani:yaman")
    assert report.key.startswith("C yaman") and "tonic from the final note" in report.key_source
    # An explicit tonic moves the mode: on D, C natural and F natural are out of Yaman.
    shifted = check(EXERCISES / "clean_yaman.musicxml", scale="hindustani:yaman:D")
    assert {f.rule for f in shifted.findings} >= {"out-of-scale"}


def _two_voice_score(upper: list[str], lower: list[str]):
    from music21 import meter, note, stream

    score = stream.Score()
    for name, line in (("Flute", upper), ("Cello", lower)):
        part = stream.Part()
        part.partName = name
        part.append(meter.TimeSignature("4/4"))
        for p in line:
            part.append(note.Note(p, quarterLength=1))
        score.insert(0, part)
    return score


def test_check_score_compound_and_contrary_fifths():
    # A twelfth to a fifth in similar motion is a parallel fifth; fifths in contrary motion are not.
    similar = check_score(_two_voice_score(["G5", "D5"], ["C4", "G3"]), key="C major")
    assert [(f.rule, f.bar, f.beat) for f in similar] == [("parallel-fifths", 1, 2.0)]
    contrary = check_score(_two_voice_score(["G4", "D5"], ["C4", "G3"]), key="C major")
    assert not [f for f in contrary if f.rule.startswith("parallel")]
    unisons = check_score(_two_voice_score(["C4", "D4"], ["C4", "D4"]), key="C major")
    assert [f.rule for f in unisons] == ["parallel-octaves"] and "unisons" in unisons[0].message


# --- the command line ---------------------------------------------------------------------------
def test_cli_errors_exit_1_with_one_line_per_finding(capsys):
    code, out, _ = run_cli(capsys, EXERCISES / "parallel_fifths.musicxml", "--key", "C major")
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0] == "bar 2 beat 1: error parallel-fifths: soprano-bass: parallel fifths (C5-F3 -> D5-G3)"
    assert re.search(r"1 error, 0 warnings \(key C major, given; rules chorale, four voices\)$", lines[-1])


def test_cli_clean_and_warnings_only_exit_0(capsys):
    code, out, _ = run_cli(capsys, EXERCISES / "clean_minor_i_iv_V_i.musicxml", "--key", "A minor")
    assert code == 0 and "0 errors, 0 warnings" in out
    code, out, _ = run_cli(capsys, EXERCISES / "hidden_fifths.musicxml")
    assert code == 0
    assert out.startswith("bar 2 beat 1: warning hidden-fifths: soprano-bass:")
    assert "key C major, from the key signature" in out


def test_cli_scale_findings_sorted(capsys):
    code, out, _ = run_cli(capsys, EXERCISES / "rast_descent_b_half_flat.musicxml", "--scale", "arabic:rast")
    assert code == 1
    assert out.splitlines()[0].startswith("bar 3 beat 1: error movement: Oud: falling step C5 -> B4-50c")


def test_cli_json_shape(capsys):
    code, out, _ = run_cli(capsys, EXERCISES / "unresolved_leading_tone.musicxml", "--key", "C major", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"file", "key", "findings", "errors", "warnings"} <= set(data)
    assert data["key"] == "C major" and data["errors"] == 0 and data["warnings"] == 1
    (f,) = data["findings"]
    assert set(f) == {"rule", "severity", "bar", "beat", "voices", "message"}
    got = (f["rule"], f["severity"], f["bar"], f["beat"], f["voices"])
    assert got == ("leading-tone", "warning", 2, 1.0, ["soprano"])
    code, out, _ = run_cli(capsys, EXERCISES / "out_of_range.musicxml", "--json")
    assert code == 1 and json.loads(out)["errors"] == 1


def test_cli_bad_input_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, tmp_path / "missing.musicxml")
    assert code == 2 and "no such file" in err and err.startswith("error:")
    text = tmp_path / "notes.txt"
    text.write_text("C D E F G\n", encoding="utf-8")
    code, _, err = run_cli(capsys, text)
    assert code == 2 and "not a MusicXML file" in err
    broken = tmp_path / "broken.musicxml"
    broken.write_text("<score-partwise><part id='P1'><measure", encoding="utf-8")
    code, _, err = run_cli(capsys, broken)
    assert code == 2 and "error:" in err
    code, _, err = run_cli(capsys, EXERCISES / "clean_rast.musicxml", "--key", "H major")
    assert code == 2 and "error:" in err
    code, _, err = run_cli(capsys, EXERCISES / "clean_rast.musicxml", "--scale", "arabic:nosuchmaqam")
    assert code == 2 and "error:" in err
    code, _, err = run_cli(capsys, EXERCISES / "clean_rast.musicxml", "--scale", "rast")
    assert code == 2 and "PACK:MODE" in err
    with pytest.raises(SystemExit) as exc:
        main(["check", str(EXERCISES / "clean_rast.musicxml"), "--key", "C major", "--scale", "arabic:rast"])
    assert exc.value.code == 2
