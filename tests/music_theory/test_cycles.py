"""Rhythmic cycles: every file validates and loads; the cycles say what the sourced facts say."""
import json
from fractions import Fraction
from pathlib import Path

import pytest

from theory import DataFileError
from theory.cycle import CYCLES_DIR, SCHEMA_PATH, list_cycles, load_cycle, load_cycles_file
from theory.datafile import read_yaml_file
from theory.meter import Meter
from theory.schema import load_schema, validate

CYCLE_FILES = sorted(CYCLES_DIR.glob("*.yaml"))
FACTS_PATH = Path("/work/shared/reference/scale_facts.json")
FACTS = json.loads(FACTS_PATH.read_text(encoding="utf-8")) if FACTS_PATH.exists() else None
needs_facts = pytest.mark.skipif(FACTS is None, reason="scale_facts.json is not available")

EXPECTED = {
    "talas": ["teentaal", "ektaal", "jhaptaal", "rupak", "adi", "rupaka", "misra_chapu", "khanda_chapu"],
    "iqaat": ["maqsum", "baladi", "saidi", "samai_thaqil", "wahda"],
    "usul": ["duyek", "aksak", "curcuna", "sofyan"],
    "colotomic": ["lancaran", "ketawang", "ladrang"],
    "aksak": ["lesnoto", "rachenitsa", "daichovo", "kopanitsa"],
    "clave": ["son_clave_3_2", "son_clave_2_3", "rumba_clave_3_2", "rumba_clave_2_3", "tresillo", "standard_bell_12_8"],
    "compas": ["solea"],
}


def test_there_are_cycle_files():
    assert {p.stem for p in CYCLE_FILES} >= set(EXPECTED)
    assert not list(CYCLES_DIR.glob("*.yml")), "cycle files must end in .yaml"


@pytest.mark.parametrize("path", CYCLE_FILES, ids=lambda p: p.name)
def test_every_cycles_file_validates_and_loads(path: Path):
    doc = read_yaml_file(path)
    problems = validate(doc.data, load_schema(SCHEMA_PATH), doc)
    assert problems == [], "\n".join(map(str, problems))
    assert doc.data["name"] == path.stem, "the name: key must match the file name"
    cycles = load_cycles_file(path)
    assert cycles
    for name, c in cycles.items():
        raw = doc.data["cycles"][name]
        assert sum(raw["groups"]) == raw["beats"] == c.beats, name
        assert c.meter.grouping == tuple(raw["groups"])
        assert c.source.strip() and c.family == path.stem
        assert 1 <= c.sam <= c.beats
        assert all(1 <= k <= c.beats for k in c.khali)
        assert all(0 <= s.offset < c.length_quarters for s in c.strokes)
        assert all(s.accent in (1, 2, 3) for s in c.strokes)


@pytest.mark.parametrize("path", CYCLE_FILES, ids=lambda p: p.name)
def test_every_stroke_maps_to_valid_gm_keys(path: Path):
    data = read_yaml_file(path).data
    assert data["strokes"]
    for name, stroke in data["strokes"].items():
        assert stroke["gm"], name
        assert all(isinstance(k, int) and 27 <= k <= 87 for k in stroke["gm"]), name
    for c in load_cycles_file(path).values():
        for s in c.strokes:
            assert s.keys and all(27 <= k <= 87 for k in s.keys)


def test_list_cycles_includes_every_expected_name():
    names = set(list_cycles())
    for family, expected in EXPECTED.items():
        assert set(expected) <= names, f"{family}: missing {set(expected) - names}"
        for name in expected:
            assert load_cycle(name).family == family
    assert list_cycles() == sorted(list_cycles())


def test_names_and_aliases_are_unique_across_files():
    seen = {}
    for path in CYCLE_FILES:
        for name, raw in read_yaml_file(path).data["cycles"].items():
            for alias in [name, *raw.get("aliases", [])]:
                assert alias not in seen, f"{alias} in {path.name} and {seen[alias]}"
                seen[alias] = path.name


def test_aliases_resolve():
    assert load_cycle("tintal") is load_cycle("teentaal")
    assert load_cycle("TinTal") is load_cycle("teentaal")
    assert load_cycle("kalamatianos") is load_cycle("lesnoto")
    assert load_cycle("bembe") is load_cycle("standard_bell_12_8")


# --- talas ---------------------------------------------------------------------------------

def test_teentaal():
    c = load_cycle("teentaal")
    assert c.beats == 16 and c.meter == Meter(16, 4, (4, 4, 4, 4))
    assert c.sam == 1 and c.khali == (9,)
    assert c.marks == ("X", "2", "0", "3")
    first = [s for s in c.strokes if s.offset == 0]
    assert first and max(s.accent for s in first) == 3
    assert max(s.accent for s in c.strokes if s.offset != 0) < 3, "sam has the strongest accent"
    bols = [s.name for s in c.strokes]
    assert bols == ["dha", "dhin", "dhin", "dha"] * 2 + ["dha", "tin", "tin", "ta", "ta", "dhin", "dhin", "dha"]


def test_rupak_sam_is_khali():
    c = load_cycle("rupak")
    assert c.beats == 7 and c.meter.grouping == (3, 2, 2)
    assert c.sam == 1 and c.sam in c.khali
    assert c.marks[0] == "0"


@needs_facts
@pytest.mark.parametrize("name, key", [("teentaal", "Teentaal"), ("ektaal", "Ektaal"), ("jhaptaal", "Jhaptaal"),
                                       ("rupak", "Rupak"), ("keherwa", "Keherwa"), ("dadra", "Dadra")])
def test_hindustani_taals_match_the_facts(name, key):
    fact = FACTS["hindustani"]["taals"][key]
    c = load_cycle(name)
    assert c.beats == fact["matras"]
    assert list(c.meter.grouping) == fact["vibhag"]
    khali = sorted(int(beat) for beat, mark in fact["clap_marks"].items() if mark.startswith("0"))
    assert list(c.khali) == khali


@needs_facts
@pytest.mark.parametrize("name, key", [("adi", "Adi"), ("rupaka", "Rupaka"), ("misra_chapu", "Misra_Chapu")])
def test_carnatic_talas_match_the_facts(name, key):
    fact = FACTS["carnatic"]["talas"][key]
    c = load_cycle(name)
    assert c.beats == fact["aksharas"]
    assert list(c.meter.grouping) == fact["groups"]


def test_carnatic_marks():
    assert load_cycle("adi").marks == ("laghu", "drutam", "drutam")
    assert load_cycle("rupaka").marks == ("drutam", "laghu")
    assert load_cycle("khanda_chapu").beats == 5 and sum(load_cycle("khanda_chapu").meter.grouping) == 5


# --- aksak, usul -----------------------------------------------------------------------------

def test_aksak_nine_is_2223():
    for name in ("aksak", "daichovo"):
        c = load_cycle(name)
        assert c.meter == Meter(9, 8, (2, 2, 2, 3)), name
        assert c.meter.grouping == (2, 2, 2, 3)
    assert load_cycle("lesnoto").meter == Meter(7, 8, (3, 2, 2))
    assert load_cycle("rachenitsa").meter == Meter(7, 8, (2, 2, 3))
    assert load_cycle("kopanitsa").meter == Meter(11, 8, (2, 2, 3, 2, 2))


def test_usul_meters():
    assert load_cycle("duyek").meter.numerator == 8 and load_cycle("duyek").meter.denominator == 8
    assert load_cycle("curcuna").meter == Meter(10, 8, (3, 2, 2, 3))
    assert load_cycle("sofyan").meter.numerator == 4 and load_cycle("sofyan").meter.denominator == 4
    for name in ("duyek", "aksak", "curcuna", "sofyan"):
        c = load_cycle(name)
        assert c.strokes[0].offset == 0 and c.strokes[0].name == "dum"


# --- iqa'at ----------------------------------------------------------------------------------

def onsets_eighths(name: str, stroke: str) -> list[int]:
    c = load_cycle(name)
    assert c.meter.unit == Fraction(1, 2)
    return [int(s.offset / c.meter.unit) for s in c.strokes if s.name == stroke]


def test_maqsum_dums_and_taks():
    assert onsets_eighths("maqsum", "dum") == [0, 4]
    assert onsets_eighths("maqsum", "tak") == [1, 3, 6]
    assert load_cycle("maqsum").length_quarters == 4


@needs_facts
@pytest.mark.parametrize("name, key", [("maqsum", "Maqsum"), ("baladi", "Baladi"), ("saidi", "Saidi"),
                                       ("samai_thaqil", "Samai_Thaqil"), ("wahda", "Wahda")])
def test_iqaat_match_the_facts(name, key):
    fact = FACTS["arabic_maqam"]["iqaat_eighth_grid"][key]
    assert onsets_eighths(name, "dum") == fact["dum"]
    assert onsets_eighths(name, "tak") == fact.get("tak", [])
    if "cycle_eighths" in fact:
        assert load_cycle(name).beats == fact["cycle_eighths"]


# --- colotomic, clave, compas ----------------------------------------------------------------

@needs_facts
@pytest.mark.parametrize("name", ["lancaran", "ketawang", "ladrang"])
def test_colotomic_positions_match_the_facts(name):
    fact = FACTS["gamelan"]["colotomy_1based_beats"][name]
    c = load_cycle(name)
    assert c.beats == fact["length"]
    assert c.sam == fact["length"], "the gong ends the cycle"
    beat = lambda s: int(s.offset / c.meter.unit) + 1  # noqa: E731
    for stroke in ("gong", "kenong", "kempul", "ketuk", "kempyang"):
        expected = fact.get(stroke, [])
        if expected == "odd beats":
            expected = list(range(1, c.beats + 1, 2))
        assert [beat(s) for s in c.strokes if s.name == stroke] == expected, stroke
    gong = [s for s in c.strokes if s.name == "gong"]
    assert gong[0].accent == 3


@needs_facts
@pytest.mark.parametrize("name, key", [("son_clave_3_2", "son_clave_3-2"), ("son_clave_2_3", "son_clave_2-3"),
                                       ("rumba_clave_3_2", "rumba_clave_3-2"), ("rumba_clave_2_3", "rumba_clave_2-3"),
                                       ("tresillo", "tresillo"), ("standard_bell_12_8", "standard_bell_12_8 (bembé)"),
                                       ("son_clave_12_8", "son_clave_12_8"), ("cinquillo", "cinquillo")])
def test_clave_onsets_match_the_facts(name, key):
    fact = FACTS["afro_cuban_west_african"][key]
    c = load_cycle(name)
    assert c.beats == fact["pulses"]
    assert [int(s.offset / c.meter.unit) for s in c.strokes] == fact["onsets"]


def test_son_clave_spans_two_bars_of_four_four():
    c = load_cycle("son_clave_3_2")
    assert c.length_quarters == 8
    assert load_cycle("standard_bell_12_8").meter == Meter(12, 8)


def test_solea_compas_accents():
    c = load_cycle("solea")
    assert c.beats == 12
    accented = [int(s.offset / c.meter.unit) + 1 for s in c.strokes if s.accent == 3]
    assert accented == [3, 6, 8, 10, 12]


# --- errors ----------------------------------------------------------------------------------

BAD = """\
name: mine
title: Mine
source: "my notebook"
strokes:
  low: {gm: [36]}
cycles:
  lopsided:
    tradition: other
    beats: 7
    unit: 8
    groups: [2, 2, 2]
    strokes:
      - {beat: 1, stroke: low}
    source: "my notebook"
"""


def test_groups_that_do_not_add_up_raise_naming_the_cycle(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_cycles_file(path)
    message = str(info.value)
    assert "lopsided" in message and "7" in message and str(path) in message


def test_unknown_stroke_and_bad_gm_key_raise(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(BAD.replace("[2, 2, 2]", "[2, 2, 3]").replace("stroke: low}", "stroke: lo}"), encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown stroke 'lo'"):
        load_cycles_file(path)
    path.write_text(BAD.replace("[2, 2, 2]", "[2, 2, 3]").replace("gm: [36]", "gm: [99]"), encoding="utf-8")
    with pytest.raises(DataFileError):
        load_cycles_file(path)
