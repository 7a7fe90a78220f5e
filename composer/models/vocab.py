"""The models' vocabulary: key-agnostic pitch tokens, grid duration tokens, and conditioning ids.

Shared by training (corpus lines, MIDI pitches) and decoding (a slot's candidate pitches in any
scale and tuning), and free of torch.

* **Pitch**: a step in the active scale relative to a reference tonic, ``step = 7 * octave +
  degree`` (a heptatonic degree 0-6), and ``alt`` = 1 for a chromatic note (the degree below it).
  A scale of another size maps each degree to the heptatonic slot nearest its cents (a pentatonic
  scale uses 5 of the 7), so one model serves every key, mode and tuning.
* **Duration**: on a grid of twelfths of a quarter note (exact sixteenths and triplets).
* **Conditions**: position in the bar, metrical strength, meter, the chord (degree and quality),
  the bar in the phrase and the bars left to its cadence, the section's role, the mode.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

VOCAB_VERSION = "1"
Q = 12                                        # grid units per quarter note

STEP_MIN, STEP_MAX = -14, 21                  # two octaves below the reference tonic to three above
N_STEPS = STEP_MAX - STEP_MIN + 1
N_PITCH = 2 * N_STEPS                         # (step, alt)

DURATIONS_Q = (2, 3, 4, 6, 8, 9, 12, 15, 18, 21, 24, 30, 36, 42, 48, 60, 72, 96, 144)
DUR_OTHER = len(DURATIONS_Q)                  # anything else (rare): never generated
N_DUR = len(DURATIONS_Q) + 1
GENERATED_DURATIONS_Q = (3, 6, 9, 12, 18, 24, 36, 48, 72, 96, 144)   # what decoding may write (no tuplets)
_DUR_INDEX = {d: i for i, d in enumerate(DURATIONS_Q)}

MAX_POS = 144                                 # positions in the bar 0..143 (bars up to 12 quarters); 144: beyond
METERS = ("2/4", "3/4", "4/4", "2/2", "3/8", "6/8", "9/8", "12/8", "other")
QUALITIES = ("major", "minor", "diminished", "augmented", "other")
N_CHORD = 1 + 7 * len(QUALITIES)              # 0: no chord
MODES = ("major", "minor", "dorian", "mixolydian", "phrygian", "lydian", "locrian")
MODE_STEPS = {
    "major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10), "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10), "phrygian": (0, 1, 3, 5, 7, 8, 10), "lydian": (0, 2, 4, 6, 7, 9, 11),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
}
N_STRENGTH = 5
MAX_PHRASE_BAR = 8
N_ROLES = 3                                   # 0: the opening section, 1: a middle one, 2: the last


def duration_token(q: int) -> int:
    return _DUR_INDEX.get(int(q), DUR_OTHER)


def meter_id(numerator: int, denominator: int) -> int:
    name = f"{numerator}/{denominator}"
    return METERS.index(name) if name in METERS else METERS.index("other")


def strength_id(strength: float) -> int:
    """Metrical strength (theory.Meter.strength: 1 downbeat, 0.5, 0.25, ...) in five buckets."""
    if strength >= 0.99:
        return 0
    if strength >= 0.49:
        return 1
    if strength >= 0.24:
        return 2
    if strength > 0.0:
        return 3
    return 4


def position_id(pos_q: int) -> int:
    return int(pos_q) if 0 <= pos_q < MAX_POS else MAX_POS


def phrase_ids(bar_in_phrase: int, phrase_bars: int) -> tuple[int, int]:
    """(bar in the phrase, bars left to the cadence), each clipped to 0..7."""
    b = max(0, min(bar_in_phrase, MAX_PHRASE_BAR - 1))
    left = max(0, min(phrase_bars - 1 - bar_in_phrase, MAX_PHRASE_BAR - 1))
    return b, left


def quality_of(intervals_cents) -> int:
    """Triad quality from a chord's intervals above its root (cents)."""
    iv = [round(float(c) / 100.0) % 12 for c in intervals_cents]
    third = 4 if 4 in iv else 3 if 3 in iv else None
    fifth = 7 if 7 in iv else 6 if 6 in iv else 8 if 8 in iv else None
    table = {(4, 7): 0, (3, 7): 1, (3, 6): 2, (4, 8): 3}
    return table.get((third, fifth), 4)


def chord_id(degree: int, quality: int) -> int:
    return 1 + (degree % 7) * len(QUALITIES) + quality


@lru_cache(maxsize=512)
def nearest_mode(degree_cents: tuple, period: float = 1200.0) -> int:
    """The church mode closest to a scale (a 7-note scale compared degree by degree; others through
    their heptatonic slots), so every pack's mode has a conditioning id the model has seen."""
    cents = np.asarray(heptatonic_profile(degree_cents, period), dtype=float)
    best, best_d = 0, None
    for i, name in enumerate(MODES):
        ref = np.array(MODE_STEPS[name], dtype=float) * 100.0
        d = float(np.nansum(np.abs(cents - ref)))
        if best_d is None or d < best_d - 1e-9:
            best, best_d = i, d
    return best


def heptatonic_slot(rel_cents: float, degree_cents, period: float = 1200.0) -> int:
    """The heptatonic slot (0-6) of a scale degree at `rel_cents` above the tonic."""
    degree_cents = list(degree_cents)
    if len(degree_cents) == 7:
        diffs = [min(abs(rel_cents - d), period - abs(rel_cents - d)) for d in degree_cents]
        return int(np.argmin(diffs))
    return int(round(rel_cents / period * 7.0)) % 7


def heptatonic_profile(degree_cents, period: float = 1200.0) -> list[float]:
    """Cents of each heptatonic slot (NaN where a smaller scale has no degree)."""
    out = [float("nan")] * 7
    for d in degree_cents:
        out[heptatonic_slot(d, degree_cents, period)] = float(d) * 1200.0 / period
    return out


def pitch_tokens(rel_cents: np.ndarray, is_scale: np.ndarray, degree_cents, period: float = 1200.0) -> np.ndarray:
    """Tokens of pitches given in cents above the reference tonic (may be negative), in a scale of
    `degree_cents`; `is_scale` marks scale tones (others are chromatic: alt = 1 above the degree below)."""
    rel_cents = np.asarray(rel_cents, dtype=float)
    degs = np.asarray(list(degree_cents), dtype=float)
    octave = np.floor((rel_cents + 0.5) / period).astype(int)
    within = rel_cents - octave * period
    out = np.empty(len(rel_cents), dtype=np.int64)
    for i, (o, w, s) in enumerate(zip(octave, within, is_scale)):
        if s:
            slot = heptatonic_slot(w, degs, period)
            alt = 0
            if len(degs) != 7 and slot == 0 and w > period / 2:
                o += 1                        # rounds up to the next octave's tonic slot
        else:
            below = degs[degs <= w + 0.5]
            base = float(below.max()) if below.size else 0.0
            slot = heptatonic_slot(base, degs, period)
            alt = 1
        step = min(max(7 * int(o) + slot, STEP_MIN), STEP_MAX)
        out[i] = 2 * (step - STEP_MIN) + alt
    return out


def midi_pitch_tokens(midi: np.ndarray, tonic_pc: int, mode: str) -> np.ndarray:
    """Tokens of a corpus line's MIDI pitches, the reference tonic being the one in octave 4."""
    steps = MODE_STEPS[mode]
    rel = (np.asarray(midi, dtype=int) - (60 + int(tonic_pc))) * 100.0
    in_scale = np.isin(np.asarray(midi, dtype=int) - tonic_pc, [s + 12 * k for s in steps for k in range(-2, 12)])
    return pitch_tokens(rel, in_scale, [s * 100.0 for s in steps])


def token_step(token: int) -> int:
    return int(token) // 2 + STEP_MIN


def as_q(value: Fraction) -> int:
    x = Fraction(value) * Q
    if x.denominator != 1:
        raise ValueError(f"{value} quarters is off the 1/{Q}-quarter grid")
    return int(x)
