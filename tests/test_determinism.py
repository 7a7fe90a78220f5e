"""The same spec and seed give the same bytes: twice in one process and in two separate processes.

A different seed gives different music, and `compose(spec, seed=N)` overrides the spec's seed.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from composer.compose import compose
from composer.formats.midi import midi_bytes
from composer.formats.musicxml import musicxml_bytes
from composer.spec.load import load_spec

ROOT = Path(__file__).resolve().parents[1]
MINUET = ROOT / "examples" / "minuet_in_g.yaml"
DANCE = ROOT / "examples" / "dance_7_8.yaml"


@pytest.mark.parametrize("spec_path", [MINUET, DANCE], ids=lambda p: p.stem)
def test_same_spec_and_seed_give_identical_bytes_in_process(spec_path, tmp_path):
    first, second = compose(spec_path), compose(spec_path)
    assert midi_bytes(first) == midi_bytes(second)
    assert musicxml_bytes(first) == musicxml_bytes(second)
    # Through the file writers too, which is what a user compares.
    for n, piece in enumerate((first, second)):
        (tmp_path / str(n)).mkdir()
        piece.write(tmp_path / str(n) / "p.mid")
        piece.write(tmp_path / str(n) / "p.musicxml")
    for name in ("p.mid", "p.musicxml"):
        assert (tmp_path / "0" / name).read_bytes() == (tmp_path / "1" / name).read_bytes()


def test_same_spec_and_seed_give_identical_files_in_two_processes(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # Different hash seeds per process, so that nothing may depend on set or dict-of-str order by chance.
    folders = []
    for n, hash_seed in enumerate(("1", "2")):
        out = tmp_path / f"run{n}"
        result = subprocess.run(
            [sys.executable, "-m", "composer", "compose", str(MINUET), "-o", str(out), "--seed", "11"],
            capture_output=True, text=True, timeout=120, cwd=ROOT, env={**env, "PYTHONHASHSEED": hash_seed})
        assert result.returncode == 0, result.stderr
        folders.append(out)
    for name in ("minuet_in_g.mid", "minuet_in_g.musicxml"):
        a, b = (folders[0] / name).read_bytes(), (folders[1] / name).read_bytes()
        assert len(a) > 100
        assert a == b, f"{name} differs between two processes"
    # And the in-process composition with the same seed gives the same bytes as the processes did.
    assert midi_bytes(compose(MINUET, seed=11)) == (folders[0] / "minuet_in_g.mid").read_bytes()


def test_a_different_seed_gives_different_midi():
    assert midi_bytes(compose(MINUET, seed=1)) != midi_bytes(compose(MINUET, seed=2))


def test_seed_argument_overrides_the_spec_seed():
    spec = load_spec(MINUET)
    assert spec.seed == 7
    overridden = compose(MINUET, seed=3)
    assert overridden.seed == 3
    assert midi_bytes(overridden) == midi_bytes(compose({**spec.raw, "seed": 3}))
    assert midi_bytes(overridden) != midi_bytes(compose(MINUET))
    # Without the argument, the spec's own seed is used.
    assert compose(MINUET).seed == 7
    assert midi_bytes(compose(MINUET)) == midi_bytes(compose(MINUET, seed=7))


def test_seed_argument_is_checked():
    from composer.score.errors import ComposerError

    for bad in (-1, 2**32, "3", True):
        with pytest.raises(ComposerError, match="seed must be an integer 0..4294967295"):
            compose(MINUET, seed=bad)


HASH_ALL = """
import hashlib, sys
from pathlib import Path
from composer import compose
from composer.formats.midi import midi_bytes
from composer.formats.musicxml import musicxml_bytes
for path in sorted(Path(sys.argv[1]).glob('*.yaml')):
    piece = compose(path)
    print(path.stem, hashlib.sha256(midi_bytes(piece)).hexdigest(), hashlib.sha256(musicxml_bytes(piece)).hexdigest())
"""


def test_every_example_is_byte_identical_across_processes():
    """Two processes with different hash seeds compose every example to the same MIDI and MusicXML."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    runs = []
    for hash_seed in ("1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run([sys.executable, "-c", HASH_ALL, str(ROOT / "examples")], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(done.stdout)
    assert runs[0] == runs[1]
    assert len(runs[0].splitlines()) >= 16
