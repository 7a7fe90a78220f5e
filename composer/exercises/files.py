"""`partita exercise KIND -o DIR`: an exercise, its model answer and how to grade it, as files.

    exercise.musicxml   the given voice (a bass with or without figures, a melody, a cantus firmus) and
                        empty staves for the student's voices
    answer.musicxml     the model answer, which passes the exercise's rule set with no error
    exercise.json       kind, key, level, seed, rule set, the instructions and the command that grades

The student's answer is graded with `partita check ANSWER --exercise DIR/exercise.json` (the key and
the rule set of the exercise, and the given voice kept note for note; the same as `--rules SET --key
KEY`, which exercise.json names, with that last check); the model answer passes that same command.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from theory import Key

from ..score.errors import ComposerError, OutputExistsError
from ..score.files import atomic_write, atomic_write_text
from .four_part import FOUR_PART_KINDS, four_part_exercise
from .species import cantus_firmus, counterpoint

SPECIES_KINDS = ("species1", "species2", "species3", "species4")
KINDS = FOUR_PART_KINDS + SPECIES_KINDS
BAR = Fraction(4)
INSTRUCTIONS = {
    "figured-bass": "Realise the figured bass in four parts (soprano, alto, tenor above the given bass), "
                    "following the figures; check your answer with the command below.",
    "unfigured-bass": "Harmonise the bass in four parts: choose a chord for every bass note and write the "
                      "soprano, alto and tenor above it.",
    "harmonise": "Harmonise the melody in four parts: write the alto, tenor and bass under the given soprano, "
                 "with a cadence at every phrase end.",
    **{f"species{k}": f"Write a counterpoint in species {k} {{where}} the cantus firmus." for k in range(1, 5)},
}


@dataclass(frozen=True)
class Exercise:
    kind: str
    key: Key
    rules: str
    level: int
    seed: int
    instructions: str
    answer: object            # music21 Score
    exercise: object          # music21 Score: the given voice, the other staves empty


def _emptied(score, keep: set[str]):
    """A copy of `score` whose parts not named in `keep` hold only rests, bar by bar, without the chord
    symbols (they would give the answer away)."""
    from music21 import harmony, note, stream  # deferred: music21 takes about 0.5 s to import

    out = copy.deepcopy(score)
    for symbol in list(out.recurse().getElementsByClass(harmony.ChordSymbol)):   # the chords are the answer
        symbol.activeSite.remove(symbol)
    for part in out.parts:
        if (part.partName or "").strip().lower() in keep:
            continue
        for m in part.getElementsByClass(stream.Measure):
            for el in list(m.recurse().notesAndRests):
                el.activeSite.remove(el)
            for v in list(m.voices):
                m.remove(v)
            m.insert(0, note.Rest(quarterLength=m.barDuration.quarterLength))
    return out


def _add_figures(score, figures) -> None:
    bass = next(p for p in score.parts if (p.partName or "").strip().lower() == "bass")
    flat = bass.flatten().notes
    for onset, figure in figures:
        hit = next((n for n in flat if Fraction(n.offset).limit_denominator(1 << 20) == onset), None)
        if hit is None or not figure:
            continue
        for line in figure.split("/"):          # the top figure first, as a continuo part prints them
            hit.addLyric(line)


def _species_scores(kind: str, key: Key, seed: int, above: bool, length: int):
    from music21 import clef, meter, note, pitch, stream  # deferred: music21 is heavy
    from music21 import key as m21key

    species = int(kind[-1])
    rng = np.random.default_rng(seed)
    minor = key.family == "minor"
    tonic = 6000.0 + key.tonic_cents if above else 4800.0 + key.tonic_cents + (1200.0 if key.tonic_pc < 5 else 0.0)
    cf = cantus_firmus(tonic, minor, length, rng)
    line = counterpoint(cf, tonic, minor, species, above, rng, bar=BAR)

    def part(name: str, notes) -> stream.Part:
        p = stream.Part()
        p.partName = name
        p.insert(0, m21key.KeySignature(key.relative().fifths if minor else key.fifths))
        p.insert(0, meter.TimeSignature("4/4"))
        lows = [c for _s, _e, c in notes]
        p.insert(0, clef.TrebleClef() if min(lows) >= 5500 else clef.BassClef())
        for onset, end, cents in notes:
            n = note.Note(quarterLength=float(end - onset))
            n.pitch = _spelled(key, cents, pitch)
            p.insert(float(onset), n)
        if notes and notes[0][0] > 0:
            p.insert(0, note.Rest(quarterLength=float(notes[0][0])))
        measured = p.makeMeasures()
        measured.makeTies(inPlace=True)
        measured.partName = name
        return measured

    cantus = part("cantus firmus", [(BAR * i, BAR * (i + 1), c) for i, c in enumerate(cf)])
    cp = part("counterpoint", line)
    answer = stream.Score()
    for p in ([cp, cantus] if above else [cantus, cp]):
        answer.insert(0, p)
    return answer, _emptied(answer, {"cantus firmus"})


def _spelled(key: Key, cents: float, pitch_module):
    """A music21 Pitch spelled in the key (the raised leading tone of minor as a sharp)."""
    name = key.pitch_name(cents)          # 'Bb3', 'F#4'
    letter, rest = name[0], name[1:]
    accidental = "".join(ch for ch in rest if ch in "#b").replace("b", "-")
    octave = "".join(ch for ch in rest if ch.isdigit())
    return pitch_module.Pitch(f"{letter}{accidental}{octave}")


def make_exercise(kind: str, key: str = "C major", level: int = 1, seed: int = 0, above: bool = True,
                  length: int = 10) -> Exercise:
    """An exercise of `kind` (see KINDS) in `key`, with its model answer."""
    if kind not in KINDS:
        raise ComposerError(f"exercise kind {kind!r}: no such kind (accepted: {', '.join(KINDS)})")
    k = Key.parse(key)
    if kind in FOUR_PART_KINDS:
        from ..formats.musicxml import to_music21  # deferred: the MusicXML writer imports music21

        ex = four_part_exercise(kind, k, level, seed)
        answer = to_music21(ex.piece)
        if ex.figures:
            _add_figures(answer, ex.figures)
        exercise = _emptied(answer, {ex.given})
        return Exercise(kind, k, "chorale", level, seed, INSTRUCTIONS[kind], answer, exercise)
    if k.pack != "western" or k.family not in ("major", "minor"):
        raise ComposerError(f"--key {key!r}: species counterpoint is written in a major or minor key")
    answer, exercise = _species_scores(kind, k, seed, above, length)
    text = INSTRUCTIONS[kind].format(where="above" if above else "below")
    return Exercise(kind, k, kind, level, seed, text, answer, exercise)


def write_exercise(ex: Exercise, folder, force: bool = False) -> list[str]:
    """Write exercise.musicxml, answer.musicxml and exercise.json into `folder`; the paths written."""
    out = Path(folder)
    names = ("exercise.musicxml", "answer.musicxml", "exercise.json")
    if not force:
        taken = [n for n in names if (out / n).exists()]
        if taken:
            raise OutputExistsError(f"{out / taken[0]} already exists; pass --force to overwrite it")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, score in (("exercise.musicxml", ex.exercise), ("answer.musicxml", ex.answer)):
        written.append(atomic_write(out / name, lambda tmp, s=score: s.write("musicxml", fp=str(tmp)), force=True))
    grade = f"partita check YOUR_ANSWER.musicxml --exercise {out / 'exercise.json'}"
    info = {"kind": ex.kind, "key": str(ex.key), "level": ex.level, "seed": ex.seed, "rules": ex.rules,
            "instructions": ex.instructions, "grade": grade,
            "files": {"exercise": "exercise.musicxml", "answer": "answer.musicxml"}}
    written.append(atomic_write_text(out / "exercise.json", json.dumps(info, indent=2) + "\n", force=True))
    return written


__all__ = ["KINDS", "Exercise", "make_exercise", "write_exercise"]
