"""Soft rules of melodic shape (`rules/melody.yaml`): the default leap limit, and the turn back after a leap."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .datafile import read_yaml_file
from .errors import DataFileError
from .schema import load_schema, validate

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
    doc = read_yaml_file(RULES_PATH)
    problems = validate(doc.data, load_schema(SCHEMA_PATH), doc)
    if problems:
        raise DataFileError("\n".join(str(p) for p in problems))
    d = doc.data
    return MelodyRules(int(d["max_leap"]["semitones"]), int(d["leap_recovery"]["leap_semitones"]),
                       float(d["leap_recovery"]["weight"]))
