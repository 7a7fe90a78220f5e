"""Melodies by each tradition's grammar, as a practitioner would check them: the mode's leaning note carries
the weight, Sa does not swamp a raga, the mode's phrases sound where they belong, sections arrive on sam, the
piece closes with its qafla or a tihai, and every ornament starts on its note and ends on a note of the mode.
"""
from pathlib import Path

import numpy as np
import pytest
import yaml

from composer import compose
from composer.analysis.tradition import section_endings, tradition_measures
from composer.formats.midi import midi_bytes, read_midi_notes
from composer.piece import Piece
from theory import list_packs, load_pack
from theory.melody_rules import ornament_kinds, ornament_rules, role_weight, tradition_melody
from theory.schema import read_checked

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "theory" / "rules"
SCHEMAS = ROOT / "theory" / "schemas"
SEEDS = range(4)

RAGA = "examples/raga_yaman_teentaal.yaml"
KRITI = "examples/carnatic_mohanam_adi.yaml"
MAQAM = "examples/maqam_rast_maqsum.yaml"
MAKAM = "examples/makam_hicaz_duyek.yaml"
GAMELAN = "examples/gamelan_lancaran_slendro.yaml"
DARBARI = {"title": "Darbari", "scale": {"pack": "hindustani", "mode": "darbari", "tonic": "C4"},
           "cycle": "jhaptaal", "tempo": 60,
           "sections": [{"name": "sthayi", "cycles": 8}, {"name": "antara", "cycles": 8}],
           "parts": [{"role": "melody", "instrument": "sitar", "range": "F3-C6"},
                     {"role": "drone", "range": "C3-C4"}, {"role": "percussion"}]}
BAYATI = {"title": "Bayati", "scale": {"pack": "arabic", "mode": "bayati", "tonic": "D4"}, "cycle": "maqsum",
          "tempo": 100, "sections": [{"name": "A", "cycles": 8}, {"name": "B", "cycles": 8}],
          "parts": [{"role": "melody", "instrument": "violin", "range": "A3-D6"}, {"role": "percussion"}]}


def _spec(spec):
    return dict(spec) if isinstance(spec, dict) else str(ROOT / spec)


@pytest.fixture(scope="module")
def pieces():
    cache = {}

    def get(spec, seed):
        key = (str(spec), seed)
        if key not in cache:
            cache[key] = compose(_spec(spec), seed=seed)
        return cache[key]
    return get


@pytest.mark.parametrize("name", ["traditions", "ornaments"])
def test_rules_files_follow_their_schema_and_name_shipped_packs(name):
    doc = read_checked(RULES / f"{name}.yaml", SCHEMAS / f"{name}.schema.json").data
    assert set(doc["traditions"]) <= set(list_packs())


def test_every_ornament_rule_names_an_ornament_and_notes_of_its_mode():
    kinds = ornament_kinds()
    for pack in list_packs():
        for rule in ornament_rules(pack):
            assert rule.ornament in kinds
            for mode, names in rule.notes.items():
                scale = load_pack(pack).mode(mode).scale
                assert set(names) <= set(scale.degree_names), (pack, mode, names)


def test_every_characteristic_phrase_is_a_walk_its_mode_allows():
    """A pakad, seyir or qafla that the mode's own aroha/avaroha and turns forbid could never be sung."""
    for pack in list_packs():
        for name, mode in load_pack(pack).modes.items():
            scale = mode.scale
            for phrase in mode.phrases:
                degrees = [scale.degree_of(c % scale.period_cents) for c in phrase.cents]
                assert None not in degrees, (pack, name, phrase.name)
                allowed = scale.movement_matrix(np.array(degrees), np.array(phrase.cents))
                bad = [k for k in range(len(degrees) - 1) if not allowed[k, k + 1]]
                assert not bad, f"{pack} {name} {phrase.name}: move {bad} is not allowed by the mode"


def test_a_numbered_role_weighs_as_its_role():
    assert role_weight("jiva_2") == role_weight("jiva") > role_weight("leading_tone")
    assert role_weight("avoid") < 1 < role_weight("vadi")


@pytest.mark.parametrize("spec", [RAGA, KRITI, MAQAM, MAKAM, GAMELAN, DARBARI])
def test_the_leaning_note_outweighs_every_plain_degree(spec, pieces):
    for seed in SEEDS:
        m = tradition_measures(pieces(spec, seed))
        h = m["hierarchy"]
        assert h["holds"], (seed, m["degree_shares"])


@pytest.mark.parametrize("spec", [RAGA, KRITI, DARBARI])
def test_sa_does_not_swamp_a_raga(spec, pieces):
    for seed in SEEDS:
        assert tradition_measures(pieces(spec, seed))["hierarchy"]["final_share"] <= 0.30


@pytest.mark.parametrize("spec", [RAGA, KRITI, MAQAM, MAKAM, GAMELAN, DARBARI])
def test_sections_arrive_on_the_cycles_cadential_beat(spec, pieces):
    for seed in SEEDS:
        piece = pieces(spec, seed)
        endings = section_endings(piece.plan, piece.part("melody").notes)
        assert all(e["on_cadential_beat"] for e in endings), (seed, endings)


def test_a_section_held_on_sam_leads_on_with_short_notes(pieces):
    """The cadence note on sam is held a vibhag; what follows in the cycle leads on, and no note of it is a
    second arrival (a beat or more on a strong beat)."""
    piece = pieces(RAGA, 0)
    meter = piece.meter
    sthayi = piece.plan.sections[0]
    last_bar = sthayi.start_bar + sthayi.bars - 1
    bar = [n for n in piece.part("melody").notes if int(n.offset // meter.bar_quarters) == last_bar]
    assert bar[0].offset % meter.bar_quarters == 0 and bar[0].duration == meter.group_lengths[0]
    assert all(n.duration <= meter.unit for n in bar[1:])


def test_the_pakad_opens_phrases_in_its_written_octave(pieces):
    pakad = load_pack("hindustani").mode("yaman").phrases[0]
    for seed in SEEDS:
        piece = pieces(RAGA, seed)
        notes = sorted(piece.part("melody").notes, key=lambda n: n.offset)
        tonic = piece.key.anchor_cents
        starts = [i for i in range(len(notes) - len(pakad.cents) + 1)
                  if all(abs(notes[i + j].pitch.cents - tonic - c) < 1.0 for j, c in enumerate(pakad.cents))]
        if starts:
            return
    pytest.fail("the pakad never sounds in its written octave")


def test_a_raga_closes_with_a_tihai_landing_on_sam(pieces):
    """The last notes: a three-note figure from the end of the pakad, three times, the third landing on the
    final Sa on the downbeat of the last cycle."""
    figure = [round(c) for c in load_pack("hindustani").mode("yaman").phrases[0].cents[-3:]]
    for seed in SEEDS:
        piece = pieces(RAGA, seed)
        notes = sorted(piece.part("melody").notes, key=lambda n: n.offset)
        tail = [round(n.pitch.cents - piece.key.anchor_cents) % 1200 for n in notes[-9:]]
        if tail == [c % 1200 for c in figure * 3] and notes[-1].offset % piece.meter.bar_quarters == 0:
            return
    pytest.fail("no piece closes with a tihai on the pakad's end")


def test_a_maqam_keeps_its_qafla_for_the_close(pieces):
    qafla = load_pack("arabic").mode("bayati").phrases[0]
    assert qafla.at == "closing"
    for seed in SEEDS:
        piece = pieces(BAYATI, seed)
        notes = sorted(piece.part("melody").notes, key=lambda n: n.offset)
        shape = [round(c - qafla.cents[-1]) for c in qafla.cents]
        end = notes[-len(shape):]
        assert [round(n.pitch.cents - end[-1].pitch.cents) for n in end] == shape, seed
        # ... and it does not open the piece (Bayati opened with its qafla before it was marked `closing`)
        head = notes[:len(shape)]
        assert [round(n.pitch.cents - head[-1].pitch.cents) for n in head] != shape, seed


def test_every_gamelan_tone_sounds_and_none_swamps_the_balungan(pieces):
    for seed in SEEDS:
        shares = [d["share"] for d in tradition_measures(pieces(GAMELAN, seed))["degree_shares"]]
        assert min(shares) > 0 and max(shares) <= 0.40, (seed, shares)


def test_a_western_piece_has_no_tradition_measures_and_no_ornaments():
    piece = compose(str(ROOT / "examples" / "minuet_in_g.yaml"))
    assert tradition_measures(piece) is None
    assert not any(n.ornament for p in piece.parts for n in p.notes)
    assert tradition_melody("western").final_weight > 0


# --- ornaments --------------------------------------------------------------------------------------------

def _mode_pitch(key, cents) -> bool:
    return key.scale.degree_of(key.rel_cents(cents), 1.0) is not None


@pytest.mark.parametrize("spec", [RAGA, KRITI, MAQAM, MAKAM, DARBARI])
def test_every_ornament_starts_on_its_note_and_ends_on_a_note_of_the_mode(spec, pieces):
    seen = 0
    for seed in SEEDS:
        piece = pieces(spec, seed)
        notes = sorted(piece.part("melody").notes, key=lambda n: n.offset)
        for i, note in enumerate(notes):
            if note.ornament is None:
                continue
            seen += 1
            key = piece.key_at(note.offset)
            start, end = note.ornament.points[0][1], note.ornament.points[-1][1]
            assert abs(start - note.pitch.cents) < 1e-6
            assert _mode_pitch(key, end)
            if abs(end - note.pitch.cents) > 1e-6:      # a glide ends on the next note
                assert abs(end - notes[i + 1].pitch.cents) < 1e-6
            assert all(abs(c - note.pitch.nearest_midi * 100) <= 200 for _, c in note.ornament.points)
    assert seen, "the tradition's ornaments never sound"


def test_darbari_swings_its_komal_ga_and_dha_in_andolan(pieces):
    piece = pieces(DARBARI, 0)
    key = piece.key
    names = {n.ornament.name for n in piece.part("melody").notes if n.ornament}
    assert "andolan" in names
    for n in piece.part("melody").notes:
        if n.ornament is not None and n.ornament.name == "andolan":
            index = key.scale.degree_of(key.rel_cents(n.pitch.cents), 1.0)
            assert key.scale.degree_names[index] in ("g", "d")


def test_ornaments_read_back_from_midi_at_their_notes_pitches_and_survive_a_piece_file(pieces, tmp_path):
    piece = pieces(DARBARI, 0)
    melody = sorted(piece.part("melody").notes, key=lambda n: n.offset)
    rows = sorted((r for r in read_midi_notes(midi_bytes(piece)) if r[0] == 1), key=lambda r: r[1])
    assert len(rows) == len(melody)
    assert max(abs(r[3] - n.pitch.cents) for r, n in zip(rows, melody)) < 0.05
    path = piece.save(tmp_path / "darbari.piece.json")
    again = sorted(Piece.load(path).part("melody").notes, key=lambda n: n.offset)
    assert [n.ornament for n in again] == [n.ornament for n in melody]


def test_ornaments_show_in_musicxml_and_are_named_by_explain(pieces, tmp_path):
    from composer.fill.reasons import explain_note

    piece = pieces(DARBARI, 0)
    xml = Path(piece.write(tmp_path / "darbari.musicxml")).read_text(encoding="utf-8")
    assert "<slide" in xml and ">andolan<" in xml
    note = next(n for n in piece.part("melody").notes if n.ornament and n.ornament.name == "andolan")
    bar = int(note.offset // piece.meter.bar_quarters) + 1
    beat = float((note.offset % piece.meter.bar_quarters) / piece.meter.unit) + 1
    assert "ornament: Andolan" in explain_note(piece, bar, beat)


def test_an_ornament_glides_in_the_audio(pieces):
    """The WAV of a note with an andolan is not the steady tone of the same note without it."""
    from dataclasses import replace

    from composer.formats.audio import render_audio

    piece = compose(dict(DARBARI), seed=0)
    plain = replace(piece, parts=[replace(p, notes=[replace(n, ornament=None) for n in p.notes]) for p in piece.parts])
    a, b = render_audio(piece, 8000), render_audio(plain, 8000)
    assert a.shape == b.shape and not np.allclose(a, b)


def test_the_data_fixes_hold():
    hindustani, gamelan, turkish = load_pack("hindustani"), load_pack("gamelan"), load_pack("turkish")
    bageshree = hindustani.mode("bageshree")
    assert 702.0 not in bageshree.omitted_cents and bageshree.emphasis["rare"] == pytest.approx(702.0)
    assert gamelan.tuning("slendro_kanyut_mesem").period_cents == pytest.approx(1211.5)
    commas = [round(c / (1200 / 53)) for c in turkish.ajnas["hicaz_5_13_4"]]
    assert np.diff(commas).tolist() == [5, 13, 4]
    text = yaml.safe_load((ROOT / "theory" / "packs" / "turkish.yaml").read_text(encoding="utf-8"))
    assert "dik hisar, 39" not in text["modes"]["hicaz"]["notes"]


@pytest.mark.parametrize("mode,tonic,expected", [
    ("segah", "E4", {"daramad": "1", "zabol": "3k", "muyeh": "4", "forud": "1"}),
    # Homayun's daramad centres on its koron 2nd, its shahed, and the forud comes back to it.
    ("homayun", "G4", {"daramad": "2k", "chakavak": "4", "bidad": "5", "forud": "2k"}),
    ("nava", "G4", {"nahoft": "5", "gavesht": "2"}),
])
def test_a_dastgah_moves_through_its_gushes_and_returns_for_the_forud(mode, tonic, expected):
    """A dastgah's sections take its gushes in the radif's order, each centred on its own shahed (Segah: the
    daramad on the finalis, Zabol on the 3rd, Muyeh on the 4th), and the last returns to the daramad."""
    from composer.analysis.tradition import degree_shares

    names = list(expected) if "forud" in expected else ["daramad", *expected, "forud"]
    spec = {"title": mode, "scale": {"pack": "persian", "mode": mode, "tonic": tonic}, "meter": "6/8",
            "tempo": 72, "parts": [{"role": "melody", "instrument": "violin", "range": "B3-E6"}],
            "sections": [{"name": n, "bars": 8} for n in names]}
    totals: dict = {}
    # Eight seeds, not four: a forud leans on both the shahed and the finalis (Homayun's 2k and 1 over 20 seeds:
    # 5.5 and 4.4 of the melody's degree shares summed), and four seeds left their order to chance.
    for seed in range(8):
        piece = compose(dict(spec), seed=seed)
        bar = piece.meter.bar_quarters
        for section in piece.plan.sections:
            assert section.phrases[0].gushe is not None
            assert section.phrases[0].gushe[0] == (names[0] if section.name == "forud" else section.name)
            notes = [n for n in piece.part("melody").notes
                     if section.start_bar * bar <= n.offset < (section.start_bar + section.bars) * bar]
            for d in degree_shares(piece.key, notes):
                totals.setdefault(section.name, {}).setdefault(d.name, 0.0)
                totals[section.name][d.name] += d.share
    for name, shares in totals.items():
        if name in expected:
            assert max(shares, key=shares.get) == expected[name], (name, shares)
