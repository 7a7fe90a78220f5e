"""Quality of the neural models against the n-gram baseline and the rules filler, on the held-out
(test) split of the training corpora. Prints JSON.

    python benchmarks/bench_quality.py [--corpus oneills1850,ryansMammoth] [--tunes 150]

1. Negative log-likelihood per note (bits) on the test split: the rhythm model (durations) and the
   melody model (pitch steps), against interpolated Kneser-Ney n-grams over the same tokens,
   trained on the same train split, the order chosen on the validation split.
   Goal (issue 3): at least 10 % below the n-gram.
2. For each held-out tune, a plan of its own key, mode, meter, length and range (binary form in the
   tonic, two sections), filled by the rules filler and by the neural filler with the same seed.
   Against the held-out tunes: the overlapping area (sum of minima) of the pitch-class (relative to
   the tonic), interval and duration histograms; the chord-tone ratio on strong beats (with that
   constraint switched off, so it measures the filler, not the mask); and the rate at which every
   hard constraint holds (with default constraints). Goal: the neural filler closer than rules on
   every histogram.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np

from composer import compose
from composer.analysis import metrics as M
from composer.models import vocab as V
from composer.models.features import estimate_chords, line_features
from composer.models.ngram import KneserNey, best_order
from composer.models.runtime import load_model
from composer.models.spec import target_field
from composer.plan.slots import plan_slots
from composer.score.errors import ComposerError
from corpora import load_corpora

NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]


# --- 1. likelihood ------------------------------------------------------------------------------

def neural_bits(model, tunes) -> tuple[float, int]:
    """Teacher-forced bits of every note of `tunes` under a numpy runtime model (batched)."""
    feats = [line_features(t) for t in tunes]
    target = target_field(model.kind)
    B, T = len(feats), max(len(f) for f in feats)
    tgt = np.full((B, T), -1, dtype=np.int64)
    conds = {k: np.zeros((B, T), dtype=np.int64) for k in model.config["conditions"]}
    for i, f in enumerate(feats):
        tgt[i, :len(f)] = getattr(f, target)
        for k in conds:
            conds[k][i, :len(f)] = getattr(f, k)
    cond_in = model.condition_inputs(conds)
    h = model.initial_state(B)
    prev = np.full(B, model.bos)
    total, count = 0.0, 0
    for t in range(T):
        h, logits = model.step(h, prev, cond_in[:, t])
        logits = logits.astype(np.float64)
        logp = logits - logits.max(axis=1, keepdims=True)
        logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
        ok = tgt[:, t] >= 0
        total -= logp[ok, tgt[ok, t]].sum() / np.log(2)
        count += int(ok.sum())
        prev = np.where(ok, tgt[:, t], model.bos)
    return total, count


def likelihood(corpus) -> dict:
    out = {}
    for kind in ("rhythm", "melody"):
        model = load_model(kind)
        field = target_field(kind)
        streams = {s: [getattr(line_features(t), field) for t in corpus.tunes(s)] for s in ("train", "validation", "test")}
        vocab = model.config["n_out"]
        order, by_order = best_order(streams["train"], streams["validation"], vocab)
        kn_bits, kn_count = KneserNey(order, vocab).fit(streams["train"]).bits(streams["test"])
        nn_bits, nn_count = neural_bits(model, corpus.tunes("test"))
        assert kn_count == nn_count
        kn, nn = kn_bits / kn_count, nn_bits / nn_count
        out[kind] = {"test_notes": nn_count, "neural_bits_per_note": round(nn, 4),
                     "ngram_bits_per_note": round(kn, 4), "ngram_order": order,
                     "ngram_validation_bits_by_order": {n: round(b, 4) for n, b in by_order.items()},
                     "improvement": round(1 - nn / kn, 4), "goal_improvement": 0.10,
                     "meets_goal": bool(1 - nn / kn >= 0.10)}
    return out


# --- 2. generation for held-out tunes' plans ---------------------------------------------------

def tune_spec(tune, seed: int, strong_chord_tones: bool = True) -> dict:
    full_bars = int(tune.bar.max()) + 1
    bars = int(min(32, max(8, round(full_bars / 8) * 8)))
    lo, hi = int(tune.midi.min()), int(tune.midi.max())
    if hi - lo < 12:
        lo, hi = lo - (12 - (hi - lo)) // 2, hi + (12 - (hi - lo) + 1) // 2
    name = lambda m: f"{NAMES[m % 12]}{m // 12 - 1}"  # noqa: E731
    functional = tune.mode in ("major", "minor")
    return {
        "title": tune.title[:60] or "tune", "key": f"{NAMES[tune.tonic_pc]} {tune.mode}",
        "meter": f"{tune.numerator}/{tune.denominator}", "form": "binary",
        "style": "classical" if functional else "modal",
        "sections": [{"name": "A", "bars": bars // 2, "key": "tonic"}, {"name": "B", "bars": bars // 2, "key": "tonic"}],
        "parts": [{"role": "melody", "instrument": "violin", "range": f"{name(lo)}-{name(hi)}"}],
        "constraints": {"chord_tones_on_strong_beats": strong_chord_tones},
        "seed": seed,
    }


def histograms(lines) -> dict[str, np.ndarray]:
    """lines: (tonic_pc, midi array, duration-in-Q array) per melody."""
    pc, iv, du = np.zeros(12), np.zeros(25), np.zeros(V.N_DUR)
    for tonic, midi, dur in lines:
        np.add.at(pc, (np.asarray(midi) - tonic) % 12, 1)
        np.add.at(iv, np.clip(np.diff(midi), -12, 12) + 12, 1)
        np.add.at(du, [V.duration_token(int(d)) for d in dur], 1)
    return {"pitch_class": pc / pc.sum(), "interval": iv / iv.sum(), "duration": du / du.sum()}


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.minimum(a, b).sum())


def melody_of(piece):
    part = next(p for p in piece.parts if p.role == "melody")
    notes = part.sorted_notes()
    return notes


def violations(piece) -> tuple[int, int]:
    """(checks, violated) over every hard constraint of every melody note of a piece, as
    `partita evaluate` checks them (composer.metrics.constraint_satisfaction)."""
    result = M.constraint_satisfaction(piece, piece.plan, plan_slots(piece.plan, piece.spec))
    return result["checks"], result["violations"]


def strong_chord_tone_ratio(piece) -> tuple[int, int]:
    return M.strong_beat_chord_tones(melody_of(piece), piece)


def corpus_strong_chord_tone_ratio(tunes) -> float:
    hits = total = 0
    for t in tunes:
        f = line_features(t)
        chords = estimate_chords(t)
        steps = V.MODE_STEPS[t.mode]
        for midi, c, s in zip(t.midi, chords, f.strength):
            if s <= 1 and c > 0:
                r = (c - 1) // len(V.QUALITIES)
                triad = {(t.tonic_pc + steps[(r + k) % 7]) % 12 for k in (0, 2, 4)}
                total += 1
                hits += int(midi % 12 in triad)
    return hits / max(total, 1)


def generation(corpus, n_tunes: int) -> dict:
    tunes = corpus.tunes("test")[:n_tunes]
    real = [(t.tonic_pc, t.midi.astype(int), t.dur.astype(int)) for t in tunes]
    ref = histograms(real)
    out = {"tunes": len(tunes)}
    for filler in ("rules", "neural"):
        lines, checks, bad, failed, pieces_ok = [], 0, 0, [], 0
        hits = strong = 0
        start = time.perf_counter()
        for i, t in enumerate(tunes):
            try:
                piece = compose(tune_spec(t, i), filler=filler)
                relaxed = compose(tune_spec(t, i, strong_chord_tones=False), filler=filler)
            except ComposerError as exc:
                failed.append(f"{t.id}: {str(exc)[:100]}")
                continue
            notes = melody_of(piece)
            lines.append((t.tonic_pc, np.array([n.pitch.nearest_midi for n in notes]),
                          np.array([V.as_q(n.duration) for n in notes])))
            c, b = violations(piece)
            checks, bad, pieces_ok = checks + c, bad + b, pieces_ok + (b == 0)
            h, s = strong_chord_tone_ratio(relaxed)
            hits, strong = hits + h, strong + s
        gen = histograms(lines)
        out[filler] = {
            "pieces": len(lines), "failed": failed[:5], "seconds": round(time.perf_counter() - start, 1),
            "overlap_pitch_class": round(overlap(gen["pitch_class"], ref["pitch_class"]), 4),
            "overlap_interval": round(overlap(gen["interval"], ref["interval"]), 4),
            "overlap_duration": round(overlap(gen["duration"], ref["duration"]), 4),
            "strong_beat_chord_tone_ratio_unconstrained": round(hits / max(strong, 1), 4),
            "constraint_checks": checks, "constraint_satisfaction_rate": round(1 - bad / max(checks, 1), 6),
            "pieces_without_violation": pieces_ok,
        }
    out["held_out_strong_beat_chord_tone_ratio_vs_estimated_chords"] = round(corpus_strong_chord_tone_ratio(tunes), 4)
    out["neural_closer_on_every_histogram"] = all(
        out["neural"][f"overlap_{h}"] > out["rules"][f"overlap_{h}"] for h in ("pitch_class", "interval", "duration"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="oneills1850,ryansMammoth")
    parser.add_argument("--tunes", type=int, default=150, help="held-out tunes to write plans for")
    args = parser.parse_args()
    corpus = load_corpora([n for n in args.corpus.split(",") if n], progress=True)
    start = time.perf_counter()
    result = {"benchmark": "model_quality", "corpus": corpus.id,
              "weights": {k: load_model(k).manifest["sha256"][:16] for k in ("rhythm", "melody")},
              "likelihood": likelihood(corpus), "generation": generation(corpus, args.tunes)}
    result["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
