"""`partita check ANSWER --exercise exercise.json`: grade a student's answer to a `partita exercise`.

The exercise file gives the key and the rule set (unless `--key` or `--rules` are given), and the
voice the exercise handed out (the bass of a figured bass, the soprano to harmonise, the cantus
firmus): the student's part of that name must keep it note for note. A note changed, added or left
out is a `given-voice` error at its bar and beat.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePath

from theory.datafile import read_regular_file
from theory.errors import DataFileError

from ..score.errors import ComposerError
from .check_input import EPS, _voices, read_score

GIVEN_RULE = "given-voice"
MAX_EXERCISE_BYTES = 100_000       # an exercise.json is a few hundred bytes


@dataclass(frozen=True)
class ExerciseFile:
    key: str
    rules: str
    given: tuple                 # the given voices: [(part name, [(onset, cents, name), ...]), ...]


def read_exercise(path) -> ExerciseFile:
    """The key, the rule set and the given voices of an exercise.json (and its exercise.musicxml)."""
    p = Path(path)
    try:
        info = json.loads(read_regular_file(p, MAX_EXERCISE_BYTES, "exercise file").decode("utf-8"))
        key, rules, score_name = info["key"], info["rules"], info["files"]["exercise"]
    except DataFileError as exc:
        raise ComposerError(f"--exercise: {exc}") from None
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        reason = "nested too deep" if isinstance(exc, RecursionError) else str(exc)[:120]
        raise ComposerError(f"--exercise {path}: not an exercise.json that partita exercise wrote ({reason})") from None
    # The score is the exercise's own, beside it: a name, never a path that leads elsewhere.
    if not isinstance(score_name, str) or PurePath(score_name).name != score_name or score_name in ("", ".", ".."):
        raise ComposerError(f"--exercise {path}: its score must be a file beside it, named without a folder "
                            f"(received {str(score_name)[:60]!r})")
    score = read_score(p.parent / score_name)
    given = tuple((v.part_name, tuple((n.onset, n.cents, n.name) for n in v.notes)) for v in _voices(score))
    return ExerciseFile(str(key), str(rules), given)


def given_voice_findings(exercise: ExerciseFile, voices) -> list[tuple]:
    """(time, voice name, message, notes) for each given note the student's voices do not keep."""
    out = []
    for part_name, notes in exercise.given:
        mine = [v for v in voices if v.part_name.strip().lower() == part_name.strip().lower()]
        if not mine:
            out.append((notes[0][0], part_name, f"the given {part_name} is missing", ()))
            continue
        v = mine[0]
        for onset, cents, name in notes:
            n = v.at(onset)
            if n is None or n.onset != onset or abs(n.cents - cents) > EPS:
                what = "missing" if n is None else f"{n.name} written" if n.onset == onset else "not struck"
                out.append((onset, v.name, f"the given {part_name} has {name} here ({what})", (n,) if n else ()))
        starts = {onset for onset, _c, _n in notes}
        for n in v.notes:
            if n.onset not in starts:
                out.append((n.onset, v.name, f"{n.name} added to the given {part_name}", (n,)))
    return out


__all__ = ["GIVEN_RULE", "ExerciseFile", "given_voice_findings", "read_exercise"]
