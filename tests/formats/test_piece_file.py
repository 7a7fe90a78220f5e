"""Piece files (`<stem>.piece.json`): `Piece.save` / `Piece.load`, `piece_to_dict` / `piece_from_dict`,
the `piece` output format of `partita compose`, and `partita render PIECE.json`.

What a musician expects of a saved piece: open it again and every note is where it was (onset,
length, pitch to the cent, loudness, the syllable sung), the harmony and keys are the same, the score
and the MIDI written from it are the very same files, and the plan is there to explain and edit it.
A damaged or foreign file is refused with one line that names the file and the field.
"""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from composer import Piece, compose
from composer.edit.refill import RefillError
from composer.formats.midi import midi_bytes
from composer.formats.musicxml import musicxml_bytes
from composer.formats.piece_file import (
    PIECE_FORMAT,
    PIECE_FORMAT_VERSION,
    PieceFileError,
    load_piece,
    piece_from_dict,
    piece_to_dict,
    save_piece,
    stem_of,
)
from composer.score.errors import OutputExistsError

EXAMPLES = ROOT / "examples"

# (example, filler): every example the brief names, a few with the default (neural) filler.
ROUND_TRIP = [
    ("minuet_in_g", "neural"),
    ("aaba_song", "rules"),
    ("pop_verse_chorus", "rules"),
    ("raga_yaman_teentaal", "neural"),
    ("maqam_rast_maqsum", "rules"),          # quarter tones
    ("gamelan_lancaran_slendro", "rules"),   # measured tuning, stretched octave
    ("chinese_zhi_song", "neural"),          # heterophony: two melody parts
    ("dance_7_8", "rules"),                  # 7/8 as 2+2+3
    ("blues_in_f", "neural"),
]

STAR = {"title": "Star", "key": "C major", "form": "period",
        "parts": [{"role": "melody", "lyrics": "Twin-kle, twin-kle, lit-tle star / How I won-der what you are"},
                  {"role": "chords"}, {"role": "bass"}]}


@lru_cache(maxsize=None)
def composed(example: str, filler: str = "rules", seed: int | None = None) -> Piece:
    """A composed example, once per module (the tests never change it)."""
    return compose(EXAMPLES / f"{example}.yaml", filler=filler, seed=seed)


@lru_cache(maxsize=None)
def star() -> Piece:
    return compose(STAR, seed=2, filler="rules")


def note_rows(part) -> list[tuple]:
    return [(n.offset, n.duration, n.pitch.cents, n.velocity, n.lyric) for n in part.sorted_notes()]


def assert_same_piece(a: Piece, b: Piece) -> None:
    assert b.title == a.title
    assert b.meter == a.meter and str(b.meter) == str(a.meter)
    assert b.tempo_bpm == a.tempo_bpm
    assert b.bars == a.bars
    assert b.seed == a.seed
    assert [(p.name, p.role, p.instrument) for p in b.parts] == [(p.name, p.role, p.instrument) for p in a.parts]
    for pa, pb in zip(a.parts, b.parts):
        assert note_rows(pb) == note_rows(pa), f"part {pa.name}: the notes changed in the round trip"
    assert b.chords == a.chords
    assert [(c.chord.symbol, c.roman, c.function) for c in b.chords] == [(c.chord.symbol, c.roman, c.function)
                                                                         for c in a.chords]
    assert b.keys == a.keys
    assert b.settings == a.settings


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one error line, got {err!r}"
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines[0]


# --- round trip ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("example, filler", ROUND_TRIP)
def test_round_trip_keeps_every_note_and_renders_the_same_files(tmp_path, example, filler):
    piece = composed(example, filler)
    path = piece.save(tmp_path / f"{example}.piece.json")
    assert path == str(tmp_path / f"{example}.piece.json")
    loaded = Piece.load(path)
    assert_same_piece(piece, loaded)
    # The plan is back (the spec planned again), so the piece can be explained and edited.
    assert loaded.plan is not None and loaded.spec is not None
    assert "plan_mismatch" not in loaded.settings
    explained = loaded.explain()
    assert explained.startswith(piece.title) and "(no plan)" not in explained
    # Every line of the loaded piece's explanation is in the composed piece's (see also
    # test_explain_of_a_loaded_piece_keeps_the_fill_notes for what goes missing).
    original_lines = set(piece.explain().splitlines())
    assert [line for line in explained.splitlines() if line not in original_lines] == []
    assert [(s.name, s.start_bar, s.bars) for s in loaded.plan.sections] == \
        [(s.name, s.start_bar, s.bars) for s in piece.plan.sections]
    # The same files, byte for byte.
    assert midi_bytes(loaded) == midi_bytes(piece)
    assert musicxml_bytes(loaded) == musicxml_bytes(piece)
    # Saving again gives the same bytes, from the original and from the loaded piece.
    again = save_piece(piece, tmp_path / "again.piece.json")
    resaved = loaded.save(tmp_path / "resaved.piece.json")
    original_bytes = Path(path).read_bytes()
    assert Path(again).read_bytes() == original_bytes
    assert Path(resaved).read_bytes() == original_bytes


def test_microtonal_midi_by_mts_is_the_same_after_the_round_trip(tmp_path):
    for example in ("maqam_rast_maqsum", "gamelan_lancaran_slendro"):
        piece = composed(example)
        loaded = Piece.load(piece.save(tmp_path / f"{example}.piece.json"))
        assert midi_bytes(loaded, "mts") == midi_bytes(piece, "mts")
        # Quarter tones and the stretched slendro really are in the file, not rounded to 12-EDO.
        assert any(n.pitch.cents % 100 for n in loaded.part("melody").notes)


def test_lyrics_survive_the_round_trip(tmp_path):
    song = star()
    assert any(n.lyric for n in song.part("melody").notes)
    loaded = Piece.load(song.save(tmp_path / "star.piece.json"))
    assert_same_piece(song, loaded)
    sung = [n.lyric.text for n in loaded.part("melody").sorted_notes() if n.lyric]
    assert " ".join(sung).startswith("Twin kle, twin kle, lit tle star")
    assert musicxml_bytes(loaded) == musicxml_bytes(song)


def test_dict_round_trip_and_replan_switch():
    piece = composed("dance_7_8")
    data = piece_to_dict(piece)
    json.dumps(data)  # plain JSON values only
    assert data["format"] == PIECE_FORMAT
    assert data["versions"]["piece_format"] == PIECE_FORMAT_VERSION
    assert set(data["versions"]["models"]) == {"rhythm", "melody"}
    assert data["seed"] == piece.seed and data["spec"]["seed"] == piece.seed
    assert data["bars"] == piece.bars
    # Onsets and durations are exact fractions, written as text.
    assert all(isinstance(row[0], str) and isinstance(row[1], str) for p in data["parts"] for row in p["notes"])
    back = piece_from_dict(copy.deepcopy(data), "dance.piece.json")
    assert_same_piece(piece, back)
    assert back.plan is not None
    unplanned = piece_from_dict(copy.deepcopy(data), "dance.piece.json", replan=False)
    assert unplanned.plan is None and unplanned.spec is not None
    assert note_rows(unplanned.parts[0]) == note_rows(piece.parts[0])


def test_the_file_is_sorted_json_with_its_versions(tmp_path):
    piece = composed("blues_in_f", "neural")
    path = piece.save(tmp_path / "blues.piece.json")
    text = Path(path).read_text(encoding="utf-8")
    assert text.endswith("\n")
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["format"] == "partita-piece"
    assert data["settings"]["filler"] == "neural"
    assert "provenance" not in data["settings"] and "plan_mismatch" not in data["settings"]
    assert data["plan"]["sections"][0]["start_bar"] == 1     # bar numbers of the piece, from 1


def test_seed_override_is_what_the_file_records(tmp_path):
    piece = composed("minuet_in_g", "rules", 11)
    loaded = Piece.load(piece.save(tmp_path / "m.piece.json"))
    assert loaded.seed == 11 and loaded.spec.seed == 11
    assert loaded.plan is not None
    assert midi_bytes(loaded) == midi_bytes(piece)


def test_save_refuses_to_overwrite_without_force(tmp_path):
    piece = composed("blues_in_f")
    other = composed("dance_7_8")
    path = piece.save(tmp_path / "x.piece.json")
    before = Path(path).read_bytes()
    with pytest.raises(OutputExistsError):
        other.save(path)
    assert Path(path).read_bytes() == before
    other.save(path, force=True)
    assert Piece.load(path).title == other.title
    assert [p.name for p in tmp_path.iterdir()] == ["x.piece.json"]   # no temporary file left behind


def test_write_by_extension_writes_a_piece_file(tmp_path):
    piece = composed("blues_in_f")
    written = piece.write(tmp_path / "b.piece.json")
    assert Path(written).read_bytes() == Path(piece.save(tmp_path / "c.piece.json")).read_bytes()


def test_stem_of():
    assert stem_of("out/jig.piece.json") == "jig"
    assert stem_of(Path("a/b/minuet_in_g.piece.json")) == "minuet_in_g"
    assert stem_of("my.song.piece.json") == "my.song"
    assert stem_of("plain.json") == "plain"
    assert stem_of("noext") == "noext"


# --- the command line ---------------------------------------------------------------------------------

@pytest.mark.parametrize("example, filler, seed", [
    ("minuet_in_g", "rules", 3),
    ("maqam_rast_maqsum", "neural", None),
    ("gamelan_lancaran_slendro", "rules", 5),
])
def test_render_of_a_piece_file_gives_the_files_compose_wrote(capsys, tmp_path, example, filler, seed):
    spec = EXAMPLES / f"{example}.yaml"
    first, second = tmp_path / "composed", tmp_path / "rendered"
    extra = ["--seed", seed] if seed is not None else []
    code, out, err = run_cli(capsys, "compose", spec, "-o", first, "--formats", "mid,musicxml,piece",
                             "--filler", filler, *extra)
    assert code == 0, err
    piece_file = first / f"{example}.piece.json"
    assert out.split() == [str(first / f"{example}.mid"), str(first / f"{example}.musicxml"), str(piece_file)]
    code, out, err = run_cli(capsys, "render", piece_file, "-o", second)
    assert (code, err) == (0, "")
    assert out.split() == [str(second / f"{example}.mid"), str(second / f"{example}.musicxml")]
    for ext in (".mid", ".musicxml"):
        assert (second / f"{example}{ext}").read_bytes() == (first / f"{example}{ext}").read_bytes(), ext
    # Rendering the piece format again reproduces the file itself.
    code, out, err = run_cli(capsys, "render", piece_file, "-o", second, "--formats", "piece")
    assert (code, err) == (0, "")
    assert (second / f"{example}.piece.json").read_bytes() == piece_file.read_bytes()


def test_render_refuses_existing_outputs_without_force(capsys, tmp_path):
    path = composed("blues_in_f").save(tmp_path / "blues.piece.json")
    out_dir = tmp_path / "out"
    assert run_cli(capsys, "render", path, "-o", out_dir, "--formats", "mid")[0] == 0
    before = (out_dir / "blues.mid").read_bytes()
    code, out, err = run_cli(capsys, "render", path, "-o", out_dir, "--formats", "mid")
    assert code == 2 and out == ""
    assert "blues.mid" in one_error_line(err) and "--force" in err
    code, out, err = run_cli(capsys, "render", path, "-o", out_dir, "--formats", "mid", "--force")
    assert (code, err) == (0, "") and (out_dir / "blues.mid").read_bytes() == before


# --- bad piece files ------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _good_dict_text() -> str:
    return json.dumps(piece_to_dict(composed("minuet_in_g")))


def good_dict() -> dict:
    return json.loads(_good_dict_text())


def _set(path, value):
    def mutate(d):
        target = d
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = value
    return mutate


def _del(path):
    def mutate(d):
        target = d
        for k in path[:-1]:
            target = target[k]
        del target[path[-1]]
    return mutate


# (id, mutation, text the one line must contain besides the file name)
BAD = [
    ("another format", _set(["format"], "musicxml"), "format"),
    ("newer version", _set(["versions", "piece_format"], PIECE_FORMAT_VERSION + 1), "versions.piece_format"),
    ("version not a number", _set(["versions", "piece_format"], "1"), "versions.piece_format"),
    ("missing meter", _del(["meter"]), "'meter'"),
    ("missing parts", _del(["parts"]), "'parts'"),
    ("missing keys", _del(["keys"]), "'keys'"),
    ("missing versions", _del(["versions"]), "'versions'"),
    ("missing notes", _del(["parts", 0, "notes"]), "parts[0].notes"),
    ("bad fraction", _set(["parts", 0, "notes", 3, 0], "1/0"), "parts[0].notes[3][0]"),
    ("not a fraction", _set(["parts", 0, "notes", 3, 1], "half"), "parts[0].notes[3][1]"),
    ("negative duration", _set(["parts", 0, "notes", 3, 1], "-1/2"), "parts[0].notes[3]"),
    ("zero duration", _set(["parts", 0, "notes", 3, 1], "0"), "parts[0].notes[3]"),
    ("velocity 300", _set(["parts", 0, "notes", 3, 3], 300), "parts[0].notes[3][3]"),
    ("velocity a bool", _set(["parts", 0, "notes", 3, 3], True), "parts[0].notes[3][3]"),
    ("cents a bool", _set(["parts", 0, "notes", 3, 2], False), "parts[0].notes[3][2]"),
    ("cents a string", _set(["parts", 0, "notes", 3, 2], "6700"), "parts[0].notes[3][2]"),
    ("short row", _set(["parts", 0, "notes", 3], ["0", "1"]), "parts[0].notes[3]"),
    ("lyric not a mapping", lambda d: d["parts"][0]["notes"][3].append("la"), "parts[0].notes[3][4]"),
    ("tempo a word", _set(["tempo_bpm"], "fast"), "tempo_bpm"),
    # Bounded work: a number read before Fraction builds it, a title as long as a spec's, the note limit.
    ("fifty million digits", _set(["parts", 0, "notes", 3, 1], "1e-50000000"), "parts[0].notes[3][1]"),
    ("a 50-digit numerator", _set(["parts", 0, "notes", 3, 0], "1" * 50 + "/2"), "parts[0].notes[3][0]"),
    ("a title of 300 characters", _set(["title"], "t" * 300), "title"),
    ("over the note limit", lambda d: d["parts"][0].__setitem__("notes", d["parts"][0]["notes"] * 4_000),
     "above the limit of 200000"),
    ("no keys", _set(["keys"], []), "keys"),
    ("bad tonic", _set(["keys", 0, "key", "tonic"], "H"), "keys[0].key.tonic"),
    ("bad chord root", _set(["chords", 0, "chord", "root"], "Q"), "chords[0].chord.root"),
    ("spec a list", _set(["spec"], [1, 2]), "spec"),
]


@pytest.mark.parametrize("mutate, field", [(m, f) for _, m, f in BAD], ids=[i for i, _, _ in BAD])
def test_bad_piece_file_is_one_line_naming_file_and_field(capsys, tmp_path, mutate, field):
    data = good_dict()
    mutate(data)
    path = tmp_path / "bad.piece.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PieceFileError) as info:
        load_piece(path)
    message = str(info.value)
    assert str(path) in message and field in message and "\n" not in message
    code, out, err = run_cli(capsys, "render", path, "-o", tmp_path / "out")
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert str(path) in line and field in line
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_not_json_and_not_a_piece_file(capsys, tmp_path):
    cases = {"garbage.piece.json": "{not json", "list.piece.json": "[1, 2, 3]", "spec.piece.json": "title: x\n",
             "number.piece.json": "42"}
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(PieceFileError, match="piece file|JSON"):
            Piece.load(path)
        code, out, err = run_cli(capsys, "render", path, "-o", tmp_path / "out")
        assert code == 2 and out == "" and str(path) in one_error_line(err), name
    binary = tmp_path / "binary.piece.json"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(PieceFileError, match="binary.piece.json"):
        load_piece(binary)
    missing = tmp_path / "nowhere.piece.json"
    with pytest.raises(PieceFileError, match="nowhere.piece.json"):
        load_piece(missing)
    code, out, err = run_cli(capsys, "render", missing, "-o", tmp_path / "out")
    assert code == 2 and "nowhere.piece.json" in one_error_line(err)


def test_a_piece_file_without_spec_renders_but_cannot_be_refilled(capsys, tmp_path):
    data = good_dict()
    data["spec"] = None
    path = tmp_path / "nospec.piece.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    piece = Piece.load(path)
    assert piece.plan is None and piece.spec is None
    assert note_rows(piece.parts[0]) == note_rows(composed("minuet_in_g").parts[0])
    assert midi_bytes(piece)  # renders from the notes alone
    with pytest.raises(RefillError, match="spec"):
        piece.refill("B")
    code, out, err = run_cli(capsys, "refill", path, "--section", "B", "-o", tmp_path / "out")
    assert code == 2 and out == "" and "spec" in one_error_line(err)


@pytest.mark.parametrize("edit", ["tempo", "sections", "key"])
def test_an_edited_spec_loads_and_renders_but_refill_says_the_plan_differs(capsys, tmp_path, edit):
    original = composed("minuet_in_g")
    data = good_dict()
    if edit == "tempo":
        data["spec"]["tempo"] = 60
    elif edit == "sections":
        data["spec"].pop("form", None)
        data["spec"]["sections"] = [{"name": "A", "bars": 8}, {"name": "B", "bars": 8}]
    else:
        data["spec"]["key"] = "D major"
    path = tmp_path / "edited.piece.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    piece = Piece.load(path)
    assert piece.plan is None
    assert "plan" in piece.settings["plan_mismatch"]
    for a, b in zip(original.parts, piece.parts):
        assert note_rows(b) == note_rows(a)
    code, out, err = run_cli(capsys, "render", path, "-o", tmp_path / "out")
    assert (code, err) == (0, "")
    assert len(out.split()) == 2
    with pytest.raises(RefillError) as info:
        piece.refill("B")
    message = str(info.value)
    assert "plan" in message and "differ" in message and "\n" not in message
    code, out, err = run_cli(capsys, "refill", path, "--section", "B", "-o", tmp_path / "refilled")
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert "plan" in line and "differ" in line


def test_chords_edited_in_the_file_are_a_plan_mismatch(tmp_path):
    data = good_dict()
    data["chords"][0]["roman"] = "V" if data["chords"][0]["roman"] != "V" else "IV"
    path = tmp_path / "chords.piece.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    piece = Piece.load(path)
    assert piece.plan is None and "chords" in piece.settings["plan_mismatch"]
    with pytest.raises(RefillError, match="chords"):
        piece.refill("B")


# --- found while testing: these fail on the commit under test --------------------------------------------

def test_explain_of_a_loaded_piece_keeps_the_fill_notes(tmp_path):
    # compose's fill step adds notes to the plan's phrases (here: "melody: motif returns: 12 of 12 notes as
    # planned ..."); the loaded piece's plan is planned again from the spec and loses them, so `explain()`
    # of the saved piece says less than `explain()` of the piece that was saved.
    piece = composed("aaba_song", "rules")
    assert "melody: motif returns" in piece.explain()
    loaded = Piece.load(piece.save(tmp_path / "aaba.piece.json"))
    assert loaded.explain() == piece.explain()


# Malformed fields outside the note rows: each should be a PieceFileError naming the field (CLI: exit 2,
# one line), never an AttributeError/ValueError/TypeError (CLI: "internal error", exit 1).
MALFORMED = [
    ("key entry a string", _set(["keys"], ["G major"]), "keys[0]"),
    ("chord entry a string", _set(["chords"], ["I"]), "chords[0]"),
    ("chord interval a word", _set(["chords", 0, "chord", "intervals"], ["third"]), "chords[0].chord.intervals"),
    ("plan a string", _set(["plan"], "rounded binary"), "plan"),
    ("seed a word", _set(["seed"], "seven"), "seed"),
    ("settings a list", _set(["settings"], [1, 2]), "settings"),
    ("program a word", _set(["parts", 0, "instrument", "program"], "violin"), "parts[0].instrument"),
    ("cents NaN", _set(["parts", 0, "notes", 3, 2], float("nan")), "parts[0].notes[3][2]"),
    ("tempo zero", _set(["tempo_bpm"], 0), "tempo_bpm"),
]


@pytest.mark.parametrize("mutate, field", [(m, f) for _, m, f in MALFORMED], ids=[i for i, _, _ in MALFORMED])
def test_malformed_fields_are_piece_file_errors_not_internal_errors(capsys, tmp_path, mutate, field):
    data = good_dict()
    mutate(data)
    path = tmp_path / "bad.piece.json"
    path.write_text(json.dumps(data), encoding="utf-8")   # NaN is written as NaN, which json.loads reads
    code, out, err = run_cli(capsys, "render", path, "-o", tmp_path / "out")
    assert code == 2, f"exit {code}: {err.strip()}"
    line = one_error_line(err)
    assert str(path) in line and field in line
    with pytest.raises(PieceFileError):
        load_piece(path)


SCALA = "! ratios.scl\nA slendro in just ratios\n 5\n!\n 8/7\n 21/16\n 3/2\n 12/7\n 2/1\n"
SCALA_SPEC = ("title: Ratios\nscale: {pack: gamelan, mode: slendro_nem, tonic: D, tuning: ratios.scl}\n"
              "cycle: lancaran\nsections: [{name: A, cycles: 2}]\n")


def test_pitches_of_a_scala_tuning_in_ratios_survive_the_round_trip(tmp_path):
    # Pitches in cents from ratios (3/2 = 701.955001 cents) are written rounded to 4 decimals, so the
    # loaded notes are not the notes saved, and the MusicXML <alter> differs (0.0196 vs 0.0195).
    (tmp_path / "ratios.scl").write_text(SCALA, encoding="utf-8")
    (tmp_path / "ratios.yaml").write_text(SCALA_SPEC, encoding="utf-8")
    piece = compose(tmp_path / "ratios.yaml", seed=2, filler="rules")
    loaded = Piece.load(piece.save(tmp_path / "ratios.piece.json"))
    assert [n.pitch.cents for n in loaded.parts[0].sorted_notes()] == \
        [n.pitch.cents for n in piece.parts[0].sorted_notes()]
    assert musicxml_bytes(loaded) == musicxml_bytes(piece)


def test_render_needs_nothing_but_the_piece_file(capsys, tmp_path):
    # piece_file's docstring: "`render` needs nothing but the file". A piece in a user's .scl tuning
    # cannot be rendered once the .scl file is gone (moved, another machine): the key records the path only.
    (tmp_path / "ratios.scl").write_text(SCALA, encoding="utf-8")
    (tmp_path / "ratios.yaml").write_text(SCALA_SPEC, encoding="utf-8")
    piece = compose(tmp_path / "ratios.yaml", seed=2, filler="rules")
    path = piece.save(tmp_path / "ratios.piece.json")
    expected = midi_bytes(piece)
    (tmp_path / "ratios.scl").unlink()
    code, out, err = run_cli(capsys, "render", path, "-o", tmp_path / "out", "--formats", "mid")
    assert (code, err) == (0, "")
    assert (tmp_path / "out" / "ratios.mid").read_bytes() == expected


def test_a_carried_scala_file_is_kept_in_memory_and_a_piece_saved_again_still_renders(tmp_path, monkeypatch):
    # The Scala text a piece file carries is read from the file, never from the path it names, and none of
    # it goes to partita's cache (which keeps parsed YAML); a piece saved again from a loaded one carries
    # the same text.
    monkeypatch.setenv("PARTITA_CACHE", str(tmp_path / "cache"))
    (tmp_path / "ratios.scl").write_text(SCALA, encoding="utf-8")
    (tmp_path / "ratios.yaml").write_text(SCALA_SPEC, encoding="utf-8")
    piece = compose(tmp_path / "ratios.yaml", seed=2, filler="rules")
    first = piece.save(tmp_path / "first.piece.json")
    (tmp_path / "ratios.scl").write_text(SCALA.replace("8/7", "9/8"), encoding="utf-8")   # changed since
    loaded = Piece.load(first)
    again = Piece.load(loaded.save(tmp_path / "again.piece.json"))
    assert midi_bytes(again) == midi_bytes(loaded) == midi_bytes(piece)
    assert str(loaded.keys[0].key) == str(piece.keys[0].key)          # named by the file name, as before
    cached = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert not [p for p in cached if b"slendro in just ratios" in p.read_bytes() or p.suffix == ".scl"]
