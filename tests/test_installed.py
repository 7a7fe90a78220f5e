"""The installed package (not the checkout) carries its data: packs, cycles, grammars, schemas.

CI installs the package with `pip install ".[test]"` and runs pytest from the checkout, where
`import composer` finds the source tree; this test runs Python from another folder so that it
imports the installed copy. In an editable or source-only setup it is skipped.
"""
import subprocess
import sys

import pytest
from conftest import ROOT

PROBE = """
import composer, theory, grammars
from pathlib import Path
print(Path(composer.__file__).resolve())
from composer import compose
from composer.grammar import validate_all
from composer.models import load_weights
from composer.spec import spec_schema
from theory import list_packs
from theory.cycle import list_cycles
from theory.scala import read_scl
assert validate_all() == [], validate_all()
from composer.prompt.words import check_prompt_words
assert check_prompt_words() == [], check_prompt_words()
assert len(list_packs()) >= 12 and len(list_cycles()) >= 30
assert "cycle" in spec_schema()["properties"]
piece = compose({"scale": {"pack": "carnatic", "mode": "65", "tonic": "D"}, "cycle": "adi",
                 "sections": [{"name": "A", "cycles": 2}]})
assert piece.part("percussion").notes and piece.part("drone").notes
piece = compose({"key": "G major", "form": "rounded_binary"})
assert piece.bars == 20
from composer.text.syllables import stress_lexicon
assert len(stress_lexicon()) > 100_000
song = compose({"key": "C major", "parts": [{"role": "melody", "lyrics": "Hap-py birth-day to you"}]})
assert [n.lyric.text for n in song.part("melody").notes if n.lyric][:2] == ["Hap", "py"]
from composer.formats.piece_file import piece_json, piece_from_dict
import json
assert piece_from_dict(json.loads(piece_json(piece))).part("melody").notes == piece.part("melody").notes
from composer.lessons import SHIPPED_LESSONS
assert len(list(SHIPPED_LESSONS.glob("*.yaml"))) == len(list(SHIPPED_LESSONS.glob("*.md"))) >= 7
print("ok")
"""


def test_the_installed_package_has_its_data(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 and "No module named 'composer'" in done.stderr:
        pytest.skip("partita is not installed (source checkout only)")
    assert done.returncode == 0, done.stderr[-3000:]
    location, status = done.stdout.split()[-2:]
    from pathlib import Path

    if Path(location).is_relative_to(ROOT / "composer"):
        pytest.skip("partita is installed in editable mode: the checkout is what runs")
    assert status == "ok"


def test_the_base_install_brings_no_torch_and_the_train_extra_does():
    """Composing runs the shipped weights on numpy; torch (over 500 MB, with CUDA on some indexes) comes
    only with the `train` extra (and `test`, whose tests train small models)."""
    import importlib.metadata
    import re

    try:
        requires = importlib.metadata.requires("partita") or []
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("partita is not installed (a source-only checkout)")

    def extra(line):
        m = re.search(r'extra\s*==\s*"([^"]+)"', line)
        return m.group(1) if m else None

    torch = [line for line in requires if re.match(r"torch\b", line)]
    assert torch and all(extra(line) is not None for line in torch), torch
    assert {extra(line) for line in torch} == {"train", "test"}
    assert all(re.search(r"<=\s*2\.13\.0", line) for line in torch)     # the CPU build, never a CUDA one


def test_training_without_torch_says_which_extra_to_install(monkeypatch, capsys, tmp_path):
    """With torch missing, `partita train` stops with one clear line; composing is untouched."""
    from composer.cli.main import main

    monkeypatch.setitem(sys.modules, "torch", None)                # `import torch` now fails
    for name in [m for m in sys.modules if m.startswith("composer.models.train") or m == "composer.models.net"]:
        monkeypatch.delitem(sys.modules, name)
    assert main(["train", "melody", "--corpus", "oneill", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert 'pip install "partita[train]"' in err and "composing does not need it" in err
    assert main(["compose", str(ROOT / "examples" / "minuet_in_g.yaml"), "-o", str(tmp_path), "--formats", "mid"]) == 0
    assert (tmp_path / "minuet_in_g.mid").exists()
