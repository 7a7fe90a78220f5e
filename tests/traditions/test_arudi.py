"""The Carnatic arudi: a line's first half (the purvanga) comes to rest within the tala on a note the raga
rests on, held (the karvai) to the end of the tala's group, before the second half begins."""
from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import edited_copy

from composer import compose
from composer.analysis.tradition import arudi_landings
from composer.fill.arudi import arudi_point
from composer.fill.rhythm import karvai_bar
from composer.plan.slots import rest_notes
from composer.score.rhythm import RhythmNote
from theory import Meter
from theory.cycle import load_cycle, load_cycles_file
from theory.errors import DataFileError

ROOT = Path(__file__).resolve().parents[2]
KRITI = str(ROOT / "examples" / "carnatic_mohanam_adi.yaml")
RESTS = re.compile(r"comes to rest on the arudi, beat (\d+) of bar (\d+)")


def _arudi_notes(piece):
    """(phrase, the note the fill says rests on the arudi) for each phrase whose record says so."""
    bar_q = piece.meter.bar_quarters
    starts = {n.offset: n for n in piece.part("melody").notes}
    out = []
    for phrase in piece.plan.phrases:
        for line in piece.fill.lines(phrase.index):
            found = RESTS.search(line)
            if found:
                beat, bar = int(found.group(1)), int(found.group(2))
                out.append((phrase, starts.get((bar - 1) * bar_q + (beat - 1) * piece.meter.unit)))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_a_pallavi_line_rests_on_beat_5_of_adi_on_a_note_of_the_raga_held_through_the_drutam(seed):
    piece = compose(KRITI, seed=seed)
    rested = _arudi_notes(piece)
    assert rested, "no line of the kriti rests on its arudi"
    key = piece.key
    for phrase, note in rested:
        assert note is not None, f"phrase {phrase.index}: no note starts on the arudi"
        assert note.duration >= 2 * piece.meter.unit        # the first drutam, beats 5-6
        rel = key.rel_cents(note.pitch.cents)
        assert any(abs(rel - r) % 1200 < 1 or abs(rel - r) % 1200 > 1199 for r in rest_notes(key)), rel
        # the arudi falls in the cycle that ends the line's first half
        assert note.offset // piece.meter.bar_quarters == phrase.start_bar + (phrase.bars + 1) // 2 - 1
    measured = arudi_landings(piece.plan, piece, list(piece.part("melody").notes))
    assert measured["landed"] >= len(rested)


def test_a_tala_without_an_arudi_and_a_raga_in_teentaal_take_none():
    piece = compose(str(ROOT / "examples" / "raga_yaman_teentaal.yaml"), seed=0)
    assert load_cycle("teentaal").arudi is None
    assert not _arudi_notes(piece)
    assert all(arudi_point(piece.plan, p) is None for p in piece.plan.phrases)


def test_misra_chapu_rests_on_its_fourth_beat():
    spec = {"title": "Chapu", "scale": {"pack": "carnatic", "mode": "mohanam", "tonic": "D4"}, "cycle": "misra_chapu",
            "tempo": 90, "sections": [{"name": "pallavi", "cycles": 8}],
            "parts": [{"role": "melody", "instrument": "violin", "range": "A3-D6"}, {"role": "drone", "range": "D3-D4"}]}
    piece = compose(spec, seed=1)
    rested = _arudi_notes(piece)
    assert rested
    for _, note in rested:
        assert note.offset % piece.meter.bar_quarters == 3 * piece.meter.unit


def test_karvai_bar_holds_the_note_and_keeps_the_bar_whole():
    meter = Meter(8, 4, (4, 2, 2))
    bar = [RhythmNote(Fraction(i, 2), Fraction(1, 2)) for i in range(7)] + [RhythmNote(Fraction(7, 2), Fraction(3)),
                                                                           RhythmNote(Fraction(13, 2), Fraction(3, 2))]
    out = karvai_bar(meter, bar, Fraction(4), Fraction(2))
    assert sum(r.duration for r in out) == meter.bar_quarters
    assert [r.offset for r in out] == sorted(r.offset for r in out)
    held = next(r for r in out if r.offset == 4)
    assert held.duration == 2
    assert all(r.offset + r.duration <= 4 for r in out if r.offset < 4)
    assert [r.offset for r in out if r.offset > 4] == [6, Fraction(13, 2)]


def test_an_arudi_outside_the_cycle_is_refused(tmp_path):
    bad = edited_copy(tmp_path, "theory/cycles/talas.yaml", "    arudi: 5\n", "    arudi: 9\n")
    with pytest.raises(DataFileError, match="arudi beat 9 lies outside 1..8"):
        load_cycles_file(bad)
