"""Four-part exercises and their model answers: a figured bass or an unfigured bass to realise, a melody
to harmonise in four parts.

Each is cut from a chorale partita writes by rule for the key and the level (its form, its chord graph,
its cadences, its voice leading by the `chorale` rule set): the given voice is handed out, the chorale
is the model answer. The level sets the form and the length:

    level 1: a phrase of a period in 4/4 (8 bars, tonic and dominant, authentic and half cadences)
    level 2: a sentence in 3/4 (8 bars)
    level 3: a rounded binary form in 4/4 (16 bars, a modulation to the dominant or relative major)

`figures(chord_event, bass_cents, key)` writes the figured-bass numbers of a chord over its bass as
a continuo player reads them: nothing for a root-position triad (a sharp or flat alone for an altered
third), 6, 6/4, 7, 6/5, 4/3, 4/2, with the accidental of an altered tone beside its number.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from theory import Key
from theory.chord import _spelled_tones

from ..compose import compose
from ..score.errors import ComposerError
from ..spec.load import load_spec

LEVELS = {1: ("period", "4/4"), 2: ("sentence", "3/4"), 3: ("rounded_binary", "4/4")}
FOUR_PART_KINDS = ("figured-bass", "unfigured-bass", "harmonise")
GIVEN = {"figured-bass": "bass", "unfigured-bass": "bass", "harmonise": "soprano"}
LETTERS = "CDEFGAB"


@dataclass(frozen=True)
class FourPart:
    kind: str
    key: Key
    level: int
    seed: int
    piece: object              # the model answer: a partita chorale (composer.piece.Piece)
    given: str                 # the voice handed out: 'bass' or 'soprano'
    figures: tuple[tuple[Fraction, str], ...]    # (onset in quarters, figure) under the bass; () unfigured


def _signature_alter(key: Key, letter: str) -> int:
    """The accidental the key signature gives a letter (-1, 0, 1 ...)."""
    fifths = key.relative().fifths if key.family == "minor" else key.fifths
    sharps, flats = "FCGDAEB", "BEADGCF"
    if fifths > 0 and letter in sharps[:fifths]:
        return 1
    if fifths < 0 and letter in flats[:-fifths]:
        return -1
    return 0


def _sign(alter: int) -> str:
    return {1: "#", -1: "b", 0: "n", 2: "x", -2: "bb"}.get(alter, "")


def figures(event, bass_cents: float, key: Key) -> str:
    """The figures of a chord over its bass note, e.g. '', '6', '6/4', '7', '#', '6/5', '4/2', '7/#'."""
    chord = event.chord
    tones = _spelled_tones(chord)
    bass_pc = int(round(bass_cents / 100.0)) % 12
    bass = next((t for t in tones if t.semitones % 12 == bass_pc), tones[0])
    b = LETTERS.index(bass.letter)
    numbers: dict[int, int] = {}          # interval number above the bass (2-8) -> alteration against the signature
    for t in tones:
        if t == bass:
            continue
        number = (LETTERS.index(t.letter) - b) % 7 + 1
        altered = t.alter - _signature_alter(key, t.letter)
        numbers[number] = altered
    seventh = chord.has_seventh
    shape = {(3, 5): [], (3, 6): [6], (4, 6): [6, 4], (3, 5, 7): [7], (3, 5, 6): [6, 5], (3, 4, 6): [4, 3],
             (2, 4, 6): [4, 2]}.get(tuple(sorted(numbers)), sorted(numbers, reverse=True))
    if not seventh and tuple(sorted(numbers)) == (3, 5):
        shape = []
    parts = [f"{_sign(numbers[n])}{n}" if numbers.get(n) else str(n) for n in shape]
    for n, alter in numbers.items():            # an altered tone the shorthand leaves out: its number, or the
        if alter and n not in shape:             # accidental alone for the third
            parts.append(_sign(alter) if n == 3 else f"{_sign(alter)}{n}")
    return "/".join(parts)


def four_part_exercise(kind: str, key: str | Key, level: int = 1, seed: int = 0) -> FourPart:
    """A chorale by rule in `key` at `level`, with the voice `kind` hands out (and its figures)."""
    if kind not in FOUR_PART_KINDS:
        raise ComposerError(f"exercise kind {kind!r}: not a four-part exercise (accepted: {', '.join(FOUR_PART_KINDS)})")
    if level not in LEVELS:
        raise ComposerError(f"--level {level!r}: no such level (accepted: {', '.join(map(str, LEVELS))})")
    k = key if isinstance(key, Key) else Key.parse(key)
    if k.pack != "western" or k.family not in ("major", "minor"):
        raise ComposerError(f"--key {key!r}: a four-part exercise is in a major or minor key")
    form, meter = LEVELS[level]
    spec = load_spec({"title": f"{kind.replace('-', ' ')} in {k}", "key": str(k), "meter": meter, "form": form,
                      "texture": "satb", "seed": int(seed)})
    piece = compose(spec, seed=int(seed))
    given = GIVEN[kind]
    figs: tuple[tuple[Fraction, str], ...] = ()
    if kind == "figured-bass":
        bass = next(p for p in piece.parts if p.name == "bass")
        out = []
        for event in piece.plan.chords:
            note = next((n for n in bass.notes if n.offset <= event.offset < n.end), None)
            if note is not None:
                out.append((event.offset, figures(event, note.pitch.cents, event.key)))
        figs = tuple(out)
    return FourPart(kind, k, level, int(seed), piece, given, figs)


__all__ = ["FOUR_PART_KINDS", "FourPart", "LEVELS", "figures", "four_part_exercise"]
