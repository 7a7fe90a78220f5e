"""Hindustani and Carnatic packs: the ragas, thaats and melakartas say what the sources say."""
from __future__ import annotations

import pytest

from theory import UnknownNameError
from theory.errors import DataFileError
from theory.melakarta import generate_modes
from theory.pack import load_pack, resolve_note
from theory.scale import UP

H = load_pack("hindustani")
C = load_pack("carnatic")

HINDUSTANI_12 = {"S": 0, "r": 100, "R": 200, "g": 300, "G": 400, "m": 500, "M": 600,
                 "P": 700, "d": 800, "D": 900, "n": 1000, "N": 1100}


def pcs(pack, mode, profile="12edo", direction=None) -> set[float]:
    """Pitch classes (cents) of a mode in a profile: the whole scale, or one direction's form."""
    scale = pack.scale(mode, profile)
    if direction is None:
        return set(scale.degree_cents)
    return {scale.degree_cents[i] for i in scale.form(direction)}


def names(*notes) -> set[float]:
    return {float(HINDUSTANI_12[n]) for n in notes}


# --- both packs --------------------------------------------------------------------------

@pytest.mark.parametrize("pack_name", ["hindustani", "carnatic"])
def test_packs_load_and_are_drone_packs(pack_name):
    pack = load_pack(pack_name)
    assert pack.name == pack_name and pack.harmony == "drone"
    assert set(pack.tunings) >= {"12edo", "just"}
    assert pack.default_tuning == "just"
    for info in pack.modes.values():
        assert info.family == "raga"
        assert info.harmony == "drone"
        assert info.source.strip()


@pytest.mark.parametrize("pack", [H, C], ids=["hindustani", "carnatic"])
def test_every_mode_note_is_defined_in_every_profile(pack):
    for info in pack.modes.values():
        raw = info.raw
        notes = [n for key in ("ascending", "descending", "omitted", "drone") for n in raw.get(key, [])]
        notes += [n for t in raw.get("turns", []) for n in (t["from"], t["to"])]
        notes += [n for p in raw.get("phrases", []) for n in p["notes"]]
        notes += list((raw.get("emphasis") or {}).values()) + [raw.get("final", "S")]
        for profile in pack.tunings:
            scale = pack.scale(info.name, profile)         # raises on an unknown note
            assert scale.size >= 5, (info.name, profile)
            for n in notes:
                pack.note_cents(info, n, profile)


@pytest.mark.parametrize("pack", [H, C], ids=["hindustani", "carnatic"])
def test_omitted_notes_never_sound(pack):
    for info in pack.modes.values():
        raw = info.raw
        for profile in pack.tunings:
            sounding = {round(pack.note_cents(info, n, profile) % 1200, 3)
                        for key in ("ascending", "descending") for n in raw.get(key, [])}
            sounding |= {round(pack.note_cents(info, n, profile) % 1200, 3)
                         for p in raw.get("phrases", []) for n in p["notes"]}
            for n in raw.get("omitted", []):
                assert round(pack.note_cents(info, n, profile) % 1200, 3) not in sounding, \
                    f"{pack.name}:{info.name}: omitted {n} sounds ({profile})"


@pytest.mark.parametrize("pack", [H, C], ids=["hindustani", "carnatic"])
def test_omitted_notes_belong_to_the_parent(pack):
    for info in pack.modes.values():
        omitted = info.raw.get("omitted", [])
        if not omitted or info.parent is None:
            continue
        parent = pack.mode(info.parent)
        parent_pcs = pcs(pack, parent.name)
        own = pcs(pack, info.name)
        # Every parent note is either used or declared omitted.
        omitted_pcs = {pack.note_cents(info, n, "12edo") % 1200 for n in omitted}
        assert parent_pcs <= own | omitted_pcs, info.name


@pytest.mark.parametrize("pack", [H, C], ids=["hindustani", "carnatic"])
def test_tonic_in_both_directions_and_final_is_sa(pack):
    for info in pack.modes.values():
        scale = info.scale
        assert scale.degree_cents[0] == 0.0
        assert 0 in scale.ascending and 0 in scale.descending, info.name
        assert info.final_cents == 0.0
        assert info.drone_cents and info.drone_cents[0] == 0.0


@pytest.mark.parametrize("pack", [H, C], ids=["hindustani", "carnatic"])
def test_emphasis_notes_are_in_the_scale(pack):
    for info in pack.modes.values():
        for role, cents in info.emphasis.items():
            assert info.scale.degree_of(cents) is not None, (info.name, role)


# --- Hindustani --------------------------------------------------------------------------

THAATS = {
    "bilawal": "S R G m P D N", "kalyan": "S R G M P D N", "khamaj": "S R G m P D n",
    "kafi": "S R g m P D n", "asavari": "S R g m P d n", "bhairavi": "S r g m P d n",
    "bhairav": "S r G m P d N", "poorvi": "S r G M P d N", "marwa": "S r G M P D N",
    "todi": "S r g M P d N",
}


@pytest.mark.parametrize("thaat, swaras", sorted(THAATS.items()))
def test_thaats_have_bhatkhandes_notes(thaat, swaras):
    info = H.mode(f"{thaat}_thaat")
    assert pcs(H, info.name) == names(*swaras.split())
    assert info.is_heptatonic and info.scale.is_symmetric
    assert info.raw["thaat"] == thaat


def test_thaats_do_not_collide_with_ragas():
    for raga in ("kafi", "khamaj", "bhairav", "marwa", "todi"):
        assert H.mode(raga).name == raga
        assert H.mode(f"{raga}_thaat").name == f"{raga}_thaat"
        assert H.mode(raga) is not H.mode(f"{raga}_thaat")


RAGAS = ["yaman", "bhairav", "bhupali", "kafi", "todi", "darbari", "marwa", "malkauns",
         "bhimpalasi", "des", "bageshree", "khamaj"]


@pytest.mark.parametrize("raga", RAGAS)
def test_ragas_lie_in_their_thaat(raga):
    info = H.mode(raga)
    thaat = H.mode(info.parent)
    assert thaat.name == f"{info.raw['thaat']}_thaat"
    if raga not in ("des", "khamaj"):          # Des and Khamaj take shuddha Ni going up
        assert pcs(H, raga) <= pcs(H, thaat.name)
    assert info.raw.get("cycles") and set(info.cycles) <= {"teentaal", "ektaal", "jhaptaal", "rupak"}


def test_yaman_has_tivra_ma_and_no_shuddha_ma():
    scale = pcs(H, "yaman")
    assert 600.0 in scale and 500.0 not in scale
    assert scale == names(*"S R G M P D N".split())
    just = H.scale("yaman", "just")
    assert just.degree_of(590.2) is not None and just.degree_of(498.0) is None
    info = H.mode("yaman")
    assert info.emphasis == {"vadi": H.note_cents(info, "G"), "samvadi": H.note_cents(info, "N")}


def test_yaman_skips_pa_going_up_and_uses_it_coming_down():
    up, down = pcs(H, "yaman", direction=UP), pcs(H, "yaman", direction="down")
    assert 700.0 not in up and 700.0 in down
    assert 0.0 in up                                    # the tonic stays reachable going up


def test_yaman_pakad_starts_in_the_lower_octave():
    pakad = H.mode("yaman").phrases[0]
    assert pakad.name == "pakad"
    assert pakad.cents[0] == pytest.approx(1088.3 - 1200)
    assert pakad.cents[-1] == 0.0
    assert len(pakad.beats) == len(pakad.cents)


def test_bhupali_is_pentatonic_without_ma_and_ni():
    info = H.mode("bhupali")
    scale = pcs(H, "bhupali")
    assert len(scale) == 5
    assert scale == names("S", "R", "G", "P", "D")
    assert not scale & names("m", "M", "n", "N")
    assert set(info.omitted_cents) >= {498.0, 590.2, 1017.6, 1088.3}


def test_malkauns_is_s_g_m_d_n_over_a_sa_ma_drone():
    info = H.mode("malkauns")
    assert pcs(H, "malkauns") == names("S", "g", "m", "d", "n")
    assert info.drone_cents == (0.0, 498.0)
    assert 702.0 in info.omitted_cents
    assert info.emphasis["vadi"] == 498.0


def test_bhairav_has_komal_re_and_komal_dha():
    scale = pcs(H, "bhairav")
    assert {100.0, 800.0} <= scale and not {200.0, 900.0} & scale
    info = H.mode("bhairav")
    assert info.emphasis == {"vadi": 813.7, "samvadi": 111.7}


def test_marwa_omits_pa_and_is_not_music21s_rag_marwa():
    info = H.mode("marwa")
    scale = pcs(H, "marwa")
    assert scale == names("S", "r", "G", "M", "D", "N")
    assert 700.0 not in scale and 702.0 in info.omitted_cents
    assert 702.0 not in info.drone_cents
    # music21's RagMarwa ascends C Db E F# A B A C: the real aroha has six notes and no Pa.
    assert len(info.scale.ascending) == 6


def test_todi_has_komal_re_ga_dha_and_tivra_ma():
    assert pcs(H, "todi") == names("S", "r", "g", "M", "P", "d", "N")
    assert 700.0 not in pcs(H, "todi", direction=UP)


def test_darbari_ati_komal_ga_only_in_just():
    just, edo = H.scale("darbari", "just"), H.scale("darbari", "12edo")
    assert just.degree_of(266.9) is not None and just.degree_of(315.6) is None
    assert just.degree_of(764.9) is not None
    assert edo.degree_of(300) is not None
    assert H.mode("darbari_kanada") is H.mode("darbari")
    assert H.mode("darbari").scale.extra_edges, "Darbari is vakra"


@pytest.mark.parametrize("raga, up_only, down_only", [
    ("bhimpalasi", set(), {"R", "D"}),
    ("des", {"N"}, {"n", "D", "G"}),
    ("bageshree", set(), {"R"}),
    ("khamaj", {"N"}, {"n", "R"}),
    ("yaman", set(), {"P"}),
    ("todi", set(), {"P"}),
])
def test_aroha_differs_from_avaroha(raga, up_only, down_only):
    up, down = pcs(H, raga, direction=UP), pcs(H, raga, direction="down")
    assert up != down
    assert names(*up_only) <= up - down
    assert names(*down_only) <= down - up
    assert not H.mode(raga).scale.is_symmetric


def test_tuning_profile_switch_changes_the_cents():
    edo, just = H.scale("yaman", "12edo"), H.scale("yaman", "just")
    assert edo.degree_cents[edo.degree_names.index("G")] == 400.0
    assert just.degree_cents[just.degree_names.index("G")] == pytest.approx(386.3)
    assert H.scale("yaman") == just                      # `just` is the default
    assert H.mode("yaman").scale == just
    with pytest.raises(UnknownNameError):
        H.scale("yaman", "meantone")


def test_just_profile_is_the_5_limit_gamut():
    assert H.note_names["just"] == {"S": 0.0, "r": 111.7, "R": 203.9, "g": 315.6, "G": 386.3, "m": 498.0,
                                    "M": 590.2, "P": 702.0, "d": 813.7, "D": 884.4, "n": 1017.6, "N": 1088.3}
    assert H.note_names["12edo"] == {k: float(v) for k, v in HINDUSTANI_12.items()}
    assert len(H.tuning("just").degree_cents) == 12


def test_unknown_raga_suggests_a_close_name():
    with pytest.raises(UnknownNameError) as info:
        H.mode("yamen")
    assert "yaman" in info.value.suggestions
    assert "did you mean" in str(info.value)
    with pytest.raises(UnknownNameError) as info:
        C.mode("mohanum")
    assert "mohanam" in info.value.suggestions


def test_aliases_are_case_and_space_insensitive():
    assert H.mode("Darbari Kanada") is H.mode("darbari")
    assert H.mode("Miyan ki Todi") is H.mode("todi")
    assert H.mode("Bilawal Thaat") is H.mode("bilawal_thaat")


# --- Carnatic: the melakarta generator ---------------------------------------------------

MELA_NAMES = {15: "mayamalavagowla", 29: "dheerasankarabharanam", 65: "mechakalyani",
              22: "kharaharapriya", 8: "hanumatodi", 20: "natabhairavi", 28: "harikambhoji",
              1: "kanakangi", 72: "rasikapriya", 36: "chalanata", 37: "salagam"}

WESTERN = {
    15: [0, 100, 400, 500, 700, 800, 1100],      # Mayamalavagowla (= Bhairav thaat)
    29: [0, 200, 400, 500, 700, 900, 1100],      # major
    65: [0, 200, 400, 600, 700, 900, 1100],      # Lydian
    22: [0, 200, 300, 500, 700, 900, 1000],      # Dorian
    8: [0, 100, 300, 500, 700, 800, 1000],       # Phrygian
    20: [0, 200, 300, 500, 700, 800, 1000],      # natural minor
    28: [0, 200, 400, 500, 700, 900, 1000],      # Mixolydian
}


def mela_semitones(number: int) -> tuple[int, ...]:
    return tuple(round(c / 100) for c in sorted(pcs(C, str(number))))


@pytest.mark.parametrize("number, name", sorted(MELA_NAMES.items()))
def test_melas_are_named_and_numbered(number, name):
    info = C.mode(number)
    assert info.name == name and info.number == number
    assert C.mode(str(number)) is info is C.mode(f"mela {number}") is C.mode(f"mela_{number}") is C.mode(name)


@pytest.mark.parametrize("number, cents", sorted(WESTERN.items()))
def test_melas_match_the_known_scales(number, cents):
    assert sorted(pcs(C, str(number))) == cents


def test_western_modes_agree_with_the_melas():
    western = load_pack("western")
    for number, mode in [(29, "major"), (65, "lydian"), (22, "dorian"), (8, "phrygian"),
                         (20, "natural_minor"), (28, "mixolydian")]:
        assert pcs(C, str(number)) == set(western.mode(mode).scale.degree_cents), (number, mode)


def test_melas_match_the_hindustani_thaats():
    for thaat, number in [("bilawal", 29), ("kalyan", 65), ("khamaj", 28), ("kafi", 22), ("asavari", 20),
                          ("bhairavi", 8), ("bhairav", 15), ("poorvi", 51), ("marwa", 53), ("todi", 45)]:
        assert pcs(C, str(number)) == pcs(H, f"{thaat}_thaat"), thaat


def test_all_72_melas_are_distinct_heptatonic_scales_with_sa_and_pa():
    melas = [C.mode(n) for n in range(1, 73)]
    assert [m.number for m in melas] == list(range(1, 73))
    assert len({m.name for m in melas}) == 72
    scales = {mela_semitones(n) for n in range(1, 73)}
    assert len(scales) == 72
    for n in range(1, 73):
        s = mela_semitones(n)
        assert len(s) == 7 and s[0] == 0 and 7 in s, n
        assert C.mode(n).is_heptatonic and C.mode(n).scale.is_symmetric


def test_first_36_melas_have_shuddha_ma_the_rest_prati_ma():
    for n in range(1, 73):
        s = set(mela_semitones(n))
        if n <= 36:
            assert 5 in s and 6 not in s, n
        else:
            assert 6 in s and 5 not in s, n
        # Melas n and n + 36 differ only in Ma.
        if n <= 36:
            assert set(mela_semitones(n)) - {5} == set(mela_semitones(n + 36)) - {6}


def test_melas_follow_the_katapayadi_order_of_pairs():
    # Within a chakra of six, Dha/Ni run D1N1 D1N2 D1N3 D2N2 D2N3 D3N3; the chakra sets Ri/Ga.
    dha_ni = [(8, 9), (8, 10), (8, 11), (9, 10), (9, 11), (10, 11)]
    ri_ga = [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]
    for n in range(1, 73):
        k = n - 1
        expected = (0, *ri_ga[(k % 36) // 6], 5 if k < 36 else 6, 7, *dha_ni[k % 6])
        assert mela_semitones(n) == expected, n


def test_enharmonic_swarasthanas_share_a_pitch():
    for profile in ("12edo", "just"):
        notes = C.note_names[profile]
        for a, b in [("R2", "G1"), ("R3", "G2"), ("D2", "N1"), ("D3", "N2")]:
            assert notes[a] == notes[b], (profile, a, b)
        assert len(C.tuning(profile).degree_cents) == 12
    # Mela 1 Kanakangi: S R1 G1 M1 P D1 N1 = 0 1 2 5 7 8 9.
    assert C.mode(1).raw["ascending"] == ["S", "R1", "G1", "M1", "P", "D1", "N1"]
    assert mela_semitones(1) == (0, 1, 2, 5, 7, 8, 9)


def test_kalyani_is_mela_65_and_shankarabharanam_is_29():
    assert C.mode("kalyani") is C.mode(65) is C.mode("mechakalyani")
    assert C.mode("Kalyani").number == 65
    assert C.mode("shankarabharanam").number == 29
    assert C.mode("mela 65").raw["aliases"][0] == "mela_65"


def test_generator_parameters_live_in_the_pack():
    from theory.datafile import read_yaml_file
    from theory.pack import PACKS_DIR

    gen = read_yaml_file(PACKS_DIR / "carnatic.yaml").data["generator"]
    modes = generate_modes(gen)
    assert len(modes) == 72
    assert modes["mechakalyani"]["ascending"] == ["S", "R2", "G3", "M2", "P", "D2", "N3"]
    assert set(modes["mechakalyani"]["descending"]) == set(modes["mechakalyani"]["ascending"])
    # Changing the parameters changes the result: the code holds only the rule.
    swapped = dict(gen, parameters=dict(gen["parameters"], ma=["M2", "M1"]))
    assert generate_modes(swapped)["kanakangi"]["ascending"][3] == "M2"
    short = dict(gen, parameters=dict(gen["parameters"], names=gen["parameters"]["names"][:71]))
    with pytest.raises(DataFileError, match="72"):
        generate_modes(short)


# --- Carnatic: janya ragas ---------------------------------------------------------------

CARNATIC_12 = {"S": 0, "R1": 100, "R2": 200, "R3": 300, "G1": 200, "G2": 300, "G3": 400, "M1": 500,
               "M2": 600, "P": 700, "D1": 800, "D2": 900, "D3": 1000, "N1": 900, "N2": 1000, "N3": 1100}


@pytest.mark.parametrize("raga, parent, semitones", [
    ("mohanam", 28, [0, 2, 4, 7, 9]),
    ("hamsadhwani", 29, [0, 2, 4, 7, 11]),
    ("hindolam", 20, [0, 3, 5, 8, 10]),
    ("abhogi", 22, [0, 2, 3, 5, 9]),
    ("madhyamavati", 22, [0, 2, 5, 7, 10]),
    ("sri_ranjani", 22, [0, 2, 3, 5, 9, 10]),
    ("shuddha_saveri", 29, [0, 2, 5, 7, 9]),
    ("shivaranjani", 22, [0, 2, 3, 7, 9]),
    ("revati", 2, [0, 1, 5, 7, 10]),
    ("arabhi", 29, [0, 2, 4, 5, 7, 9, 11]),
    ("bilahari", 29, [0, 2, 4, 5, 7, 9, 11]),
    ("kambhoji", 28, [0, 2, 4, 5, 7, 9, 10]),
])
def test_janya_ragas(raga, parent, semitones):
    info = C.mode(raga)
    assert C.mode(info.parent).number == parent
    assert sorted(pcs(C, raga)) == [100 * s for s in semitones]
    assert pcs(C, raga) <= pcs(C, str(parent))
    assert info.cycles and set(info.cycles) <= {"adi", "rupaka", "misra_chapu", "khanda_chapu"}


def test_hindolam_is_malkauns_and_mohanam_is_bhupali():
    assert pcs(C, "hindolam") == pcs(H, "malkauns")
    assert pcs(C, "mohanam") == pcs(H, "bhupali")


def test_ragas_without_pa_drone_on_ma():
    for raga in ("hindolam", "abhogi", "sri_ranjani"):
        info = C.mode(raga)
        assert C.scale(raga, "12edo").degree_of(700) is None
        assert info.drone_cents == (0.0, C.note_cents(info, "M1"))
    assert C.mode("mohanam").drone_cents == (0.0, 702.0)


@pytest.mark.parametrize("raga, up_only", [("bilahari", {"M1", "N3"}), ("arabhi", {"G3", "N3"}),
                                           ("kambhoji", {"N2"})])
def test_audava_sampoorna_janyas_differ_up_and_down(raga, up_only):
    up, down = pcs(C, raga, direction=UP), pcs(C, raga, direction="down")
    assert up < down
    assert down - up == {float(CARNATIC_12[n]) for n in up_only}
    assert not C.mode(raga).scale.is_symmetric


def test_carnatic_profile_switch_changes_the_cents():
    assert C.scale("kalyani", "12edo").degree_cents == (0, 200, 400, 600, 700, 900, 1100)
    just = C.scale("kalyani", "just")
    assert just.degree_cents == (0.0, 203.9, 394.3, 597.0, 702.0, 905.9, 1096.3)
    assert resolve_note("S'", C.note_names["just"], 1200) == 1200.0
