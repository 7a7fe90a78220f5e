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
