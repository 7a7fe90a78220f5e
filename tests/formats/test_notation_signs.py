"""Notation as each tradition writes it, and as engravers accept it: a raga, a kriti or a gamelan piece in
plain letters (no arrow for a just-intonation deviation of a few cents), a dastgah with koron and sori,
a maqam with quarter-tone signs; beams that never cross a beat group; raga Yaman engraved for every seed."""
from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from composer import compose
from composer.formats.musicxml import musicxml_bytes
from composer.formats.svg import page_size, svg_pages

ROOT = Path(__file__).resolve().parents[2]
ARROWS = re.compile(r"<accidental>[a-z-]*-(?:up|down)</accidental>")


def _example(name: str, seed: int = 0):
    return compose(str(ROOT / "examples" / f"{name}.yaml"), seed=seed)


def _written(xml: str) -> list[tuple[str, float, int]]:
    """(step, alter, octave) of every pitched note."""
    out = []
    for step, alter, octave in re.findall(r"<pitch>\s*<step>(\w)</step>\s*(?:<alter>([^<]*)</alter>\s*)?"
                                          r"<octave>(\d+)</octave>", xml):
        out.append((step, float(alter or 0), int(octave)))
    return out


STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


@pytest.mark.parametrize("name", ["raga_yaman_teentaal", "carnatic_mohanam_adi", "gamelan_lancaran_slendro"])
def test_a_tradition_written_in_letters_gets_letters_and_the_nearest_key(name):
    piece = _example(name)
    xml = musicxml_bytes(piece).decode()
    assert not ARROWS.search(xml) and "<alter>0." not in xml and "<alter>-0." not in xml
    written = sorted((s, a, o) for s, a, o in _written(xml))
    melody = piece.part("melody").notes
    keys = sorted(12 * (o + 1) + STEPS[s] + a for s, a, o in written)
    assert {n.pitch.nearest_midi for n in melody} <= set(keys)


def test_a_dastgah_writes_koron_and_sori_and_keeps_its_quarter_tones():
    piece = compose({"title": "Segah", "scale": {"pack": "persian", "mode": "segah", "tonic": "E4"}, "meter": "6/8",
                     "tempo": 72, "parts": [{"role": "melody", "instrument": "violin", "range": "B3-E6"}],
                     "sections": [{"name": "daramad", "bars": 8}]})
    xml = musicxml_bytes(piece).decode()
    signs = set(re.findall(r"<accidental>([^<]*)</accidental>", xml))
    assert signs & {"koron", "sori"} and not signs & {"quarter-flat", "quarter-sharp", "half-flat", "half-sharp"}
    written = {round(12 * (o + 1) + STEPS[s] + a, 2) for s, a, o in _written(xml)}
    assert {round(n.pitch.cents / 100, 2) for n in piece.part("melody").notes} <= written


def test_a_maqam_keeps_its_quarter_tone_signs():
    xml = musicxml_bytes(_example("maqam_rast_maqsum")).decode()
    assert "<accidental>quarter-flat</accidental>" in xml and not ARROWS.search(xml)


@pytest.mark.parametrize("seed", range(20))
def test_raga_yaman_engraves_for_every_seed(seed):
    pages = svg_pages(_example("raga_yaman_teentaal", seed))
    assert pages and all(0 < page_size(p)[1] < 5000 for p in pages)


def _beam_groups_hold(piece) -> list[str]:
    """Beamed runs of the melody that cross one of the meter's beam groups (a beat of a meter in quarters,
    a group of one in eighths)."""
    meter = piece.meter
    if meter.denominator <= 4:
        edges = [Fraction(i) * meter.unit for i in range(meter.numerator + 1)]
    else:
        edges = [Fraction(0), *(o for o in meter.group_offsets[1:]), meter.bar_quarters]
    xml = musicxml_bytes(piece).decode()
    part = re.search(r'<part id="P1">(.*?)</part>', xml, flags=re.S).group(1)
    divisions = int(re.search(r"<divisions>(\d+)</divisions>", xml).group(1))
    bad = []
    for number, body in re.findall(r'<measure[^>]*number="(\d+)"[^>]*>(.*?)</measure>', part, flags=re.S):
        at, run = Fraction(0), []
        for note in re.findall(r"<note\b.*?</note>", body, flags=re.S):
            if "<chord/>" in note or "<grace" in note:
                continue
            length = Fraction(int(re.search(r"<duration>(\d+)</duration>", note).group(1)), divisions)
            beam = re.search(r'<beam number="1">(\w+)</beam>', note)
            if beam:
                run.append(at)
                if beam.group(1) == "end":
                    group = max(i for i, e in enumerate(edges) if e <= run[0])
                    if run[-1] >= edges[group + 1]:
                        bad.append(f"bar {number}: a beam from {run[0]} to {run[-1]}")
                    run = []
            at += length
    return bad


@pytest.mark.parametrize("name", ["raga_yaman_teentaal", "dance_7_8", "reel_in_d", "minuet_in_g"])
def test_no_beam_crosses_a_beat_group(name):
    for seed in range(3):
        assert _beam_groups_hold(_example(name, seed)) == []


def test_a_score_in_letters_is_measured_as_the_modes_exact_notes(tmp_path):
    """evaluate reads a raga's letters as the raga's notes: the same measures from its MusicXML as from its
    MIDI (which keeps every cent), every note in the mode, every hard constraint met."""
    from composer.evaluate import evaluate_piece
    from composer.formats.read import read_piece

    piece = _example("raga_yaman_teentaal", 3)
    piece.write(tmp_path / "yaman.mid")
    piece.write(tmp_path / "yaman.musicxml")
    xml, mid = (evaluate_piece(read_piece(tmp_path / f"yaman.{ext}"))["metrics"] for ext in ("musicxml", "mid"))
    assert xml["in_scale_rate"] == mid["in_scale_rate"] == 1
    assert xml["constraint_satisfaction_rate"] == mid["constraint_satisfaction_rate"] == 1
    assert xml["tradition"]["degree_shares"] == mid["tradition"]["degree_shares"]


@pytest.mark.parametrize("mode, tonic, commas, written", [
    ("ussak", "A4", 8, ("B", "quarter-flat")),        # segah: B with a koma flat, not A with a slashed sharp
    ("hicaz", "A4", 5, ("B", "slash-flat")),          # dik kurdi: B with a bakiye flat
    ("hicaz", "A4", 17, ("C", "sharp")),              # nim hicaz: C with a bakiye sharp
    ("rast", "G4", 48, ("F", "sharp")),               # evic: F with a bakiye sharp
    ("rast", "G4", 22, ("C", None)),                  # cargah: a natural, no sign
])
def test_a_makam_is_written_on_its_aeu_letters_and_signs(mode, tonic, commas, written):
    from composer import load_spec
    from composer.formats.musicxml import m21_pitch
    from theory import Pitch

    key = load_spec({"scale": {"pack": "turkish", "mode": mode, "tonic": tonic}}).key
    cents = Pitch.from_name(tonic).cents + commas * 1200.0 / 53
    p = m21_pitch(Pitch(cents), key)
    m21_names = {"quarter-flat": "half-flat", "quarter-sharp": "half-sharp"}     # music21's names for them
    assert (p.step, p.accidental.name if p.accidental else None) == (written[0], m21_names.get(written[1], written[1]))
    if p.accidental is not None:
        assert p.ps == pytest.approx(cents / 100, abs=0.0001)       # the sign's note sounds exactly
    else:
        assert abs(p.ps - cents / 100) < 0.1                         # a natural, within 10 cents of its letter


def test_a_makam_score_reads_back_as_its_exact_notes(tmp_path):
    """check reads an AEU natural, written as a plain letter, as the makam's note: nothing to mark."""
    from composer.analysis.check import check

    piece = _example("makam_hicaz_duyek")
    path = tmp_path / "hicaz.musicxml"
    piece.write(path)
    xml = path.read_text(encoding="utf-8")
    assert not ARROWS.search(xml)
    assert not [f for f in check(str(path)).findings if f.severity == "error"]
