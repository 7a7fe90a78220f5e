"""Scale packs: every data file validates; the Western pack says what the textbooks say."""
from pathlib import Path

import pytest

from theory import DataFileError, Key, UnknownNameError, list_packs, load_pack, load_pack_file
from theory.datafile import read_yaml_file
from theory.pack import PACKS_DIR, SCHEMA_PATH
from theory.schema import load_schema, validate

PACK_FILES = sorted(PACKS_DIR.glob("*.yaml"))


def test_list_packs_includes_western():
    assert "western" in list_packs()
    assert list_packs() == sorted(list_packs())


def test_there_are_pack_files():
    assert PACK_FILES, f"no pack files under {PACKS_DIR}"
    assert not list(PACKS_DIR.glob("*.yml")), "pack files must end in .yaml"


@pytest.mark.parametrize("path", PACK_FILES, ids=lambda p: p.name)
def test_every_pack_file_validates_and_loads(path: Path):
    doc = read_yaml_file(path)
    problems = validate(doc.data, load_schema(SCHEMA_PATH), doc)
    assert problems == [], "\n".join(map(str, problems))
    pack = load_pack_file(path)
    assert pack.name == path.stem, "the pack: key must match the file name"
    assert pack.default_tuning in pack.tunings
    for info in pack.modes.values():
        assert info.source.strip(), f"mode {info.name} has no source"
        if info.parent is not None:
            assert pack.mode(info.parent), f"mode {info.name}: parent {info.parent!r} is not a mode"
    names = [a for m in pack.modes.values() for a in (m.name, *m.aliases)]
    assert len(names) == len(set(names)), "mode names and aliases must be unique"


@pytest.mark.parametrize("path", PACK_FILES, ids=lambda p: p.name)
def test_every_pack_fact_has_a_source(path: Path):
    data = read_yaml_file(path).data
    assert data["source"]
    for section in ("modes", "chord_qualities"):
        for name, item in (data.get(section) or {}).items():
            assert item.get("source"), f"{path.name}: {section}.{name} has no source"
    for name, item in data["tuning"]["profiles"].items():
        assert item.get("source"), f"{path.name}: tuning.profiles.{name} has no source"


def cents(mode_name: str) -> list[float]:
    scale = load_pack("western").mode(mode_name).scale
    return [scale.degree_cents[i] for i in scale.ascending]


@pytest.mark.parametrize("mode, expected", [
    ("major", [0, 200, 400, 500, 700, 900, 1100]),
    ("ionian", [0, 200, 400, 500, 700, 900, 1100]),
    ("natural_minor", [0, 200, 300, 500, 700, 800, 1000]),
    ("minor", [0, 200, 300, 500, 700, 800, 1000]),
    ("aeolian", [0, 200, 300, 500, 700, 800, 1000]),
    ("harmonic_minor", [0, 200, 300, 500, 700, 800, 1100]),
    ("melodic_minor", [0, 200, 300, 500, 700, 900, 1100]),
    ("dorian", [0, 200, 300, 500, 700, 900, 1000]),
    ("phrygian", [0, 100, 300, 500, 700, 800, 1000]),
    ("lydian", [0, 200, 400, 600, 700, 900, 1100]),
    ("mixolydian", [0, 200, 400, 500, 700, 900, 1000]),
    ("locrian", [0, 100, 300, 500, 600, 800, 1000]),
    ("major_pentatonic", [0, 200, 400, 700, 900]),
    ("minor_pentatonic", [0, 300, 500, 700, 1000]),
    ("blues", [0, 300, 500, 600, 700, 1000]),
])
def test_western_scales_have_the_right_cents(mode, expected):
    assert cents(mode) == expected


def test_aliases_resolve_to_one_mode():
    pack = load_pack("western")
    assert pack.mode("ionian") is pack.mode("major")
    assert pack.mode("aeolian") is pack.mode("natural_minor") is pack.mode("Minor")
    assert pack.mode("Harmonic Minor") is pack.mode("harmonic-minor") is pack.mode("harmonic_minor")


def test_church_modes_are_rotations_of_major():
    major = cents("major")
    for start, name in enumerate(["ionian", "dorian", "phrygian", "lydian", "mixolydian", "aeolian", "locrian"]):
        rotated = sorted((c - major[start]) % 1200 for c in major)
        assert cents(name) == rotated, name


def major_scale_pcs(fifths: int) -> set[int]:
    """Pitch classes (semitones above C) of the major scale with `fifths` sharps (< 0: flats)."""
    return {(7 * k) % 12 for k in range(fifths - 1, fifths + 6)}


def is_diatonic(pcs: set[int]) -> bool:
    return any(pcs == major_scale_pcs(f) for f in range(-6, 6))


def test_major_scale_pcs_helper():
    assert major_scale_pcs(0) == {0, 2, 4, 5, 7, 9, 11}
    assert major_scale_pcs(1) == {0, 2, 4, 6, 7, 9, 11}      # G major: F#
    assert major_scale_pcs(-3) == {0, 2, 3, 5, 7, 8, 10}     # Eb major


@pytest.mark.parametrize("mode", sorted(load_pack("western").modes))
def test_signature_offset_matches_the_cents(mode):
    pack = load_pack("western")
    info = pack.mode(mode)
    scale = info.scale
    asc = {round(scale.degree_cents[i] / 100) % 12 for i in scale.ascending}
    desc = {round(scale.degree_cents[i] / 100) % 12 for i in scale.descending}
    if info.is_heptatonic and is_diatonic(asc) and asc == desc:
        # On tonic C, the signature's major scale has exactly the mode's notes.
        assert asc == major_scale_pcs(info.signature_offset)
    elif info.is_heptatonic:
        # Harmonic and melodic minor are written with the natural minor's signature.
        assert info.signature_offset == pack.mode("natural_minor").signature_offset
        assert desc == major_scale_pcs(info.signature_offset) or len(asc - major_scale_pcs(info.signature_offset)) <= 1
    else:
        assert info.parent is not None, f"{mode} is not heptatonic and needs a parent mode"
        parent = pack.mode(info.parent)
        assert info.signature_offset == parent.signature_offset
        blue_notes = asc - {round(c / 100) % 12 for c in parent.scale.degree_cents}
        assert len(blue_notes) <= 1


def test_signature_offset_agrees_with_key_fifths():
    for mode, tonic in [("dorian", "D"), ("phrygian", "E"), ("lydian", "F"), ("mixolydian", "G"),
                        ("aeolian", "A"), ("locrian", "B"), ("ionian", "C")]:
        assert Key.parse(f"{tonic} {mode}").fifths == 0


def test_families():
    pack = load_pack("western")
    assert pack.mode("major").family == "major"
    assert {pack.mode(m).family for m in ("natural_minor", "harmonic_minor", "melodic_minor")} == {"minor"}
    assert pack.mode("dorian").family == "modal"


def test_western_chord_qualities():
    q = load_pack("western").chord_qualities
    assert q["maj"].intervals == (0, 400, 700)
    assert q["min"].intervals == (0, 300, 700)
    assert q["dim"].intervals == (0, 300, 600)
    assert q["aug"].intervals == (0, 400, 800)
    assert q["dom7"].intervals == (0, 400, 700, 1000)
    assert q["hdim7"].intervals == (0, 300, 600, 1000)
    assert q["dim7"].intervals == (0, 300, 600, 900)
    symbols = [s for c in q.values() for s in c.symbols]
    assert len(symbols) == len(set(symbols)), "a chord symbol suffix must name one quality"


def test_western_tuning_is_12_edo():
    tuning = load_pack("western").tuning()
    assert tuning.degree_cents == tuple(float(100 * i) for i in range(12))
    assert tuning.period_cents == 1200.0
    with pytest.raises(UnknownNameError):
        load_pack("western").tuning("werckmeister")


def test_unknown_mode_suggests_a_close_name():
    with pytest.raises(UnknownNameError) as info:
        load_pack("western").mode("dorain")
    assert "dorian" in info.value.suggestions
    assert "did you mean 'dorian'" in str(info.value)
    assert isinstance(info.value, KeyError)


def test_unknown_pack_suggests_a_close_name():
    with pytest.raises(UnknownNameError) as info:
        load_pack("westren")
    assert "western" in str(info.value)


def test_load_pack_is_cached_and_case_insensitive():
    assert load_pack("western") is load_pack("western")
    assert load_pack("Western") == load_pack("western")


# --- a user's own pack file -------------------------------------------------------------

GOOD = """\
pack: mine
title: My pack
harmony: drone
source: "my notebook"
tuning:
  default: just
  profiles:
    just:
      cents: [0, 204, 386, 498, 702, 884, 1088]
      source: "5-limit just intonation"
modes:
  bright:
    family: other
    degrees: [0, 204, 386, 702, 884]
    aliases: [sunny]
    source: "my notebook, p. 1"
"""


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_pack_loads(tmp_path):
    pack = load_pack_file(write(tmp_path, GOOD))
    assert pack.name == "mine" and pack.harmony == "drone"
    assert pack.mode("sunny").scale.degree_cents == (0, 204, 386, 702, 884)
    assert pack.tuning().degree_cents[2] == 386.0


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_user_pack_unknown_key_names_the_line(tmp_path):
    text = GOOD.replace("    aliases: [sunny]", "    alaises: [sunny]")
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as info:
        load_pack_file(path)
    message = str(info.value)
    assert f"{path}:{line_of(text, 'alaises')}" in message
    assert "modes.bright.alaises" in message and "unknown key" in message
    assert "did you mean 'aliases'" in message


def test_user_pack_wrong_type_names_the_line(tmp_path):
    text = GOOD.replace("degrees: [0, 204, 386, 702, 884]", "degrees: high")
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as info:
        load_pack_file(path)
    message = str(info.value)
    assert f"{path}:{line_of(text, 'degrees: high')}" in message
    assert "expected array" in message and "'high'" in message


def test_user_pack_bad_enum_and_missing_key(tmp_path):
    text = GOOD.replace("harmony: drone", "harmony: dron").replace('    source: "my notebook, p. 1"\n', "")
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as info:
        load_pack_file(path)
    message = str(info.value)
    assert f"{path}:{line_of(text, 'harmony')}" in message and "did you mean 'drone'" in message
    assert "missing required key 'source'" in message


def test_user_pack_bad_yaml_names_the_line(tmp_path):
    text = GOOD.replace("    family: other", "    family: [other")
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as info:
        load_pack_file(path)
    message = str(info.value)
    assert "invalid YAML" in message
    assert str(path) in message
    line = int(message.split(f"{path}:")[1].split(":")[0])
    assert abs(line - line_of(text, "family: [other")) <= 2


def test_user_pack_cents_that_do_not_rise(tmp_path):
    text = GOOD.replace("cents: [0, 204, 386", "cents: [0, 386, 204")
    with pytest.raises(DataFileError, match="must rise"):
        load_pack_file(write(tmp_path, text))


def test_user_pack_default_tuning_must_exist(tmp_path):
    text = GOOD.replace("default: just", "default: pythagorean")
    with pytest.raises(DataFileError, match="pythagorean"):
        load_pack_file(write(tmp_path, text))


def test_missing_pack_file(tmp_path):
    with pytest.raises(DataFileError, match="nope.yaml: no such YAML file"):
        load_pack_file(tmp_path / "nope.yaml")


def test_readme_example_pack_loads(tmp_path):
    import re

    readme = (PACKS_DIR / "README.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if re.search(r"^pack:", b, re.M))
    pack = load_pack_file(write(tmp_path, example))
    evening = pack.mode("sanjh").scale
    assert [round(evening.degree_cents[i], 1) for i in evening.ascending] == [0, 203.9, 386.3, 702, 884.4]
    assert len(evening.descending) == 7
    assert pack.mode("dusk").final_cents == 0.0
