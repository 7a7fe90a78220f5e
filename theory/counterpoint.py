"""Species counterpoint: its named rules and facts (`rules/counterpoint.yaml`), and the small interval
tests that the checker (composer.analysis.species) and the exercise writer (composer.exercises) share.

Intervals are counted in 12-EDO semitones (cents rounded to the nearest hundred). A vertical interval
is the upper pitch less the lower; a melodic one is spelled in the key (a tonic and major or natural
minor, with the raised sixth and seventh of minor) so that F-G# reads as an augmented second:

    vertical_semitones(7200, 6700)           -> 5       (C5 over G4: a fourth)
    is_consonant(5)                          -> False   (in two voices the fourth is a dissonance)
    interval_name(15)                        -> 'minor tenth'
    melodic_name(6500, 6800, 5700, True)     -> 'augmented second'   (F4 to G#4 in A minor)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import TheoryError
from .pack import load_pack
from .pitch import Pitch
from .schema import read_checked

RULES_PATH = Path(__file__).resolve().parent / "rules" / "counterpoint.yaml"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "counterpoint.schema.json"

SPECIES = (1, 2, 3, 4, 5)
_SIMPLE_NAMES = ("unison", "minor second", "major second", "minor third", "major third", "fourth", "tritone",
                 "fifth", "minor sixth", "major sixth", "minor seventh", "major seventh")
_COMPOUND_NAMES = {12: "octave", 13: "minor ninth", 14: "major ninth", 15: "minor tenth", 16: "major tenth",
                   17: "eleventh", 18: "compound tritone", 19: "twelfth", 24: "double octave"}
_NUMBER_NAMES = ("unison", "second", "third", "fourth", "fifth", "sixth", "seventh", "octave")
# The semitones of the major/minor or perfect intervals of each diatonic number within the octave.
_PLAIN_SEMITONES = {0: (0,), 1: (1, 2), 2: (3, 4), 3: (5,), 4: (7,), 5: (8, 9), 6: (10, 11)}
# Raised sixth and seventh of minor (musica ficta at the cadence), read as altered degrees.
_MINOR_RAISED = {9: (5, 1), 11: (6, 1)}


@dataclass(frozen=True)
class CounterpointRule:
    """One named rule: its severity in a report, the species it binds, what it says and where from."""

    name: str
    severity: str
    species: tuple
    description: str
    source: str


@dataclass(frozen=True)
class CounterpointRules:
    name: str
    title: str
    rules: dict
    perfect_consonances: frozenset
    imperfect_consonances: frozenset
    step_cents: float
    large_leap_cents: float
    max_leap_cents: float
    max_range_cents: float
    max_imperfect_run: int
    max_repeats_first_species: int

    def rule(self, name: str) -> CounterpointRule:
        if name not in self.rules:
            raise TheoryError(f"unknown counterpoint rule {name!r} (accepted: {', '.join(self.rules)})")
        return self.rules[name]

    def binds(self, name: str, species: int) -> bool:
        """Whether rule `name` applies to `species`."""
        return species in self.rule(name).species


@lru_cache(maxsize=1)
def counterpoint_rules() -> CounterpointRules:
    """The rules of `theory/rules/counterpoint.yaml`, checked against their schema."""
    data = read_checked(RULES_PATH, SCHEMA_PATH).data
    rules = {name: CounterpointRule(name, r["severity"], tuple(sorted(set(r["species"]))),
                                    " ".join(r["description"].split()), r["source"])
             for name, r in data["rules"].items()}
    p = data["parameters"]
    return CounterpointRules(data["name"], data["title"], rules, frozenset(p["perfect_consonances"]),
                             frozenset(p["imperfect_consonances"]), float(p["step_cents"]),
                             float(p["large_leap_cents"]), float(p["max_leap_cents"]), float(p["max_range_cents"]),
                             int(p["max_imperfect_run"]), int(p["max_repeats_first_species"]))


def semitones(cents: float) -> int:
    """A distance in cents as whole 12-EDO semitones."""
    return int(round(cents / 100.0))


def vertical_semitones(upper_cents: float, lower_cents: float) -> int:
    """The interval from the lower pitch up to the upper one, in semitones (negative if they cross)."""
    return semitones(upper_cents - lower_cents)


def is_consonant(interval_semitones: int) -> bool:
    """A consonance of two-voice counterpoint (compounds included)."""
    rules = counterpoint_rules()
    return abs(interval_semitones) % 12 in rules.perfect_consonances | rules.imperfect_consonances


def is_perfect(interval_semitones: int) -> bool:
    return abs(interval_semitones) % 12 in counterpoint_rules().perfect_consonances


def interval_name(interval_semitones: int) -> str:
    """'minor third', 'fourth', 'octave', 'minor tenth', 'compound major seventh' ..."""
    n = abs(interval_semitones)
    if n < 12:
        return _SIMPLE_NAMES[n]
    if n in _COMPOUND_NAMES:
        return _COMPOUND_NAMES[n]
    return "compound " + _SIMPLE_NAMES[n % 12] if n % 12 else f"{n // 12}-fold octave"


def scale_cents(minor: bool) -> tuple:
    """The degrees of the major or the natural minor (aeolian) scale, in cents above the tonic."""
    mode = load_pack("western").mode("natural_minor" if minor else "major")
    return tuple(float(c) for c in mode.scale.degree_cents)


def prefers_flats(tonic_cents: float, minor: bool) -> bool:
    """Whether the key's signature has flats (F major, D minor), for spelling note names."""
    fifths = ((semitones(tonic_cents) + (3 if minor else 0)) * 7) % 12
    return fifths > 6


def note_name(cents: float, tonic_cents: float, minor: bool) -> str:
    """'C5', 'G#4', 'Bb3': Pitch.name with the key's side of the signature."""
    return Pitch(cents).name(prefers_flats(tonic_cents, minor))


@lru_cache(maxsize=2)
def _degree_table(minor: bool) -> dict:
    """Semitones above the tonic (0-11) -> (degree 0-6, alteration)."""
    table = {}
    for degree, cents in enumerate(scale_cents(minor)):
        table[semitones(cents) % 12] = (degree, 0)
    if minor:
        table.update(_MINOR_RAISED)
    for pc in range(12):  # anything else: the degree below, raised
        if pc not in table:
            below = table[(pc - 1) % 12][0]
            table[pc] = (below, 1)
    return table


def _absolute_degree(cents: float, tonic_cents: float, minor: bool) -> int:
    rel = semitones(cents - tonic_cents)
    degree, _ = _degree_table(minor)[rel % 12]
    return (rel // 12) * 7 + degree


def melodic_quality(from_cents: float, to_cents: float, tonic_cents: float, minor: bool) -> str:
    """'augmented', 'diminished' or '' for a melodic interval spelled in the key (F-B: an augmented
    fourth; G#-C in A minor: a diminished fourth; F-G# an augmented second; F#-F an augmented unison)."""
    size = abs(_absolute_degree(to_cents, tonic_cents, minor) - _absolute_degree(from_cents, tonic_cents, minor))
    span = abs(semitones(to_cents - from_cents))
    simple = span - 12 * (size // 7)
    plain = _PLAIN_SEMITONES[size % 7]
    if simple in plain:
        return ""
    return "augmented" if simple > max(plain) else "diminished"


def melodic_name(from_cents: float, to_cents: float, tonic_cents: float, minor: bool) -> str:
    """The melodic interval's name, its quality spelled in the key: 'augmented second', 'minor sixth'."""
    quality = melodic_quality(from_cents, to_cents, tonic_cents, minor)
    if not quality:
        return interval_name(semitones(to_cents - from_cents))
    size = abs(_absolute_degree(to_cents, tonic_cents, minor) - _absolute_degree(from_cents, tonic_cents, minor))
    number = _NUMBER_NAMES[size] if size < len(_NUMBER_NAMES) else f"compound {_NUMBER_NAMES[size % 7]}"
    return f"{quality} {number}"


__all__ = ["SPECIES", "CounterpointRule", "CounterpointRules", "counterpoint_rules", "interval_name", "is_consonant",
           "is_perfect", "melodic_name", "melodic_quality", "note_name", "prefers_flats", "scale_cents", "semitones",
           "vertical_semitones"]
