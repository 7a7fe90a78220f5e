"""The `partita` command line, as a user meets it: exit codes, file names, and the printed words.

Most tests call `composer.cli.main([...])` in-process; two run real processes where the
process boundary itself (the console script, `python -m composer`) is what is tested.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from composer.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
MINUET = ROOT / "examples" / "minuet_in_g.yaml"


def subprocess_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# --- compose ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def composed(tmp_path_factory):
    """The minuet composed once with the default formats: (folder, exit code, stdout, stderr)."""
    out = tmp_path_factory.mktemp("compose") / "out"
    mp = pytest.MonkeyPatch()
    stdout, stderr = io.StringIO(), io.StringIO()
    mp.setattr(sys, "stdout", stdout)
    mp.setattr(sys, "stderr", stderr)
    try:
        code = main(["compose", str(MINUET), "-o", str(out)])
    finally:
        mp.undo()
    return out, code, stdout.getvalue(), stderr.getvalue()


def test_compose_writes_midi_and_musicxml_named_after_the_spec(composed):
    out, code, stdout, stderr = composed
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == ["minuet_in_g.mid", "minuet_in_g.musicxml"]
    assert stdout.splitlines() == [str(out / "minuet_in_g.mid"), str(out / "minuet_in_g.musicxml")]
    assert stderr == ""
    assert (out / "minuet_in_g.mid").read_bytes()[:4] == b"MThd"
    xml = (out / "minuet_in_g.musicxml").read_text(encoding="utf-8")
    assert "<score-partwise" in xml and "Minuet in G" in xml


def test_compose_formats_mid_only(capsys, tmp_path):
    code, out, err = run_cli(capsys, "compose", MINUET, "-o", tmp_path, "--formats", "mid")
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["minuet_in_g.mid"]
    assert out.splitlines() == [str(tmp_path / "minuet_in_g.mid")]


def test_compose_unknown_format_exits_2_naming_the_accepted_ones(capsys, tmp_path):
    code, out, err = run_cli(capsys, "compose", MINUET, "-o", tmp_path / "x", "--formats", "mid,mp3")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert "'mp3'" in err
    assert "accepted: mid, musicxml" in err
    assert not (tmp_path / "x").exists()


def test_compose_refuses_to_overwrite_without_force(capsys, tmp_path, composed):
    out_dir = tmp_path / "again"
    shutil.copytree(composed[0], out_dir)
    mid = out_dir / "minuet_in_g.mid"
    mid.write_bytes(b"not really midi")
    code, out, err = run_cli(capsys, "compose", MINUET, "-o", out_dir)
    assert code == 2
    assert "--force" in err
    assert str(mid) in err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert mid.read_bytes() == b"not really midi"
    assert out == ""


def test_compose_with_force_rewrites(capsys, tmp_path, composed):
    out_dir = tmp_path / "again"
    shutil.copytree(composed[0], out_dir)
    mid = out_dir / "minuet_in_g.mid"
    mid.write_bytes(b"not really midi")
    code, out, err = run_cli(capsys, "compose", MINUET, "-o", out_dir, "--force")
    assert code == 0, err
    assert mid.read_bytes() == (composed[0] / "minuet_in_g.mid").read_bytes()
    assert out.splitlines() == [str(mid), str(out_dir / "minuet_in_g.musicxml")]
    assert sorted(p.name for p in out_dir.iterdir()) == ["minuet_in_g.mid", "minuet_in_g.musicxml"]  # no temp files left


def test_compose_bad_spec_exits_2_with_one_line_per_problem(capsys, tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("title: Bad\ntempi: 120\nkey: C majr\nform: rondeau\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "compose", spec, "-o", tmp_path / "out")
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 3, err
    assert all(line.startswith(f"error: {spec}:") for line in lines)
    assert lines[0].startswith(f"error: {spec}:2: tempi: unknown key") and lines[0].endswith("did you mean 'tempo'?")
    assert lines[1].startswith(f"error: {spec}:3: key: ") and "did you mean 'major'" in lines[1]
    assert lines[2].startswith(f"error: {spec}:4: form: unknown form") and "did you mean 'rondo'" in lines[2]
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_compose_missing_spec_exits_2(capsys, tmp_path):
    missing = tmp_path / "no_such_spec.yaml"
    code, out, err = run_cli(capsys, "compose", missing, "-o", tmp_path / "out")
    assert code == 2
    assert err.splitlines() == [f"error: {missing}: (document): spec file not found"]
    assert "Traceback" not in err


def test_compose_seed_option_changes_the_music(capsys, tmp_path, composed):
    code, _, err = run_cli(capsys, "compose", MINUET, "-o", tmp_path, "--formats", "mid", "--seed", "8")
    assert code == 0, err
    assert (tmp_path / "minuet_in_g.mid").read_bytes() != (composed[0] / "minuet_in_g.mid").read_bytes()


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage: partita" in capsys.readouterr().err


# --- explain ---------------------------------------------------------------------------------

def test_explain_prints_the_plan_of_the_minuet(capsys):
    code, out, err = run_cli(capsys, "explain", MINUET)
    assert code == 0, err
    assert out.splitlines()[0] == "Minuet in G"
    assert "form rounded_binary" in out
    # The form tree with its sections.
    for name in ("section A (statement)", "section B (contrast)", "section A' (return)"):
        assert name in out
    assert "├─" in out and "└─" in out
    # Roman numerals with their chords.
    assert "V7 A7" in out or " V D" in out
    assert " I G " in out
    # Cadences by name.
    assert "authentic cadence" in out
    assert "half cadence" in out
    # The rounded binary modulates to the dominant, through a named pivot chord.
    assert "modulation G major -> D major" in out
    assert "pivot chord G = I in G major = IV in D major" in out


def test_explain_bad_spec_exits_2(capsys, tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("title: Bad\ntempo: fast\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "explain", spec)
    assert code == 2
    assert err.splitlines() == [f"error: {spec}:2: tempo: expected number or array (received 'fast'; "
                                "accepted: quarter notes per minute, 20 to 400; or [slowest, fastest], the bounds "
                                "within which a piece with a 'duration' chooses its tempo)"]


# --- packs and grammars ----------------------------------------------------------------------

def test_packs_list(capsys):
    code, out, err = run_cli(capsys, "packs", "list")
    assert code == 0, err
    western = [line for line in out.splitlines() if line.startswith("western:")]
    assert len(western) == 1
    assert "major" in western[0] and "dorian" in western[0] and "melodic_minor" in western[0]


def test_packs_show_melodic_minor_has_different_up_and_down(capsys):
    code, out, err = run_cli(capsys, "packs", "show", "western:melodic_minor")
    assert code == 0, err
    line = next(line for line in out.splitlines() if "melodic_minor" in line)
    up = line.split("up ", 1)[1].split(" |")[0].split()
    down = line.split("down ", 1)[1].split(";")[0].split()
    assert up == ["0", "200", "300", "500", "700", "900", "1100", "1200"]  # raised 6 and 7 going up
    assert down == ["1200", "1000", "800", "700", "500", "300", "200", "0"]  # natural minor coming down
    assert set(up) != set(down)


def test_packs_show_misspelt_mode_suggests_dorian(capsys):
    code, out, err = run_cli(capsys, "packs", "show", "western:dorain")
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert "'dorain'" in err
    assert "did you mean 'dorian'" in err


def test_packs_show_unknown_pack_exits_2(capsys):
    code, out, err = run_cli(capsys, "packs", "show", "westren")
    assert code == 2
    assert err.startswith("error: ") and "westren" in err
    assert "Traceback" not in err


def test_grammars_list(capsys):
    code, out, err = run_cli(capsys, "grammars", "list")
    assert code == 0, err
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line and not line.startswith(" "))
    forms = lines["forms"].split(", ")
    assert "rounded_binary" in forms and "aaba" in forms and "rondo" in forms
    assert "classical" in lines["chords"].split(", ")
    assert "waltz" in lines["accompaniment"].split(", ")


# --- real processes --------------------------------------------------------------------------

def test_console_script_help():
    exe = shutil.which("partita")
    if exe is None:
        pytest.skip("the `partita` console script is not installed on PATH")
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: partita")
    for verb in ("compose", "explain", "packs", "grammars"):
        assert verb in result.stdout


def test_python_m_composer_compose(tmp_path):
    result = subprocess.run([sys.executable, "-m", "composer", "compose", str(MINUET), "-o", str(tmp_path)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT, env=subprocess_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(tmp_path / "minuet_in_g.mid"), str(tmp_path / "minuet_in_g.musicxml")]
    assert (tmp_path / "minuet_in_g.mid").read_bytes()[:4] == b"MThd"
    assert (tmp_path / "minuet_in_g.musicxml").stat().st_size > 1000
