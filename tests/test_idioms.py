"""Idioms (a tune type: its bar rhythms, phrase schemes, meter and tempo), the melodic defaults real tunes
meet, and the traditions the neural models have not learned, judged as a fiddler or a teacher would."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from composer import compose, load_spec
from composer.grammar import list_grammars, load_idiom
from composer.prompt import prompt_to_spec
from composer.score.errors import SpecError
from corpora import cache_dir
from corpora.tune_types import normalise

LEARNED = ("reel", "jig", "hornpipe", "slip_jig", "strathspey")


def bar_rhythms(piece) -> list[tuple[Fraction, ...]]:
    bq = piece.meter.bar_quarters
    notes = piece.part("melody").sorted_notes()
    return [tuple(n.duration for n in notes if b * bq <= n.offset < (b + 1) * bq) for b in range(piece.bars)]


@pytest.mark.parametrize("name", LEARNED)
def test_the_dance_idioms_are_learned_from_the_tunes_of_that_type(name):
    idiom = load_idiom(name)
    assert name in list_grammars("idioms")
    assert "train split" in idiom.source and "recorded as" in idiom.source
    assert all(sum(d) == idiom.bar_quarters for d, _ in idiom.bars + idiom.cadence)
    if idiom.halved is not None:
        assert all(sum(d) == idiom.bar_quarters / 2 for d, _ in idiom.halved.bars + idiom.halved.cadence)


def test_a_reel_in_2_4_is_written_in_sixteenths_as_ryans_mammoth_prints_it():
    """Ryan's Mammoth Collection prints many reels and hornpipes in 2/4, eight sixteenths a bar: the same
    dance in halved note values. A reel in 2/4 takes those tunes' bar rhythms and the tempo of their quarter
    note, half the reel's; its phrases are the reel's."""
    reel = load_idiom("reel")
    assert "2/4" in reel.all_meters and reel.halved.tempo_bpm == reel.tempo_bpm / 2
    piece = compose({"title": "r", "key": "D major", "idiom": "reel", "meter": "2/4", "form": "binary", "seed": 2})
    assert piece.tempo_bpm == reel.tempo_bpm / 2
    durations = [d for bar in bar_rhythms(piece)[:-1] for d in bar]
    assert durations.count(Fraction(1, 4)) >= 0.6 * len(durations), durations
    ends = {p.start_bar + p.bars - 1 for p in piece.plan.phrases}
    known = {d for d, _ in reel.halved.bars} | {d for d, _ in reel.halved.cadence}
    for b, rhythm in enumerate(bar_rhythms(piece)):
        if b not in ends and not any(b == p.climax // piece.meter.bar_quarters for p in piece.plan.phrases
                                     if p.climax is not None):
            assert rhythm in known, (b + 1, rhythm)


def test_a_jig_runs_in_eighth_note_groups_and_a_reel_in_eighths():
    """Most bars of a jig are six eighths (or a crotchet-quaver lilt); of a reel, running eighths."""
    jig = compose({"title": "j", "key": "D major", "idiom": "jig", "form": "binary", "seed": 3})
    assert str(jig.meter) == "6/8" and jig.tempo_bpm == load_idiom("jig").tempo_bpm
    bars = bar_rhythms(jig)
    running = sum(all(d in (Fraction(1, 2), Fraction(1)) for d in bar) for bar in bars[:-1])
    assert running >= 0.7 * (len(bars) - 1), bars
    reel = compose({"title": "r", "key": "G major", "idiom": "reel", "form": "binary", "seed": 3})
    eighths = [d for bar in bar_rhythms(reel)[:-1] for d in bar]
    assert eighths.count(Fraction(1, 2)) >= 0.6 * len(eighths)


def test_a_tune_keeps_to_the_bar_rhythms_it_has_played():
    """A hornpipe is dotted throughout or even throughout, rarely both: each bar is drawn partly from the rhythms
    the tune has already played (`memory`, learned from the tunes of the type), so a piece uses fewer distinct bar
    rhythms than bars drawn from the table alone would."""
    from dataclasses import replace as swap

    from composer.fill.rhythm import _remembered, idiom_rhythm
    from theory import Meter

    dotted, even = (Fraction(3, 4), Fraction(1, 4)) * 4, (Fraction(1, 2),) * 8
    p = _remembered([(dotted, 0.5), (even, 0.5)], Counter({dotted: 3}), 0.6)
    assert p.tolist() == pytest.approx([0.4 * 0.5 + 0.6, 0.4 * 0.5])
    hornpipe = load_idiom("hornpipe")
    assert 0 < hornpipe.memory < 1
    meter = Meter.parse("4/4")

    def distinct(idiom) -> int:
        kinds = 0
        for seed in range(12):
            rng, played = np.random.default_rng(seed), ()
            for _ in range(4):      # four phrases of four bars, each remembering the ones before
                bars = idiom_rhythm(idiom, meter, 4, rng, closes_section=False, comes_to_rest=False, played=played)
                played += tuple(tuple(r.duration for r in bar) for bar in bars)
            kinds += len(set(played))
        return kinds

    assert distinct(hornpipe) < distinct(swap(hornpipe, memory=0.0))


def test_every_interior_bar_of_an_idiom_comes_from_its_vocabulary():
    piece = compose({"title": "h", "key": "A major", "idiom": "hornpipe", "form": "binary", "seed": 5})
    idiom = load_idiom("hornpipe")
    known = {d for d, _ in idiom.bars} | {d for d, _ in idiom.cadence}
    ends = {p.start_bar + p.bars - 1 for p in piece.plan.phrases}
    bars = bar_rhythms(piece)
    for b, rhythm in enumerate(bars):
        if b not in ends and not any(b == p.climax // piece.meter.bar_quarters for p in piece.plan.phrases
                                     if p.climax is not None):
            assert rhythm in known, (b + 1, rhythm)


def test_an_idiom_whose_bars_do_not_fit_the_meter_is_refused_by_name():
    with pytest.raises(SpecError) as info:
        load_spec({"title": "x", "key": "D major", "meter": "4/4", "idiom": "jig"})
    text = str(info.value)
    assert "idiom" in text and "jig" in text and "6/8" in text
    with pytest.raises(SpecError) as info:
        load_spec({"title": "x", "key": "D major", "meter": "3/4", "idiom": "reel"})
    assert "2/4" in str(info.value) and "2/2" in str(info.value)      # the meters a reel is written in
    with pytest.raises(SpecError, match="reel"):
        load_spec({"title": "x", "key": "D major", "idiom": "real"})     # did you mean 'reel'


def test_a_prompt_that_names_a_dance_sets_its_idiom():
    reel = prompt_to_spec("a fast reel in D")
    assert reel.spec["idiom"] == "reel"
    assert any("idiom: reel" in line for line in reel.choices)
    assert "idiom" not in prompt_to_spec("a reel in 3/4").spec     # the meter the words chose wins
    assert prompt_to_spec("a jig in A minor").spec["idiom"] == "jig"


def test_the_collections_tune_types_are_read_as_idioms():
    assert normalise("double jig") == "jig"
    assert normalise("Slip Jig") == "slip_jig"
    assert normalise("HORNPIPE") == "hornpipe"
    assert normalise("The Flogging -- Reel") == "reel"
    assert normalise("Miss McLeod's") is None


def test_leaps_of_an_octave_are_allowed_and_turned_back_from():
    """The default leap limit is an octave (real tunes leap it); after a wide leap the line usually turns."""
    spec = load_spec({"title": "x", "key": "C major"})
    assert spec.constraints.max_leap == 12
    turns = leaps = 0
    for seed in range(6):
        notes = compose({"title": "x", "key": "D major", "form": "binary", "seed": seed}).part("melody").sorted_notes()
        cents = [n.pitch.cents for n in notes]
        for a, b, c in zip(cents, cents[1:], cents[2:]):
            if abs(b - a) > 500:
                leaps += 1
                turns += (c - b) * (b - a) < 0
    assert leaps and turns > leaps / 2, (turns, leaps)


def test_a_raga_is_written_by_the_rules_filler_until_a_model_learns_it():
    neural = compose(ROOT / "examples" / "raga_yaman_teentaal.yaml")
    rules = compose(ROOT / "examples" / "raga_yaman_teentaal.yaml", filler="rules")
    assert neural.part("melody").notes == rules.part("melody").notes
    assert "not learned this tradition" in neural.explain()


@pytest.mark.skipif(not any((cache_dir() / "corpora").glob("ryansMammoth-*.npz")),
                    reason="the corpus cache is not built (partita corpora)")
def test_the_shipped_schemes_and_idioms_are_what_the_corpora_give():
    result = subprocess.run([sys.executable, str(Path(ROOT) / "tools" / "learn_schemes.py"), "--check"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_melodic_shape_rules_are_data_checked_against_their_schema(tmp_path):
    from theory import DataFileError
    from theory.melody_rules import RULES_PATH, SCHEMA_PATH, melody_rules
    from theory.schema import read_checked

    rules = melody_rules()
    assert rules.max_leap_semitones == 12 and rules.recovery_weight > 1
    broken = tmp_path / "melody.yaml"
    broken.write_text(RULES_PATH.read_text(encoding="utf-8").replace("weight: 3.0", "weight: 0.5"), encoding="utf-8")
    with pytest.raises(DataFileError, match="weight"):
        read_checked(broken, SCHEMA_PATH)


def test_a_reel_has_its_triplets_and_every_idiom_ends_at_rest_as_its_tunes_do():
    """A fiddler's reel turns on a triplet now and then (the learned vocabulary has them); a slip jig ends on a
    dotted quarter on its third beat, a jig on its second, a reel on a half note: never one held bar of 9/8."""
    triplets = 0
    for seed in range(6):
        reel = compose({"title": "r", "key": "D major", "idiom": "reel", "form": "binary", "seed": seed})
        triplets += sum(d == Fraction(1, 3) for bar in bar_rhythms(reel) for d in bar)
    assert triplets >= 3
    for name, meter in (("slip_jig", "9/8"), ("jig", "6/8"), ("reel", "4/4")):
        for seed in range(4):
            piece = compose({"title": "t", "key": "G major", "idiom": name, "meter": meter, "form": "binary",
                             "seed": seed})
            last = bar_rhythms(piece)[-1]
            start = piece.meter.bar_quarters - last[-1]
            assert len(last) > 1 or name != "slip_jig", (name, seed, last)
            assert start in piece.meter.group_offsets and last[-1] >= Fraction(1), (name, seed, last)
