"""Voice-leading rules: their names and facts (`rules/voice_leading.yaml`), and the tests of motion
between two voices that the composer obeys and `partita check` reports.

Intervals are in cents, so a just fifth (702) and a tempered one (700) are both fifths (within
`perfect_tolerance_cents`). The motion tests take numbers or numpy arrays, so a search can try many
voicings at once:

    parallel_kind(a1, b1, a2, b2)   -> "fifths" | "octaves" | "" (two voices, a above b, from 1 to 2)
    hidden_kind(a1, b1, a2, b2)     -> the same, for direct fifths and octaves with a leap in `a`
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import TheoryError
from .schema import read_checked

RULES_PATH = Path(__file__).resolve().parent / "rules" / "voice_leading.yaml"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "voice_leading.schema.json"


@dataclass(frozen=True)
class Rule:
    """One named rule: its severity in a report, the voices it binds, what it says and where from."""

    name: str
    severity: str
    voices: str
    description: str
    source: str


@dataclass(frozen=True)
class Relaxation:
    """A rule a style's idiom breaks, between which voices, why, and on whose word."""

    rule: str
    between: str
    why: str
    source: str

    def __str__(self) -> str:
        return f"{self.rule} between {self.between} voices: {self.why} ({self.source})"


@dataclass(frozen=True)
class RuleBook:
    """A rule set by textbook (`sets:` in the rules file): the severity of each rule it keeps ('off' for
    the others), its voices' ranges (note names), the stretch past them that is only a warning, the
    notes it counts as in the key besides the key's own (cents above the tonic: blue notes), the species
    of counterpoint it marks (0: none), and the relaxations of its idiom."""

    name: str
    title: str
    source: str
    severities: dict
    ranges: dict
    stretch_semitones: int = 0
    also_in_key_cents: tuple[float, ...] = ()
    species: int = 0
    relax: tuple[Relaxation, ...] = ()

    def severity(self, rule: str) -> str:
        return self.severities.get(rule, "off")

    def keeps(self, rule: str) -> bool:
        return self.severity(rule) != "off"

    def relaxes(self, rule: str, between: str = "accompaniment") -> Relaxation | None:
        return next((r for r in self.relax if r.rule == rule and r.between == between), None)

    def with_changes(self, enable=(), disable=()) -> "RuleBook":
        """The set with rules switched on (at their own severity in the rules file) or off."""
        rules = voice_leading_rules().rules
        severities = dict(self.severities)
        for name in enable:
            severities[name] = rules[name].severity if name in rules else "warning"
        for name in disable:
            severities[name] = "off"
        return RuleBook(self.name, self.title, self.source, severities, self.ranges, self.stretch_semitones,
                        self.also_in_key_cents, self.species, self.relax)


@dataclass(frozen=True)
class RuleSet:
    name: str
    title: str
    rules: dict
    perfect_tolerance_cents: float
    step_cents: float
    max_upper_spacing_cents: float
    sets: dict = None

    def rule(self, name: str) -> Rule:
        if name not in self.rules:
            raise TheoryError(f"unknown voice-leading rule {name!r} (accepted: {', '.join(self.rules)})")
        return self.rules[name]

    def book(self, name: str) -> RuleBook:
        """The rule set `name` (chorale, strict, free, jazz, pop, species1..species5)."""
        if name not in self.sets:
            raise TheoryError(f"unknown rule set {name!r} (accepted: {', '.join(self.sets)})")
        return self.sets[name]


@lru_cache(maxsize=1)
def voice_leading_rules() -> RuleSet:
    """The rules of `theory/rules/voice_leading.yaml`, checked against their schema."""
    doc = read_checked(RULES_PATH, SCHEMA_PATH)
    data = doc.data
    rules = {name: Rule(name, r["severity"], r["voices"], " ".join(r["description"].split()), r["source"])
             for name, r in data["rules"].items()}
    p = data["parameters"]
    sets = {}
    for name, raw in data["sets"].items():
        unknown = [r for r in raw["rules"] if r not in rules and not r.startswith("species-")]
        if unknown:
            raise TheoryError(f"{RULES_PATH.name}: sets.{name}.rules: unknown rule {unknown[0]!r} "
                              f"(accepted: {', '.join(rules)})")
        relax = tuple(Relaxation(r["rule"], r["between"], " ".join(r["why"].split()), r["source"])
                      for r in raw.get("relax", ()))
        sets[name] = RuleBook(name, raw["title"], raw["source"], dict(raw["rules"]),
                              {role: tuple(pair) for role, pair in (raw.get("ranges") or {}).items()},
                              int(raw.get("stretch_semitones", 0)),
                              tuple(float(c) for c in raw.get("also_in_key_cents", ())), int(raw.get("species", 0)),
                              relax)
    return RuleSet(data["name"], data["title"], rules, float(p["perfect_tolerance_cents"]), float(p["step_cents"]),
                   float(p["max_upper_spacing_cents"]), sets)


def _tolerance() -> float:
    return voice_leading_rules().perfect_tolerance_cents


def _within_octave(iv: np.ndarray) -> np.ndarray:
    """Non-negative cents reduced into one octave (0..1200): as `iv % 1200.0`, which numpy computes ten times
    slower, and the arrangement's search asks it of every pair of states."""
    return iv - 1200.0 * np.floor(iv / 1200.0)


def perfect_kind(interval_cents, tolerance: float | None = None):
    """'unisons', 'octaves' or 'fifths' for a perfect interval (compounds included), else ''. Works on
    arrays (an array of those strings)."""
    tol = _tolerance() if tolerance is None else tolerance
    iv = np.abs(np.asarray(interval_cents, dtype=float))
    simple = _within_octave(iv)
    octave = np.minimum(simple, 1200.0 - simple) <= tol
    fifth = np.abs(simple - 700.0) <= tol
    kind = np.where(octave, np.where(iv > tol, "octaves", "unisons"), np.where(fifth, "fifths", ""))
    return kind.item() if kind.ndim == 0 else kind


def perfect_family(interval_cents, tol: float | None = None):
    """0: not perfect; 1: unison or octave; 2: fifth (for arrays; NaN: 0)."""
    tol = _tolerance() if tol is None else tol
    iv = _within_octave(np.abs(np.asarray(interval_cents, dtype=float)))
    octave = np.minimum(iv, 1200.0 - iv) <= tol
    fifth = np.abs(iv - 700.0) <= tol
    return np.where(octave, 1, np.where(fifth, 2, 0))


def _families(a1, b1, a2, b2, tol: float):
    """The perfect family of the first dyad and of the second."""
    return perfect_family(np.asarray(a1, dtype=float) - b1, tol), perfect_family(np.asarray(a2, dtype=float) - b2, tol)


def similar_motion(a1, b1, a2, b2, tolerance: float = 1e-6):
    """Both voices move, in the same direction."""
    ma, mb = np.asarray(a2, dtype=float) - a1, np.asarray(b2, dtype=float) - b1
    return (np.abs(ma) > tolerance) & (np.abs(mb) > tolerance) & ((ma > 0) == (mb > 0))


def both_move(a1, b1, a2, b2, tolerance: float = 1e-6):
    """Both voices move (in the same direction or in contrary motion)."""
    return (np.abs(np.asarray(a2, dtype=float) - a1) > tolerance) & (np.abs(np.asarray(b2, dtype=float) - b1) > tolerance)


def parallel_family(a1, b1, a2, b2, tolerance: float | None = None):
    """For voices moving from (a1, b1) to (a2, b2): 1 for parallel octaves or unisons, 2 for parallel
    fifths, 0 for neither (arrays broadcast): both voices move in the same direction."""
    tol = _tolerance() if tolerance is None else tolerance
    f1, f2 = _families(a1, b1, a2, b2, tol)
    return np.where(similar_motion(a1, b1, a2, b2) & (f1 == f2), f2, 0)


def contrary_family(a1, b1, a2, b2, tolerance: float | None = None):
    """The same for consecutive fifths or octaves by contrary motion (a fifth to a twelfth, an octave to
    a unison, the voices moving apart or together): 1, 2 or 0 (arrays broadcast)."""
    tol = _tolerance() if tolerance is None else tolerance
    f1, f2 = _families(a1, b1, a2, b2, tol)
    return np.where(both_move(a1, b1, a2, b2) & ~similar_motion(a1, b1, a2, b2) & (f1 == f2), f2, 0)


def hidden_family(a1, b1, a2, b2, tolerance: float | None = None, step_cents: float | None = None):
    """Direct (hidden) fifths or octaves: similar motion into a perfect fifth (2) or octave (1) from
    another interval, with a leap in the upper voice `a`; 0 otherwise."""
    rules = voice_leading_rules()
    tol = rules.perfect_tolerance_cents if tolerance is None else tolerance
    step = rules.step_cents if step_cents is None else step_cents
    f1, f2 = _families(a1, b1, a2, b2, tol)
    leap = np.abs(np.asarray(a2, dtype=float) - a1) > step + tol
    return np.where(similar_motion(a1, b1, a2, b2) & (f2 > 0) & (f1 != f2) & leap, f2, 0)


FAMILY_RULES = {1: "octaves", 2: "fifths"}


def _family_of(interval: float, tol: float) -> int:
    """`_family` for one number, without numpy (the checker and the verification call it per dyad)."""
    iv = abs(interval) % 1200.0
    if min(iv, 1200.0 - iv) <= tol:
        return 1
    return 2 if abs(iv - 700.0) <= tol else 0


def parallel_kind(a1: float, b1: float, a2: float, b2: float) -> str:
    """'fifths', 'octaves' or '' for one motion (numbers; the same test as `parallel_family`)."""
    ma, mb = a2 - a1, b2 - b1
    if abs(ma) <= 1e-6 or abs(mb) <= 1e-6 or (ma > 0) != (mb > 0):
        return ""
    tol = _tolerance()
    f1, f2 = _family_of(a1 - b1, tol), _family_of(a2 - b2, tol)
    return FAMILY_RULES[f2] if f2 and f1 == f2 else ""


def hidden_kind(a1: float, b1: float, a2: float, b2: float) -> str:
    """'fifths', 'octaves' or '' for one motion into a direct perfect interval (the test of `hidden_family`)."""
    ma, mb = a2 - a1, b2 - b1
    if abs(ma) <= 1e-6 or abs(mb) <= 1e-6 or (ma > 0) != (mb > 0):
        return ""
    rules = voice_leading_rules()
    tol = rules.perfect_tolerance_cents
    f1, f2 = _family_of(a1 - b1, tol), _family_of(a2 - b2, tol)
    return FAMILY_RULES[f2] if f2 and f1 != f2 and abs(ma) > rules.step_cents + tol else ""


def consecutive_family(a1, b1, a2, b2, tolerance: float | None = None):
    """Consecutive fifths (2) or octaves and unisons (1) with both voices moving, by similar or contrary
    motion: `parallel_family` and `contrary_family` at once, for the searches (arrays broadcast; each
    interval's family is found before the broadcast, on the smaller arrays)."""
    tol = _tolerance() if tolerance is None else tolerance
    a1, b1, a2, b2 = (np.asarray(x, dtype=float) for x in (a1, b1, a2, b2))
    f1, f2 = perfect_family(a1 - b1, tol).astype(np.int8), perfect_family(a2 - b2, tol).astype(np.int8)
    hit = (f1 == f2) & (f2 > 0)
    hit &= np.abs(a2 - a1) > 1e-6
    hit &= np.abs(b2 - b1) > 1e-6
    return np.where(hit, f2, np.int8(0))


__all__ = ["Relaxation", "Rule", "RuleBook", "RuleSet",
           "both_move", "consecutive_family", "contrary_family", "hidden_family", "hidden_kind",
           "parallel_family", "parallel_kind", "perfect_family", "perfect_kind", "similar_motion", "voice_leading_rules"]
