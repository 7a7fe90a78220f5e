"""partita's cache (`theory.cache`): parsed YAML, schema checks and the originality index's tables are
kept under the hash of what they came from. A cached value must be what computing it gives; a broken
or unwritable cache costs time, never a wrong answer or an error."""
from __future__ import annotations

import numpy as np
import pytest

from theory.cache import cache_dir, read_cached, write_cached
from theory.datafile import load_yaml
from theory.schema import validate

SHIPPED = b"name: raga\nnotes: [sa, re, ga]\ntuning: {sa: 0, re: 204.0}\nflags: {on: true, off: false}\n"
SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}, "notes": {"type": "array"}},
          "required": ["name"]}


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PARTITA_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.parametrize("shipped", [True, False])
def test_a_document_read_from_the_cache_is_the_document_parsed(cache, shipped):
    first = load_yaml(SHIPPED, "a.yaml", shipped=shipped)
    assert any((cache).rglob("*.marshal"))
    again = load_yaml(SHIPPED, "b.yaml", shipped=shipped)
    assert again.data == first.data and again.lines == first.lines and again.source == "b.yaml"
    assert again.data["flags"] == {"on": True, "off": False}        # keys stay text (YAML 1.2 booleans)


def test_a_schema_check_is_cached_only_when_clean_and_only_for_the_same_bytes(cache):
    doc = load_yaml(SHIPPED, "a.yaml", shipped=True)
    assert validate(doc.data, SCHEMA, doc) == [] and validate(doc.data, SCHEMA, doc) == []
    broken = load_yaml(SHIPPED.replace(b"name: raga\n", b""), "c.yaml", shipped=True)
    problems = validate(broken.data, SCHEMA, broken)
    assert problems and "name" in str(problems[0])
    assert validate(broken.data, SCHEMA, broken) == problems       # a failing check is made every time
    stricter = {**SCHEMA, "required": ["name", "mode"]}
    assert validate(doc.data, stricter, doc)                        # another schema: checked again


def test_a_corrupt_cache_file_is_parsed_again(cache):
    first = load_yaml(SHIPPED, "a.yaml", shipped=True)
    for path in cache.rglob("*.marshal"):
        path.write_bytes(b"\x00garbage")
    assert load_yaml(SHIPPED, "a.yaml", shipped=True).data == first.data


def test_an_unwritable_cache_costs_nothing_but_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("PARTITA_CACHE", str(blocker))
    write_cached("yaml", "k", {"a": 1})
    assert read_cached("yaml", "k") is None
    assert load_yaml(SHIPPED, "a.yaml", shipped=True).data["name"] == "raga"


def test_a_user_s_documents_are_kept_to_a_bounded_number(cache, monkeypatch):
    monkeypatch.setattr("theory.datafile.USER_DOCUMENTS_KEPT", 5)
    for i in range(12):
        load_yaml(f"title: piece {i}\n".encode(), "spec.yaml")
    assert len(list((cache / "yaml-user").iterdir())) == 5
    assert cache_dir() == cache


def test_the_originality_index_s_cached_table_is_the_table_it_sorts(cache):
    from composer.models.corpus_index import CorpusIndex, load_index

    shipped = load_index.__wrapped__("oneills1850")
    fresh = CorpusIndex(shipped.name, shipped.corpus_id, shipped.tokens, shipped.starts, shipped.tune_ids,
                        shipped.titles)
    for length in (6, 15):
        shipped.table(length)                                       # sorted, and kept in the cache
    again = load_index.__wrapped__("oneills1850")                    # its files, then its tables, from the cache
    assert any(cache.glob("index-tables/*.npy"))
    for length in (6, 15):
        computed, read = fresh.table(length), again.table(length)
        assert np.array_equal(computed[0], read[0]) and np.array_equal(computed[1], read[1])
    assert np.array_equal(again.tokens, shipped.tokens) and again.titles == shipped.titles
