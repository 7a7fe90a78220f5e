"""Speed of the foundation: compose a 32-bar, 3-part piece (plan, fill, arrange; no file
writing), then write its MIDI and MusicXML. Prints JSON.

    python benchmarks/bench_compose.py [--runs N] [--spec examples/aaba_song.yaml] [--compare REV]

Goals: compose <= 60 ms warm (issue 15, with the voice-leading search; it was 100 ms in issue 2); MIDI
written in <= 20 ms; the piece rendered to audio (22.05 kHz) in <= 2 s. `stages.voice_leading_search` is
the cost of the bass and accompaniment search alone.

`--compare REV` also times warm compose at another commit (a temporary git worktree) in the same run:
the two trees take turns, in separate processes, for several rounds, so that the machine's load falls
on both alike; it prints both medians and their ratio (this tree over REV). The comparison counts
the process's CPU time, which another process on the machine disturbs less than the wall clock.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from composer import compose, load_spec
from composer.arrange import arrange_harmony, arrange_parts
from composer.fill.melody import fill_melody
from composer.formats.audio import render_audio
from composer.formats.midi import midi_bytes
from composer.formats.musicxml import musicxml_bytes
from composer.plan.planner import plan_piece
from composer.plan.slots import plan_slots
from composer.score.seeds import plan_rng


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


COMPARE_PROBE = """
import json, sys, time
from pathlib import Path
import composer
from composer import compose, load_spec
assert Path(composer.__file__).resolve().is_relative_to(Path.cwd().resolve()), composer.__file__
spec = load_spec(sys.argv[1])
compose(spec)
out = []
for i in range(int(sys.argv[2])):
    start = time.process_time()
    compose(spec, seed=i)
    out.append((time.process_time() - start) * 1000.0)
print(json.dumps(out))
"""


def _probe(tree: Path, spec: str, runs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", COMPARE_PROBE, spec, str(runs)], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"the probe failed in {tree}: {done.stderr[-800:]}")
    return json.loads(done.stdout)


def compare(rev: str, spec: str, runs: int, rounds: int = 5) -> dict:
    """Warm compose here and at `rev`, in turns, `rounds` times `runs` pieces each."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), rev], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            times: dict[str, list[float]] = {"this": [], rev: []}
            for r in range(rounds):
                order = [("this", ROOT), (rev, base)]
                for name, tree in (order if r % 2 == 0 else order[::-1]):
                    times[name] += _probe(tree, spec, runs)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)
    this, other = statistics.median(times["this"]), statistics.median(times[rev])
    return {"spec": spec, "clock": "process CPU time", "rounds": rounds, "runs_per_round": runs,
            "this": summary(times["this"]),
            rev: summary(times[rev]), "ratio_this_over_base": round(this / other, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--spec", default=str(ROOT / "examples" / "aaba_song.yaml"))
    parser.add_argument("--compare", metavar="REV", help="also time warm compose at this commit, in the same run")
    args = parser.parse_args()
    if args.compare:
        print(json.dumps({"benchmark": "compose_warm_compare", **compare(args.compare, str(Path(args.spec).resolve()),
                                                                          args.runs)}, indent=2))
        return
    spec = load_spec(args.spec)
    compose(spec)  # warm: imports, grammar caches

    total = timed(lambda i: compose(spec, seed=i), args.runs)
    plans = [plan_piece(spec, plan_rng(i)) for i in range(args.runs)]
    plan_ms = timed(lambda i: plan_piece(spec, plan_rng(i)), args.runs)
    melody = next(i for i, p in enumerate(spec.parts) if p.role == "melody")
    slots = [[s for s in plan_slots(plans[i], spec) if s.part_index == melody] for i in range(args.runs)]
    fill_ms = timed(lambda i: fill_melody(plans[i], slots[i], i), args.runs)

    melodies = [{melody: list(fill_melody(plans[i], slots[i], i).parts[melody])} for i in range(args.runs)]

    def arrange(i):
        arrange_parts(plans[i], spec, melodies[i])

    voice_leading_ms = timed(lambda i: arrange_harmony(plans[i], spec, melodies[i]), args.runs)
    arrange_ms = timed(arrange, args.runs)
    piece = compose(spec)
    midi_ms = timed(lambda i: midi_bytes(piece), args.runs)
    xml_runs = max(3, args.runs // 5)
    xml_ms = timed(lambda i: musicxml_bytes(piece), xml_runs)
    audio_ms = timed(lambda i: render_audio(piece), xml_runs)
    with tempfile.TemporaryDirectory() as tmp:
        write_ms = timed(lambda i: piece.write(Path(tmp) / f"p{i}.mid"), args.runs)
    notes = sum(len(p.notes) for p in piece.parts)
    result = {
        "benchmark": "compose_32_bars_3_parts",
        "spec": str(Path(args.spec).relative_to(ROOT)) if Path(args.spec).is_relative_to(ROOT) else args.spec,
        "bars": piece.bars, "parts": len(piece.parts), "notes": notes, "runs": args.runs,
        "compose_warm": summary(total),
        "stages": {"plan": summary(plan_ms), "fill_melody": summary(fill_ms), "arrange": summary(arrange_ms),
                   "voice_leading_search": summary(voice_leading_ms)},
        "midi_bytes": summary(midi_ms),
        "midi_write_file": summary(write_ms),
        "musicxml_bytes": summary(xml_ms),
        "audio_render": summary(audio_ms),
        "goals": {"compose_warm_ms": 60, "midi_ms": 20, "audio_ms": 2000},
        "meets_goals": {"compose": statistics.median(total) <= 60, "midi": statistics.median(midi_ms) <= 20,
                        "audio": statistics.median(audio_ms) <= 2000},
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
