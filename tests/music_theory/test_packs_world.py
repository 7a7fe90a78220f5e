"""World scale packs (chinese, japanese, gamelan, klezmer, flamenco, blues) say what the sourced facts say."""
import json
import math
from pathlib import Path

import pytest

from theory import load_pack
from theory.cycle import list_cycles
from theory.datafile import read_yaml_file
from theory.pack import PACKS_DIR, SCHEMA_PATH, load_pack_file
from theory.schema import load_schema, validate

WORLD = ["chinese", "japanese", "gamelan", "klezmer", "flamenco", "blues"]
FACTS_PATH = Path("/work/shared/reference/scale_facts.json")
FACTS = json.loads(FACTS_PATH.read_text(encoding="utf-8")) if FACTS_PATH.exists() else None
needs_facts = pytest.mark.skipif(FACTS is None, reason="scale_facts.json is not available")


def up(pack: str, mode: str, tuning: str | None = None) -> list[float]:
    scale = load_pack(pack).scale(mode, tuning)
    return [scale.degree_cents[i] for i in scale.ascending]


def down(pack: str, mode: str, tuning: str | None = None) -> list[float]:
    scale = load_pack(pack).scale(mode, tuning)
    return [scale.degree_cents[i] for i in scale.descending]


def semitones(cents) -> list[float]:
    return [c / 100 for c in cents]


@pytest.mark.parametrize("name", WORLD)
def test_pack_validates_and_loads(name):
    path = PACKS_DIR / f"{name}.yaml"
    doc = read_yaml_file(path)
    assert validate(doc.data, load_schema(SCHEMA_PATH), doc) == []
    pack = load_pack_file(path)
    assert pack.name == name
    for profile, prof in doc.data["tuning"]["profiles"].items():
        assert prof["source"].strip(), f"{name}: profile {profile} has no source"
    for mode in pack.modes.values():
        assert mode.source.strip()
        assert mode.final_cents in mode.scale.degree_cents, f"{name}:{mode.name}: final is not a degree"


@pytest.mark.parametrize("name", WORLD)
def test_default_cycles_exist(name):
    cycles = set(list_cycles())
    for mode in load_pack(name).modes.values():
        assert set(mode.cycles) <= cycles, f"{name}:{mode.name}: unknown cycles {set(mode.cycles) - cycles}"


@pytest.mark.parametrize("name", WORLD)
def test_every_mode_resolves_in_the_default_profile_and_its_own(name):
    pack = load_pack(name)
    for mode in pack.modes.values():
        assert pack.scale(mode.name).size >= 5


def test_harmony_policies():
    assert load_pack("chinese").harmony == "heterophony"
    assert load_pack("japanese").harmony == "heterophony"
    assert load_pack("gamelan").harmony == "colotomic"
    assert {m.harmony for m in load_pack("gamelan").modes.values()} == {"colotomic"}
    assert load_pack("klezmer").harmony == "functional"
    assert load_pack("flamenco").harmony == "functional"
    assert load_pack("blues").harmony == "functional"


# --- chinese ---------------------------------------------------------------------------------

def test_chinese_five_modes_named_by_their_finals():
    pack = load_pack("chinese")
    assert set(pack.modes) == {"gong", "shang", "jue", "zhi", "yu"}
    assert up("chinese", "gong") == [0, 200, 400, 700, 900]
    assert {m.family for m in pack.modes.values()} == {"pentatonic"}
    assert pack.default_tuning == "12edo"
    assert pack.mode("gong").scale.degree_names == ("gong", "shang", "jue", "zhi", "yu")
    assert pack.mode("yu").scale.degree_names[0] == "yu"


def test_chinese_modes_are_rotations_of_gong():
    gong = up("chinese", "gong")
    for start, name in enumerate(["gong", "shang", "jue", "zhi", "yu"]):
        assert up("chinese", name) == sorted((c - gong[start]) % 1200 for c in gong), name


def test_yu_is_the_relative_minor_pentatonic():
    assert up("chinese", "yu") == [0, 300, 500, 700, 1000]
    assert up("chinese", "yu") == up("western", "minor_pentatonic")
    assert sorted((c - 900) % 1200 for c in up("chinese", "gong")) == up("chinese", "yu")


@needs_facts
@pytest.mark.parametrize("mode", ["gong", "shang", "jue", "zhi", "yu"])
def test_chinese_modes_match_the_facts_in_both_profiles(mode):
    facts = FACTS["chinese"]["modes"][f"{mode}_mode"]
    assert semitones(up("chinese", mode)) == facts["semitones_12edo"]
    assert up("chinese", mode, "pythagorean") == pytest.approx(facts["cents_pythagorean"], abs=0.2)


def test_pythagorean_profile_is_generated_by_fifths():
    notes = load_pack("chinese").note_names["pythagorean"]
    fifth = 1200 * math.log2(3 / 2)
    chain = {"gong": 0, "zhi": 1, "shang": 2, "yu": 3, "jue": 4, "biangong": 5, "bianzhi": 6, "qingjue": -1}
    for name, k in chain.items():
        assert notes[name] == pytest.approx((k * fifth) % 1200, abs=0.01), name
    # the heptatonic extra tones are in the profile but in no mode
    for mode in load_pack("chinese").modes.values():
        for extra in ("bianzhi", "biangong"):
            assert extra not in mode.scale.degree_names


# --- japanese --------------------------------------------------------------------------------

def test_japanese_has_the_named_scales():
    pack = load_pack("japanese")
    for name in ("in", "yo", "hirajoshi", "insen", "iwato", "ritsu", "ryo"):
        assert pack.mode(name)
    assert pack.mode("miyako_bushi") is pack.mode("in")
    assert pack.mode("miyako-bushi") is pack.mode("in")


@needs_facts
@pytest.mark.parametrize("mode, key, field", [
    ("in", "in / miyako-bushi", "semitones"),
    ("yo", "yo (yosen)", "semitones_asc"),
    ("hirajoshi", "hirajoshi (koto tuning)", "semitones"),
    ("iwato", "iwato", "semitones"),
    ("ritsu", "ritsu (ritsusen)", "semitones"),
    ("ryo", "ryo (ryosen)", "semitones"),
    ("insen", "insen", "semitones_asc"),
])
def test_japanese_scales_have_the_facts_semitones(mode, key, field):
    assert semitones(up("japanese", mode)) == FACTS["japanese"]["scales_semitones"][key][field]


def test_japanese_literal_semitones():
    assert semitones(up("japanese", "hirajoshi")) == [0, 2, 3, 7, 8]
    assert semitones(up("japanese", "in")) == [0, 1, 5, 7, 8]
    assert semitones(up("japanese", "yo")) == [0, 2, 5, 7, 9]
    assert semitones(up("japanese", "iwato")) == [0, 1, 5, 6, 10]
    assert semitones(down("japanese", "insen")) == [0, 1, 5, 7, 8]


# --- gamelan ---------------------------------------------------------------------------------

PATHET = ["slendro_nem", "slendro_sanga", "slendro_manyura", "pelog_nem", "pelog_lima", "pelog_barang"]


def test_slendro_measured_profile_has_a_stretched_octave():
    pack = load_pack("gamelan")
    tuning = pack.tuning("slendro_average")
    assert tuning.size == 5
    assert tuning.period_cents == pytest.approx(1208, abs=1)
    assert tuning.degree_cents == (0, 231, 474, 717, 955)
    scale = pack.scale("slendro_sanga", "slendro_average")
    assert scale.period_cents == pytest.approx(1208)


def test_gamelan_profiles_hold_one_tuning_each_and_the_default_both():
    pack = load_pack("gamelan")
    slendro = [p for p in pack.tunings if p.startswith("slendro_")]
    pelog = [p for p in pack.tunings if p.startswith("pelog_")]
    assert len(slendro) >= 4 and len(pelog) >= 4
    for p in slendro:
        assert pack.tuning(p).size == 5 and set(pack.note_names[p]) == {"s1", "s2", "s3", "s5", "s6"}, p
    for p in pelog:
        assert pack.tuning(p).size == 7 and set(pack.note_names[p]) == {f"p{i}" for i in range(1, 8)}, p
    default = pack.note_names[pack.default_tuning]
    for mode in PATHET:
        for note in pack.mode(mode).scale.degree_names:
            assert note in default, f"{mode}: {note} is not in the default profile"
    for mode in PATHET:
        tuning = mode.split("_")[0]
        for p in slendro if tuning == "slendro" else pelog:
            assert pack.scale(mode, p).size == 5


@pytest.mark.parametrize("mode", PATHET)
def test_each_pathet_final_and_emphasis_are_notes_of_its_mode(mode):
    info = load_pack("gamelan").mode(mode)
    degrees = info.scale.degree_cents
    assert len(degrees) == 5
    assert info.final_cents in degrees
    assert {"stressed", "strong"} <= set(info.emphasis)
    for role, cents in info.emphasis.items():
        assert cents in degrees, f"{mode}: {role}"
    assert info.final_cents == info.emphasis["stressed"]
    assert info.omitted_cents == ()
    assert info.harmony == "colotomic"
    assert info.cycles == ("lancaran", "ketawang", "ladrang")


@needs_facts
def test_pathet_emphasis_follows_the_facts():
    pack = load_pack("gamelan")
    table = FACTS["gamelan"]["pathet"]
    for key, row in table.items():
        if key == "source":
            continue
        pelog, slendro = key.split("|")
        for mode, prefix in ((slendro, "s"), (pelog, "p")):
            info = pack.mode(mode)
            labels = dict(zip(info.scale.degree_cents, info.scale.degree_names))
            assert labels[info.emphasis["stressed"]] == prefix + row["stressed"]
            assert labels[info.emphasis["strong"]] == prefix + row["strong"]
        assert dict(zip(pack.mode(slendro).scale.degree_cents, pack.mode(slendro).scale.degree_names))[
            pack.mode(slendro).emphasis["avoid"]] == "s" + row["avoided_slendro"]
        assert "p" + row["rare_pelog"] not in pack.mode(pelog).scale.degree_names


def test_pelog_subsets():
    pack = load_pack("gamelan")
    assert pack.mode("pelog_nem").scale.degree_names == ("p1", "p2", "p3", "p5", "p6")
    assert pack.mode("pelog_lima").scale.degree_names == ("p1", "p2", "p3", "p5", "p6")
    assert pack.mode("pelog_barang").scale.degree_names == ("p2", "p3", "p5", "p6", "p7")


@needs_facts
def test_gamelan_measured_values_match_the_facts():
    pack = load_pack("gamelan")
    slendro = FACTS["gamelan"]["slendro"]
    pelog = FACTS["gamelan"]["pelog"]
    measured = slendro["measured_Surjodiningrat_et_al_1993_avg30(slendro_av.scl)"]
    assert list(pack.tuning("slendro_average").degree_cents) == measured[:5]
    assert list(pack.tuning("slendro_5edo").degree_cents) == slendro["5edo_idealisation"][:5]
    assert list(pack.tuning("pelog_average").degree_cents) == pelog["Kunst_1949_avg39(pelog_av.scl)"][:7]
    assert list(pack.tuning("pelog_pangasih").degree_cents) == pelog["Kyahi_Pangasih_Solo(pelog_me3.scl)"][:7]


# --- klezmer ---------------------------------------------------------------------------------

def test_freygish_has_the_augmented_second():
    cents = up("klezmer", "freygish")
    assert cents == [0, 100, 400, 500, 700, 800, 1000]
    assert 100 in cents and 400 in cents and 200 not in cents and 300 not in cents
    assert cents[2] - cents[1] == 300        # b2 -> 3: an augmented second
    assert load_pack("klezmer").mode("ahava_rabbah") is load_pack("klezmer").mode("freygish")


@needs_facts
@pytest.mark.parametrize("mode, key", [
    ("freygish", "Freygish / Ahava Rabbah (altered Phrygian)"),
    ("mi_sheberach", "Mi Sheberach / Ukrainian Dorian / altered Dorian"),
    ("adonai_malach", "Adonai Malach (modified Mixolydian)"),
    ("magein_avot", "Magen Avot (natural-minor-like)"),
])
def test_klezmer_modes_match_the_facts(mode, key):
    assert semitones(up("klezmer", mode)) == FACTS["klezmer"]["modes_semitones"][key]["semitones"]


def test_mi_sheberach_is_ukrainian_dorian():
    assert up("klezmer", "ukrainian_dorian") == [0, 200, 300, 600, 700, 900, 1000]


# --- flamenco --------------------------------------------------------------------------------

def test_phrygian_dominant():
    assert up("flamenco", "phrygian_dominant") == [0, 100, 400, 500, 700, 800, 1000]
    harmonic_minor = up("western", "harmonic_minor")
    assert up("flamenco", "phrygian_dominant") == sorted((c - harmonic_minor[4]) % 1200 for c in harmonic_minor)


def test_modo_flamenco_has_both_thirds_and_the_cadence_phrases():
    pack = load_pack("flamenco")
    info = pack.mode("modo_flamenco")
    assert up("flamenco", "modo_flamenco") == [0, 100, 300, 400, 500, 700, 800, 1000]
    phrases = {p.name: p for p in info.phrases}
    assert phrases["andalusian_cadence_bass"].cents == (500, 300, 100, 0)     # iv III II I roots
    assert phrases["andalusian_cadence_upper"].cents[-1] == 400                # ends on the major third
    for p in info.phrases:
        assert len(p.cents) == len(p.beats)
        assert {c % 1200 for c in p.cents} <= set(info.scale.degree_cents)
    for mode in pack.modes.values():
        assert mode.cycles == ("solea",)
        for p in mode.phrases:
            assert {c % 1200 for c in p.cents} <= set(mode.scale.degree_cents), (mode.name, p.name)


# --- blues -----------------------------------------------------------------------------------

def test_blues_scale_has_the_blue_notes():
    info = load_pack("blues").mode("blues")
    assert up("blues", "blues") == [0, 300, 500, 600, 700, 1000]
    assert {"b3", "b5", "b7"} <= set(info.scale.degree_names)
    assert up("blues", "major_blues") == [0, 200, 300, 400, 700, 900]


def test_blue_profile_bends_the_blue_notes():
    pack = load_pack("blues")
    assert pack.default_tuning == "12edo"
    blue = dict(zip(pack.scale("blues", "blue").degree_names, pack.scale("blues", "blue").degree_cents))
    assert blue["b3"] == pytest.approx(350)
    assert blue["b5"] == pytest.approx(600)
    assert blue["b7"] == pytest.approx(968.8, abs=0.1)
    major = pack.scale("major_blues", "blue").degree_cents
    assert 350 in major and 400 in major                      # blue third against the major third
    for mode in pack.modes.values():
        assert mode.cycles == ()
