"""An opening in free rhythm (an alap, a taqsim) before the cycle starts: the drone alone, no strokes of the
cycle, notes of free length that start low and come back to the final, and then the cycle begins."""
from pathlib import Path

import pytest

from composer import compose
from composer.analysis.tradition import section_endings
from composer.score.errors import SpecError

ROOT = Path(__file__).resolve().parents[2]
ALAP = ROOT / "examples" / "raga_darbari_alap.yaml"


@pytest.fixture(scope="module")
def piece():
    return compose(str(ALAP))


def test_the_alap_is_the_drone_alone_and_the_tabla_starts_with_the_cycle(piece):
    free = piece.plan.unmetered_bars
    assert list(free) == [0, 1]
    bar_q = piece.meter.bar_quarters
    strokes = sorted(n.offset for n in piece.part("percussion").notes)
    assert strokes[0] == free.stop * bar_q                      # the first stroke is the sam of the cycle
    assert any(n.offset < free.stop * bar_q for n in piece.part("drone").notes)


def test_the_alap_starts_low_and_comes_back_to_sa(piece):
    bar_q = piece.meter.bar_quarters
    free = piece.plan.unmetered_bars
    alap = sorted((n for n in piece.part("melody").notes if n.offset < free.stop * bar_q), key=lambda n: n.offset)
    rest = [n for n in piece.part("melody").notes if n.offset >= free.stop * bar_q]
    key = piece.key
    assert abs(key.rel_cents(alap[-1].pitch.cents)) < 1.0 or abs(key.rel_cents(alap[-1].pitch.cents) - 1200) < 1.0
    mean = lambda notes: sum(n.pitch.cents for n in notes) / len(notes)  # noqa: E731
    assert mean(alap) < mean(rest)


def test_an_alap_is_not_judged_on_sam_and_the_sections_after_it_are(piece):
    endings = section_endings(piece.plan, piece.part("melody").notes)
    assert "alap" not in {e["section"] for e in endings}
    assert all(e["on_cadential_beat"] for e in endings)


def test_musicxml_says_where_the_free_rhythm_ends(piece, tmp_path):
    xml = Path(piece.write(tmp_path / "darbari.musicxml")).read_text(encoding="utf-8")
    assert "alap: free rhythm" in xml and "jhaptaal: the cycle begins" in xml


@pytest.mark.parametrize("sections, field", [
    ([{"name": "sthayi", "cycles": 2}, {"name": "alap", "cycles": 2, "unmetered": True}], "sections[1].unmetered"),
    ([{"name": "alap", "cycles": 2, "unmetered": True}, {"name": "again", "repeat": "alap", "unmetered": True}],
     "sections[1].unmetered"),
])
def test_only_the_first_section_may_be_unmetered(sections, field):
    spec = {"title": "t", "scale": {"pack": "hindustani", "mode": "yaman", "tonic": "C4"}, "cycle": "teentaal",
            "sections": sections}
    with pytest.raises(SpecError) as caught:
        compose(spec)
    assert field in str(caught.value) and "first section" in str(caught.value)
