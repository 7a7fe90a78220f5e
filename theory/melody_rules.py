"""Soft rules of melodic shape (`rules/melody.yaml`): the default leap limit, the turn back after a leap, the
balance of steps, repeated notes and wide leaps, and the memory of the part's own figures."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import DataFileError
from .schema import read_checked

RULES_PATH = Path(__file__).resolve().parent / "rules" / "melody.yaml"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "melody.schema.json"


@dataclass(frozen=True)
class MelodyRules:
    max_leap_semitones: int          # the default of a spec's constraints.max_leap
    recovery_leap_semitones: int     # a leap wider than this ...
    recovery_weight: float           # ... prefers a step back against it by this factor
    repeat_weight: float = 1.0       # a repeated note, among the notes allowed
    step_weight: float = 1.0         # a step (one or two semitones)
    figure_context: int = 2          # notes of a figure that, met again, recall how it went on ...
    figure_weight: float = 1.0       # ... by this factor
    motion_packs: tuple[str, ...] = ()   # the packs whose lines the motion rule shapes
    figure_packs: tuple[str, ...] = ()   # the packs whose lines remember their figures
    wide_leap_semitones: int = 12        # a leap wider than this ...
    wide_leap_weight: float = 1.0        # ... by this factor (the motion rule)
    third_strike_weight: float = 1.0     # a note struck a third time in a row, on top of the repeat's factor
    variation_weight: float = 1.0        # in a varied bar's new tail, the note its source sounded there


@lru_cache(maxsize=1)
def melody_rules() -> MelodyRules:
    """The rules of `theory/rules/melody.yaml`, checked against their schema."""
    doc = read_checked(RULES_PATH, SCHEMA_PATH)
    d = doc.data
    motion = d["motion"]
    return MelodyRules(int(d["max_leap"]["semitones"]), int(d["leap_recovery"]["leap_semitones"]),
                       float(d["leap_recovery"]["weight"]), float(motion["repeat_weight"]),
                       float(motion["step_weight"]), int(d["figure_memory"]["context_notes"]),
                       float(d["figure_memory"]["weight"]), tuple(motion["packs"]),
                       tuple(d["figure_memory"]["packs"]), int(motion["wide_leap_semitones"]),
                       float(motion["wide_leap_weight"]), float(motion["third_strike_weight"]),
                       float(d["figure_memory"]["variation_weight"]))


TRADITIONS_PATH = Path(__file__).resolve().parent / "rules" / "traditions.yaml"
TRADITIONS_SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "traditions.schema.json"


@dataclass(frozen=True)
class TraditionMelody:
    """How a tradition's melody leans on its mode (`rules/traditions.yaml`)."""

    tradition: str
    final_weight: float       # a factor on the final inside a phrase
    opening_phrase: float     # the chance that a phrase written anew opens with an opening phrase of the mode
    closing: str              # 'formula' (the mode's closing phrase), 'tihai' or 'none': how the piece closes
    hold: str                 # 'bar' or 'group': how long a section's cadence note is held when the piece goes on
    source: str
    opening_register: float | None = None   # where the opening sits in the range (0 bottom, 1 top), if given
    max_leap: int | None = None             # the widest leap (semitones) where a spec sets none, if given
    wide_leap_weight: float = 1.0           # a factor on leaps wider than a fifth (the octave excepted)
    half_close: str | None = None           # the emphasis role an inner section ends on (a makam's güçlü)
    opens: str = "phrase"                   # 'phrase' or 'section': which phrases may open with an opening phrase


@lru_cache(maxsize=1)
def _traditions_doc() -> dict:
    return read_checked(TRADITIONS_PATH, TRADITIONS_SCHEMA_PATH).data


def base_role(role: str) -> str:
    """A role without its numbering: a mode with two jiva svaras names them `jiva` and `jiva_2`."""
    head, _, tail = role.rpartition("_")
    return head if head and tail.isdigit() else role


def role_weight(role: str) -> float:
    """The factor on a mode's emphasised note of this role (vadi, ghammaz, avoid ...; `jiva_2` as `jiva`)."""
    d = _traditions_doc()
    entry = d["roles"].get(base_role(role))
    return float(entry["weight"]) if entry else float(d["other_role_weight"])


LEANING_WEIGHT = 1.5      # a role weighted this much or more is one the melody leans on (vadi ... aghaz)


def leaning_roles(roles) -> tuple[str, ...]:
    """The roles among `roles` (a mode's emphasis roles, in the pack's order) that the melody leans on:
    those weighted `LEANING_WEIGHT` or more (`vadi`, `jiva`, `ghammaz`, `dominant`, `stressed` ...)."""
    return tuple(r for r in roles if role_weight(r) >= LEANING_WEIGHT)


def tradition_melody(pack: str) -> TraditionMelody:
    """The melody rules of a pack's tradition (the file's `default` for a pack it does not name)."""
    d = _traditions_doc()
    t = d["traditions"].get(pack, d["default"])
    return TraditionMelody(pack, float(t["final_weight"]), float(t["opening_phrase"]), t["closing"],
                           t["hold"], t["source"], t.get("opening_register"), t.get("max_leap"),
                           float(t.get("wide_leap_weight", 1.0)), t.get("half_close"),
                           t.get("opens", "phrase"))


ORNAMENTS_PATH = Path(__file__).resolve().parent / "rules" / "ornaments.yaml"
ORNAMENTS_SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "ornaments.schema.json"


@dataclass(frozen=True)
class OrnamentKind:
    """An ornament's shape (`rules/ornaments.yaml`): a `glide` to the next note, an `oscillation` toward a
    neighbouring note of the mode (`depth` of the way, `cycles_per_quarter`), or a `strike` of the
    neighbour at the note's start (`length_quarters`)."""

    name: str
    title: str
    shape: str
    why: str
    source: str
    depth: float = 1.0
    cycles_per_quarter: float = 1.0
    neighbour: str = "above"
    length_quarters: float = 0.125


@dataclass(frozen=True)
class OrnamentRule:
    """Which notes of a tradition's melody take an ornament: `on` the mode's leaning note, named `notes`
    (by mode), or a note whose next note is a step away (`step_to_next`, for a glide)."""

    ornament: str
    on: str
    min_quarters: float
    chance: float
    notes: dict


@lru_cache(maxsize=1)
def _ornaments_doc() -> dict:
    doc = read_checked(ORNAMENTS_PATH, ORNAMENTS_SCHEMA_PATH)
    d = doc.data
    unknown = sorted({r["ornament"] for rules in d["traditions"].values() for r in rules} - set(d["ornaments"]))
    if unknown:
        raise DataFileError(f"{ORNAMENTS_PATH}: traditions name ornaments {unknown} that `ornaments:` does not "
                            f"define (defined: {', '.join(sorted(d['ornaments']))})")
    return d


def ornament_kinds() -> dict[str, OrnamentKind]:
    """Every ornament of `rules/ornaments.yaml`, by name."""
    out = {}
    for name, o in _ornaments_doc()["ornaments"].items():
        out[name] = OrnamentKind(name, o.get("title", name), o["shape"], o["why"], o["source"],
                                 float(o.get("depth", 1.0)), float(o.get("cycles_per_quarter", 1.0)),
                                 o.get("neighbour", "above"), float(o.get("length_quarters", 0.125)))
    return out


def ornament_rules(pack: str) -> tuple[OrnamentRule, ...]:
    """A tradition's ornament rules, in order (the first that fits a note is taken); none for a pack the
    file does not name."""
    return tuple(OrnamentRule(r["ornament"], r["on"], float(r["min_quarters"]), float(r["chance"]),
                              dict(r.get("notes") or {}))
                 for r in _ornaments_doc()["traditions"].get(pack, ()))
