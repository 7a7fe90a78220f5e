"""How fast partita refuses a bad input: every case of tests/bad_inputs/cases.yaml that the CLI reads,
run in-process (`composer.cli.main`), and a few as real processes (`python -m composer`, the
interpreter's start included). Prints JSON.

    python benchmarks/bench_bad_inputs.py [--processes N]

Goal: every bad input refused in under 2 s in-process (a YAML billion laughs among them), and in
under 2 s as a process. The tests check
what happens (exit code, one error line per problem, nothing written); the time lives here, so that a
busy machine fails no test.
"""
from __future__ import annotations

import argparse
import contextlib
import io
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
sys.path.insert(0, str(ROOT / "tests"))

from test_bad_inputs import CLI_CASES, SUBPROCESS_CASES, argv_of, case_id, prepare  # noqa: E402
from test_datafile_schema import billion_laughs  # noqa: E402

from composer.cli.main import main  # noqa: E402
from theory.datafile import load_yaml  # noqa: E402
from theory.errors import DataFileError  # noqa: E402

GOAL_S = 2.0


def in_process(case: dict) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        places = prepare(case, Path(tmp))
        here = os.getcwd()
        os.chdir(tmp)
        start = time.perf_counter()
        try:
            with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
                main(argv_of(case, places))
        except SystemExit:
            pass
        finally:
            elapsed = time.perf_counter() - start
            os.chdir(here)
    return elapsed


def as_process(case: dict) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        places = prepare(case, Path(tmp))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "composer", *argv_of(case, places)], cwd=tmp, env=env,
                       capture_output=True, timeout=120)
        return time.perf_counter() - start


def refuse_billion_laughs() -> float:
    """Seconds to refuse a YAML document of nested aliases (9**9 strings once expanded)."""
    bomb = billion_laughs()
    start = time.perf_counter()
    try:
        load_yaml(bomb, "bomb.yaml")
    except DataFileError:
        pass
    return time.perf_counter() - start


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=len(SUBPROCESS_CASES),
                        help="how many of the real-process cases to run")
    args = parser.parse_args()
    inside = {case_id(c): in_process(c) for c in CLI_CASES}
    procs = {case_id(c): as_process(c) for c in SUBPROCESS_CASES[:args.processes]}
    inside["billion_laughs_yaml"] = refuse_billion_laughs()
    slowest = max(inside, key=inside.get)
    result = {
        "benchmark": "bad_inputs",
        "in_process": {"cases": len(inside), "median_s": round(statistics.median(inside.values()), 4),
                       "max_s": round(inside[slowest], 4), "slowest": slowest},
        "as_process": {"cases": len(procs), "median_s": round(statistics.median(procs.values()), 3),
                       "max_s": round(max(procs.values()), 3), "slowest": max(procs, key=procs.get)},
        "goal_s": GOAL_S,
        "meets_goal": max(inside.values()) < GOAL_S and max(procs.values()) < GOAL_S,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main_()
