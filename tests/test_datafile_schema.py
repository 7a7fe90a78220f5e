"""Safe YAML with line numbers, and the schema checker's messages."""

import pytest

from theory import DataFileError, TheoryError
from theory.datafile import MAX_YAML_BYTES, load_yaml
from theory.schema import Problem, format_path, validate

DOC = """\
title: Minuet
meter: 3/4
parts:
  - role: melody
    range: [60, 84]
  - role: bass
    instrument: cello
sections:
  A:
    bars: 8
"""


def test_load_yaml_gives_lines_of_nested_keys():
    doc = load_yaml(DOC, "spec.yaml")
    assert doc.data["parts"][1]["instrument"] == "cello"
    assert doc.source == "spec.yaml"
    assert doc.lines[("title",)] == 1
    assert doc.lines[("parts",)] == 3
    assert doc.lines[("parts", 0)] == 4
    assert doc.lines[("parts", 0, "range")] == 5
    assert doc.lines[("parts", 0, "range", 1)] == 5
    assert doc.lines[("parts", 1, "instrument")] == 7
    assert doc.lines[("sections", "A", "bars")] == 10


def test_line_of_falls_back_to_the_closest_ancestor():
    doc = load_yaml(DOC)
    assert doc.line_of(("sections", "A", "bars", "oops")) == 10
    assert doc.line_of(("parts", 1, "missing")) == 6
    assert doc.line_of(("nowhere",)) is None or doc.line_of(("nowhere",)) == 1


def test_empty_document():
    assert load_yaml("").data is None
    assert load_yaml("# only a comment\n").data is None


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system {}\n",
    "a: !!python/object/apply:os.system ['echo hi']\n",
    "a: !!python/name:os.system\n",
])
def test_rejects_python_tags(text):
    with pytest.raises(DataFileError, match="invalid YAML"):
        load_yaml(text, "evil.yaml")


def billion_laughs() -> str:
    """A YAML document of nine nested aliases, each nine times over: 9**9 strings once expanded."""
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for name in "bcdefghi":
        bomb += f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
        prev = name
    return bomb


def test_rejects_a_billion_laughs():
    """Refused for its aliases before it is expanded (how long that takes: benchmarks/bench_bad_inputs.py)."""
    with pytest.raises(DataFileError) as info:
        load_yaml(billion_laughs(), "bomb.yaml")
    assert "bomb.yaml" in str(info.value) and "alias" in str(info.value)


def test_rejects_a_recursive_alias():
    with pytest.raises(DataFileError, match="recursive.yaml"):
        load_yaml("a: &a [*a]\n", "recursive.yaml")


def test_small_aliases_are_fine():
    doc = load_yaml("base: &b {x: 1}\nother: *b\n")
    assert doc.data["other"] == {"x": 1}


def test_rejects_non_utf8_bytes():
    with pytest.raises(DataFileError) as info:
        load_yaml(b"title: caf\xe9\n", "latin1.yaml")
    message = str(info.value)
    assert "latin1.yaml" in message and "UTF-8" in message and "byte 10" in message


def test_accepts_utf8_bytes():
    assert load_yaml("title: Café ♭\n".encode("utf-8")).data == {"title": "Café ♭"}


def test_rejects_oversized_input():
    big = b"a: " + b"x" * (MAX_YAML_BYTES + 1)
    with pytest.raises(DataFileError, match=f"big.yaml.*limit of {MAX_YAML_BYTES}"):
        load_yaml(big, "big.yaml")
    with pytest.raises(DataFileError, match="limit"):
        load_yaml(big.decode("ascii"), "big.yaml")


def test_invalid_yaml_names_the_line():
    with pytest.raises(DataFileError) as info:
        load_yaml("title: ok\nparts: [a, b\nkey: value\n", "broken.yaml")
    assert "broken.yaml:" in str(info.value) and "invalid YAML" in str(info.value)


def test_more_than_one_document_is_an_error():
    with pytest.raises(DataFileError):
        load_yaml("a: 1\n---\nb: 2\n", "two.yaml")


def test_datafile_error_is_a_theory_error():
    assert issubclass(DataFileError, TheoryError)


# --- schema -----------------------------------------------------------------------------

SCHEMA = {
    "type": "object",
    "required": ["title", "parts"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 20},
        "meter": {"type": "string", "pattern": r"\d+/\d+", "description": "N/D such as 3/4"},
        "tempo": {"type": "number", "minimum": 20, "maximum": 400},
        "parts": {
            "type": "array", "minItems": 1, "maxItems": 4,
            "items": {"$ref": "#/definitions/part"},
        },
        "sections": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"bars": {"type": "integer", "minimum": 1}}}},
        "seed": {"anyOf": [{"type": "integer"}, {"type": "null"}], "description": "an integer or null"},
        "tags": {"type": "object", "patternProperties": {"x_.*": {"type": "string"}}, "additionalProperties": False},
    },
    "definitions": {
        "part": {
            "type": "object",
            "required": ["role"],
            "additionalProperties": False,
            "properties": {
                "role": {"enum": ["melody", "bass", "chords", "drone", "percussion"]},
                "instrument": {"type": "string"},
                "range": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
            },
        },
    },
}


def problems_of(text: str):
    doc = load_yaml(text, "spec.yaml")
    return validate(doc.data, SCHEMA, doc)


def only(problems, path):
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, (path, [str(p) for p in problems])
    return found[0]


def test_valid_document_has_no_problems():
    assert problems_of(DOC) == []
    assert problems_of(DOC + "seed: 7\ntempo: 96.5\ntags: {x_mood: calm}\n") == []
    assert problems_of(DOC + "seed: null\n") == []


def test_unknown_key_with_did_you_mean():
    text = DOC + "tempp: 90\n"
    p = only(problems_of(text), ("tempp",))
    assert p.line == 11 and p.message == "unknown key"
    assert "did you mean 'tempo'" in str(p)
    assert str(p).startswith("spec.yaml:11: tempp: unknown key")


def test_unknown_nested_key():
    text = DOC.replace("    instrument: cello", "    instrumnet: cello")
    p = only(problems_of(text), ("parts", 1, "instrumnet"))
    assert p.line == 7
    assert "parts[1].instrumnet" in str(p) and "did you mean 'instrument'" in str(p)


def test_wrong_type():
    p = only(problems_of(DOC.replace("bars: 8", "bars: eight")), ("sections", "A", "bars"))
    assert p.line == 10 and "expected integer" in p.message and p.received == "eight"
    p = only(problems_of(DOC.replace("title: Minuet", "title: 12")), ("title",))
    assert "expected string" in str(p) and "received 12" in str(p)
    p = only(problems_of(DOC.replace("bars: 8", "bars: true")), ("sections", "A", "bars"))
    assert "expected integer" in p.message  # a boolean is not a number
    p = only(problems_of(DOC.replace("bars: 8", "bars: 8.0")), ("sections", "A", "bars"))
    assert "expected integer" in p.message


def test_enum_with_did_you_mean():
    p = only(problems_of(DOC.replace("role: bass", "role: bas")), ("parts", 1, "role"))
    assert p.line == 6 and p.message == "value not allowed"
    assert "melody, bass, chords, drone, percussion" in str(p)
    assert "did you mean 'bass'" in str(p)


def test_minimum_and_maximum():
    p = only(problems_of(DOC + "tempo: 10\n"), ("tempo",))
    assert "below the minimum 20" in str(p) and "20 to 400" in str(p) and p.line == 11
    p = only(problems_of(DOC + "tempo: 500\n"), ("tempo",))
    assert "above the maximum 400" in str(p)
    p = only(problems_of(DOC.replace("bars: 8", "bars: 0")), ("sections", "A", "bars"))
    assert "below the minimum 1" in str(p) and ">= 1" in str(p)


def test_required_keys():
    p = only(problems_of("title: Minuet\n"), ())
    assert "missing required key 'parts'" in str(p)
    p = only(problems_of(DOC.replace("  - role: bass\n", "  - instrument: x\n").replace(
        "    instrument: cello\n", "")), ("parts", 1))
    assert "missing required key 'role'" in p.message and p.line == 6


def test_array_lengths_and_items():
    p = only(problems_of(DOC.replace("[60, 84]", "[60]")), ("parts", 0, "range"))
    assert "at least 2 items" in p.message
    p = only(problems_of(DOC.replace("[60, 84]", "[60, high]")), ("parts", 0, "range", 1))
    assert "expected integer" in p.message and p.line == 5
    p = only(problems_of(DOC.replace("parts:\n", "parts: []\nx_unused:\n")), ("parts",))
    assert "at least 1 items" in p.message or "at least 1 item" in p.message


def test_string_lengths_and_pattern():
    p = only(problems_of(DOC.replace("title: Minuet", "title: ''")), ("title",))
    assert "shorter than 1" in p.message
    p = only(problems_of(DOC.replace("title: Minuet", "title: " + "x" * 30)), ("title",))
    assert "longer than 20" in p.message
    p = only(problems_of(DOC.replace("meter: 3/4", "meter: three-four")), ("meter",))
    assert p.message == "wrong format" and "N/D such as 3/4" in str(p)


def test_any_of_and_pattern_properties():
    # Note: this checker matches `pattern` and `patternProperties` against the whole text
    # (re.fullmatch), unlike JSON Schema's unanchored search; our schemas rely on that.
    p = only(problems_of(DOC + "seed: seven\n"), ("seed",))
    assert "an integer or null" in str(p)
    p = only(problems_of(DOC + "tags: {mood: calm}\n"), ("tags", "mood"))
    assert p.message == "unknown key"
    p = only(problems_of(DOC + "tags: {x_mood: 3}\n"), ("tags", "x_mood"))
    assert "expected string" in p.message


def test_every_problem_is_reported():
    text = DOC.replace("role: bass", "role: bas").replace("bars: 8", "bars: -1") + "tempp: 90\n"
    assert {p.path for p in problems_of(text)} == {("parts", 1, "role"), ("sections", "A", "bars"), ("tempp",)}


def test_validate_without_a_document():
    problems = validate({"title": "x", "parts": [{"role": "lead"}]}, SCHEMA, source="inline")
    assert len(problems) == 1
    assert problems[0].line is None
    assert str(problems[0]).startswith("inline: parts[0].role: value not allowed")


def test_format_path():
    assert format_path(()) == "(document)"
    assert format_path(("parts", 2, "range", 0)) == "parts[2].range[0]"
    assert format_path(("modes", "major", "family")) == "modes.major.family"


def test_problem_truncates_long_values():
    text = str(Problem(path=("a",), message="bad", received="x" * 200))
    assert "..." in text and len(text) < 150


def test_only_true_and_false_are_booleans():
    # YAML 1.1 reads on/off/yes/no as booleans: a jins entry's `on:` key would become True.
    doc = load_yaml("- {jins: rast, on: '5'}\n- {flag: yes, other: off, real: true}\n", "x.yaml")
    assert doc.data == [{"jins": "rast", "on": "5"}, {"flag": "yes", "other": "off", "real": True}]
