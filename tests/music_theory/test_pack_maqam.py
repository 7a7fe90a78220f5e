"""Arabic, Turkish and Persian packs: the musical facts of /work/shared/reference/scale_facts.json."""
import pytest

from theory import load_pack
from theory.datafile import read_yaml_file
from theory.pack import PACKS_DIR, SCHEMA_PATH, load_pack_file
from theory.schema import load_schema, validate

PACKS = ("arabic", "turkish", "persian")
COMMA = 1200 / 53


def asc(pack, mode, tuning=None):
    s = load_pack(pack).scale(mode, tuning)
    return [round(s.degree_cents[i], 1) for i in s.ascending]


def desc(pack, mode, tuning=None):
    s = load_pack(pack).scale(mode, tuning)
    return [round(s.degree_cents[i], 1) for i in s.descending]


def near(values, target, tol=0.06):
    return any(abs(v - target) <= tol for v in values)


@pytest.mark.parametrize("name", PACKS)
def test_pack_validates_and_loads(name):
    path = PACKS_DIR / f"{name}.yaml"
    doc = read_yaml_file(path)
    assert validate(doc.data, load_schema(SCHEMA_PATH), doc) == []
    pack = load_pack_file(path)
    assert pack.name == name and pack.harmony in ("drone", "heterophony")
    for profile in pack.tunings:   # every profile names every note every mode uses
        for mode in pack.modes:
            pack.scale(mode, profile)


@pytest.mark.parametrize("name, family, count", [("arabic", "maqam", 12), ("turkish", "makam", 8),
                                                 ("persian", "dastgah", 7)])
def test_mode_counts_and_families(name, family, count):
    pack = load_pack(name)
    assert len(pack.modes) >= count
    assert {m.family for m in pack.modes.values()} == {family}


def test_required_modes_exist():
    ar, tr, fa = load_pack("arabic"), load_pack("turkish"), load_pack("persian")
    for m in ("rast", "bayati", "sikah", "hijaz", "nahawand", "kurd", "saba", "ajam", "nikriz", "huzam"):
        ar.mode(m)
    for m in ("rast", "ussak", "uşşak", "hicaz", "huzzam", "saba", "segah", "nihavend", "kurdi"):
        tr.mode(m)
    assert tr.mode("Uşşak") is tr.mode("ussak")
    for m in ("shur", "homayun", "segah", "chahargah", "mahur", "rast_panjgah", "Rast-Panjgah", "nava"):
        fa.mode(m)


def test_default_profiles():
    assert load_pack("arabic").default_tuning == "24edo"
    assert load_pack("turkish").default_tuning == "aeu_53"
    assert load_pack("persian").default_tuning == "vaziri_24"
    assert {"24edo", "egyptian", "syrian", "turkish_theory"} <= set(load_pack("arabic").tunings)
    assert {"aeu_53", "measured"} <= set(load_pack("turkish").tunings)
    assert {"vaziri_24", "farhat"} <= set(load_pack("persian").tunings)


# --- Arabic ---------------------------------------------------------------------------------

def test_rast_neutral_third_in_each_profile():
    for profile, third in [("24edo", 350), ("egyptian", 354.5), ("syrian", 362.3), ("turkish_theory", 384.4)]:
        assert asc("arabic", "rast", profile)[2] == pytest.approx(third, abs=0.06), profile


def test_rast_seventh_differs_by_direction():
    assert asc("arabic", "rast") == [0, 200, 350, 500, 700, 900, 1050]
    assert desc("arabic", "rast") == [0, 200, 350, 500, 700, 900, 1000]


def test_switching_profile_changes_the_cents():
    pack = load_pack("arabic")
    assert pack.scale("rast", "egyptian").degree_cents != pack.scale("rast").degree_cents
    assert pack.scale("rast", "egyptian") is not pack.scale("rast", "24edo")


def test_hijaz_augmented_second_and_directions():
    up = asc("arabic", "hijaz")
    assert up[:4] == [0, 100, 400, 500]
    assert up[2] - up[1] == 300
    assert 850 in up and 1000 in up                 # rast on 4 ascending
    assert 800 in desc("arabic", "hijaz")             # nahawand on 4 descending


def test_nahawand_harmonic_up_natural_down():
    assert asc("arabic", "nahawand") == [0, 200, 300, 500, 700, 800, 1100]
    assert desc("arabic", "nahawand") == [0, 200, 300, 500, 700, 800, 1000]


def test_saba_diminished_fourth_and_no_octave():
    pack = load_pack("arabic")
    s = pack.mode("saba").scale
    assert [s.degree_cents[i] for i in s.ascending][:5] == [0, 150, 300, 400, 700]
    assert s.degree_names[3] == "b4"                  # G flat over D, not G
    assert 500 not in s.degree_cents
    assert 1100 in s.degree_cents                     # D flat instead of the octave's D
    assert "octave" in pack.mode("saba").raw["notes"]


def test_bayati_and_sikah():
    assert asc("arabic", "bayati") == [0, 150, 300, 500, 700, 800, 1000]
    assert asc("arabic", "sikah") == [0, 150, 350, 550, 700, 850, 1050]
    assert asc("arabic", "bayati", "turkish_theory")[1] == pytest.approx(180.4, abs=0.06)
    # Sikah on E half-flat: each source's interval from that tonic, not from C.
    assert asc("arabic", "sikah", "syrian")[1] == pytest.approx(6 * COMMA, abs=0.06)


def test_ghammaz():
    pack = load_pack("arabic")
    assert pack.mode("rast").emphasis["ghammaz"] == 700
    assert pack.mode("bayati").emphasis["ghammaz"] == 500
    assert pack.mode("sikah").emphasis["ghammaz"] == 350
    assert pack.mode("saba").emphasis["ghammaz"] == 300


# --- Turkish --------------------------------------------------------------------------------

def test_turkish_notes_are_on_the_53_comma_grid():
    pack = load_pack("turkish")
    for info in pack.modes.values():
        for c in info.scale.degree_cents:
            assert abs(c / COMMA - round(c / COMMA)) * COMMA < 0.01, (info.name, c)
    for c in pack.note_names["aeu_53"].values():
        assert abs(c / COMMA - round(c / COMMA)) * COMMA < 0.01


def commas(mode, tuning=None, direction=asc):
    return [round(c / COMMA) for c in direction("turkish", mode, tuning)]


@pytest.mark.parametrize("mode, steps", [
    ("rast", [0, 9, 17, 22, 31, 40, 48]),
    ("ussak", [0, 8, 13, 22, 31, 35, 44]),
    ("hicaz", [0, 5, 17, 22, 31, 39, 44]),
    ("huzzam", [0, 5, 14, 19, 31, 36, 45]),
    ("saba", [0, 8, 13, 18, 31, 35, 44]),
    ("nihavend", [0, 9, 13, 22, 31, 35, 48]),
    ("kurdi", [0, 4, 13, 22, 31, 35, 44]),
])
def test_turkish_aeu_comma_steps(mode, steps):
    assert commas(mode) == steps


def test_turkish_directions_and_practice():
    assert commas("rast", direction=desc)[-1] == 44          # acem descending, evic ascending
    assert commas("ussak", "measured")[1] == 7                 # SymbTr notates segah at 7 commas, AEU at 8
    assert commas("saba", "measured")[1:4] == [7, 13, 19]
    assert commas("huzzam", "measured") == [0, 5, 14, 20, 30, 36, 45]
    assert load_pack("turkish").mode("rast").emphasis["dominant"] == pytest.approx(31 * COMMA, abs=0.01)


# --- Persian --------------------------------------------------------------------------------

def test_shur_koron_second():
    assert asc("persian", "shur") == [0, 150, 300, 500, 700, 800, 1000]
    assert asc("persian", "shur", "farhat")[1] == 135


def test_persian_scales():
    assert asc("persian", "homayun") == [0, 150, 400, 500, 700, 800, 1000]
    assert asc("persian", "mahur") == asc("persian", "rast_panjgah") == [0, 200, 400, 500, 700, 900, 1100]
    assert asc("persian", "chahargah") == [0, 150, 400, 500, 700, 850, 1100]


def test_farhat_gives_koron_notes_their_observed_cents():
    far = load_pack("persian").note_names["farhat"]
    vaz = load_pack("persian").note_names["vaziri_24"]
    korons = [n for n in vaz if n.endswith("k") or n.endswith("s")]
    assert korons
    for n in korons:
        assert far[n] != vaz[n] and far[n] % 5 == 0, n
    assert far["2k"] == 135


# --- every pack: structure ------------------------------------------------------------------

@pytest.mark.parametrize("name", PACKS)
def test_ajnas_exist_and_fit_the_mode(name):
    pack = load_pack(name)
    tol = 0.06 if name != "turkish" else COMMA + 0.06   # AEU hicaz has a 12- or 13-comma second
    for info in pack.modes.values():
        assert info.ajnas, info.name
        period = info.scale.period_cents
        for i, (jins, on) in enumerate(info.ajnas):
            assert jins in pack.ajnas, (info.name, jins)
            for c in pack.ajnas[jins]:
                if i > 0 and on + c > period + 0.06:
                    continue        # an upper jins may stop at the octave (its pentachord note above is free)
                pc = (on + c) % period
                ok = near(info.scale.degree_cents + (period,), pc, 0.06 if i == 0 else tol)
                assert ok or near(info.scale.degree_cents, pc - period), (info.name, jins, c)


@pytest.mark.parametrize("name", PACKS)
def test_modulation_edges_join_modes(name):
    pack = load_pack(name)
    assert pack.modulations
    for e in pack.modulations:
        assert e.from_mode in pack.modes and e.to_mode in pack.modes
        assert e.shift_cents is not None
        assert pack.modes[e.from_mode].scale.degree_of(e.shift_cents) is not None, e


def test_known_arabic_modulations():
    edges = {(e.from_mode, e.to_mode, e.shift_cents) for e in load_pack("arabic").modulations}
    assert ("rast", "bayati", 200) in edges
    assert ("rast", "sikah", 350) in edges
    assert ("bayati", "saba", 0) in edges
    assert ("nahawand", "hijaz", 700) in edges


@pytest.mark.parametrize("name", PACKS)
def test_every_mode_has_final_drone_and_source(name):
    pack = load_pack(name)
    for info in pack.modes.values():
        assert "final" in info.raw and info.final_cents == 0
        assert info.drone_cents and info.drone_cents[0] == 0
        assert info.source
        assert info.scale.degree_of(info.final_cents) == 0
        for p in info.phrases:
            assert len(p.cents) == len(p.beats)
