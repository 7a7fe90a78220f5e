"""`partita schema`: the spec's JSON Schema, for editors; every example spec validates against it."""
from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES

from composer.cli.main import main
from composer.spec.model import spec_schema
from theory.datafile import load_yaml
from theory.schema import validate


def schema_from_cli(capsys) -> dict:
    code = main(["schema"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    return json.loads(out)


def example_data(path) -> object:
    return load_yaml(path.read_bytes(), str(path))


def test_schema_prints_json_with_the_spec_keys(capsys):
    schema = schema_from_cli(capsys)
    assert schema["type"] == "object"
    for key in ("key", "scale", "meter", "cycle", "sections", "parts"):
        assert key in schema["properties"], key
    assert "$id" not in schema
    assert schema == spec_schema()


def test_schema_output_is_indented_utf8(capsys):
    main(["schema"])
    out = capsys.readouterr().out
    assert out.startswith("{\n  \"") and out.endswith("}\n")
    assert "\\u" not in out  # ensure_ascii=False: any non-ASCII text is printed as itself


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_with_our_checker(capsys, path):
    schema = schema_from_cli(capsys)
    doc = example_data(path)
    problems = validate(doc.data, schema, doc)
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_with_jsonschema(capsys, path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = schema_from_cli(capsys)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(example_data(path).data), key=str)
    assert errors == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_jsonschema_rejects_what_our_checker_rejects(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema = schema_from_cli(capsys)
    bad = {"title": "x", "key": "G major", "meter": "3/4", "tempoo": 100}
    assert validate(bad, schema)
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(bad))
