"""`explain`: the plan as a tree or JSON, and why one melody note is what it is."""
import json

from conftest import run_cli as run

from composer import compose
from composer.fill.reasons import explain_note


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
    assert "the last note of the phrase: must be 1 (D)" in text
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
