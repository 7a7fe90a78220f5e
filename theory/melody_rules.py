"""Soft rules of melodic shape (`rules/melody.yaml`): the default leap limit, and the turn back after a leap."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .schema import read_checked

RULES_PATH = Path(__file__).resolve().parent / "rules" / "melody.yaml"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "melody.schema.json"


@dataclass(frozen=True)
class MelodyRules:
    max_leap_semitones: int          # the default of a spec's constraints.max_leap
    recovery_leap_semitones: int     # a leap wider than this ...
    recovery_weight: float           # ... prefers a step back against it by this factor


@lru_cache(maxsize=1)
def melody_rules() -> MelodyRules:
    """The rules of `theory/rules/melody.yaml`, checked against their schema."""
    doc = read_checked(RULES_PATH, SCHEMA_PATH)
    d = doc.data
    return MelodyRules(int(d["max_leap"]["semitones"]), int(d["leap_recovery"]["leap_semitones"]),
                       float(d["leap_recovery"]["weight"]))


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
                           t["hold"], t["source"], t.get("opening_register"))
