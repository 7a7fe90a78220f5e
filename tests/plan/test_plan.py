"""The planner: forms, key paths with pivot chords, chord walks ending on cadences,
chord charts, repeats and variations, motifs."""
from fractions import Fraction

import numpy as np
import pytest
from conftest import ROOT

from composer import compose, load_spec
from composer.grammar.chords import load_chord_style
from composer.grammar.validate import validate_all
from composer.plan.keygraph import find_pivot, plan_modulation, resolve_key
from composer.plan.planner import plan_piece
from composer.score.errors import UnsatisfiableError
from theory import Key


def plan(spec_dict, seed=0):
    return plan_piece(load_spec(spec_dict), np.random.default_rng([seed, 0]))


def test_every_data_file_in_grammars_is_validated():
    assert validate_all() == []
    covered = {"forms", "chords", "accompaniment", "schemes", "idioms"}
    for path in (ROOT / "grammars").rglob("*.yaml"):
        rel = path.relative_to(ROOT / "grammars")
        assert rel.parts[0] in covered or rel.name in ("instruments.yaml", "keys.yaml", "prompt_words.yaml"), rel


def test_key_relations():
    g, d = Key.parse("G major"), Key.parse("D minor")
    assert str(resolve_key(g, "dominant")) == "D major"
    assert str(resolve_key(g, "subdominant")) == "C major"
    assert str(resolve_key(g, "relative")) == "E minor"
    assert str(resolve_key(d, "relative")) == "F major"
    assert str(resolve_key(d, "parallel")) == "D major"
    assert str(resolve_key(g, "Bb major")) == "Bb major"


def test_modulation_to_the_dominant_is_one_step_with_a_pivot():
    mod = plan_modulation(Key.parse("C major"), Key.parse("G major"))
    assert mod.distance == 1 and mod.relations == ("dominant",)
    pcs = {round(c / 100) % 12 for c in mod.pivot.chord.pitch_classes_cents}
    c_major, g_major = {0, 2, 4, 5, 7, 9, 11}, {0, 2, 4, 6, 7, 9, 11}
    assert pcs <= c_major and pcs <= g_major  # diatonic to both keys
    assert mod.pivot.roman_to in ("ii", "IV", "vi")  # a predominant (or tonic substitute) in the new key


def test_distant_keys_take_a_longer_path_and_may_have_no_pivot():
    mod = plan_modulation(Key.parse("C major"), Key.parse("F# major"))
    assert mod.distance >= 5
    assert find_pivot(Key.parse("C major"), Key.parse("E major")) is None


def test_every_phrase_ends_on_its_cadence_formula():
    p = plan({"key": "A minor", "form": "ternary"}, seed=4)
    style = load_chord_style("classical")
    for phrase in p.phrases:
        variant = style.variant_for(phrase.key.mode, phrase.key.family)
        romans = tuple(c.roman for c in phrase.chords)
        assert any(romans[-len(f):] == tuple(f) for f in variant.cadences[phrase.cadence].formulas)


def test_harmonic_rhythm_follows_the_grammar():
    p = plan({"key": "C major", "meter": "4/4", "style": "jazz", "form": "aaba"})
    per_bar = load_chord_style("jazz").variant_for("major", "major").chords_per_bar
    first = p.phrases[0]
    in_bar_one = [c for c in first.chords if c.offset < 4]
    assert len(in_bar_one) == per_bar == 2
    assert [c.duration for c in in_bar_one] == [Fraction(2), Fraction(2)]
    assert first.chords[-1].duration == 4  # the cadence chord holds its bar


def test_roman_chart_is_followed_and_labelled():
    p = plan({"key": "C major", "sections": [{"name": "A", "chords": ["I", "vi", "ii7", "V7", "I"]}]})
    assert [c.chord.symbol for c in p.chords] == ["C", "Am", "Dm7", "G7", "C"]
    assert all(c.function == "chart" for c in p.chords)
    assert p.sections[0].chart and p.bars == 5
    assert p.phrases[-1].cadence == "authentic"


def test_symbol_chart_with_durations():
    p = plan({"key": "C major", "sections": [{"name": "A", "bars": 2, "chords": ["C:2", "Am:2", "Dm7:2", "G7:2"]}]})
    assert [(c.offset, c.duration, c.roman) for c in p.chords] == [
        (0, 2, "I"), (2, 2, "vi"), (4, 2, "ii7"), (6, 2, "V7")]
    assert p.phrases[-1].cadence == "half"


def test_chart_that_does_not_fill_the_section_is_a_spec_error():
    from composer.score.errors import SpecError

    with pytest.raises(SpecError, match="beats"):
        load_spec({"key": "C major", "sections": [{"name": "A", "bars": 2, "chords": ["C:2", "G7:3"]}]})


def test_repeat_is_a_reference_and_variation_rewrites_the_end():
    piece = compose({"key": "F major", "meter": "4/4", "sections": [
        {"name": "A", "bars": 8, "cadence": "authentic"},
        {"name": "B", "bars": 4, "cadence": "half", "key": "dominant"},
        {"name": "A2", "repeat": "A", "vary": 0.5, "cadence": "authentic"}]}, seed=3)
    a, _, a2 = piece.plan.sections
    assert a2.repeat_of == "A" and a2.kept_bars == 4
    melody = piece.part("melody").notes
    bar = piece.meter.bar_quarters
    first = [(n.offset, n.duration, n.pitch) for n in melody if n.offset < 4 * bar]
    again = [(n.offset - a2.start_bar * bar, n.duration, n.pitch) for n in melody
             if a2.start_bar * bar <= n.offset < (a2.start_bar + 4) * bar]
    assert first == again  # the kept half is the same music
    assert [c.roman for c in a.phrases[0].chords] == [c.roman for c in a2.phrases[0].chords]


def test_repeat_in_another_key_is_transposed():
    piece = compose({"key": "C major", "sections": [
        {"name": "A", "bars": 4, "cadence": "authentic"},
        {"name": "A2", "repeat": "A", "key": "dominant"}]}, seed=1)
    melody = piece.part("melody").notes
    src = [n for n in melody if n.offset < 16]
    dst = [n for n in melody if n.offset >= 16]
    assert [n.duration for n in src] == [n.duration for n in dst]
    assert {round((b.pitch.cents - a.pitch.cents) / 100) % 12 for a, b in zip(src, dst)} == {7}


def test_sentence_repeats_its_basic_idea():
    piece = compose({"key": "D major", "form": "sentence"}, seed=2)
    melody = piece.part("melody").notes
    bar = piece.meter.bar_quarters
    bars_1_2 = [(n.offset, n.duration) for n in melody if n.offset < 2 * bar]
    bars_3_4 = [(n.offset - 2 * bar, n.duration) for n in melody if 2 * bar <= n.offset < 4 * bar]
    assert bars_1_2 == bars_3_4  # the repetition keeps the rhythm of the basic idea


def test_impossible_range_is_reported_before_decoding():
    with pytest.raises(UnsatisfiableError, match="widen the range"):
        compose({"key": "C major", "form": "period", "parts": [{"role": "melody", "range": "D4-A4"}]})


def test_every_example_plans_the_bars_its_form_asks_for():
    from conftest import EXAMPLES

    for path in EXAMPLES:
        spec = load_spec(path)
        p = plan_piece(spec, np.random.default_rng([0, 0]))
        assert p.bars == sum(s.bars for s in p.sections) == sum(ph.bars for ph in p.phrases)


def test_the_key_graph_path_is_the_one_networkx_finds_for_every_pair_of_keys():
    # The key graph's Dijkstra is partita's own (networkx takes a third of a cold compose to import); the
    # keys a modulation passes through must stay those networkx chose, ties included.
    nx = pytest.importorskip("networkx")
    from composer.plan.keygraph import key_data, key_graph, shortest_path

    reference = nx.Graph()           # built as partita built it with networkx, from grammars/keys.yaml
    edges = key_data()["edges"]
    for pc in range(12):
        for family in ("major", "minor"):
            reference.add_node((pc, family))
    for pc in range(12):
        for family in ("major", "minor"):
            for name in ("dominant", "subdominant"):
                reference.add_edge((pc, family), ((pc + edges[name]["semitones"]) % 12, family),
                                   distance=edges[name]["distance"])
        reference.add_edge((pc, "major"), ((pc + 9) % 12, "minor"), distance=edges["relative"]["distance"])
        reference.add_edge((pc, "major"), (pc, "minor"), distance=edges["parallel"]["distance"])
    graph = key_graph()
    assert reference.number_of_edges() == sum(map(len, graph.values())) // 2 == 48
    for source in graph:
        for target in graph:
            assert shortest_path(graph, source, target) == nx.shortest_path(reference, source, target,
                                                                             weight="distance"), (source, target)
