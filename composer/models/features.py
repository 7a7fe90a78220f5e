"""Training features of a corpus line: the token and condition arrays both models learn from.

The folk corpora carry no chord symbols, so each bar (each half bar in long meters) gets the
diatonic triad of its mode that best covers its notes (duration-weighted, strong beats counted
more): the same kind of label (degree and quality) that the planner's chords give at decoding.
Phrases are taken as 4-bar groups (8 in 2/4 and 3/8) from the first full bar, sections as two
phrases; the opening section, the last and the ones between get the three role ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from theory import Meter

from . import vocab as V

TRIAD_PRIOR = {0: 0.12, 4: 0.08, 3: 0.06}      # I, V, IV win ties


@dataclass
class LineFeatures:
    pitch: np.ndarray        # pitch token per note
    dur: np.ndarray          # duration token per note
    pos: np.ndarray
    strength: np.ndarray
    meter: np.ndarray
    chord: np.ndarray
    phrase_bar: np.ndarray
    bars_left: np.ndarray
    role: np.ndarray
    mode: np.ndarray

    def __len__(self) -> int:
        return len(self.pitch)


@lru_cache(maxsize=64)
def _meter(numerator: int, denominator: int) -> Meter:
    return Meter.parse(f"{numerator}/{denominator}")


@lru_cache(maxsize=4096)
def _strength(numerator: int, denominator: int, pos_q: int) -> int:
    return V.strength_id(_meter(numerator, denominator).strength(Fraction(pos_q, V.Q)))


def phrase_bars_for(bar_q: int) -> int:
    return 8 if bar_q <= 2 * V.Q else 4


def estimate_chords(tune) -> np.ndarray:
    """A chord id per note: the best diatonic triad of its window (bar or half bar)."""
    steps = V.MODE_STEPS[tune.mode]
    bar_q = tune.bar_q
    window_q = bar_q // 2 if bar_q >= 4 * V.Q and bar_q % 2 == 0 else bar_q
    pcs = (np.asarray(tune.midi, dtype=int) - tune.tonic_pc) % 12
    window = (np.asarray(tune.onset) // window_q).astype(int)
    strong = np.array([_strength(tune.numerator, tune.denominator, int(p)) <= 1 for p in tune.bar_pos])
    weight = np.asarray(tune.dur, dtype=float) * np.where(strong, 1.5, 1.0)
    triads = [{steps[r], steps[(r + 2) % 7], steps[(r + 4) % 7]} for r in range(7)]
    quals = [V.quality_of([((steps[(r + k) % 7] - steps[r]) % 12) * 100 for k in (0, 2, 4)]) for r in range(7)]
    out = np.zeros(len(pcs), dtype=np.int64)
    for w in np.unique(window):
        sel = window == w
        total = weight[sel].sum()
        scores = [weight[sel][np.isin(pcs[sel], list(t))].sum() + TRIAD_PRIOR.get(r, 0.0) * total
                  for r, t in enumerate(triads)]
        r = int(np.argmax(scores))
        out[sel] = V.chord_id(r, quals[r])
    return out


def line_features(tune) -> LineFeatures:
    n = len(tune.midi)
    bar_q = tune.bar_q
    pb = phrase_bars_for(bar_q)
    bars = np.maximum(np.asarray(tune.bar, dtype=int), 0)
    last_bar = int(bars.max()) if n else 0
    section_bars = 2 * pb
    n_sections = last_bar // section_bars + 1
    section = bars // section_bars
    role = np.where(section == 0, 0, np.where(section == n_sections - 1, 2, 1))
    in_phrase = bars % pb
    # The last phrase may be short (a tune of 18 bars): count bars left to the tune's end there.
    phrase_start = bars - in_phrase
    phrase_len = np.minimum(pb, last_bar + 1 - phrase_start)
    pbar = np.minimum(in_phrase, V.MAX_PHRASE_BAR - 1)
    left = np.clip(phrase_len - 1 - in_phrase, 0, V.MAX_PHRASE_BAR - 1)
    return LineFeatures(
        pitch=V.midi_pitch_tokens(tune.midi, tune.tonic_pc, tune.mode),
        dur=np.array([V.duration_token(int(d)) for d in tune.dur], dtype=np.int64),
        pos=np.array([V.position_id(int(p)) for p in tune.bar_pos], dtype=np.int64),
        strength=np.array([_strength(tune.numerator, tune.denominator, int(p)) for p in tune.bar_pos], dtype=np.int64),
        meter=np.full(n, V.meter_id(tune.numerator, tune.denominator), dtype=np.int64),
        chord=estimate_chords(tune),
        phrase_bar=pbar.astype(np.int64), bars_left=left.astype(np.int64), role=role.astype(np.int64),
        mode=np.full(n, V.MODES.index(tune.mode), dtype=np.int64),
    )


CENTER_CENTS_DEFAULT = 700.0


def center_cents(tunes) -> float:
    """Where a corpus's melodies sit above their tonic (cents, the mean of the tunes' means): the
    decoders centre a part's range on it."""
    rel = [float(np.mean((t.midi.astype(int) - 60 - t.tonic_pc) * 100.0)) for t in tunes if len(t)]
    return round(float(np.mean(rel)), 1) if rel else CENTER_CENTS_DEFAULT
