"""Quality metrics of one melody line, or one piece: pitch, rhythm, harmony, key, structure, constraints.

Every metric is defined in `docs/evaluation.md` with its source. They work on a `Line`: one part's
notes as arrays (onsets and durations in quarter notes, pitch in cents), with the meter and, when
known, the tonic; `line_from_notes` makes one from a piece's part and `line_from_tune` from a
corpus tune, so generated pieces and real tunes are measured by the same code. Metrics that need
the plan (chord tones, key fidelity, form, constraints) take the piece with its plan.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from theory import Meter

from ..fill.constraints import Position, build_problem
from ..fill.decode import step_ok

GRID = 12                                   # onsets on twelfths of a quarter note
INTERVAL_BINS = 25                          # -12..+12 semitones, wider leaps in the end bins
DURATION_BINS = (Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(1),
                 Fraction(3, 2), Fraction(2), Fraction(3), Fraction(4), Fraction(6))
DURATION_LABELS = tuple(str(d) for d in DURATION_BINS) + ("other",)
PC_TOLERANCE_CENTS = 5.0
STRONG = 0.5                                # metrical strength of a strong beat (theory.Meter.strength)
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)
_MINOR_MODES = ("minor", "natural_minor", "harmonic_minor", "melodic_minor", "aeolian")


@dataclass
class Line:
    """One part's notes, time-ordered: onset and duration in quarters from the start of bar 1 (a
    pickup is negative), pitch in cents above MIDI 0; the bar length in quarters; the tonic's pitch
    class in cents when known."""

    onset: np.ndarray
    duration: np.ndarray
    cents: np.ndarray
    bar_quarters: float
    meter: object = None                    # theory.Meter, for metrical strength
    tonic_cents: float | None = None

    def __len__(self) -> int:
        return len(self.cents)


def line_from_notes(notes, meter, tonic_cents: float | None = None) -> Line:
    notes = sorted(notes, key=lambda n: (n.offset, n.pitch.cents))
    return Line(np.array([float(n.offset) for n in notes]), np.array([float(n.duration) for n in notes]),
                np.array([n.pitch.cents for n in notes]), float(meter.bar_quarters), meter, tonic_cents)


def line_from_tune(tune) -> Line:
    meter = Meter(int(tune.numerator), int(tune.denominator))
    bar_q = tune.bar_q
    onset = (np.asarray(tune.bar) * bar_q + np.asarray(tune.bar_pos)) / GRID
    return Line(onset.astype(float), np.asarray(tune.dur) / GRID, np.asarray(tune.midi, dtype=float) * 100.0,
                float(meter.bar_quarters), meter, float(tune.tonic_pc) * 100.0)


def pitch_classes(cents: np.ndarray) -> np.ndarray:
    """Pitch class in whole cents (0-1199): microtones keep their own class."""
    return np.mod(np.rint(cents), 1200.0)


def pitch_class_entropy(line: Line) -> float | None:
    """Shannon entropy (bits) of the pitch-class histogram; each distinct pitch class its own bin."""
    if not len(line):
        return None
    _, counts = np.unique(pitch_classes(line.cents), return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def pitch_classes_used(line: Line) -> int:
    return int(len(np.unique(pitch_classes(line.cents))))


def pitch_range(line: Line) -> float | None:
    """Highest minus lowest pitch, in semitones."""
    return float((line.cents.max() - line.cents.min()) / 100.0) if len(line) else None


def scale_consistency(line: Line) -> float | None:
    """The largest share of notes in one of the 24 major and minor scales (pitch rounded to the
    nearest semitone)."""
    if not len(line):
        return None
    pcs = np.rint(line.cents / 100.0).astype(int) % 12
    counts = np.bincount(pcs, minlength=12)
    best = 0
    for steps in (_MAJOR, _MINOR):
        for root in range(12):
            best = max(best, int(counts[[(root + s) % 12 for s in steps]].sum()))
    return best / len(pcs)


def skyline(line: Line) -> tuple[np.ndarray, np.ndarray]:
    """(onsets, cents) of the highest note at each onset."""
    order = np.lexsort((-line.cents, line.onset))
    onset, cents = line.onset[order], line.cents[order]
    first = np.ones(len(onset), dtype=bool)
    first[1:] = onset[1:] != onset[:-1]
    return onset[first], cents[first]


def interval_histogram(line: Line) -> np.ndarray:
    """Melodic intervals of the skyline in semitones (rounded), -12..+12, wider ones in the end bins;
    normalised (zeros with fewer than two onsets)."""
    _, cents = skyline(line)
    hist = np.zeros(INTERVAL_BINS)
    if len(cents) > 1:
        steps = np.clip(np.rint(np.diff(cents) / 100.0).astype(int), -12, 12) + 12
        np.add.at(hist, steps, 1)
        hist /= hist.sum()
    return hist


def mean_abs_interval(line: Line) -> float | None:
    _, cents = skyline(line)
    return float(np.abs(np.diff(cents)).mean() / 100.0) if len(cents) > 1 else None


def pitch_class_histogram(line: Line) -> np.ndarray | None:
    """12 bins relative to the tonic (nearest semitone); None when the tonic is unknown."""
    if line.tonic_cents is None or not len(line):
        return None
    rel = np.rint((line.cents - line.tonic_cents) / 100.0).astype(int) % 12
    hist = np.bincount(rel, minlength=12).astype(float)
    return hist / hist.sum()


def _duration_bins(values: np.ndarray) -> np.ndarray:
    hist = np.zeros(len(DURATION_LABELS))
    bins = np.array([float(d) for d in DURATION_BINS])
    for v in values:
        j = int(np.argmin(np.abs(bins - v)))
        hist[j if abs(bins[j] - v) < 1e-6 else -1] += 1
    return hist / hist.sum() if hist.sum() else hist


def duration_histogram(line: Line) -> np.ndarray:
    """Written note durations in the bins of DURATION_LABELS (quarters; 'other' for the rest)."""
    return _duration_bins(line.duration)


def ioi_histogram(line: Line) -> np.ndarray:
    """Inter-onset intervals between successive onsets (of the skyline), same bins."""
    onset, _ = skyline(line)
    return _duration_bins(np.diff(onset))


def mean_ioi(line: Line) -> float | None:
    onset, _ = skyline(line)
    return float(np.diff(onset).mean()) if len(onset) > 1 else None


def _bar_grid(line: Line) -> tuple[np.ndarray, np.ndarray, int]:
    bar_len = int(round(line.bar_quarters * GRID))
    ticks = np.rint(line.onset * GRID).astype(int)
    return np.floor_divide(ticks, bar_len), np.mod(ticks, bar_len), bar_len


def groove_consistency(line: Line) -> float | None:
    """1 minus the mean Hamming distance between neighbouring bars' onset patterns (on the 1/12
    grid), over the bar length. Bars from the first full bar (a pickup is left out) to the last.
    Worked out from the bars that hold notes (an empty bar differs from a neighbour by that bar's
    onsets), so that a file whose notes lie far apart costs no more than one whose notes are close."""
    if not len(line):
        return None
    bar, pos, bar_len = _bar_grid(line)
    keep = bar >= 0
    if not keep.any():
        return None
    patterns: dict[int, set[int]] = {}
    for b, p in zip(bar[keep].tolist(), pos[keep].tolist()):
        patterns.setdefault(b, set()).add(p)
    n_bars = max(patterns) + 1
    if n_bars < 2:
        return None
    distance = 0
    for b, onsets in patterns.items():
        if b + 1 < n_bars:
            distance += len(onsets ^ patterns.get(b + 1, set()))
        if b > 0 and b - 1 not in patterns:
            distance += len(onsets)
    return float(1.0 - distance / (n_bars - 1) / bar_len)


def empty_beat_rate(line: Line) -> float | None:
    """The share of quarter-note beats, from the first onset to the last note's end, in which no
    note sounds. Counted from the notes' spans (beats b where a note starts before b + 1 and ends
    after b), never from a beats-by-notes table, so that a long silence costs nothing."""
    if not len(line):
        return None
    start = math.floor(line.onset.min() + 1e-9)
    end = math.ceil((line.onset + line.duration).max() - 1e-9)
    if end <= start:
        return None
    spans = []
    for on, off in zip(line.onset.tolist(), (line.onset + line.duration).tolist()):
        first = math.floor(on - 1.0) - 1               # then walk up to the first beat the note sounds in
        while not on < first + 1 - 1e-9:
            first += 1
        last = math.ceil(off) + 1                      # and down to the last
        while not off > last + 1e-9:
            last -= 1
        first, last = max(first, start), min(last, end - 1)
        if first <= last:
            spans.append((first, last))
    sounding, reach = 0, start - 1
    for first, last in sorted(spans):
        if last > reach:
            sounding += last - max(first, reach + 1) + 1
            reach = last
    return float(1.0 - sounding / (end - start))


def bar_repetition_rate(line: Line) -> float | None:
    """The share of bars (after the first) whose notes repeat an earlier bar's exactly: same rhythm
    and the same intervals (in any transposition). Needs no plan."""
    if not len(line):
        return None
    bar, pos, _ = _bar_grid(line)
    patterns: dict[int, tuple] = {}
    for b in np.unique(bar[bar >= 0]).tolist():
        sel = bar == b
        cents = line.cents[sel]
        patterns[b] = (tuple(pos[sel].tolist()), tuple(np.rint(cents - cents[0]).astype(int).tolist()))
    bars = sorted(patterns)
    if len(bars) < 2:
        return None
    seen, repeats = {patterns[bars[0]]}, 0
    for b in bars[1:]:
        repeats += patterns[b] in seen
        seen.add(patterns[b])
    return repeats / (len(bars) - 1)


def _is_member(cents: float, pcs_cents, period: float = 1200.0) -> bool:
    rel = cents % period
    return any(min(abs(rel - p % period), period - abs(rel - p % period)) <= PC_TOLERANCE_CENTS for p in pcs_cents)


def strong_beat_chord_tone_ratio(notes, piece) -> float | None:
    """Of the notes that start on a strong beat (metrical strength >= 0.5) under a planned chord, the
    share that are tones of that chord. None when the piece has no chords."""
    hits, total = strong_beat_chord_tones(notes, piece)
    return hits / total if total else None


def strong_beat_chord_tones(notes, piece) -> tuple[int, int]:
    """(chord tones, notes) among the notes that start on a strong beat under a planned chord."""
    bar = piece.meter.bar_quarters
    hits = total = 0
    for n in notes:
        event = piece.chord_at(n.offset)
        if event is None or piece.meter.strength(n.offset % bar) < STRONG:
            continue
        total += 1
        hits += _is_member(n.pitch.cents, event.chord.pitch_classes_cents)
    return hits, total


def in_scale_rate(notes, piece) -> float | None:
    """The share of notes in the scale of the key sounding at their onset (within 5 cents)."""
    if not notes or not piece.keys:
        return None
    hits = 0
    for n in notes:
        key = piece.key_at(n.offset)
        hits += _is_member(key.rel_cents(n.pitch.cents), key.scale.degree_cents, key.scale.period_cents)
    return hits / len(notes)


def key_fidelity(piece, spec_key) -> dict:
    """music21's key analysis (Krumhansl-Schmuckler with its default weights) of every pitched note,
    against the spec's key: the key found, whether tonic and mode match, and the rank of the spec's
    key among music21's 24 interpretations (1: the best)."""
    if spec_key is None:
        return {"applies": False, "reason": "the piece carries no spec"}
    mode = "major" if spec_key.mode == "major" else "minor" if spec_key.mode in _MINOR_MODES else None
    if spec_key.pack != "western" or mode is None:
        return {"applies": False, "reason": f"key analysis compares western major and minor keys; the spec's "
                                            f"key is {spec_key}"}
    from music21 import note as m21note  # deferred: music21 takes about 0.5 s to import
    from music21 import stream  # deferred: music21 takes about 0.5 s to import

    s = stream.Stream()
    for part in piece.parts:
        if part.role in ("percussion",):
            continue
        for n in part.notes:
            m = m21note.Note(round(n.pitch.cents / 100.0))
            m.quarterLength = float(n.duration)
            s.insert(float(n.offset), m)
    if not len(s.notes):
        return {"applies": False, "reason": "no pitched notes"}
    found = s.analyze("key")
    ranked = [found] + list(found.alternateInterpretations)
    want_tonic = spec_key.tonic_pc
    rank = next((i + 1 for i, k in enumerate(ranked) if k.tonic.pitchClass == want_tonic and k.mode == mode), None)
    return {"applies": True, "spec_key": f"{spec_key.tonic.name} {mode}",
            "analysed_key": f"{found.tonic.name.replace('-', 'b')} {found.mode}",
            "correlation": round(float(found.correlationCoefficient), 4),
            "match": rank == 1, "spec_key_rank": rank}


def _section_material(notes, section, meter, key, bars: int | None = None) -> dict:
    """(grid position in the section, pitch relative to the section's tonic within its period) ->
    count, over the section's first `bars` bars (default: all)."""
    start = section.start_bar * meter.bar_quarters
    end = start + (section.bars if bars is None else bars) * meter.bar_quarters
    out: dict[tuple[int, int], int] = {}
    for n in notes:
        if start <= n.offset < end:
            item = (int(round((n.offset - start) * GRID)), int(round(key.rel_cents(n.pitch.cents))))
            out[item] = out.get(item, 0) + 1
    return out


def section_similarity(a: dict, b: dict) -> float:
    """Shared (position, relative pitch) events over the larger section's events: 1 for a repeat,
    near 0 for new material."""
    total = max(sum(a.values()), sum(b.values()))
    if not total:
        return 0.0
    return sum(min(c, b.get(k, 0)) for k, c in a.items()) / total


SAME_MATERIAL = 0.5


def _promised_bars(a, b) -> int | None:
    """The bars two sections of one label should share: all of them, or only the bars the later one
    keeps when it repeats the other in part (a rounded binary's reprise keeps its first phrase)."""
    for x in (a, b):
        if x.repeat_of and 0 < x.kept_bars < x.bars:
            return x.kept_bars
    return None


def form_structure(notes, plan) -> dict | None:
    """The sections' similarity matrix against the form's labels. A section's label is its name,
    or the section it repeats. For two sections of one label the similarity is measured over the
    bars the repeat promises to keep (all, or the first phrase of a partial reprise).
    `repeat_similarity`: the mean similarity of every pair with one label; `form_accuracy`: the share
    of sections whose similarity to every other section agrees with the labels (at least 0.5 for
    the same label, below 0.5 for a different one)."""
    sections = sorted(plan.sections, key=lambda s: s.start_bar)
    if len(sections) < 2:
        return None
    label = {s.name: s.name for s in sections if not s.repeat_of}
    labels = [label.get(s.repeat_of, s.repeat_of) if s.repeat_of else s.name for s in sections]
    n = len(sections)
    sim = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            bars = _promised_bars(sections[i], sections[j]) if labels[i] == labels[j] else None
            a = _section_material(notes, sections[i], plan.meter, sections[i].key, bars)
            b = _section_material(notes, sections[j], plan.meter, sections[j].key, bars)
            sim[i, j] = sim[j, i] = section_similarity(a, b)
    same = [(i, j) for i in range(n) for j in range(i + 1, n) if labels[i] == labels[j]]
    correct = 0
    for i in range(n):
        correct += all((sim[i, j] >= SAME_MATERIAL) == (labels[i] == labels[j]) for j in range(n) if j != i)
    return {"labels": labels, "similarity": np.round(sim, 3).tolist(),
            "repeat_similarity": round(float(np.mean([sim[i, j] for i, j in same])), 4) if same else None,
            "form_accuracy": round(correct / n, 4)}


def constraint_satisfaction(piece, plan, slots) -> dict:
    """Every hard constraint the composer guarantees, checked on the notes as written: for every note
    of every decoded melody slot its unary constraints (in range, in scale or allowed chromatic
    tone, chord tone on a strong beat where the spec asks it, cadence target on the phrase's last
    note), for every pair of neighbours the leap limit and the scale's movement graph, and every bar
    filled exactly. Returns the counts and the first violations by bar and beat."""
    meter = plan.meter
    bar_q = meter.bar_quarters
    checks = 0
    failed: list[str] = []
    by_part: dict[int, list] = {}
    for slot in slots:
        by_part.setdefault(slot.part_index, []).append(slot)

    def where(offset) -> str:
        bar = int(offset // bar_q)
        return f"bar {bar + 1} beat {float((offset - bar * bar_q) / meter.unit + 1):g}"

    for index, part_slots in by_part.items():
        name = part_slots[0].part.name
        part = next((p for p in piece.parts if p.name == name), None)
        if part is None or (plan.harmony == "heterophony" and index > min(by_part)):
            continue
        notes = part.sorted_notes()
        onsets = [n.offset for n in notes]
        previous = None
        for slot in part_slots:
            inside = notes[bisect_left(onsets, slot.start):bisect_left(onsets, slot.end)]
            if not inside:
                continue
            positions = [Position(n.offset, n.duration, piece.chord_at(n.offset), meter.strength(n.offset % bar_q))
                         for n in inside]
            problem = build_problem(slot.key, meter, positions, slot.part.low,
                                    slot.part.high, targets_rel=slot.targets, max_leap_semitones=slot.max_leap,
                                    strong_chord_tones=slot.strong_chord_tones, blue_pcs=slot.blue_pcs,
                                    lead_in=slot.lead_in)
            cands = problem.candidates.cents
            for t, n in enumerate(inside):
                match = np.flatnonzero(np.abs(cands - n.pitch.cents) < 0.5)
                for cname, mask in problem.masks.items():
                    if cname.startswith("fixed"):
                        continue
                    checks += 1
                    if not (match.size and mask[t, match[0]]):
                        failed.append(f"{name} {where(n.offset)}: {cname}")
                if previous is not None:
                    checks += 1
                    if not step_ok(slot.key, previous.pitch.cents, n.pitch.cents, slot.max_leap,
                                   piece.chord_at(previous.offset), piece.chord_at(n.offset)):
                        failed.append(f"{name} {where(n.offset)}: max leap or scale movement")
                previous = n
        filled: dict[int, Fraction] = {}
        for n in notes:
            filled[int(n.offset // bar_q)] = filled.get(int(n.offset // bar_q), Fraction(0)) + n.duration
        for b in range(plan.bars):
            checks += 1
            if filled.get(b, 0) != bar_q:
                failed.append(f"{name} bar {b + 1}: the bar's notes do not fill it exactly")
    return {"checks": checks, "violations": len(failed),
            "rate": round(1.0 - len(failed) / checks, 6) if checks else None, "first_violations": failed[:10]}
