"""Throughput of `partita batch`: items a second with 1 and 2 local workers and with Ray on this machine,
each engine's overhead per item, and the driver's peak memory over a long batch. Prints JSON.

    python benchmarks/bench_batch.py [--items 2000] [--spec examples/minuet_in_g.yaml] [--formats mid]
                                     [--engines local1,local2,ray] [--markdown docs/benchmarks.md]

Each engine runs in a process of its own (`--one ENGINE`), so that its peak resident memory
(`ru_maxrss`, the driver only: the pool's workers and Ray's are other processes) is its own: the batch
is `--items` seeds of one spec, written with `run_batch` into a temporary folder, as `partita batch` does.
- `items_per_second`: items over the wall time of the whole batch (starting the pool or Ray included).
- `overhead_ms_per_item`: the engine's cost beyond composing and writing, per item: wall time times
  workers over items, less the mean time an item takes inside its worker (the manifest's `seconds`).
- `driver_peak_mb`: the driver's peak resident memory; `driver_peak_mb_at_tenth`, the same for a batch of
  a tenth as many items: equal figures mean the driver's memory does not grow with the batch.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sections import markers, write_section  # noqa: E402  (benchmarks/sections.py)

ENGINES = {"local1": ("local", 1), "local2": ("local", 2), "ray": ("ray", 2)}


def one(engine_name: str, items: int, spec: str, formats: str) -> dict:
    """Run one engine's batch in this process and measure it."""
    from composer.batch import Settings, run_batch

    engine, workers = ENGINES[engine_name]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        report = run_batch([spec], tmp, seeds=f"0-{items - 1}", settings=Settings(tuple(formats.split(","))),
                           engine=engine, workers=workers, progress=False)
        wall = time.perf_counter() - start
        lines = [json.loads(line) for line in (Path(tmp) / "manifest.jsonl").read_text().splitlines()]
    inside = sum(line["seconds"] for line in lines) / len(lines)
    return {"engine": engine, "workers": workers, "items": items, "written": report.written,
            "failed": len(report.failed), "seconds": round(wall, 2),
            "items_per_second": round(items / wall, 2),
            "item_seconds_in_worker": round(inside, 4),
            "overhead_ms_per_item": round(1000 * (wall * workers / items - inside), 2),
            "driver_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def measure(engine_name: str, items: int, spec: str, formats: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", engine_name, "--items", str(items), "--spec", spec,
                          "--formats", formats], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--spec", default="examples/minuet_in_g.yaml")
    parser.add_argument("--formats", default="mid")
    parser.add_argument("--engines", default="local1,local2,ray")
    parser.add_argument("--one", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--markdown", help="also write the table into this file's batch section")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.items, args.spec, args.formats)))
        return
    result = {"benchmark": "batch", "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                                               f"{platform.python_version()}",
              "spec": args.spec, "formats": args.formats, "items": args.items, "engines": {}}
    for name in args.engines.split(","):
        full = measure(name, args.items, args.spec, args.formats)
        tenth = measure(name, max(args.items // 10, 1), args.spec, args.formats)
        if "error" not in full and "error" not in tenth:
            full["driver_peak_mb_at_tenth"] = tenth["driver_peak_mb"]
        result["engines"][name] = full
    print(json.dumps(result, indent=2))
    if args.markdown:
        write_section(Path(args.markdown), "bench_batch", section(result))


def section(result: dict) -> str:
    start, end = markers("bench_batch")
    rows = ["| engine | workers | items/s | overhead per item | driver peak (all items) | driver peak (a tenth) |",
            "|---|---|---|---|---|---|"]
    for name, r in result["engines"].items():
        if "error" in r:
            rows.append(f"| {name} | | {r['error']} | | | |")
            continue
        rows.append(f"| {r['engine']} | {r['workers']} | {r['items_per_second']} | {r['overhead_ms_per_item']} ms | "
                    f"{r['driver_peak_mb']} MB | {r.get('driver_peak_mb_at_tenth', 'n/a')} MB |")
    return "\n".join([
        start, "", "## Batch: items a second, per engine", "",
        f"Measured {time.strftime('%Y-%m-%d')} on {result['machine']}: {result['items']} seeds of "
        f"`{result['spec']}`, formats `{result['formats']}`. Reproduce with `python benchmarks/bench_batch.py "
        f"--items {result['items']} --markdown docs/benchmarks.md` (Ray: `pip install \".[ray]\"`). The overhead "
        f"is the engine's cost beyond composing and writing an item; the driver's peak memory, for the whole "
        f"batch and for a tenth of it, shows whether it grows with the batch. Definitions: the docstring of "
        f"`benchmarks/bench_batch.py`.", "", *rows, "", end, ""])


if __name__ == "__main__":
    main()
