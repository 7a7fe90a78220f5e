"""Speed of the controls (issue 8): piece files, refill, variation, morph, fit to a duration, prompts,
lyrics. Each is timed warm (after one run), median of --runs, in milliseconds. Prints JSON.

    python benchmarks/bench_control.py [--runs N] [--filler neural|rules]

Goals: a refill of a few bars, a piece file's save and load, and a prompt's parse are interactive
(under 100 ms warm); a fitted plan, which plans several candidates, stays well under a second.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from composer import compose, load_spec
from composer.piece import Piece
from composer.plan.planner import plan_piece
from composer.score.seeds import plan_rng

FIT = {"title": "Cue", "key": "D minor", "meter": "4/4", "tempo": [80, 120], "form": "aaba", "duration": "90s",
       "cues": [{"at": "30s", "event": "cadence"}, {"at": "60s", "event": "climax"}]}
VARIATIONS = {"title": "Theme", "key": "G major", "meter": "3/4",
              "sections": [{"name": "A", "bars": 8}, {"name": "A1", "vary": {"of": "A", "amount": 0.3}},
                           {"name": "A2", "vary": {"of": "A", "amount": 0.5, "keep": "contour"}}]}
SONG = {"title": "Star", "key": "C major", "form": "aaba",
        "parts": [{"role": "melody", "lyrics": "Twin-kle, twin-kle, lit-tle star / How I won-der what you are / "
                                              "Up a-bove the world so high / Like a dia-mond in the sky"},
                  {"role": "chords"}, {"role": "bass"}]}
PROMPT = "slow melancholic waltz in D minor for strings"


def timed(fn, runs: int) -> dict:
    fn(0)                                   # warm: imports, models, caches
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i + 1)
        out.append((time.perf_counter() - start) * 1000.0)
    return {"median_ms": round(statistics.median(out), 2), "max_ms": round(max(out), 2), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--filler", default="neural", choices=["neural", "rules"])
    args = parser.parse_args()
    filler = args.filler
    piece = compose(ROOT / "examples" / "aaba_song.yaml", seed=1, filler=filler)
    folder = Path(tempfile.mkdtemp())
    path = folder / "aaba.piece.json"
    piece.save(path)
    results = {
        "piece_save": timed(lambda i: piece.save(path, force=True), args.runs),
        "piece_load": timed(lambda i: Piece.load(path), args.runs),
        "refill_4_bars": timed(lambda i: piece.refill("B", bars="17-20", seed=i), args.runs),
        "refill_4_bars_keep_rhythm": timed(lambda i: piece.refill("B", bars="17-20", keep="rhythm", seed=i),
                                           args.runs),
        "fit_plan_90s_2_cues": timed(lambda i: plan_piece(load_spec(FIT), plan_rng(i)),
                                     args.runs),
        "compose_fitted": timed(lambda i: compose(FIT, seed=i, filler=filler), args.runs),
        "compose_variations": timed(lambda i: compose(VARIATIONS, seed=i, filler=filler), args.runs),
        "compose_song_with_lyrics": timed(lambda i: compose(SONG, seed=i, filler=filler), args.runs),
    }
    try:
        from composer.prompt import prompt_to_spec

        results["prompt_to_spec"] = timed(lambda i: prompt_to_spec(PROMPT), args.runs)
    except ImportError:
        results["prompt_to_spec"] = None
    from composer.edit.morph import morph

    other = compose(ROOT / "examples" / "pop_verse_chorus.yaml", seed=1, filler=filler)
    other_path = folder / "pop.piece.json"
    other.save(other_path)
    results["morph_8_bars"] = timed(lambda i: morph(str(path), str(other_path), bars=8, seed=i), args.runs)
    print(json.dumps({"benchmark": "control", "filler": filler, "machine": platform.machine(),
                      "python": platform.python_version(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
