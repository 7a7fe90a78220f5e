"""The files of one run as one set: of twenty runs writing the same names at once without --force, one
writes them all and the others exit 2; a run stopped by SIGTERM leaves no temporary file, and one killed
with SIGKILL leaves its temporary files to the next run, which removes them."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "minuet_in_g.yaml"
TEMPORARY = re.compile(r"^\..+\.\d+\.[^.]+\.tmp")


def _compose(out: Path, seed: int, formats: str = "mid,musicxml", force: bool = False) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "composer", "compose", str(SPEC), "-o", str(out), "--formats", formats,
           "--seed", str(seed)] + (["--force"] if force else [])
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if TEMPORARY.match(p.name)] if folder.exists() else []


def test_twenty_runs_at_once_one_writes_the_set_the_others_exit_2(tmp_path):
    out = tmp_path / "out"
    runs = [_compose(out, seed) for seed in range(20)]
    results = [(r.wait(timeout=600), r.stderr.read()) for r in runs]
    codes = [code for code, _ in results]
    assert codes.count(0) == 1 and codes.count(2) == 19, results
    assert all("exist" in err for code, err in results if code == 2)
    winner = codes.index(0)
    mid, xml = out / "minuet_in_g.mid", out / "minuet_in_g.musicxml"
    assert sorted(p.name for p in out.iterdir()) == ["minuet_in_g.mid", "minuet_in_g.musicxml"]
    # Both files are the winner's: the seed each carries in its provenance.
    from composer.formats.read import read_piece

    assert {read_piece(p).settings["provenance"]["seed"] for p in (mid, xml)} == {winner}


def _stop_while_writing(out: Path, sig: int) -> subprocess.Popen:
    """A run writing slow formats, stopped by `sig` once its first temporary file is there."""
    run = _compose(out, 0, formats="mid,musicxml,svg,wav,html")
    deadline = time.monotonic() + 300          # a bound that only catches a hang
    while not _temporaries(out):
        if run.poll() is not None or time.monotonic() > deadline:
            pytest.skip("the run finished before a temporary file could be seen")
        time.sleep(0.005)
    run.send_signal(sig)
    run.wait(timeout=120)
    return run


def test_sigterm_while_writing_leaves_no_temporary_file_and_no_file_of_the_set(tmp_path):
    out = tmp_path / "out"
    run = _stop_while_writing(out, signal.SIGTERM)
    assert run.returncode != 0
    assert _temporaries(out) == [] and not any(out.iterdir())


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    out = tmp_path / "out"
    _stop_while_writing(out, signal.SIGKILL)
    assert _temporaries(out)                     # SIGKILL cannot be caught: the temporary files stay
    assert _compose(out, 1, formats="mid").wait(timeout=600) == 0
    assert _temporaries(out) == []


def test_a_budget_spent_while_writing_writes_nothing(tmp_path):
    # The command line's time budget covers writing the files: past it, LimitError, and no file of the set.
    from composer import compose
    from composer.formats.write import write_piece_set
    from composer.score.limits import Budget, LimitError

    piece = compose(SPEC, seed=0)
    budget = Budget(1.0)
    budget.start -= 2.0                          # as if composing had taken two seconds of the one
    with pytest.raises(LimitError, match="before writing minuet_in_g.mid"):
        write_piece_set(piece, [tmp_path / "minuet_in_g.mid", tmp_path / "minuet_in_g.musicxml"], budget=budget)
    assert list(tmp_path.iterdir()) == []


def test_the_spec_a_prompt_chose_is_written_with_the_music_or_not_at_all(tmp_path, capsys):
    from composer.cli.main import main

    out = tmp_path / "out"
    assert main(["compose", "--prompt", "slow waltz in D minor for strings", "-o", str(out)]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert [n.rsplit(".", 1)[1] for n in written] == ["mid", "musicxml", "yaml"]
    # Again into a folder where the MusicXML is taken: nothing of the set is written, the spec neither.
    again = tmp_path / "again"
    again.mkdir()
    (again / written[1]).write_text("mine\n")
    assert main(["compose", "--prompt", "slow waltz in D minor for strings", "-o", str(again)]) == 2
    assert sorted(p.name for p in again.iterdir()) == [written[1]]
    assert (again / written[1]).read_text() == "mine\n"
