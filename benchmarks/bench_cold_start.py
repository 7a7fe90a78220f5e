"""Cold start: a fresh process that composes one example to MIDI only, against a fresh process that only
imports music21, measured in turns in one run so that the machine's load falls on both alike. Prints JSON.

    python benchmarks/bench_cold_start.py [--rounds 7] [--spec examples/minuet_in_g.yaml]

Each process runs with its bytecode caches written (as after `pip install`, which compiles them); one
warm-up run of each comes first. Goal (issue 19): the cold MIDI-only compose at or under 1.0x a bare
`import music21`. `modules` lists the heaviest imports of the compose process (`python -X importtime`).
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
GOAL_RATIO = 1.0


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _timed(cmd: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=_env(), check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def heaviest_imports(cmd: list[str], cwd: str, count: int = 8) -> list[dict]:
    """The packages (each at its first import, with what it imports) the compose process spends the most
    import time in: partita's own (composer, theory, grammars, corpora) and the libraries they load."""
    done = subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=300)
    totals: dict[str, int] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].strip()
            if "." not in name and not name.startswith("_"):
                totals[name] = max(totals.get(name, 0), int(parts[1]))
    top = sorted(totals.items(), key=lambda kv: -kv[1])[:count]
    return [{"module": name, "ms": round(us / 1000, 1)} for name, us in top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--spec", default=str(ROOT / "examples" / "minuet_in_g.yaml"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bare = [sys.executable, "-c", "import music21"]
        compose = [sys.executable, "-m", "composer", "compose", str(Path(args.spec).resolve()), "-o", tmp,
                   "--formats", "mid", "--force"]
        _timed(bare, tmp)
        _timed(compose, tmp)                 # warm-up: bytecode caches, the OS's file cache
        times: dict[str, list[float]] = {"import_music21": [], "compose_midi": []}
        for r in range(args.rounds):
            order = [("import_music21", bare), ("compose_midi", compose)]
            for name, cmd in (order if r % 2 == 0 else order[::-1]):
                times[name].append(_timed(cmd, tmp))
        modules = heaviest_imports(compose, tmp)
    bare_s, compose_s = statistics.median(times["import_music21"]), statistics.median(times["compose_midi"])
    ratio = compose_s / bare_s
    print(json.dumps({
        "benchmark": "cold_start", "spec": str(Path(args.spec).resolve().relative_to(ROOT))
        if Path(args.spec).resolve().is_relative_to(ROOT) else args.spec,
        "rounds": args.rounds, "import_music21_s": round(bare_s, 3), "compose_midi_s": round(compose_s, 3),
        "ratio": round(ratio, 3), "goal_ratio": GOAL_RATIO, "meets_goal": ratio <= GOAL_RATIO,
        "music21_imported": any(m["module"] == "music21" for m in modules), "heaviest_imports": modules,
    }, indent=2))


if __name__ == "__main__":
    main()
