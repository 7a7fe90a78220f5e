"""Golden hashes: every example and 30 generated specs, each with seeds 0-2, write the same MIDI, MusicXML
and piece-file bytes as when the hashes were taken (`python tools/golden.py hashes`).

This holds a change of structure to its promise that no note changes. When the music changes on purpose,
the hashes are taken again in the same commit, which says why.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("golden_tool", ROOT / "tools" / "golden.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

EXPECTED = json.loads(golden.HASHES_FILE.read_text(encoding="utf-8"))
CASES = golden.cases()


def test_every_case_has_a_hash_and_every_hash_a_case():
    assert sorted(name for name, *_ in CASES) == sorted(EXPECTED)
    assert len(CASES) >= 3 * (30 + 16)


@pytest.mark.parametrize("name, spec, seed, filler", CASES, ids=[c[0] for c in CASES])
def test_files_are_byte_identical_to_the_golden_hashes(name, spec, seed, filler, monkeypatch):
    monkeypatch.chdir(ROOT)        # the examples are named by their path from the root, as the hashes were
    assert golden.case_hashes(spec, seed, filler) == EXPECTED[name]
