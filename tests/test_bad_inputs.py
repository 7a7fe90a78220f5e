"""Bad inputs never crash, hang, run code or destroy a file (tests/bad_inputs/cases.yaml).

Every case runs in-process through `composer.cli.main(argv)` (or, for user packs and Scala
files, through the Python API) in a fresh folder holding a copy of its file. The checks:
the exit code; every stderr line that is not blank starts with `error:`; no traceback; every
key word of the case is in stderr; and no file appeared, vanished or changed in the folder
(no output from a failing compose, no existing file overwritten or truncated, no file written
by a YAML tag). A handful also run as real processes (`python -m composer`),
so that the exit code and the clean stderr hold end to end. How fast a bad input is refused
(goal: under 2 s) is measured by benchmarks/bench_bad_inputs.py, not here: a test asserts what
happens, and a busy machine must not fail it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import theory
from composer import load_spec
from composer.cli.main import main
from theory.scala import read_scl

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))["cases"]
CLI_CASES = [c for c in CASES if "command" in c]
API_CASES = [c for c in CASES if "api" in c]
APIS = {"load_pack_file": theory.load_pack_file, "read_scl": read_scl}
EXISTING_BYTES = b"an earlier take: keep me\n"
SUBPROCESS_FILES = ["nan_tempo.yaml", "python_object_tag.yaml", "deep_nesting.yaml", "billion_laughs.yaml",
                    "invalid_date.yaml", "cadence_out_of_range.yaml", "non_utf8.yaml"]


def case_id(case: dict) -> str:
    what = case.get("command", [case.get("api")])
    extra = "-".join(str(a).lstrip("-") for a in what[3:] if "{" not in str(a)) if "command" in case else ""
    return f"{Path(case['file']).stem}-{what[0]}" + (f"-{extra}" if extra else "")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes (folders as names only)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = p.read_bytes() if p.is_file() else b"<folder>"
    return out


def prepare(case: dict, folder: Path) -> dict[str, str]:
    """Copy the case's files into `folder`; make the existing outputs; return the placeholders."""
    src = CORPUS / case["file"]
    target = folder / src.name
    if not case.get("absent"):
        shutil.copyfile(src, target)
    for name in case.get("needs", []):
        shutil.copyfile(CORPUS / name, folder / name)
    out = folder / "out"
    for name in case.get("existing", []):
        out.mkdir(exist_ok=True)
        (out / name).write_bytes(EXISTING_BYTES)
    return {"file": str(target), "out": str(out), "dir": str(folder)}


def argv_of(case: dict, places: dict[str, str]) -> list[str]:
    return [str(a).format(**places) for a in case["command"]]


def assert_error_lines(err: str, case: dict) -> None:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, f"no message on stderr for {case['file']}"
    assert all(line.startswith("error:") for line in lines), err
    raw = sorted({c for c in err if not c.isprintable() and c != "\n"})
    assert not raw, f"raw control characters {raw} on stderr:\n{err!r}"
    missing = [w for w in case["words"] if w not in err]
    assert not missing, f"{missing} not in stderr:\n{err}"


@pytest.fixture(scope="module", autouse=True)
def warm_imports():
    """Import the lazily imported modules once, so that the first case is timed like the others."""
    import composer.compose  # noqa: F401
    import composer.plan.explain  # noqa: F401

    load_spec(CORPUS / "valid_spec.yaml")


# --- the manifest ----------------------------------------------------------------------------

def test_the_manifest_is_complete():
    assert len(CASES) >= 45
    for case in CASES:
        assert case.get("why") and case.get("words"), case
        assert ("command" in case) != ("api" in case), case
        if "command" in case:
            assert case["exit"] in (1, 2), case
        else:
            assert case["api"] in APIS and hasattr(theory, case["raises"]), case
        assert (CORPUS / case["file"]).is_file() != bool(case.get("absent")), case["file"]
        for name in case.get("needs", []):
            assert (CORPUS / name).is_file(), name
    listed = {c["file"] for c in CASES} | {n for c in CASES for n in c.get("needs", [])}
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name != "cases.yaml"}
    assert on_disk <= listed, f"files no case uses: {sorted(on_disk - listed)}"


def test_the_corpus_covers_the_hostile_files():
    assert (CORPUS / "big_2mb.yaml").stat().st_size >= 2_000_000
    assert (CORPUS / "deep_nesting.yaml").read_text().count("[") == 5000
    assert b"\x00" in (CORPUS / "nul_byte.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        (CORPUS / "non_utf8.yaml").read_bytes().decode("utf-8")


# --- in-process ------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CLI_CASES, ids=[case_id(c) for c in CLI_CASES])
def test_bad_input_exits_2_with_one_error_line_per_problem(case, tmp_path, capsys, monkeypatch):
    places = prepare(case, tmp_path)
    monkeypatch.chdir(tmp_path)  # anything written relative to the working folder lands here and is seen
    before = snapshot(tmp_path)
    try:
        code = main(argv_of(case, places))
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    out, err = capsys.readouterr()
    assert code == case["exit"], f"exit {code}, expected {case['exit']}\n{err}"
    assert_error_lines(err, case)
    assert "Traceback" not in out
    after = snapshot(tmp_path)
    assert after == before, (f"files changed: created {sorted(set(after) - set(before))}, "
                             f"removed {sorted(set(before) - set(after))}, "
                             f"altered {sorted(k for k in before if k in after and before[k] != after[k])}")
    for name in case.get("existing", []):
        assert (tmp_path / "out" / name).read_bytes() == EXISTING_BYTES


@pytest.mark.parametrize("case", API_CASES, ids=[case_id(c) for c in API_CASES])
def test_bad_pack_or_scala_file_raises_a_theory_error(case, tmp_path, monkeypatch):
    places = prepare(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(theory.TheoryError) as info:
        APIS[case["api"]](places["file"])
    assert type(info.value).__name__ == case["raises"] or isinstance(info.value, getattr(theory, case["raises"]))
    message = str(info.value)
    missing = [w for w in case["words"] if w not in message]
    assert not missing, f"{missing} not in: {message}"
    assert "\n" not in message.strip()
    assert snapshot(tmp_path) == before


# --- real processes --------------------------------------------------------------------------

SUBPROCESS_CASES = [c for c in CLI_CASES if c["file"] in SUBPROCESS_FILES and c["command"][0] == "compose"] + \
    [c for c in CLI_CASES if "abc" in c["command"]]


def run_partita(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "composer", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[case_id(c) for c in SUBPROCESS_CASES])
def test_bad_input_end_to_end_in_a_real_process(case, tmp_path):
    places = prepare(case, tmp_path)
    before = snapshot(tmp_path)
    result = run_partita(argv_of(case, places), tmp_path)
    assert result.returncode == case["exit"], result.stderr
    assert_error_lines(result.stderr, case)
    assert result.stdout == ""
    assert snapshot(tmp_path) == before


def test_subprocess_cases_were_found():
    assert len(SUBPROCESS_CASES) >= 6


# --- the Python API ---------------------------------------------------------------------------

@pytest.mark.parametrize("spec", [b"title: bytes\n", 42, None, ["title", "x"], 3.5, "a" * 5000, "spec\x00.yaml"],
                         ids=["bytes", "int", "none", "list", "float", "path-too-long", "path-with-nul"])
def test_load_spec_refuses_what_is_not_a_spec_with_a_spec_error(spec):
    from composer import SpecError, compose

    for call in (load_spec, compose):
        with pytest.raises(SpecError) as info:
            call(spec)
        assert info.value.problems and str(info.value).strip()
