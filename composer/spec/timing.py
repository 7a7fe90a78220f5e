"""The timing of a spec: the tempo or its bounds, a duration to fit, and the cues within it."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .checker import SpecChecker

MAX_DURATION_S = 3600.0


def read_timing(data: dict, ck: SpecChecker):
    """The tempo (or its bounds), the duration and the cues."""
    tempo = data.get("tempo", 100)
    if isinstance(tempo, list):
        tempo_range = (float(min(tempo)), float(max(tempo)))
    else:
        tempo_range = (float(tempo), float(tempo))
    duration = None
    if "duration" in data:
        duration = parse_seconds(data["duration"])
        if duration is None or not 0 < duration <= MAX_DURATION_S:
            ck.add(("duration",), "cannot read the duration" if duration is None else "duration out of range",
                   received=data["duration"],
                   accepted=f"seconds above 0 and up to {MAX_DURATION_S:g}: 90, '90s', '1:30', '1m30s', '2m'")
            duration = None
    cues = []
    for i, item in enumerate(data.get("cues") or []):
        at = parse_seconds(item["at"])
        if at is None:
            ck.add(("cues", i, "at"), "cannot read the time", received=item["at"],
                   accepted="seconds from the start: 30, '30s', '0:30', '1m5s'")
            continue
        if duration is not None and not 0 < at < duration:
            ck.add(("cues", i, "at"), "the cue is not inside the piece", received=item["at"],
                   accepted=f"a time after 0 and before the duration, {duration:g} s")
            continue
        cues.append(Cue(at, item["event"]))
    if sum(c.event == "climax" for c in cues) > 1:
        ck.add(("cues",), "one climax cue at most: a melody has one highest note",
               received=[c.at_s for c in cues if c.event == "climax"], accepted="one cue with event: climax")
    if cues and "duration" not in data:
        ck.add(("cues",), "cues need a 'duration' (the planner fits the piece to both)", received=len(cues),
               accepted="duration: 90s, with cues inside it")
    return tempo_range, duration, tuple(sorted(cues, key=lambda c: c.at_s))


@dataclass(frozen=True)
class Cue:
    at_s: float
    event: str


_CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)\s*$")
_UNITS = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)\s*s(?:ec)?)?\s*$")


def parse_seconds(value) -> float | None:
    """90, '90s', '90 s', '1:30', '1m30s', '2m', '2 min' -> seconds; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip().lower()
    m = _CLOCK.match(text)
    if m:
        return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    m = _UNITS.match(text)
    if m and any(m.groups()):
        h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return h * 3600 + mi * 60 + s
    try:
        return float(text)
    except ValueError:
        return None
