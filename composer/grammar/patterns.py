"""Accompaniment patterns: the bass and upper lanes' events over a bar or a cycle."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from theory.datafile import YamlDocument
from theory.errors import TheoryError
from theory.meter import Meter

from .files import fraction, load_checked, read_packaged, read_user, where


@dataclass(frozen=True)
class PatternEvent:
    at: Fraction
    dur: Fraction | None  # None = 'rest': until the chord changes or the bar/group ends
    tone: str | None  # bass events: root, third, fifth, seventh, octave
    voices: tuple[int, ...] | None  # upper events: None = all voices


@dataclass(frozen=True)
class AccompanimentPattern:
    name: str
    title: str
    description: str
    source: str
    unit: Fraction
    length: int
    per_group: bool
    meters: tuple[str, ...] | None
    bass: tuple[PatternEvent, ...]
    upper: tuple[PatternEvent, ...]


# --- accompaniment -----------------------------------------------------------------------
def _event(raw: dict) -> PatternEvent:
    dur = None if raw["dur"] == "rest" else fraction(raw["dur"])
    voices = raw.get("voices")
    return PatternEvent(fraction(raw["at"]), dur, raw.get("tone"),
                        None if voices in (None, "all") else tuple(voices))


def pattern_semantic(doc: YamlDocument) -> tuple[AccompanimentPattern, list[str]]:
    data, problems = doc.data, []
    per_group = bool(data.get("per_group", False))
    if not per_group and "length" not in data:
        problems.append(f"{where(doc, ())}: 'length' is needed unless per_group is true")
    meters = tuple(data["meters"]) if "meters" in data else None
    pattern = AccompanimentPattern(
        name=data["name"], title=data["title"], description=data["description"].strip(), source=data["source"],
        unit=fraction(data["unit"]), length=int(data.get("length", 1)), per_group=per_group, meters=meters,
        bass=tuple(_event(e) for e in data["bass"]), upper=tuple(_event(e) for e in data["upper"]))
    if not pattern.bass and not pattern.upper:
        problems.append(f"{where(doc, ())}: the pattern has no events")
    if not per_group:
        for part in ("bass", "upper"):
            for i, ev in enumerate(getattr(pattern, part)):
                end = ev.at + (ev.dur or 0)
                if ev.at >= pattern.length or end > pattern.length:
                    problems.append(f"{where(doc, (part, i))}: event at {ev.at} lasting {ev.dur} units runs past "
                                    f"the pattern length {pattern.length}")
    span = pattern.unit * pattern.length
    for i, text in enumerate(meters or ()):
        try:
            bar = Meter.parse(text).bar_quarters
        except TheoryError as exc:
            problems.append(f"{where(doc, ('meters', i))}: {exc}")
            continue
        if not per_group and bar % span:
            problems.append(f"{where(doc, ('meters', i))}: a bar of {text} ({bar} quarters) is not a whole "
                            f"number of pattern cycles ({span} quarters)")
    return pattern, problems


@lru_cache(maxsize=None)
def load_pattern(name: str) -> AccompanimentPattern:
    return load_checked("accompaniment", read_packaged("accompaniment", name), pattern_semantic)


def load_pattern_file(path: str | Path) -> AccompanimentPattern:
    return load_checked("accompaniment", read_user(path), pattern_semantic)
