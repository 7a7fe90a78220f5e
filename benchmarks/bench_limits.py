"""Time and peak memory of each command at partita's limits, every command a real process. Prints JSON.

    python benchmarks/bench_limits.py [--quick]

The limits (composer/score/limits.py, composer/formats/reading.py): 1024 bars, 200,000 notes, 15 parts
that are not percussion and 4096 bars of such parts in all, the 60 s time budget (process time, composing
and writing); files are read as far as partita composes (1024 bars, 200,000 notes, 64 parts). Each row:
the command, its exit code (2 where it meets a limit and says so; `check` exits 1 where it finds errors
in the music), its wall time and its peak resident memory (the process alone, from wait4). `--quick`
runs the same commands on a quarter of the bars, to see that the bench runs.

What it shows: whether the largest specs that validate compose and write within the budget, and
whether partita reads back, evaluates and checks what it wrote.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENTS = ["flute", "cello", "piano", "oboe", "violin", "clarinet", "trumpet", "viola", "alto_sax", "harp",
               "organ", "guitar", "horn", "soprano_sax", "marimba"]


def spec_text(bars: int, parts: int, notes_per_bar: tuple[int, int] | None = None) -> str:
    sections = "".join(f"  - {{name: s{i}, bars: {min(256, bars - 256 * i)}}}\n" for i in range((bars + 255) // 256))
    roles = ["melody"] + ["bass"] + ["chords"] * max(0, parts - 2)
    lines = "".join(f"  - {{role: {roles[i] if i < 3 else 'melody'}, instrument: {INSTRUMENTS[i]}}}\n"
                    for i in range(parts))
    constraints = f"constraints:\n  notes_per_bar: [{notes_per_bar[0]}, {notes_per_bar[1]}]\n" if notes_per_bar else ""
    return (f"title: At the limits\nkey: C major\nmeter: 4/4\ntempo: 120\nsections:\n{sections}parts:\n{lines}"
            + constraints)


def run(argv: list[str], cwd: Path) -> dict:
    """One `partita` command: exit code, wall seconds, peak resident MB of that process alone."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "composer", *argv], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    row = {"command": "partita " + " ".join(Path(a).name if "/" in a else a for a in argv),
           "exit": proc.returncode, "seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1),
           "error": (err[-1][:200] if err else None) if proc.returncode else None}
    print(json.dumps(row), file=sys.stderr, flush=True)       # progress: a row takes up to minutes
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a quarter of the bars")
    args = ap.parse_args()
    bars = 256 if args.quick else 1024
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        # The largest specs that validate (1024 bars x 4 parts, 256 x 15: 4096 bars of parts), and one over.
        specs = {"longest": spec_text(bars, 4), "widest": spec_text(bars // 4, 15),
                 "densest": spec_text(bars // 4, 3, (16, 16)), "over_the_limit": spec_text(bars, 15)}
        for name, text in specs.items():
            (d / f"{name}.yaml").write_text(text, encoding="utf-8")
        for name in specs:
            rows.append({"spec": name, **run(["compose", str(d / f"{name}.yaml"), "-o", str(d / name),
                                               "--formats", "mid,musicxml,piece"], d)})
        for name in specs:
            out = d / name
            if not (out / f"{name}.mid").exists():
                continue
            for argv in (["evaluate", str(out / f"{name}.mid")], ["evaluate", str(out / f"{name}.musicxml")],
                         ["check", str(out / f"{name}.musicxml"), "--key", "C major"],
                         ["render", str(out / f"{name}.piece.json"), "-o", str(d / f"{name}_again"),
                          "--formats", "mid,musicxml,svg,wav"]):
                rows.append({"spec": name, **run(argv, d)})
    print(json.dumps({"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                      "bars": bars, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
