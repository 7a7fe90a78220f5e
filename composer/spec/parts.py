"""The `parts` of a spec: roles, instruments, ranges, patterns, velocities and lyrics, checked."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from theory import Meter, Pitch, TheoryError
from theory.cycle import Cycle

from .. import grammar
from ..score.errors import ComposerError, LyricsError
from ..score.limits import MAX_PITCHED_PARTS
from ..text.lyrics import parse_lyrics
from .checker import SpecChecker, check_name
from .model import DEFAULT_RANGES, DEFAULT_VELOCITY, PartSpec


def parse_range(value: Any) -> tuple[Pitch, Pitch]:
    if isinstance(value, str):
        lo, hi = re.split(r"\s*(?:to|\.\.|-(?=[A-Ga-g]))\s*", value.strip(), maxsplit=1)
    else:
        lo, hi = value
    return Pitch.from_name(lo), Pitch.from_name(hi)


ROOM_BELOW_MELODY_CENTS = 1000.0   # an accompaniment with no range reaches a minor seventh below the melody's lowest note


def read_parts(items: list, ck: SpecChecker, given: bool, meter: Meter | None, harmony: str = "functional",
               cycle: Cycle | None = None) -> list[PartSpec]:
    """The parts, checked. A chords or bass part given no range keeps its role's register, reaching down to
    a minor seventh below the melody's lowest note where that is lower (and the instrument allows it),
    so that the accompaniment has room under a low melody: it is written below the melody (a stride bass
    under a melody that dips to C3 takes its fifth, D, from D2 rather than cross it on D3)."""
    read = list(_read_parts(items, ck, given, meter, harmony, cycle))
    melodies = [part.low.cents for _, part in read if part.role == "melody"]
    floor = min(melodies) - ROOM_BELOW_MELODY_CENTS if melodies else None
    out = []
    for item, part in read:
        if part.role in ("chords", "bass") and "range" not in item and floor is not None and floor < part.low.cents:
            low = max(floor, Pitch.from_name(part.instrument.low).cents)
            part = replace(part, low=Pitch(min(low, part.low.cents)))
        out.append(part)
    return out


def _read_parts(items: list, ck: SpecChecker, given: bool, meter: Meter | None, harmony: str = "functional",
                cycle: Cycle | None = None):
    used_names: dict[str, int] = {}
    pitched = [p.get("role") for p in items if p.get("role") != "percussion"]
    if len(pitched) > MAX_PITCHED_PARTS:
        ck.add(("parts",), f"at most {MAX_PITCHED_PARTS} parts that are not percussion (a MIDI file has "
               f"{MAX_PITCHED_PARTS} channels for them beside the drum channel)", received=f"{len(pitched)} parts",
               accepted=f"1 to {MAX_PITCHED_PARTS} parts, and any number of percussion parts")
    if given and not any(p.get("role") == "melody" for p in items):
        ck.add(("parts",), "a spec needs at least one part with role 'melody'",
               received=[p.get("role") for p in items], accepted="melody, bass, chords")
    for i, item in enumerate(items):
        path = ("parts", i)
        role = item["role"]
        if role in ("chords", "bass") and harmony != "functional":
            ck.add(path + ("role",), f"this mode's harmony policy is {harmony!r}: it has no chord progression",
                   received=role, accepted="melody, drone, percussion; or give 'style' to harmonise it anyway")
            continue
        if role == "percussion" and cycle is None:
            ck.add(path + ("role",), "a percussion part plays a rhythmic cycle: give the spec a 'cycle'",
                   received=role, accepted="a spec with cycle: teentaal, adi, maqsum, aksak, lancaran, ...")
            continue
        try:
            inst = grammar.find_instrument(item["instrument"]) if "instrument" in item else grammar.default_instrument(role)
        except ComposerError as exc:
            ck.add(path + ("instrument",), str(exc).split(" (accepted")[0], received=item.get("instrument"),
                   accepted=", ".join(sorted(grammar.load_instruments())))
            continue
        lo_name, hi_name = DEFAULT_RANGES[role]
        try:
            if "range" in item:
                low, high = parse_range(item["range"])
            else:
                low, high = Pitch.from_name(lo_name), Pitch.from_name(hi_name)
                inst_lo, inst_hi = Pitch.from_name(inst.low), Pitch.from_name(inst.high)
                if inst_hi.cents - inst_lo.cents >= 1200:
                    # Keep the role's register where the instrument allows it; else the instrument's own.
                    if high < inst_lo or low > inst_hi:
                        low, high = inst_lo, min(inst_hi, inst_lo + (high - low))
                    else:
                        low, high = max(low, inst_lo), min(high, inst_hi)
        except (TheoryError, ValueError) as exc:
            ck.add(path + ("range",), f"cannot read range: {exc}", received=item.get("range"),
                   accepted="lowest and highest note, e.g. 'C4-G5' or [C4, G5]")
            continue
        if high.cents - low.cents < 500:
            ck.add(path + ("range",), "range is narrower than a fourth: too narrow to write a part in",
                   received=item.get("range", f"{low}-{high}"), accepted="at least 5 semitones, e.g. 'C4-G5'")
        if "pattern" in item:
            if role not in ("chords", "bass"):
                ck.add(path + ("pattern",), f"a {role} part takes no accompaniment pattern", received=item["pattern"])
            elif check_name(ck, path + ("pattern",), item["pattern"], grammar.list_grammars("accompaniment"),
                             "accompaniment pattern") and meter is not None:
                suits = grammar.load_pattern(item["pattern"]).meters
                signature = f"{meter.numerator}/{meter.denominator}"
                if suits and signature not in suits:
                    ck.add(path + ("pattern",), f"pattern does not suit the meter {signature}", received=item["pattern"],
                           accepted="patterns for any meter, or for " + ", ".join(suits))
        lyrics = ()
        if "lyrics" in item:
            lyrics = read_lyrics(item["lyrics"], role, path + ("lyrics",), ck)
        base = item.get("name") or role
        used_names[base] = used_names.get(base, 0) + 1
        name = base if used_names[base] == 1 else f"{base} {used_names[base]}"
        yield item, PartSpec(role=role, name=name, instrument=inst, low=low, high=high, pattern=item.get("pattern"),
                             velocity=item.get("velocity", DEFAULT_VELOCITY[role]), lyrics=lyrics)


def read_lyrics(value, role: str, path: tuple, ck: SpecChecker) -> tuple:
    """The lines of syllables of a part's `lyrics` (a text, or a list of lines)."""
    if role != "melody":
        ck.add(path, f"a {role} part sings no words: lyrics go on a melody part", received=str(value)[:60])
        return ()
    text = "\n".join(value) if isinstance(value, list) else value
    try:
        lines = parse_lyrics(text)
    except LyricsError as exc:
        ck.add(path, str(exc), received=str(value)[:60])
        return ()
    if not lines:
        ck.add(path, "no words to set", received=str(value)[:60], accepted="words, one line per phrase")
    return tuple(tuple(line) for line in lines)
