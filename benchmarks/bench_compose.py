"""Speed of the foundation: compose a 32-bar, 3-part piece (plan, fill, arrange; no file
writing), then write its MIDI and MusicXML. Prints JSON.

    python benchmarks/bench_compose.py [--runs N] [--spec examples/aaba_song.yaml]

Goals (issue 2): compose <= 100 ms warm; MIDI written in <= 20 ms.
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

import numpy as np  # noqa: E402

from composer import compose, load_spec  # noqa: E402
from composer.arrange import arrange_bass, arrange_chords  # noqa: E402
from composer.fill import fill_melody  # noqa: E402
from composer.plan import plan_piece  # noqa: E402
from composer.slots import plan_slots  # noqa: E402
from composer.render import midi_bytes, musicxml_bytes  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def summary(ms: list[float]) -> dict:
    return {"median_ms": round(statistics.median(ms), 2), "min_ms": round(min(ms), 2),
            "p90_ms": round(sorted(ms)[int(0.9 * (len(ms) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--spec", default=str(ROOT / "examples" / "aaba_song.yaml"))
    args = parser.parse_args()
    spec = load_spec(args.spec)
    compose(spec)  # warm: imports, grammar caches

    total = timed(lambda i: compose(spec, seed=i), args.runs)
    plans = [plan_piece(spec, np.random.default_rng([i, 0])) for i in range(args.runs)]
    plan_ms = timed(lambda i: plan_piece(spec, np.random.default_rng([i, 0])), args.runs)
    melody = next(i for i, p in enumerate(spec.parts) if p.role == "melody")
    slots = [[s for s in plan_slots(plans[i], spec) if s.part_index == melody] for i in range(args.runs)]
    fill_ms = timed(lambda i: fill_melody(plans[i], slots[i], i), args.runs)

    def arrange(i):
        for part in spec.parts:
            if part.role == "chords":
                arrange_chords(plans[i], part, spec.style)
            elif part.role == "bass":
                arrange_bass(plans[i], part, spec.style)

    arrange_ms = timed(arrange, args.runs)
    piece = compose(spec)
    midi_ms = timed(lambda i: midi_bytes(piece), args.runs)
    xml_runs = max(3, args.runs // 5)
    xml_ms = timed(lambda i: musicxml_bytes(piece), xml_runs)
    with tempfile.TemporaryDirectory() as tmp:
        write_ms = timed(lambda i: piece.write(Path(tmp) / f"p{i}.mid"), args.runs)
    notes = sum(len(p.notes) for p in piece.parts)
    result = {
        "benchmark": "compose_32_bars_3_parts",
        "spec": str(Path(args.spec).relative_to(ROOT)) if Path(args.spec).is_relative_to(ROOT) else args.spec,
        "bars": piece.bars, "parts": len(piece.parts), "notes": notes, "runs": args.runs,
        "compose_warm": summary(total),
        "stages": {"plan": summary(plan_ms), "fill_melody": summary(fill_ms), "arrange": summary(arrange_ms)},
        "midi_bytes": summary(midi_ms),
        "midi_write_file": summary(write_ms),
        "musicxml_bytes": summary(xml_ms),
        "goals": {"compose_warm_ms": 100, "midi_ms": 20},
        "meets_goals": {"compose": statistics.median(total) <= 100, "midi": statistics.median(midi_ms) <= 20},
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
