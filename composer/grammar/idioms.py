"""Phrase schemes (how a strain's units of bars return) and idioms (a tune type's meters, tempo, bar rhythms,
schemes and accompaniment), read from `grammars/schemes/` and `grammars/idioms/`."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache

from theory.datafile import YamlDocument

from .files import fraction, list_grammars, load_checked, read_packaged, where

LABEL = re.compile(r"^(?P<letter>[a-z])(?P<mark>'|[+-][0-9])?$")


@dataclass(frozen=True)
class UnitLabel:
    """One unit of a scheme: its letter, and how it returns to the first unit of that letter: 'new' (the
    first), 'repeat', 'vary' (primed) or 'sequence' (by `steps` scale steps)."""

    letter: str
    kind: str
    steps: int = 0

    @property
    def text(self) -> str:
        mark = {"new": "", "repeat": "", "vary": "\u2032"}.get(self.kind, f"{self.steps:+d}")
        return self.letter + mark


@dataclass(frozen=True)
class Scheme:
    units: tuple[UnitLabel, ...]
    weight: float

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.units)


@dataclass(frozen=True)
class SchemeTable:
    name: str
    source: str
    unit_bars: int
    schemes: dict[int, tuple[Scheme, ...]]        # units in a strain -> its schemes
    bar_pairs: tuple[tuple[str, int, float], ...]  # (relation, steps, weight): a new unit's second bar
    rhyme: float                                   # a later strain's last unit returns to the first's
    rhyme_half: float                              # ... and the unit before it too


@dataclass(frozen=True)
class Idiom:
    name: str
    title: str
    description: str
    source: str
    meters: tuple[str, ...]
    tempo_bpm: float
    schemes: str
    style: str | None
    accompaniment: str | None
    max_leap: int | None
    bar_quarters: Fraction
    bars: tuple[tuple[tuple[Fraction, ...], float], ...]      # interior bars' durations, with weights
    cadence: tuple[tuple[tuple[Fraction, ...], float], ...]   # a phrase's last bar
    halved: "Idiom | None" = None      # the dance notated in bars of half the length (a reel in 2/4)
    memory: float = 0.0                # how much a tune keeps to the bar rhythms it has played (0: not at all)

    @property
    def all_meters(self) -> tuple[str, ...]:
        """Every meter it is written in: its own, then those of its halved notation."""
        return self.meters + (self.halved.meters if self.halved is not None else ())

    def in_meter(self, meter) -> "Idiom | None":
        """The idiom as written in `meter` (a `theory.Meter`): itself where the meter's bar is its bar; its halved
        notation where the meter is one of that notation's (a reel in 2/4: the bar rhythms of the tunes printed
        so, and the tempo of their quarter note, half the reel's); None where it is not written in that meter
        (itself without a meter: a cycle's)."""
        if meter is None or meter.bar_quarters == self.bar_quarters:
            return self
        if self.halved is not None and f"{meter.numerator}/{meter.denominator}" in self.halved.meters:
            return self.halved
        return None


def parse_scheme(text: str) -> tuple[UnitLabel, ...] | None:
    """The units of a scheme such as "a b a' c" or "a a+1"; None when a label returns to a letter not yet
    stated or a new letter skips one."""
    seen: list[str] = []
    out = []
    for label in text.split():
        m = LABEL.match(label)
        if m is None:
            return None
        letter, mark = m["letter"], m["mark"]
        if letter not in seen:
            if mark or letter != "abcdefghijklmnopqrstuvwxyz"[len(seen)]:
                return None
            seen.append(letter)
            out.append(UnitLabel(letter, "new"))
        elif not mark:
            out.append(UnitLabel(letter, "repeat"))
        elif mark == "'":
            out.append(UnitLabel(letter, "vary"))
        else:
            out.append(UnitLabel(letter, "sequence", int(mark)))
    return tuple(out)


def scheme_semantic(doc: YamlDocument) -> tuple[SchemeTable, list[str]]:
    data, problems = doc.data, []
    schemes: dict[int, tuple[Scheme, ...]] = {}
    for units, items in data["schemes"].items():
        parsed = []
        for i, item in enumerate(items):
            labels = parse_scheme(item["scheme"])
            if labels is None or len(labels) != int(units):
                problems.append(f"{where(doc, ('schemes', units, i, 'scheme'))}: {item['scheme']!r} is not a scheme "
                                f"of {units} units (each letter is stated, in order, before it returns)")
                continue
            parsed.append(Scheme(labels, float(item["weight"])))
        schemes[int(units)] = tuple(parsed)
    pairs = tuple((p["relation"], int(p["steps"]), float(p["weight"])) for p in data["bar_pairs"])
    table = SchemeTable(data["name"], data["source"], int(data["unit_bars"]), schemes, pairs,
                        float(data["rhyme"]), float(data["rhyme_half"]))
    if table.rhyme_half > table.rhyme:
        problems.append(f"{where(doc, ('rhyme_half',))}: {table.rhyme_half} is above rhyme ({table.rhyme}): the "
                        f"last two units cannot return more often than the last one")
    return table, problems


def _rhythms(items) -> tuple[tuple[tuple[Fraction, ...], float], ...]:
    return tuple((tuple(Fraction(d) for d in item["durations"].split()), float(item["weight"])) for item in items)


def idiom_semantic(doc: YamlDocument) -> tuple[Idiom, list[str]]:
    data, problems = doc.data, []
    rhythm = data["rhythm"]
    bar = fraction(rhythm["bar_quarters"])
    idiom = Idiom(data["name"], data["title"], data["description"], data["source"], tuple(data["meters"]),
                  float(data["tempo_bpm"]), data["schemes"], data.get("style"), data.get("accompaniment"),
                  data.get("max_leap"), bar, _rhythms(rhythm["bars"]), _rhythms(rhythm["cadence"]),
                  memory=float(rhythm.get("memory", 0.0)))
    half = data.get("halved")
    if half is not None:
        # The same music in halved note values: its quarter note lasts half as long, so half the tempo.
        idiom = replace(idiom, halved=replace(idiom, meters=tuple(half["meters"]), tempo_bpm=idiom.tempo_bpm / 2,
                                              bar_quarters=bar / 2, bars=_rhythms(half["bars"]),
                                              cadence=_rhythms(half["cadence"]),
                                              memory=float(half.get("memory", 0.0))))
        for i, meter in enumerate(half["meters"]):
            numerator, denominator = (int(x) for x in meter.split("/"))
            if Fraction(4 * numerator, denominator) != bar / 2:
                problems.append(f"{where(doc, ('halved', 'meters', i))}: {meter} has bars of "
                                f"{Fraction(4 * numerator, denominator)} quarters, not half the idiom's {bar}")
    for block, table in (("rhythm", idiom), ("halved", idiom.halved)):
        for part in ("bars", "cadence"):
            for i, (durations, _) in enumerate(getattr(table, part) if table is not None else ()):
                if sum(durations) != table.bar_quarters:
                    problems.append(f"{where(doc, (block, part, i, 'durations'))}: the durations sum to "
                                    f"{sum(durations)} quarters, not the bar's {table.bar_quarters}")
    if idiom.schemes not in list_grammars("schemes"):
        problems.append(f"{where(doc, ('schemes',))}: no scheme file {idiom.schemes!r} (accepted: "
                        f"{', '.join(list_grammars('schemes'))})")
    for field, kind in (("style", "chords"), ("accompaniment", "accompaniment")):
        value = data.get(field)
        if value is not None and value not in list_grammars(kind):
            problems.append(f"{where(doc, (field,))}: unknown {field} {value!r} (accepted: "
                            f"{', '.join(list_grammars(kind))})")
    return idiom, problems


@lru_cache(maxsize=None)
def load_schemes(name: str) -> SchemeTable:
    return load_checked("schemes", read_packaged("schemes", name), scheme_semantic)


@lru_cache(maxsize=None)
def load_idiom(name: str) -> Idiom:
    return load_checked("idioms", read_packaged("idioms", name), idiom_semantic)
