"""Realism of the fillers' melodies: can a classifier tell them from held-out corpus tunes? Prints JSON.

    python benchmarks/bench_realism.py [--corpus oneills1850,ryansMammoth] [--tunes 100]
                                       [--fillers neural,rules] [--seed 0] [--table]

A classifier two-sample test (Lopez-Paz & Oquab 2017, "Revisiting classifier two-sample tests",
ICLR): if generated and real melodies came from one distribution, no classifier could tell them
apart better than chance (accuracy 0.5); the cross-validated accuracy of a classifier trained to
tell them apart measures how far apart they are, and its features say where. Histogram overlaps
(bench_quality.py) compare the pooled notes; this compares whole melodies, so it also sees what
real tunes do at the scale of the tune: repeat bars and phrases, climb to a climax, open low.

1. The melodies. The first `--tunes` tunes of the test split (held out from training) with at
   least 8 and at most 64 bars, in corpus order. For each, a spec of its own key, mode, meter and
   range (widened to at least an octave), binary form, two sections of bars // 2 in the tonic
   (`tune_spec`), where bars is the tune's bars rounded down to a multiple of 8, clamped to 8..32:
   down, not to the nearest, so that the real tune is never shorter than the melody composed for
   it. Each filler composes it; the real tune keeps its first `bars` bars from bar 1 (a pickup
   dropped), so both melodies of a pair are the same length. The chord style is the one a musician
   would harmonise the tune in: classical for a major tune, modal for the others. The collections'
   minor tunes are modal too (Aeolian or Dorian: in the 22 minor tunes of the 100, the flat seventh is
   12.8 % of the notes and the leading tone 2.1 %), and under the classical style's leading-tone
   dominant, which took 36 % of the time of the pieces composed for them, their melodies had neither.
2. One representation for both (`Melody`): onsets and durations in quarters from the downbeat of
   bar 1, pitches as MIDI numbers (floats), the bar length in quarters, the tonic's pitch class.
   A corpus tune's onsets are its continuous timeline (`Tune.onset`, twelfths of a quarter from
   bar 0), not `bar * bar_q + bar_pos`: the corpora's measures include short ones (a section's
   last bar without its pickup, then the next section's pickup as a measure of its own), and only
   the continuous timeline puts the next section on a downbeat.
3. Features (`features`), pure functions of a Melody:
   - pitch classes relative to the tonic (12 bins), intervals (-12..+12 semitones, wider ones in
     the end bins: 25), durations (1/4, 1/3, 1/2, 2/3, 3/4, 1, 3/2, 2, 3, 4 quarters and other),
     each normalised;
   - notes per bar (mean, sd), distinct durations, range and largest leap (semitones), the share of
     repeated notes, steps (1-2 semitones), leaps over 4 and over 7 semitones;
   - repetition. The similarity of two equally long spans of bars is the share of steps of a grid
     of twelfths of a quarter on which both sound the same pitch and either both or neither start
     a note (a rest, or silence past the end, matches nothing); "relative" subtracts from each span
     the pitch of its first sounding note, so a transposed repeat counts as a repeat.
     `recurring_patterns`: the share of 4-note windows (3 intervals and 4 durations, exact) that
     occur at least twice in the melody. `twin_units`: the share of 4-bar units (bars 1-4, 5-8, ...)
     with a near twin, another unit at relative similarity >= 0.75. `bars56_vs_12`: the similarity
     of bars 5-6 to bars 1-2. `self_similarity`: the mean similarity over all pairs of distinct
     bars (these two absolute, not relative);
   - shape. `climax_position`: the onset of the first highest note over the melody's length.
     `opening_height`: the mean pitch of the notes of bar 1 above the lowest note, over the range
     (0..1). `half_height_change`: the mean pitch of the notes of the second half minus that of
     the first, over the range. `up_share`: rising moves over rising and falling ones.
4. The test, one per filler: real tunes (label 0) against that filler's melodies (label 1), the
   pairs whose composition succeeded. A logistic regression on standardised features
   (StandardScaler + LogisticRegression), accuracy cross-validated over 5 folds of GroupKFold, a
   real tune and the melody composed for its spec in one group, so the classifier is never tested
   on the twin of a melody it was trained on. Goal: accuracy at most 0.75 for each filler.
5. Beside it, the mean of each statistic of STATISTICS over the real tunes and over each filler's
   melodies, the ratio filler / real and whether that ratio is within 25 % of 1.

`--table` prints those figures as a Markdown table (for docs/benchmarks.md) instead of JSON.
Needs scikit-learn (the `bench` extra).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np
from sections import markers, write_section  # noqa: E402  (benchmarks/sections.py)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from composer import compose
from composer.grammar import list_grammars, load_idiom
from composer.score.errors import ComposerError
from corpora import load_corpora
from corpora.tune_types import tune_type
from theory import Meter

NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
GRID = 12                                   # grid steps per quarter (sixteenths and triplets exact)
MIN_BARS, MAX_BARS = 8, 64                  # the tunes taken
MIN_PIECE_BARS, MAX_PIECE_BARS = 8, 32      # the pieces composed
DURATION_BINS = (Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(1),
                 Fraction(3, 2), Fraction(2), Fraction(3), Fraction(4))
TWIN_SIMILARITY = 0.75
UNIT_BARS = 4
WINDOW = 4                                  # notes in a recurring pattern
GOAL_ACCURACY = 0.75
WITHIN = 0.25
STATISTICS = ("recurring_patterns", "twin_units", "bars56_vs_12", "self_similarity", "climax_position",
              "opening_height", "largest_leap", "leaps_over_7", "distinct_durations", "notes_per_bar_mean")


# --- one representation ------------------------------------------------------------------------

@dataclass(frozen=True)
class Melody:
    """A melody as arrays: onset and duration in quarters from the downbeat of bar 1, time-ordered;
    pitch as MIDI numbers (floats); `bars` whole bars of `bar_quarters`; the tonic's pitch class."""

    onset: np.ndarray
    duration: np.ndarray
    midi: np.ndarray
    bar_quarters: float
    bars: int
    tonic_pc: int

    @property
    def length(self) -> float:
        return self.bars * self.bar_quarters


def tune_bars(tune) -> int:
    """The bars of a corpus tune's continuous timeline from bar 1, the last counted when at least
    half full (it often lacks the length of the pickup)."""
    end = int(tune.onset[-1] + tune.dur[-1])
    return int(np.floor(end / tune.bar_q + 0.5))


def piece_bars(tune) -> int:
    return int(min(MAX_PIECE_BARS, max(MIN_PIECE_BARS, tune_bars(tune) // 8 * 8)))


def melody_from_tune(tune, bars: int) -> Melody:
    """The tune's first `bars` bars from bar 1 (the pickup dropped, the last note cut at the end)."""
    end = bars * tune.bar_q
    keep = (tune.onset >= 0) & (tune.onset < end)
    onset = tune.onset[keep].astype(float)
    dur = np.minimum(tune.dur[keep], end - tune.onset[keep]).astype(float)
    return Melody(onset / GRID, dur / GRID, tune.midi[keep].astype(float), tune.bar_q / GRID, bars,
                  int(tune.tonic_pc))


def melody_from_piece(piece, tonic_pc: int) -> Melody:
    notes = next(p for p in piece.parts if p.role == "melody").sorted_notes()
    return Melody(np.array([float(n.offset) for n in notes]), np.array([float(n.duration) for n in notes]),
                  np.array([n.pitch.cents / 100.0 for n in notes]), float(piece.plan.meter.bar_quarters),
                  int(piece.plan.bars), tonic_pc)


# --- the specs ---------------------------------------------------------------------------------

def tune_idiom(tune) -> str | None:
    """The idiom a spec for this tune asks for (the spec's `idiom` key): the tune type its collection records
    (`corpora.tune_types`), when partita has that idiom and writes it in the tune's meter (a reel in 2/2, or
    in 2/4 in halved note values, as Ryan's Mammoth prints many); else None."""
    name = tune_type(tune)
    if name is None or name not in list_grammars("idioms"):
        return None
    return name if load_idiom(name).in_meter(Meter.parse(f"{tune.numerator}/{tune.denominator}")) else None


def tune_spec(tune, seed: int) -> dict:
    """A spec of the tune's key, mode, meter, length and range: binary form, two sections in the tonic."""
    bars = piece_bars(tune)
    lo, hi = int(tune.midi.min()), int(tune.midi.max())
    if hi - lo < 12:
        lo, hi = lo - (12 - (hi - lo)) // 2, hi + (12 - (hi - lo) + 1) // 2
    name = lambda m: f"{NAMES[m % 12]}{m // 12 - 1}"  # noqa: E731
    spec = {
        "title": tune.title[:60] or "tune", "key": f"{NAMES[tune.tonic_pc]} {tune.mode}",
        "meter": f"{tune.numerator}/{tune.denominator}", "form": "binary",
        "style": "classical" if tune.mode == "major" else "modal",
        "sections": [{"name": "A", "bars": bars // 2, "key": "tonic"}, {"name": "B", "bars": bars // 2, "key": "tonic"}],
        "parts": [{"role": "melody", "instrument": "violin", "range": f"{name(lo)}-{name(hi)}"}],
        "seed": seed,
    }
    idiom = tune_idiom(tune)
    if idiom is not None:
        spec["idiom"] = idiom
    return spec


# --- features ----------------------------------------------------------------------------------

def intervals(m: Melody) -> np.ndarray:
    return np.diff(m.midi)


def pitch_class_histogram(m: Melody) -> np.ndarray:
    rel = np.rint(m.midi - m.tonic_pc).astype(int) % 12
    return normalised(np.bincount(rel, minlength=12))


def interval_histogram(m: Melody) -> np.ndarray:
    steps = np.clip(np.rint(intervals(m)).astype(int), -12, 12) + 12
    return normalised(np.bincount(steps, minlength=25))


def duration_histogram(m: Melody) -> np.ndarray:
    bins = np.array([float(d) for d in DURATION_BINS])
    hist = np.zeros(len(bins) + 1)
    for d in m.duration:
        j = int(np.argmin(np.abs(bins - d)))
        hist[j if abs(bins[j] - d) < 1e-6 else -1] += 1
    return normalised(hist)


def normalised(counts) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    return counts / counts.sum() if counts.sum() else counts


def notes_per_bar(m: Melody) -> np.ndarray:
    bar = np.floor(m.onset / m.bar_quarters + 1e-9).astype(int)
    return np.bincount(bar, minlength=m.bars)[:m.bars]


def bar_grid(m: Melody) -> tuple[np.ndarray, np.ndarray]:
    """(pitch, attack), one row per bar, one column per step of the grid: the pitch sounding there
    (NaN where none does) and whether a note starts there."""
    width = int(round(m.bar_quarters * GRID))
    steps = m.bars * width
    pitch, attack = np.full(steps, np.nan), np.zeros(steps, dtype=bool)
    for on, du, p in zip(m.onset, m.duration, m.midi):
        a, b = int(round(on * GRID)), int(round((on + du) * GRID))
        pitch[a:b] = p
        if a < steps:
            attack[a] = True
    return pitch.reshape(m.bars, width), attack.reshape(m.bars, width)


def span_similarity(pa, aa, pb, ab, relative: bool = False) -> float:
    """The share of grid steps on which two spans sound the same pitch and agree on starting a note;
    `relative`: each span's pitches less that of its first sounding note."""
    if relative:
        pa, pb = pa - first_sounding(pa), pb - first_sounding(pb)
    return float(np.mean((pa == pb) & (aa == ab)))


def first_sounding(pitch: np.ndarray) -> float:
    sounding = pitch[~np.isnan(pitch)]
    return float(sounding[0]) if len(sounding) else 0.0


def span(bars: tuple[np.ndarray, np.ndarray], first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Bars first..first + count - 1 of a `bar_grid`, as one span."""
    pitch, attack = bars
    return pitch[first:first + count].ravel(), attack[first:first + count].ravel()


def recurring_patterns(m: Melody) -> float:
    """The share of 4-note windows (3 intervals and 4 durations, exact) that occur at least twice."""
    cents = np.rint(m.midi * 100).astype(int)
    ticks = np.rint(m.duration * GRID).astype(int)
    windows = [tuple(np.diff(cents[i:i + WINDOW])) + tuple(ticks[i:i + WINDOW])
               for i in range(len(cents) - WINDOW + 1)]
    if not windows:
        return 0.0
    seen = Counter(windows)
    return sum(seen[w] >= 2 for w in windows) / len(windows)


def twin_units(m: Melody) -> float:
    """The share of 4-bar units with another unit of relative similarity >= 0.75."""
    bars = bar_grid(m)
    units = [span(bars, i * UNIT_BARS, UNIT_BARS) for i in range(m.bars // UNIT_BARS)]
    if len(units) < 2:
        return 0.0
    twins = [any(span_similarity(*units[i], *units[j], relative=True) >= TWIN_SIMILARITY
                 for j in range(len(units)) if j != i) for i in range(len(units))]
    return float(np.mean(twins))


def bars56_vs_12(m: Melody) -> float:
    bars = bar_grid(m)
    return span_similarity(*span(bars, 4, 2), *span(bars, 0, 2)) if m.bars >= 6 else 0.0


def self_similarity(m: Melody) -> float:
    pitch, attack = bar_grid(m)
    pairs = [span_similarity(pitch[i], attack[i], pitch[j], attack[j])
             for i, j in itertools.combinations(range(m.bars), 2)]
    return float(np.mean(pairs)) if pairs else 0.0


def shape(m: Melody) -> dict[str, float]:
    lo, hi = float(m.midi.min()), float(m.midi.max())
    compass = max(hi - lo, 1.0)
    half = m.onset < m.length / 2
    opening = (m.onset < m.bar_quarters) | (np.arange(len(m.midi)) == 0)     # bar 1, else the first note
    moves = np.sign(np.rint(intervals(m)))
    ups, downs = int((moves > 0).sum()), int((moves < 0).sum())
    return {
        "climax_position": float(m.onset[int(np.argmax(m.midi))] / m.length),
        "opening_height": float((m.midi[opening].mean() - lo) / compass),
        "half_height_change": float((m.midi[~half].mean() - m.midi[half].mean()) / compass) if (~half).any() else 0.0,
        "up_share": ups / max(ups + downs, 1),
    }


def scalars(m: Melody) -> dict[str, float]:
    """The named statistics of a melody (everything but the histograms)."""
    size = np.abs(np.rint(intervals(m)))
    per_bar = notes_per_bar(m)
    out = {
        "notes_per_bar_mean": float(per_bar.mean()), "notes_per_bar_sd": float(per_bar.std()),
        "distinct_durations": float(len(np.unique(np.rint(m.duration * GRID)))),
        "range": float(m.midi.max() - m.midi.min()), "largest_leap": float(size.max(initial=0)),
        "repeats": float(np.mean(size == 0)), "steps": float(np.mean((size >= 1) & (size <= 2))),
        "leaps_over_4": float(np.mean(size > 4)), "leaps_over_7": float(np.mean(size > 7)),
        "recurring_patterns": recurring_patterns(m), "twin_units": twin_units(m),
        "bars56_vs_12": bars56_vs_12(m), "self_similarity": self_similarity(m),
    }
    out.update(shape(m))
    return out


def features(m: Melody, named: dict[str, float] | None = None) -> np.ndarray:
    """The classifier's input: the three histograms and every scalar statistic (`named`: the
    melody's `scalars`, when already measured)."""
    named = scalars(m) if named is None else named
    return np.concatenate([pitch_class_histogram(m), interval_histogram(m), duration_histogram(m),
                           list(named.values())])


# --- the test ----------------------------------------------------------------------------------

def held_out(corpus, n_tunes: int) -> list:
    """The first `n_tunes` test tunes of MIN_BARS..MAX_BARS bars, in corpus order."""
    return [t for t in corpus.tunes("test") if MIN_BARS <= tune_bars(t) <= MAX_BARS][:n_tunes]


@dataclass(frozen=True)
class Measured:
    """A melody with its statistics and its feature vector."""

    melody: Melody
    named: dict[str, float]
    vector: np.ndarray


def measure(m: Melody) -> Measured:
    named = scalars(m)
    return Measured(m, named, features(m, named))


def two_sample_accuracy(real: list[Measured], made: list[Measured]) -> tuple[float, float]:
    """Mean and sd over folds of a classifier's accuracy at telling `real[i]` from `made[i]`, pair i
    one group of GroupKFold(5)."""
    X = np.array([m.vector for m in real + made])
    y = np.array([0] * len(real) + [1] * len(made))
    groups = np.concatenate([np.arange(len(real)), np.arange(len(made))])
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    scores = cross_val_score(model, X, y, groups=groups, cv=GroupKFold(n_splits=5), scoring="accuracy")
    return float(scores.mean()), float(scores.std())


def statistics(real: list[Measured], made: dict[str, list[Measured]]) -> dict:
    """Per statistic of STATISTICS: its mean over the real tunes, and per filler its mean, the ratio
    filler / real and whether that is within 25 % of 1."""
    def mean(measured, name):
        return float(np.mean([m.named[name] for m in measured])) if measured else None

    out = {}
    for name in STATISTICS:
        ref = mean(real, name)
        row: dict = {"real": None if ref is None else round(ref, 4)}
        for filler, measured in made.items():
            value = mean(measured, name)
            ratio = value / ref if value is not None and ref else None
            row[filler] = {"mean": None if value is None else round(value, 4),
                           "ratio": None if ratio is None else round(ratio, 3),
                           "within_25_percent": ratio is not None and abs(ratio - 1) <= WITHIN}
        out[name] = row
    return out


def run(corpus, n_tunes: int, fillers: list[str], seed: int) -> dict:
    tunes = held_out(corpus, n_tunes)
    real = [measure(melody_from_tune(t, piece_bars(t))) for t in tunes]
    result: dict = {"benchmark": "realism", "corpus": corpus.id, "tunes": len(tunes), "seed": seed,
                    "features": len(real[0].vector) if real else 0}
    made: dict[str, list[Measured]] = {}
    for filler in fillers:
        pairs, failed = [], []
        start = time.perf_counter()
        for i, t in enumerate(tunes):
            try:
                piece = compose(tune_spec(t, seed + i), filler=filler)
            except ComposerError as exc:
                failed.append(f"{t.id}: {str(exc)[:100]}")
                continue
            melody = melody_from_piece(piece, int(t.tonic_pc))
            if melody.bars != real[i].melody.bars:
                raise SystemExit(f"{t.id}: the piece has {melody.bars} bars, the tune {real[i].melody.bars}")
            pairs.append((real[i], measure(melody)))
        seconds = time.perf_counter() - start
        made[filler] = [m for _, m in pairs]
        accuracy = sd = None
        if len(pairs) >= 5:
            accuracy, sd = two_sample_accuracy([r for r, _ in pairs], made[filler])
        result[filler] = {"accuracy": None if accuracy is None else round(accuracy, 4),
                          "accuracy_sd": None if sd is None else round(sd, 4),
                          "pieces": len(pairs), "failed_count": len(failed), "failed": failed[:5],
                          "seconds": round(seconds, 1)}
    result["statistics"] = statistics(real, made)
    result["goal_accuracy"] = GOAL_ACCURACY
    result["meets_goal"] = {f: result[f]["accuracy"] is not None and result[f]["accuracy"] <= GOAL_ACCURACY
                            for f in fillers}
    return result


def table(result: dict, fillers: list[str]) -> str:
    """The figures as a Markdown table: a filler's cell is its mean (ratio to real), marked when the
    ratio is not within 25 % of 1."""
    def accuracy(f):
        r = result[f]
        return "n/a" if r["accuracy"] is None else f"{r['accuracy']:.3f} ± {r['accuracy_sd']:.3f}"

    def cell(c):
        if c["mean"] is None:
            return "n/a"
        return f"{c['mean']:.3f} (×{c['ratio']})" + ("" if c["within_25_percent"] else " ✗")

    rows = ["| statistic | real | " + " | ".join(fillers) + " |", "|---|---|" + "---|" * len(fillers),
            f"| classifier accuracy (chance 0.5, goal <= {GOAL_ACCURACY}) | | "
            + " | ".join(accuracy(f) for f in fillers) + " |",
            f"| melodies | {result['tunes']} | " + " | ".join(str(result[f]["pieces"]) for f in fillers) + " |"]
    for name, row in result["statistics"].items():
        real = "n/a" if row["real"] is None else f"{row['real']:.3f}"
        rows.append(f"| {name} | {real} | " + " | ".join(cell(row[f]) for f in fillers) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="oneills1850,ryansMammoth")
    parser.add_argument("--tunes", type=int, default=100, help="held-out tunes to write specs for")
    parser.add_argument("--fillers", default="neural,rules")
    parser.add_argument("--seed", type=int, default=0, help="the first spec's seed (tune i: seed + i)")
    parser.add_argument("--table", action="store_true", help="print a Markdown table instead of JSON")
    parser.add_argument("--markdown", help="also write the table, dated, into this file's realism section "
                                           "(docs/benchmarks.md), replacing the one there")
    args = parser.parse_args()
    fillers = [f for f in args.fillers.split(",") if f]
    corpus = load_corpora([n for n in args.corpus.split(",") if n], progress=True)
    start = time.perf_counter()
    result = run(corpus, args.tunes, fillers, args.seed)
    result["seconds"] = round(time.perf_counter() - start, 1)
    print(table(result, fillers) if args.table else json.dumps(result, indent=2, ensure_ascii=False))
    if args.markdown:
        write_section(Path(args.markdown), "bench_realism", section(result, fillers, args))


SECTION_START, SECTION_END = markers("bench_realism")


def section(result: dict, fillers: list[str], args) -> str:
    """The realism section of docs/benchmarks.md: how it was measured, and the table."""
    return "\n".join([
        SECTION_START, "", "## Realism: can a classifier tell partita's melodies from real tunes?", "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {result['tunes']} held-out tunes of {result['corpus']}. Reproduce with "
        f"`python benchmarks/bench_realism.py --tunes {args.tunes} --markdown docs/benchmarks.md` (scikit-learn: "
        f"the `bench` extra). A logistic regression on each melody's features, cross-validated over five "
        f"folds grouped by tune, tells real from composed (0.5: indistinguishable; the goal is 0.75 or lower); "
        f"each statistic is the mean over the melodies, with the ratio to the real tunes' (✗: more than 25 % "
        f"away). Definitions: the docstring of `benchmarks/bench_realism.py`.", "",
        table(result, fillers), "", SECTION_END, ""])


if __name__ == "__main__":
    main()
