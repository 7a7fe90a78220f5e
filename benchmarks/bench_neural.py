"""Speed of the neural filler: notes per second of constrained generation, the warm time of a
32-bar, 3-part compose with it, and the cold time of `partita compose` against a bare
`python -c "import torch, music21"`. Prints JSON.

    python benchmarks/bench_neural.py [--runs N] [--cold-runs N] [--spec examples/aaba_song.yaml]

Goals (issue 3): >= 5,000 notes/s; compose <= 250 ms warm; cold compose <= 1.3 x the bare imports.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from composer import compose, load_spec
from composer.fill.melody import fill_melody
from composer.plan.planner import plan_piece
from composer.plan.slots import plan_slots
from composer.score.seeds import plan_rng


def median_ms(fn, runs: int) -> tuple[float, list]:
    times, results = [], []
    for i in range(runs):
        start = time.perf_counter()
        results.append(fn(i))
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), results


def wall(cmd: list[str], runs: int, env=None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--spec", default=str(ROOT / "examples" / "aaba_song.yaml"))
    args = parser.parse_args()
    spec = load_spec(args.spec)
    compose(spec, filler="neural")  # warm: weights, caches

    out = {"benchmark": "neural_filler_speed", "spec": os.path.relpath(args.spec, ROOT)}
    plans = [plan_piece(spec, plan_rng(i)) for i in range(args.runs)]
    melody = [i for i, p in enumerate(spec.parts) if p.role == "melody"]
    slots = [[s for s in plan_slots(plans[i], spec) if s.part_index in melody] for i in range(args.runs)]
    for filler in ("neural", "rules"):
        ms, results = median_ms(lambda i: fill_melody(plans[i], slots[i], i, filler), args.runs)
        notes = statistics.median(len(r) for r in results)
        out[f"fill_{filler}"] = {"median_ms": round(ms, 2), "notes": notes,
                                 "notes_per_second": round(notes / (ms / 1000.0))}
        ms, pieces = median_ms(lambda i: compose(spec, seed=i, filler=filler), args.runs)
        out[f"compose_warm_{filler}"] = {"median_ms": round(ms, 2), "bars": pieces[0].bars,
                                         "parts": len(pieces[0].parts)}
    out["goal_notes_per_second"] = 5000
    out["goal_compose_warm_ms"] = 250
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    bare = wall([sys.executable, "-c", "import torch, music21"], args.cold_runs, env)
    with tempfile.TemporaryDirectory() as tmp:
        cold = wall([sys.executable, "-m", "composer", "compose", args.spec, "-o", tmp, "--formats", "mid,musicxml",
                     "--force"], args.cold_runs, env)
    out["cold"] = {"bare_import_torch_music21_s": round(bare, 3), "partita_compose_s": round(cold, 3),
                   "ratio": round(cold / bare, 3), "goal_ratio": 1.3, "meets_goal": cold / bare <= 1.3}
    out["meets_goals"] = {"notes_per_second": out["fill_neural"]["notes_per_second"] >= 5000,
                          "compose_warm": out["compose_warm_neural"]["median_ms"] <= 250,
                          "cold": out["cold"]["meets_goal"]}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
