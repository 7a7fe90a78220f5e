"""`partita evaluate` and composer.evaluate: a composed piece measured from its MIDI and MusicXML files
against the spec they carry, a file without a spec, the CLI's JSON and exit codes, the comparison with
a reference corpus (the fixture corpus, in a temporary cache), quarter tones, and provenance.
"""
from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from composer.analysis.metrics import DURATION_LABELS
from composer.compose import compose
from composer.evaluate import EvaluateError, evaluate_files, evaluate_piece
from composer.formats.provenance import MIDI_PREFIX, parse_provenance, provenance_text
from composer.formats.read import read_piece
from composer.formats.write import write_piece
from composer.piece import Instrument, KeyChange, Note, Part, Piece
from theory import Key, Meter, Pitch

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "corpus"
MINI = FIXTURE_DIR / "mini.yaml"
MINUET = ROOT / "examples" / "minuet_in_g.yaml"
RAST = ROOT / "examples" / "maqam_rast_maqsum.yaml"
SEED = 1234                   # not the spec's own seed (7): the file must carry it for the plan to match
VIOLIN = Instrument("Violin", 40, Pitch.from_name("G3"), Pitch.from_name("E7"))
PLAN_METRICS = ("in_scale_rate", "strong_beat_chord_tone_ratio", "form", "repeat_similarity", "form_accuracy",
                "constraints", "constraint_satisfaction_rate")


@pytest.fixture(scope="module")
def minuet():
    return compose(MINUET, seed=SEED)


@pytest.fixture(scope="module")
def files(minuet, tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluate")
    out = {}
    for ext in ("mid", "musicxml"):
        out[ext] = folder / f"minuet.{ext}"
        minuet.write(out[ext])
    return out


def hand_piece(notes, meter="4/4", key="C major") -> Piece:
    """A piece built by hand: no spec, no plan, nothing to carry."""
    bars = int(-(-max(n.end for n in notes) // Meter.parse(meter).bar_quarters))
    return Piece("By hand", Meter.parse(meter), 100.0, bars, [Part("Violin", "melody", VIOLIN, list(notes))], [],
                 [KeyChange(F(0), Key.parse(key))])


def q(offset, duration, cents) -> Note:
    return Note(F(offset), F(duration), Pitch(float(cents)))


# --- a composed piece, from its files ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["mid", "musicxml"])
def test_a_file_partita_wrote_is_measured_against_its_spec(files, minuet, fmt):
    piece = evaluate_files([files[fmt]])["pieces"][0]
    assert piece["carries_spec"] is True and piece["spec_note"] is None
    assert piece["part"] == "melody" and piece["meter"] == "3/4" and piece["bars"] == minuet.bars
    assert piece["notes"] == len(minuet.part("melody").notes)
    m = piece["metrics"]
    kf = m["key_fidelity"]
    assert kf["applies"] is True and kf["spec_key"] == "G major"
    assert kf["spec_key_rank"] is not None and 1 <= kf["spec_key_rank"] <= 24
    assert m["form"]["labels"] == ["A", "B", "A"]               # rounded binary: A B A'
    assert m["form_accuracy"] is not None
    # Rebuilt from the carried spec and seed, the plan is the one the notes were written under:
    # every hard constraint holds (with a wrong seed the chords and cadences would not match).
    assert m["constraint_satisfaction_rate"] == 1.0 and m["constraints"]["violations"] == 0
    assert m["in_scale_rate"] == 1.0                           # a classical minuet in G keeps to G major


@pytest.mark.parametrize("fmt", ["mid", "musicxml"])
def test_the_file_measures_like_the_piece_in_memory(files, minuet, fmt):
    in_memory = evaluate_piece(minuet)["metrics"]
    from_file = evaluate_files([files[fmt]])["pieces"][0]["metrics"]
    assert from_file == in_memory


@pytest.mark.parametrize("fmt", ["mid", "musicxml"])
def test_an_additive_meter_is_taken_from_the_carried_plan(tmp_path, fmt):
    """Solea's 12/8 is grouped 3+3+2+2+2: its strong beats are not plain 12/8's. A file keeps only 12/8,
    so the strong beats must come from the plan the file carries, as in memory."""
    piece = compose(ROOT / "examples" / "flamenco_solea.yaml")
    assert piece.meter.grouping == (3, 3, 2, 2, 2)
    path = tmp_path / f"solea.{fmt}"
    piece.write(path)
    in_memory = evaluate_piece(piece)["metrics"]["strong_beat_chord_tone_ratio"]
    assert in_memory == 1.0                                    # the spec asks for chord tones on strong beats
    assert evaluate_files([path])["pieces"][0]["metrics"]["strong_beat_chord_tone_ratio"] == in_memory


def test_a_file_without_a_spec_gets_null_plan_metrics(files, tmp_path):
    read = read_piece(files["mid"])
    assert read.spec is None and "provenance" in read.settings
    bare = tmp_path / "bare.mid"
    write_piece(read, bare)                            # a piece that was read carries nothing when written
    assert "provenance" not in read_piece(bare).settings
    piece = evaluate_files([bare])["pieces"][0]
    assert piece["carries_spec"] is False
    assert "carries no partita spec" in piece["spec_note"]
    m = piece["metrics"]
    for key in PLAN_METRICS:
        assert m[key] is None, key
    assert m["key_fidelity"] == {"applies": False, "reason": piece["spec_note"]}
    # What needs no spec is still measured, and the same as with the spec.
    with_spec = evaluate_files([files["mid"]])["pieces"][0]["metrics"]
    for key in ("pitch_class_entropy", "pitch_range", "groove_consistency", "interval_histogram"):
        assert m[key] == with_spec[key], key


def test_a_hand_built_piece_by_hand_values(tmp_path):
    # C D E F | G G G G in 4/4 quarters: classes C D E F G, with G four times of eight notes.
    notes = [q(i, 1, 6000 + c) for i, c in enumerate([0, 200, 400, 500, 700, 700, 700, 700])]
    path = tmp_path / "hand.mid"
    hand_piece(notes).write(path)
    m = evaluate_files([path])["pieces"][0]["metrics"]
    assert m["pitch_classes_used"] == 5
    # -(4 * 1/8 log2 1/8 + 1/2 log2 1/2) = 1.5 + 0.5 = 2 bits
    assert m["pitch_class_entropy"] == pytest.approx(2.0)
    assert m["pitch_range"] == 7.0 and m["scale_consistency"] == 1.0 and m["empty_beat_rate"] == 0.0
    assert m["groove_consistency"] == 1.0                       # two bars of four quarters
    assert m["bar_repetition_rate"] == 0.0                      # the second bar is no transposition of the first
    assert m["duration_histogram"][DURATION_LABELS.index("1")] == 1.0   # every note a quarter


# --- quarter tones -----------------------------------------------------------------------------------------

def test_quarter_tones_are_their_own_pitch_classes_after_musicxml(tmp_path):
    # C, E half-flat, E, Eb: four classes (a 12-semitone view would merge E half-flat with one of them).
    notes = [q(i, 1, c) for i, c in enumerate([6000, 6350, 6400, 6300])]
    path = tmp_path / "micro.musicxml"
    hand_piece(notes).write(path)
    m = evaluate_files([path])["pieces"][0]["metrics"]
    assert m["pitch_classes_used"] == 4
    assert m["pitch_class_entropy"] == pytest.approx(2.0)       # four classes once each
    assert m["pitch_range"] == 4.0                              # C4 to E4


def test_maqam_rast_keeps_its_neutral_third(tmp_path):
    piece = compose(RAST)
    melody = piece.part("melody")
    classes = {round(n.pitch.cents) % 1200 for n in melody.notes}
    assert 350 in classes                                       # E half-flat, rast's third
    path = tmp_path / "rast.musicxml"
    piece.write(path)
    report = evaluate_files([path])["pieces"][0]
    assert report["part"] == "melody" and report["carries_spec"] is True
    m = report["metrics"]
    assert m["pitch_classes_used"] == len(classes)
    assert m["pitch_class_entropy"] == evaluate_piece(piece)["metrics"]["pitch_class_entropy"]
    # Key analysis knows only major and minor: it says so rather than guessing a key for rast.
    assert m["key_fidelity"]["applies"] is False and "rast" in m["key_fidelity"]["reason"]
    assert m["constraint_satisfaction_rate"] == 1.0


# --- the CLI ------------------------------------------------------------------------------------------------

def test_cli_json(files, capsys):
    code, out, err = run_cli(capsys, "evaluate", files["mid"], files["musicxml"], "--json")
    assert code == 0, err
    report = json.loads(out)
    assert [p["file"] for p in report["pieces"]] == [str(files["mid"]), str(files["musicxml"])]
    first = report["pieces"][0]["metrics"]
    assert 0.0 < first["pitch_class_entropy"] <= 3.6            # at most log2(12) for 12 equal classes
    agg = report["aggregate"]
    assert agg["pitch_class_entropy"]["n"] == 2
    assert agg["pitch_class_entropy"]["mean"] == pytest.approx(first["pitch_class_entropy"])
    assert agg["pitch_class_entropy"]["sd"] == pytest.approx(0.0)   # the same piece twice
    assert agg["key_match_rate"]["n"] == 2
    assert "reference" not in report


def test_cli_text(files, capsys):
    code, out, _ = run_cli(capsys, "evaluate", files["mid"])
    assert code == 0
    assert out.startswith(f"{files['mid']}: ")
    assert "pitch class entropy:" in out and "constraint satisfaction rate: 1" in out
    assert "key: analysed" in out and "G major" in out


def test_cli_missing_file(tmp_path, capsys):
    code, out, err = run_cli(capsys, "evaluate", tmp_path / "nosuch.mid")
    assert code == 2 and out == ""
    assert "nosuch.mid" in err and "internal error" not in err


def test_cli_unknown_against_corpus(files, capsys):
    code, _, err = run_cli(capsys, "evaluate", files["mid"], "--against", "nosuch")
    assert code == 2 and "--against 'nosuch'" in err


def test_cli_reference_corpus(mini_corpus, files, capsys):
    code, out, err = run_cli(capsys, "evaluate", files["mid"], files["musicxml"], "--reference", MINI, "--json")
    assert code == 0, err
    ref = json.loads(out)["reference"]
    assert ref["corpus"] == "mini" and ref["tunes"] == len(mini_corpus) == 16
    features = ref["features"]
    assert {"pitch_class_entropy", "pitch_range", "interval_histogram", "ioi_histogram"} <= set(features)
    for name, f in features.items():
        assert f["overlap"] is not None, name
        assert 0.0 <= f["overlap"] <= 1.0, name
        assert f["kl_divergence"] >= 0.0, name
        assert f["inter_mean"] >= 0.0 and f["intra_reference_mean"] >= 0.0, name
    # The two files are one piece: nothing between them.
    assert features["pitch_range"]["intra_generated_mean"] == 0.0


def test_cli_unknown_reference_split(mini_corpus, files, capsys):
    code, _, err = run_cli(capsys, "evaluate", files["mid"], "--reference", f"{MINI}:nosplit", "--json")
    assert code == 2 and "nosplit" in err and "internal error" not in err


def test_reference_split(mini_corpus, files):
    train = [t for t in mini_corpus.tunes("train")]
    report = evaluate_files([files["mid"]], reference=f"{MINI}:train")
    assert report["reference"]["corpus"] == "mini:train" and report["reference"]["tunes"] == len(train)


# --- pieces the evaluator cannot measure -------------------------------------------------------------------

def test_a_percussion_only_file_is_refused(tmp_path):
    kick = Instrument("Drums", 0, Pitch.from_name("C2"), Pitch.from_name("C6"))
    piece = Piece("Drums", Meter.parse("4/4"), 100.0, 1,
                  [Part("Drums", "percussion", kick, [q(i, 1, 3600) for i in range(4)])], [],
                  [KeyChange(F(0), Key.parse("C major"))])
    path = tmp_path / "drums.mid"
    piece.write(path)
    with pytest.raises(EvaluateError, match="no pitched part"):
        evaluate_files([path])


# --- provenance ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["mid", "musicxml"])
def test_provenance_round_trip(files, minuet, fmt):
    carried = read_piece(files[fmt]).settings["provenance"]
    assert carried["seed"] == SEED == minuet.seed
    # The spec as written, its seed (if it names one) the one the piece was composed with.
    without_seed = lambda d: {k: v for k, v in d.items() if k != "seed"}  # noqa: E731
    assert without_seed(carried["spec"]) == without_seed(minuet.spec.raw)
    assert carried["spec"].get("seed", SEED) == SEED
    assert carried["settings"] == {"filler": "neural", "temperature": 1.0, "top_p": 0.95, "max_copied_run": 16}


def test_parse_provenance_never_raises():
    good = provenance_text(compose(MINUET))
    assert parse_provenance(MIDI_PREFIX + good)["seed"] == 7
    assert parse_provenance(good)["seed"] == 7
    assert parse_provenance(MIDI_PREFIX + good[:-5]) is None            # cut short
    assert parse_provenance('{"format": 99, "spec": {}}') is None        # a format this version does not read
    assert parse_provenance('{"format": 1, "spec": "x"}') is None        # spec not a mapping
    assert parse_provenance("[1, 2]") is None
    assert provenance_text(hand_piece([q(0, 1, 6000)])) is None          # nothing to carry


def test_a_damaged_provenance_only_costs_the_plan_metrics(files, tmp_path):
    text = files["musicxml"].read_text(encoding="utf-8")
    damaged = text.replace('partita-provenance">{"format":1,', 'partita-provenance">{"format":1 ', 1)  # no comma
    assert damaged != text
    path = tmp_path / "damaged.musicxml"
    path.write_text(damaged, encoding="utf-8")
    piece = evaluate_files([path])["pieces"][0]
    assert piece["carries_spec"] is False and piece["metrics"]["constraints"] is None
    assert piece["metrics"]["pitch_class_entropy"] is not None


def test_a_piece_with_simultaneous_percussion_strokes_evaluates_from_musicxml(tmp_path):
    piece = compose(ROOT / "examples" / "gamelan_lancaran_slendro.yaml")
    path = tmp_path / "lancaran.musicxml"
    piece.write(path)
    report = evaluate_files([path])["pieces"][0]
    assert report["carries_spec"] is True and report["metrics"]["constraint_satisfaction_rate"] == 1.0


def test_cli_html_report_draws_the_piece_beside_the_reference(mini_corpus, files, tmp_path, capsys):
    import re
    import xml.etree.ElementTree as ET

    page = tmp_path / "report.html"
    code, _, err = run_cli(capsys, "evaluate", files["mid"], "--reference", MINI, "--against", MINI,
                           "--html", page)
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    for svg in svgs:
        ET.fromstring(svg)                                          # every picture is well-formed SVG
    # One chart per histogram, the overlaps chart, and the copied run named.
    for chart in ("pitch_class_histogram", "interval_histogram", "duration_histogram", "ioi_histogram", "overlaps"):
        assert f'id="{chart}"' in html, chart
    assert 'id="copied-run"' in html
    interval = next(s for s in svgs if 'id="interval_histogram"' in s)
    assert interval.count("<rect") == 2 * 25                      # the piece's bar and the reference's, 25 bins
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "<script" not in html
    # An existing page is kept unless --force.
    code, _, err = run_cli(capsys, "evaluate", files["mid"], "--html", page)
    assert code == 2 and "--force" in err
    code, _, err = run_cli(capsys, "evaluate", files["mid"], "--html", page, "--force")
    assert code == 0, err
    assert 'id="overlaps"' not in page.read_text(encoding="utf-8")  # no reference this time


def test_html_escapes_what_the_files_say():
    from composer.analysis.evaluate_html import report_html

    title = "<script>alert(1)</script> & Sons"
    piece = hand_piece([Note(F(i), F(1), Pitch(6000.0 + 100 * (i % 5))) for i in range(8)])
    piece.title = title
    report = {"pieces": [evaluate_piece(piece, title)]}
    html = report_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_verbatim_corpus_tune_with_grace_notes_is_reported_copied_in_full(tmp_path):
    """An O'Neill tune with grace notes, written to MIDI by music21: --against finds the whole tune copied
    (the grace notes, written as notes of no length, once broke the run after 19 of its 84 notes)."""
    import copy
    import os

    import music21

    from composer.evaluate import evaluate_files

    abc = os.path.join(os.path.dirname(music21.__file__), "corpus", "oneills1850", "0001-0050.abc")
    tune = music21.converter.parse(abc, number=4)          # The Little Girl of my Heart
    assert any(n.duration.isGrace for n in tune.flatten().notes)
    line = music21.stream.Stream()
    for element in (tune.parts[0] if tune.parts else tune).flatten().notesAndRests:
        line.append(copy.deepcopy(element))
    path = tmp_path / "tune.mid"
    line.write("midi", fp=str(path))
    run = evaluate_files([str(path)], against="oneills1850")["pieces"][0]["originality"]
    assert run["tune"]["id"] == "oneills1850/0001-0050.abc#4"
    assert run["longest_copied_run"] == run["tune"]["notes"]


def test_a_midi_file_naming_a_local_file_as_its_pack_never_reveals_it(tmp_path, monkeypatch):
    """The provenance a MIDI file carries is data: a pack (or Scala file) it names by a path is not opened,
    and nothing of such a file reaches the report, in text, JSON or HTML."""
    import io

    import mido

    from composer.analysis.evaluate_html import report_html
    from composer.evaluate import text_report
    from composer.formats.midi import midi_bytes

    secret = tmp_path / "secret.yaml"
    secret.write_text("pack: private\ntitle: SECRET-CONTENT-4711\n", encoding="utf-8")
    piece = compose(str(ROOT / "examples" / "raga_yaman_teentaal.yaml"))
    mid = mido.MidiFile(file=io.BytesIO(midi_bytes(piece)))
    for track in mid.tracks:
        for msg in track:
            if msg.is_meta and msg.type == "text" and msg.text.startswith(MIDI_PREFIX):
                carried = json.loads(msg.text[len(MIDI_PREFIX):])
                carried["spec"]["scale"]["pack"] = secret.name        # beside the file, where evaluate runs
                msg.text = MIDI_PREFIX + json.dumps(carried)
    crafted = tmp_path / "crafted.mid"
    mid.save(crafted)
    monkeypatch.chdir(tmp_path)
    result = evaluate_files([str(crafted)])
    for text in (json.dumps(result), text_report(result), report_html(result)):
        assert "SECRET-CONTENT" not in text and "private" not in text
    assert "pack file" in result["pieces"][0]["spec_note"]
