"""Fuzzing the inputs a spec writer or a teacher feeds in: nothing may crash, hang or run code.

Three bounded hypothesis runs (set PARTITA_FUZZ_EXAMPLES to change the number of examples
per test; the default keeps this file well under a minute on two cores):

(a) random YAML documents, loaded by `composer.load_spec`: a Spec, or a `SpecError`;
(b) a valid spec with one field (top level, scale, section, part or constraints) replaced by
    a random value: `compose()` gives a Piece or raises a `ComposerError`/`TheoryError` with a
    message, never a KeyError/TypeError/ValueError/IndexError from deep inside;
(c) the example specs with random text mutations, through the command line: exit 0 or 2,
    no traceback, each call under 2 s.
"""
from __future__ import annotations

import copy
import math
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from composer import ComposerError, Piece, SpecError, compose, load_spec
from composer.cli.main import main
from composer.spec.model import spec_schema
from theory import TheoryError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
EXAMPLES_N = int(os.environ.get("PARTITA_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES_N, deadline=None, derandomize=False, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])

SCHEMA = spec_schema()
DEFS = SCHEMA["definitions"]
TOP_FIELDS = sorted(SCHEMA["properties"])
SCALE_FIELDS = sorted(SCHEMA["properties"]["scale"]["properties"])
SECTION_FIELDS = sorted(DEFS["section"]["properties"])
PART_FIELDS = sorted(DEFS["part"]["properties"])
CONSTRAINT_FIELDS = sorted(DEFS["constraints"]["properties"])
ALL_KEYS = sorted(set(TOP_FIELDS + SCALE_FIELDS + SECTION_FIELDS + PART_FIELDS + CONSTRAINT_FIELDS))

# Strings that get past the schema's shape checks and test the meaning checks behind them.
PLAUSIBLE = [
    "", " ", "C", "C major", "Cb major", "B# locrian", "H major", "C major major", "c MAJOR", "E-flat minor",
    "G4", "C4-C4", "C4-B3", "B#9-Cb0", "C-1-G9", "C0-C9", "C4..G5", "C4 to G5", "G5-C4", "A0-C8",
    "4/4", "1/1", "32/32", "33/4", "7/8", "7/8 (2+2+3)", "7/8 (1+1+1+1+1+1+1)", "0/4", "4/3", "2+2+3", "0+7", "16+16",
    "teentaal", "adi", "maqsum", "aksak", "lancaran", "teental", "rupak",
    "western", "hindustani", "arabic", "turkish", "gamelan", "major", "minor", "yaman", "rast", "pelog", "slendro",
    "just", "12edo", "24edo", "tuning.scl", "/dev/null", "/etc/passwd", "../../etc/passwd.scl", "nul\x00.scl",
    "period", "rondo", "rounded_binary", "aaba", "twelve_bar_blues", "verse_chorus",
    "classical", "pop", "blues", "jazz", "modal", "flamenco", "klezmer",
    "waltz", "oompah", "alberti", "violin", "piano", "sitar", "strings",
    "melody", "bass", "chords", "drone", "percussion", "authentic", "half", "plagal", "deceptive", "none",
    "tonic", "dominant", "relative", "parallel", "modulate", "A", "B", "A'",
    "I", "V7", "V/V", "C:0", "G7:2", "Am:1/3", "C:-1", "N6", "It+6", "bVII", "x",
    "E-50c", "C+50c", "C#4", "Bbb", "F##",
    "\x00", "\x07\x1b[31m", "\u202e", "\ud7ff", "é", "音楽", "💥", "{{", "%s%n", "'; DROP TABLE", "${HOME}",
    "nan", "inf", "-0", "1e309", "0x10", "True", "null", "~",
]
SCALARS = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 1, 2, 3, 127, 128, 255, 256, 257, 2**31, 2**32, 2**63, -(2**63), 10**30, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 0.5, 1e-300, 1e300]),
    st.text(max_size=30),
    st.sampled_from(PLAUSIBLE),
    st.booleans(),
    st.none(),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=5),
    st.dictionaries(st.one_of(st.sampled_from(ALL_KEYS), st.text(max_size=6)), SCALARS, max_size=4),
)

BASE_WESTERN = {
    "title": "Fuzz", "key": "G major", "meter": "3/4", "tempo": 112, "style": "classical", "seed": 3,
    "sections": [{"name": "A", "bars": 4, "cadence": "half", "phrase_bars": 4},
                 {"name": "B", "bars": 4, "key": "dominant", "cadence": "authentic", "role": "contrast",
                  "chords": ["I", "IV", "V7", "I"]},
                 {"name": "A2", "repeat": "A", "vary": 0.5}],
    "parts": [{"role": "melody", "name": "violin", "instrument": "violin", "range": "D4-B5", "velocity": 90},
              {"role": "chords", "pattern": "waltz"},
              {"role": "bass", "range": "C2-D4"}],
    "constraints": {"max_leap": 9, "chord_tones_on_strong_beats": True, "notes_per_bar": [1, 6],
                    "end_on_tonic": True},
}
BASE_WORLD = {
    "title": "Fuzz raga", "scale": {"pack": "hindustani", "mode": "yaman", "tonic": "C#4", "tuning": "just"},
    "cycle": "teentaal", "tempo": 96, "seed": 4,
    "sections": [{"name": "sthayi", "cycles": 1}, {"name": "antara", "cycles": 1},
                 {"name": "again", "repeat": "sthayi"}],
    "parts": [{"role": "melody", "instrument": "sitar", "range": "G#3-C#6"},
              {"role": "drone", "range": "C#3-C#4"}, {"role": "percussion"}],
}
BASE_METER = {"title": "Fuzz 7/8", "key": "D dorian", "meter": "7/8", "grouping": "2+2+3", "form": "period",
              "style": "modal", "seed": 1}


def test_the_bases_compose():
    for base in (BASE_WESTERN, BASE_WORLD, BASE_METER):
        assert isinstance(compose(copy.deepcopy(base)), Piece)


def assert_person_error(exc: BaseException) -> None:
    """An error for people: one of our roots, with a message."""
    assert isinstance(exc, (ComposerError, TheoryError)), f"{type(exc).__name__}: {exc}"
    assert str(exc).strip(), f"{type(exc).__name__} without a message"
    if isinstance(exc, SpecError):
        assert exc.problems


# --- (a) random YAML documents ---------------------------------------------------------------

DOC_SCALARS = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                        st.sampled_from(PLAUSIBLE), st.booleans(), st.none())
DOC_KEYS = st.one_of(st.sampled_from(ALL_KEYS), st.text(max_size=8))
DOCUMENTS = st.recursive(
    DOC_SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(DOC_KEYS, children, max_size=5)),
    max_leaves=25,
)
TOP_DOCUMENTS = st.one_of(DOCUMENTS, st.dictionaries(st.sampled_from(TOP_FIELDS), DOCUMENTS, max_size=6))


@FUZZ
@given(doc=TOP_DOCUMENTS)
def test_random_yaml_documents_load_or_raise_spec_error(doc):
    text = yaml.safe_dump(doc, allow_unicode=True)
    if "\n" not in text:
        text += "\n"  # load_spec reads a string without a newline as a path
    try:
        spec = load_spec(text)
    except SpecError as exc:
        assert_person_error(exc)
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"load_spec raised {type(exc).__name__}: {exc!r} for\n{text}")
    else:
        assert spec.title


# --- (b) one field of a valid spec replaced by a random value ----------------------------------

FIELD_PATHS = (
    [("top", name) for name in TOP_FIELDS]
    + [("scale", name) for name in SCALE_FIELDS]
    + [("section", name) for name in SECTION_FIELDS]
    + [("part", name) for name in PART_FIELDS]
    + [("constraints", name) for name in CONSTRAINT_FIELDS]
)


def replace_field(draw, where: str, name: str, value):
    base = draw(st.sampled_from([BASE_WESTERN, BASE_WORLD] if where != "scale" else [BASE_WORLD]))
    spec = copy.deepcopy(base)
    if where == "top":
        spec[name] = value
    elif where == "scale":
        spec["scale"][name] = value
    elif where == "section":
        spec["sections"][draw(st.integers(0, len(spec["sections"]) - 1))][name] = value
    elif where == "part":
        spec["parts"][draw(st.integers(0, len(spec["parts"]) - 1))][name] = value
    else:
        spec.setdefault("constraints", {})[name] = value
    return spec


LENGTH_FIELDS = {"bars", "cycles", "phrase_bars"}


def field_schema(where: str, name: str) -> dict:
    node = {"top": SCHEMA["properties"], "scale": SCHEMA["properties"]["scale"]["properties"],
            "section": DEFS["section"]["properties"], "part": DEFS["part"]["properties"],
            "constraints": DEFS["constraints"]["properties"]}[where][name]
    while "$ref" in node:
        node = DEFS[node["$ref"].rsplit("/", 1)[-1]]
    return node


# Valid-looking values per field name, in odd combinations: these reach the planner and the filler.
LIKELY = {
    "key": ["C major", "Bb dorian", "F# minor", "G# locrian", "Cb major", "E phrygian", "A harmonic minor",
            "D lydian", "tonic", "dominant", "relative", "parallel", "subdominant", "modulate", "bhairav", "yaman"],
    "meter": ["2/4", "3/4", "4/4", "6/8", "7/8", "5/8", "9/8", "12/8", "1/4", "3/2", "7/8 (3+2+2)", "11/16"],
    "grouping": ["2+2+3", "3+2+2", "1+6", "7", [3, 4], [1, 1, 1, 1, 1, 1, 1]],
    "range": ["C4-C5", "C4-F4", "A0-C8", "C2-C7", "E2-D4", "G3-G4", "B3-E4", ["F3", "F4"], "C#4-C#5", "Cb4-B#4"],
    "instrument": ["violin", "piano", "sitar", "tuba", "celesta", "percussion", "voice", "koto"],
    "pattern": ["waltz", "oompah", "alberti", "arpeggio", "block", "groups", "pop_eighths", "stride", "sustained"],
    "style": ["classical", "pop", "blues", "jazz", "modal", "flamenco", "klezmer"],
    "form": ["aaba", "binary", "period", "rondo", "rounded_binary", "sentence", "ternary", "twelve_bar_blues",
             "verse_chorus"],
    "cycle": ["teentaal", "adi", "maqsum", "aksak", "lancaran", "ladrang", "sofyan", "khanda_chapu", "solea"],
    "pack": ["western", "hindustani", "carnatic", "arabic", "turkish", "persian", "gamelan", "chinese", "blues"],
    "mode": ["major", "yaman", "bhairav", "rast", "hijaz", "pelog_nem", "slendro_nem", "in", "65", "1", "72",
             "freygish", "shur", "gong"],
    "tonic": ["C", "C#4", "Bb", "E-50c", "G+25c", "F##", "Cb", "B#9"],
    "tuning": ["just", "12edo", "24edo", "pelog_average", "slendro_average", "aeu_53"],
    "chords": [["I", "IV", "V7", "I"], ["V/V", "V", "I", "I"], ["C:2", "G:2", "Am", "F"], ["N6", "It+6", "V", "I"],
               ["bVII", "IV", "I", "I"], ["i", "iv", "V", "i"], ["I:1", "V:11", "I:4"]],
    "role": ["melody", "bass", "chords", "drone", "percussion"],
    "repeat": ["A", "B", "sthayi", "antara", "A2"],
    "name": ["A", "B", "A2", "sthayi", "antara", "C", "verse", "chorus"],
    "notes_per_bar": [[1, 1], [1, 16], [16, 16], [8, 8], [2, 3]],
    "max_leap": [1, 2, 24],
}


def typed_values(schema: dict):
    """Values of the field's own type, around its limits: these get past the shape checks."""
    types = set()
    for option in [schema, *schema.get("anyOf", [])]:
        t = option.get("type")
        types |= {t} if isinstance(t, str) else set(t or ())
    options = []
    if "enum" in schema:
        options.append(st.sampled_from(schema["enum"]))
    if "integer" in types or "number" in types:
        options.append(st.integers(-3, 40))
        options.append(st.sampled_from([v for b in (schema.get("minimum"), schema.get("maximum")) if b is not None
                                        for v in (b - 1, b, b + 1)] or [0]))
    if "number" in types:
        options.append(st.floats(-2, 500, allow_nan=False))
    if "string" in types or not types:
        options.append(st.sampled_from(PLAUSIBLE))
    if "array" in types:
        options.append(st.lists(st.one_of(st.sampled_from(PLAUSIBLE), st.integers(-2, 20)), max_size=6))
    if "boolean" in types:
        options.append(st.booleans())
    return st.one_of(*options) if options else VALUES


@st.composite
def specs_with_one_bad_field(draw):
    where, name = draw(st.sampled_from(FIELD_PATHS))
    # Half likely values (they reach the planner and the filler), a sixth values of the field's type
    # around its limits, a third anything at all.
    tier = draw(st.integers(0, 5))
    if tier <= 2 and name in LIKELY:
        value = draw(st.sampled_from(LIKELY[name]))
    elif tier <= 3:
        value = draw(typed_values(field_schema(where, name)))
    else:
        value = draw(VALUES)
    # A long but valid piece (a 256-cycle teentaal) composes correctly and slowly: that is the
    # time budget's business (tests/test_limits.py), not this file's, which hunts for crashes.
    assume(not (name in LENGTH_FIELDS and isinstance(value, int) and 16 < value <= 256))
    return where, name, replace_field(draw, where, name, value)


@FUZZ
@given(case=specs_with_one_bad_field())
def test_random_value_in_any_field_gives_a_piece_or_a_person_error(case):
    where, name, spec = case
    try:
        piece = compose(spec)
    except (ComposerError, TheoryError) as exc:
        assert_person_error(exc)
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{where}.{name}: compose raised {type(exc).__name__}: {exc!r}")
    else:
        assert isinstance(piece, Piece)


# --- (c) mutated example specs through the command line ----------------------------------------

MUTATIONS = ("delete", "duplicate", "swap", "flip", "truncate", "insert")


def mutate(text: str, draw) -> str:
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True) or ["\n"]
        kind = draw(st.sampled_from(MUTATIONS))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            lines.insert(i, draw(st.sampled_from(["\t\n", "  - x\n", "bogus: 1\n", "[\n", "- \n", ": :\n",
                                                  "tempo: .nan\n", "&a [*a]\n", "{\n"])))
        text = "".join(lines)
        if kind == "flip" and text:
            k = draw(st.integers(0, len(text) - 1))
            text = text[:k] + draw(st.sampled_from(list(":-[]{}#&*!|>'\"%@` \t\n0123456789xé\x00"))) + text[k + 1:]
        elif kind == "truncate":
            text = text[:draw(st.integers(0, len(text)))]
    return text


@st.composite
def mutated_examples(draw):
    path = draw(st.sampled_from(EXAMPLES))
    return path.name, mutate(path.read_text(encoding="utf-8"), draw)


@FUZZ
@given(case=mutated_examples())
def test_mutated_examples_exit_0_or_2_without_a_traceback(case, tmp_path_factory, capsys):
    name, text = case
    folder = tmp_path_factory.mktemp("mutated")
    spec = folder / name
    spec.write_text(text, encoding="utf-8")
    out = folder / "out"

    code = main(["compose", str(spec), "-o", str(out), "--formats", "mid"])
    err = capsys.readouterr()[1]
    assert code in (0, 2), f"exit {code} for\n{text}\n{err}"
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert err.strip() and all(line.startswith("error:") for line in err.splitlines() if line.strip()), err
        assert not out.exists() or not any(out.iterdir())
