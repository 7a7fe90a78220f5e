"""Pitches read back from a score: a tradition that writes its notes in letters (a raga's just ga, 386
cents above Sa, written as the letter 400 cents above it) or in quarter-tone signs is read at that grain.
"""
from __future__ import annotations

from .pack import load_pack

# How finely a staff writes a tradition's notes (`Pack.notation`): a note written in letters is read back
# at the nearest key, one in quarter-tone signs at the nearest quarter tone; `exact` keeps every cent.
WRITTEN_STEP_CENTS = {"letters": 100.0, "quarter_tones": 50.0, "koron_sori": 50.0}
AEU_NATURAL_CENTS = 10.0      # the farthest an AEU natural (B, 49 commas above C) lies from the piano's letter


def nearest_degree(key, cents: float) -> tuple[int, float]:
    """The nearest degree of the key's scale to a pitch (an index into `key.scale.degree_cents`) and the
    distance in cents; 0 for a pitch on the grain its tradition writes (`WRITTEN_STEP_CENTS`) that is
    where that degree is written."""
    scale = key.scale
    rel = key.rel_cents(cents)
    best = (0, float("inf"))
    for i, c in enumerate(scale.degree_cents):
        d = min(abs(rel - c), abs(rel - c - scale.period_cents), abs(rel - c + scale.period_cents))
        if d < best[1]:
            best = (i, d)
    if best[1] > 0.5:
        written = _written_as(key, cents)
        if written is not None:
            return written[0], 0.0
    return best


def sounding_cents(key, cents: float) -> float:
    """The pitch a note written at `cents` stands for: the degree of the key's mode written there, where
    its tradition writes letters or quarter-tone signs (a raga's ga read from a score as 386.3 cents
    above Sa, not 400); the pitch itself elsewhere."""
    written = _written_as(key, cents)
    return written[1] if written is not None else cents


def _written_as(key, cents: float) -> tuple[int, float] | None:
    """(degree index, its exact pitch) of the degree written at `cents`, or None."""
    notation = load_pack(key.pack).notation if key.pack != "western" else "exact"
    scale = key.scale
    rel = key.rel_cents(cents)
    if notation == "aeu" and abs(cents / 100.0 - round(cents / 100.0)) < 0.01:
        # An AEU natural is written as a plain letter, up to 10 cents from its comma position.
        for i, c in enumerate(scale.degree_cents):
            near = cents - rel + c + scale.period_cents * round((rel - c) / scale.period_cents)
            if abs(near - cents) <= AEU_NATURAL_CENTS:
                return i, near
        return None
    step = WRITTEN_STEP_CENTS.get(notation)
    if step is None or abs(cents / step - round(cents / step)) >= 0.01:
        return None
    for i, c in enumerate(scale.degree_cents):
        near = cents - rel + c + scale.period_cents * round((rel - c) / scale.period_cents)
        if round(near / step) == round(cents / step):
            return i, near
    return None
