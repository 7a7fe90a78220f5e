"""The code passes ruff (pyflakes, pycodestyle, import order), configured in pyproject.toml."""
from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

pytest.importorskip("ruff", reason="ruff comes with the test extra: pip install '.[test]'")


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "composer", "theory", "corpora",
                           "tests", "tools", "benchmarks"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
