"""Hostile inputs, each in a real `partita` process under a 2 GB memory cap (RLIMIT_AS) and a bound that only
catches a hang: every case ends with exit 0 or a clean exit 2 (one `error:` line per problem, short, no raw
control character, no traceback), never an internal error, a MemoryError or a hang. The cases are in
hostile_cases.py and hostile_more_cases.py, by the six kinds of issue 20.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hostile_cases import CASES as BOUNDED_AND_SETS
from hostile_files import make_base
from hostile_more_cases import CASES as DATA_TEXT_AND_LIMITS

from composer.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
CASES = BOUNDED_AND_SETS + DATA_TEXT_AND_LIMITS
MEMORY_CAP = 2 * 1024 ** 3
HANG_S = 600                       # only a hang gets here; no case is timed
MAX_STDERR_CHARS = 4000            # a refusal quotes a short excerpt, never the value in full
KINDS = {"bounded", "transaction", "provenance", "text", "internal", "limits"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_base(tmp_path_factory.mktemp("base"), main)


def _limits(file_size: int | None):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a write past the limit fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    return apply


def run_case(argv: list[str], folder: Path, file_size: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PARTITA_CACHE": str(folder / "cache")}
    return subprocess.run([sys.executable, "-m", "composer", *argv], cwd=folder, env=env, capture_output=True,
                          text=True, errors="backslashreplace", timeout=HANG_S, preexec_fn=_limits(file_size))


def test_the_suite_covers_every_kind_with_eighty_cases_or_more():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert {c.kind for c in CASES} == KINDS
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_ends_in_exit_0_or_a_clean_exit_2(case, base, tmp_path):
    argv = case.make(tmp_path, base)
    result = run_case(argv, tmp_path, case.file_size_limit)
    err = result.stderr
    assert result.returncode in case.exits, f"exit {result.returncode} (accepted {case.exits})\n{err[-3000:]}"
    assert "Traceback" not in err and "Traceback" not in result.stdout, err[-3000:]
    assert len(err) <= MAX_STDERR_CHARS, f"stderr of {len(err)} characters: {err[:300]!r}..."
    assert not sorted({c for c in err if not c.isprintable() and c != "\n"}), repr(err[:500])
    raw = sorted({c for c in result.stdout if unicodedata.category(c) == "Cc" and c not in "\n\t"})
    assert not raw, f"raw control characters {raw} on stdout"
    if result.returncode == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines and all(line.startswith("error:") for line in lines), err
        missing = [w for w in case.words if w not in err]
        assert not missing, f"{missing} not in stderr:\n{err}"
    if case.check is not None:
        assert case.check(tmp_path) is not False, f"the folder afterwards: {sorted(map(str, tmp_path.rglob('*')))}"
