"""The command line's parser is built without importing any command's module: the names it offers are
kept in `composer.cli.arguments`, and these tests keep them equal to the library's. A cold compose to
MIDI then loads what composing needs and nothing of the checker, the lessons, the batches or music21."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from composer.batch import ENGINES
from composer.cli.arguments import DEFAULT_TRAIN_CORPUS, EXERCISE_KINDS, build_parser
from composer.cli.arguments import ENGINES as CLI_ENGINES
from composer.cli.main import COMMANDS, command_handler
from composer.exercises import KINDS
from corpora import manifest_names

ROOT = Path(__file__).resolve().parents[2]


def test_the_parser_offers_the_library_s_engines_exercise_kinds_and_corpora():
    assert CLI_ENGINES == ENGINES
    assert EXERCISE_KINDS == KINDS
    assert set(DEFAULT_TRAIN_CORPUS.split(",")) <= set(manifest_names())


def test_every_command_of_the_parser_has_a_handler_and_no_handler_lacks_a_command():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)
    for command in COMMANDS:
        assert callable(command_handler(command)), command


@pytest.mark.parametrize("command", ["compose", "check", "batch", "exercise"])
def test_each_command_s_help_still_lists_its_options(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([command, "--help"])
    assert exit_.value.code == 0
    assert "--" in capsys.readouterr().out


def test_a_midi_only_compose_loads_neither_music21_nor_the_commands_it_does_not_run(tmp_path):
    """The first compose fills partita's cache (parsed YAML, the originality index); the next one, in a
    fresh process, reads them from there and needs neither PyYAML nor mido."""
    probe = (
        "import sys, json\n"
        "from composer.cli.main import main\n"
        f"code = main(['compose', {str(ROOT / 'examples' / 'minuet_in_g.yaml')!r}, '-o', {str(tmp_path)!r}, "
        "'--formats', 'mid', '--force'])\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
    )
    env = {**os.environ, "PARTITA_CACHE": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env,
                           timeout=120) for _ in range(2)]
    for done in runs:
        assert done.returncode == 0, done.stderr
    (first_code, first), (code, modules) = (json.loads(done.stdout.splitlines()[-1]) for done in runs)
    assert first_code == code == 0 and (tmp_path / "minuet_in_g.mid").is_file()
    assert "yaml" in first                                 # the cache was empty: the files were parsed
    unneeded = ("music21", "torch", "verovio", "composer.analysis.check", "composer.lessons", "composer.batch",
                "composer.exercises", "composer.cli.study", "composer.cli.data", "composer.prompt", "numpy.ma",
                "mido", "yaml")
    loaded = [name for name in unneeded if name in modules]
    assert not loaded, f"a MIDI-only compose imported {loaded}"
