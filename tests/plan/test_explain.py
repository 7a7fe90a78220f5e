"""`explain`: the plan as a tree or JSON, and why one melody note is what it is."""
import json
from pathlib import Path

import pytest
from conftest import run_cli as run

from composer import compose, grammar
from composer.fill.reasons import explain_note
from composer.plan.explain import explain_json


def test_json_plan_has_the_tree_keys_chords_and_cadences(capsys):
    code, out, _ = run(capsys, "explain", "examples/minuet_in_g.yaml", "--json")
    assert code == 0
    plan = json.loads(out)
    assert plan["form"] == "rounded_binary" and plan["key"] == "G major" and plan["bars"] == 20
    names = [s["name"] for s in plan["sections"]]
    assert names == ["A", "B", "A'"]
    first = plan["sections"][0]["phrases"]
    assert first[0]["chords"][0]["roman"] == "I" and first[0]["chords"][0]["function"] == "tonic"
    assert first[1]["cadence_name"] == "authentic cadence"
    mod = first[1]["modulation"]
    assert mod["to"] == "D major" and mod["pivot"] == {"chord": "G", "from": "I", "to": "IV"}
    assert plan["sections"][2]["repeat_of"] == "A"


def test_a_cadence_note_names_the_constraints_that_shaped_it():
    piece = compose("examples/minuet_in_g.yaml")
    text = explain_note(piece, 8)
    assert "bar 8 beat 1" in text
    assert "a strong beat: must be a tone of D" in text
    assert "the cadence note of the phrase: must be 1 (D)" in text
    assert "candidate pitches met this note's own constraints" in text


def test_a_repeated_note_says_where_it_was_copied_from():
    piece = compose("examples/minuet_in_g.yaml")
    assert "copied from phrase 1 of section 'A'" in explain_note(piece, 13)


def test_a_raga_note_names_the_direction_rule():
    piece = compose("examples/raga_yaman_teentaal.yaml")
    texts = [explain_note(piece, bar) for bar in range(1, piece.plan.bars + 1)]
    assert any("rising steps use the ascending notes" in t for t in texts)
    assert all("no chord" in t or "copied from" in t for t in texts)


def test_note_outside_the_piece_is_bad_input(capsys):
    code, _, err = run(capsys, "explain", "examples/minuet_in_g.yaml", "--note", "99")
    assert code == 2 and "bars 1-20" in err
    code, _, err = run(capsys, "explain", "examples/minuet_in_g.yaml", "--note", "x:y")
    assert code == 2 and "BAR or BAR:BEAT" in err


def test_a_note_is_named_as_a_chord_tone_or_a_non_chord_tone_by_type():
    piece = compose("examples/minuet_in_g.yaml")
    melody = piece.part("melody")
    lines = []
    for n in melody.sorted_notes():
        bar = int(n.offset // piece.meter.bar_quarters) + 1
        beat = float(n.offset % piece.meter.bar_quarters / piece.meter.unit) + 1
        lines.append(explain_note(piece, bar, beat).splitlines()[1])
    assert any(line.startswith("  - a chord tone: the root of ") for line in lines)
    assert any("a passing tone: stepped to from" in line for line in lines)
    assert any("a neighbour tone: a step away from" in line for line in lines)
    # Every note is one or the other, in words a student knows.
    assert all(line.startswith("  - a chord tone: the ") or line.startswith("  - against ") for line in lines)


@pytest.mark.parametrize("example, relaxed", [("aaba_song", True), ("pop_verse_chorus", True), ("minuet_in_g", False)])
def test_explain_states_each_rule_the_style_relaxes_with_its_source(example, relaxed):
    piece = compose(f"examples/{example}.yaml")
    style = grammar.load_chord_style(piece.spec.style)
    text = piece.explain()
    assert bool(style.relax) is relaxed
    for r in style.relax:
        assert f"style {style.name} relaxes {r.rule} between accompaniment voices" in text and r.source in text
    assert ("relaxes" in text) is relaxed
    assert [r["rule"] for r in explain_json(piece.plan)["relaxes"]] == [r.rule for r in style.relax]


def test_a_copied_phrase_names_its_source_as_explain_numbers_phrases():
    """explain numbers phrases within their section: a repeat names its source the same way."""
    from composer.plan.explain import explain_text

    piece = compose(str(Path(__file__).resolve().parents[2] / "examples" / "aaba_song.yaml"))
    text = explain_text(piece.plan)
    copies = [p for p in piece.plan.phrases if p.kept_bars]
    assert copies
    for p in copies:
        src = piece.plan.phrases[p.copy_of]
        assert f"copied from phrase {src.number} of section {src.section!r}" in text
