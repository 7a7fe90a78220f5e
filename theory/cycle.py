"""Rhythmic cycles as data: talas, iqa'at, usul, gamelan colotomic forms, aksak meters,
clave patterns. One YAML file per family under `theory/cycles/`.

A cycle is a meter (its beats, the note value of a beat, its groups) plus the
strokes a percussion part plays in it, each with an accent and the General MIDI
percussion keys that sound it.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from .datafile import read_yaml_file
from .errors import DataFileError, ParseError, UnknownNameError
from .meter import Meter
from .pack import normalise_name
from .schema import load_schema, validate

CYCLES_DIR = Path(__file__).resolve().parent / "cycles"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "cycles.schema.json"


@dataclass(frozen=True)
class Stroke:
    offset: Fraction      # quarter notes from the start of the cycle
    name: str
    accent: int
    keys: tuple[int, ...]  # General MIDI percussion keys


@dataclass(frozen=True)
class Cycle:
    name: str
    title: str
    tradition: str
    meter: Meter
    marks: tuple[str, ...]
    sam: int
    khali: tuple[int, ...]
    strokes: tuple[Stroke, ...]
    aliases: tuple[str, ...]
    source: str
    family: str
    arudi: int | None = None      # 1-based beat where a Carnatic line's first half comes to rest (karvai)

    @property
    def beats(self) -> int:
        return self.meter.numerator

    @property
    def length_quarters(self) -> Fraction:
        return self.meter.bar_quarters


def _build(doc, path: str) -> dict[str, Cycle]:
    problems = validate(doc.data, load_schema(SCHEMA_PATH), doc)
    if problems:
        raise DataFileError("; ".join(str(p) for p in problems))
    data = doc.data
    out = {}
    for name, c in data["cycles"].items():
        where = f"{path}: cycle {name!r}"
        if sum(c["groups"]) != c["beats"]:
            raise DataFileError(f"{where}: groups {'+'.join(map(str, c['groups']))} do not add up to {c['beats']} beats")
        if "marks" in c and len(c["marks"]) != len(c["groups"]):
            raise DataFileError(f"{where}: {len(c['marks'])} marks for {len(c['groups'])} groups")
        try:
            meter = Meter(c["beats"], c["unit"], tuple(c["groups"]))
        except ParseError as exc:
            raise DataFileError(f"{where}: {exc}") from None
        strokes = []
        for s in c["strokes"]:
            if s["stroke"] not in data["strokes"]:
                raise DataFileError(f"{where}: unknown stroke {s['stroke']!r} (strokes: {', '.join(data['strokes'])})")
            beat = Fraction(str(s["beat"]))
            if not 1 <= beat < c["beats"] + 1:
                raise DataFileError(f"{where}: stroke at beat {s['beat']} lies outside 1..{c['beats']}")
            strokes.append(Stroke((beat - 1) * meter.unit, s["stroke"], int(s.get("accent", 2)),
                                  tuple(data["strokes"][s["stroke"]]["gm"])))
        if c.get("arudi") is not None and c["arudi"] > c["beats"]:
            raise DataFileError(f"{where}: arudi beat {c['arudi']} lies outside 1..{c['beats']}")
        for beat in c.get("khali", []):
            if beat > c["beats"]:
                raise DataFileError(f"{where}: khali beat {beat} lies outside 1..{c['beats']}")
        out[name] = Cycle(name, c.get("title", name.replace("_", " ").title()), c["tradition"], meter,
                          tuple(c.get("marks", [])), int(c.get("sam", 1)), tuple(c.get("khali", [])),
                          tuple(sorted(strokes, key=lambda s: (s.offset, s.name))),
                          tuple(normalise_name(a) for a in c.get("aliases", [])), c["source"], data["name"],
                          c.get("arudi"))
    return out


def load_cycles_file(path: str | Path, shipped: bool = False) -> dict[str, Cycle]:
    return _build(read_yaml_file(path, shipped), str(path))


@lru_cache(maxsize=1)
def all_cycles() -> dict[str, Cycle]:
    out: dict[str, Cycle] = {}
    for path in sorted(CYCLES_DIR.glob("*.yaml")):
        for name, cycle in load_cycles_file(path, shipped=True).items():
            if name in out:
                raise DataFileError(f"{path}: cycle {name!r} is also defined in {out[name].family}")
            out[name] = cycle
    return out


def list_cycles() -> list[str]:
    return sorted(all_cycles())


def load_cycle(name: str) -> Cycle:
    key = normalise_name(name)
    cycles = all_cycles()
    for cycle in cycles.values():
        if key == cycle.name or key in cycle.aliases:
            return cycle
    raise UnknownNameError("cycle", name, list(cycles) + [a for c in cycles.values() for a in c.aliases])
