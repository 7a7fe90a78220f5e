"""A makam as a Turkish musician hears it: the seyir opens each section rather than every phrase, a section
the piece goes on after makes its half close (the asma karar) on the güçlü, and the piece ends on the karar."""
from __future__ import annotations

from pathlib import Path

import pytest

from composer import compose
from composer.analysis.tradition import cadence_notes, tradition_measures

ROOT = Path(__file__).resolve().parents[2]
MAKAM = str(ROOT / "examples" / "makam_hicaz_duyek.yaml")
RAST = {"title": "Rast", "scale": {"pack": "turkish", "mode": "rast", "tonic": "G4"}, "cycle": "sofyan", "tempo": 88,
        "sections": [{"name": "zemin", "cycles": 8}, {"name": "nakarat", "cycles": 8}, {"name": "meyan", "cycles": 8}],
        "parts": [{"role": "melody", "instrument": "oboe", "range": "D4-G6"}, {"role": "percussion"}]}


@pytest.mark.parametrize("spec", [MAKAM, RAST], ids=["hicaz", "rast"])
@pytest.mark.parametrize("seed", range(3))
def test_sections_before_the_last_half_close_on_the_gucclu_and_the_last_on_the_karar(spec, seed):
    piece = compose(dict(spec) if isinstance(spec, dict) else spec, seed=seed)
    key = piece.key
    guclu = key.info.emphasis["dominant"]
    ends = cadence_notes(piece.plan, list(piece.part("melody").notes))
    assert len(ends) == len(piece.plan.sections) >= 2
    for section, note in ends[:-1]:
        assert abs(key.rel_cents(note.pitch.cents) - guclu) % 1200 < 1, (section.name, note)
        assert section.phrases[-1].cadence == "half_close"
    assert abs(key.rel_cents(ends[-1][1].pitch.cents) - key.info.final_cents) % 1200 < 1
    half = tradition_measures(piece)["half_close"]
    assert half["landed"] == half["sections"] == len(ends) - 1


def test_the_seyir_opens_sections_not_every_phrase():
    for seed in range(3):
        piece = compose(MAKAM, seed=seed)
        for phrase in piece.plan.phrases:
            lines = " ".join(piece.fill.lines(phrase.index))
            if phrase.number > 1:
                assert "opens with the characteristic phrase" not in lines, (seed, phrase.index)


def test_a_raga_still_returns_to_its_pakad_within_a_section():
    """A raga's opening phrases (its pakad, its mukhda) may open any phrase: that is how it returns."""
    bhairav = {"title": "Bhairav", "scale": {"pack": "hindustani", "mode": "bhairav", "tonic": "C#4"},
               "cycle": "teentaal", "tempo": 80, "sections": [{"name": "sthayi", "cycles": 8}],
               "parts": [{"role": "melody", "instrument": "sitar", "range": "G#3-C#6"}, {"role": "drone", "range": "C#3-C#4"}]}
    for seed in range(4):
        piece = compose(dict(bhairav), seed=seed)
        if any("opens with the characteristic phrase" in " ".join(piece.fill.lines(p.index))
               for p in piece.plan.phrases if p.number > 1):
            return
    pytest.fail("no later phrase of a section opens with Bhairav's pakad")
