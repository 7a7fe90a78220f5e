"""The project's benchmark table: the rules, n-gram and neural fillers on the same 50 specs.

    python benchmarks/bench_table.py [--specs 50] [--markdown docs/benchmarks.md]

The specs are the plans of 50 held-out (test split) tunes of O'Neill's and Ryan's: each tune's
key, mode, meter, length and range, binary form (see bench_quality.tune_spec). Each filler runs in
its own process (so its peak memory is its own) and composes every spec once to warm up, then
again timed. For every piece: the metrics of `composer.evaluate` (constraint satisfaction from
the plan the piece carries), and its longest run copied from the training corpora. Against the
held-out tunes: the overlapping area of the intra-set and inter-set distance densities per
feature (Yang & Lerch 2018), and the overlap of the mean pitch-class, interval and duration
histograms. Speed: warm compose (median ms per piece), notes per second over the whole run, the
cold `partita compose` of the minuet (seconds, best of 3), and peak resident memory (MB).
Prints JSON, then the Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sections import kept_sections  # noqa: E402  (benchmarks/sections.py)

FILLERS = ("rules", "ngram", "neural")


def child(filler: str, specs_path: str) -> dict:
    import numpy as np

    from composer import compose
    from composer.evaluate import evaluate_piece
    from composer.models.corpus_index import load_index

    specs = json.loads(Path(specs_path).read_text())
    start = time.perf_counter()
    compose(specs[0], filler=filler)                        # models loaded, n-gram fitted, index read
    setup = time.perf_counter() - start
    index = load_index()
    times, notes, results = [], 0, []
    for spec in specs:
        t0 = time.perf_counter()
        piece = compose(spec, filler=filler)
        times.append(time.perf_counter() - t0)
        notes += sum(len(p.notes) for p in piece.parts)
        r = evaluate_piece(piece, spec["title"], index)
        r["resampled_slots"] = piece.settings.get("resampled_slots", 0)
        results.append(r)
    peak_mb = peak_memory_mb()
    return {"filler": filler, "setup_s": round(setup, 2), "warm_ms_median": round(1000 * statistics.median(times), 1),
            "warm_ms_mean": round(1000 * float(np.mean(times)), 1), "notes": notes,
            "notes_per_s": round(notes / sum(times)), "peak_mb": round(peak_mb, 1), "results": results}


def peak_memory_mb() -> float:
    """This process's peak resident memory: VmHWM on Linux (ru_maxrss can carry the parent's peak
    across fork and exec), ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cold_cli(filler: str) -> float:
    best = float("inf")
    with tempfile.TemporaryDirectory() as out:
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "composer", "compose", str(ROOT / "examples" / "minuet_in_g.yaml"),
                            "-o", out, "--force", "--filler", filler], check=True, capture_output=True, cwd=ROOT)
            best = min(best, time.perf_counter() - t0)
    return round(best, 2)


def summary(run: dict, ref_features: dict) -> dict:
    import numpy as np

    from composer.analysis.similarity import compare_sets
    from composer.evaluate import aggregate, features_of

    results = run["results"]
    metrics = [r["metrics"] for r in results]
    agg = aggregate(results)
    gen = features_of(metrics)
    compared = compare_sets(gen, ref_features)
    checks = sum(m["constraints"]["checks"] for m in metrics)
    bad = sum(m["constraints"]["violations"] for m in metrics)
    runs = [r["originality"]["longest_copied_run"] for r in results]
    hist_overlap = {}
    for key in ("pitch_class_histogram", "interval_histogram", "duration_histogram"):
        g, r = np.mean(gen[key], axis=0), np.mean(ref_features[key], axis=0)
        hist_overlap[key] = round(float(np.minimum(g, r).sum()), 4)
    overlaps = [f["overlap"] for f in compared.values() if f.get("overlap") is not None]
    return {
        "pieces": len(results),
        "quality": {"mean_overlap_yang_lerch": round(float(np.mean(overlaps)), 4),
                    "overlap_by_feature": {k: f["overlap"] for k, f in compared.items()},
                    "mean_histogram_overlap": hist_overlap,
                    "strong_beat_chord_tone_ratio": agg.get("strong_beat_chord_tone_ratio", {}).get("mean"),
                    "key_match_rate": agg.get("key_match_rate", {}).get("mean"),
                    "form_accuracy": agg.get("form_accuracy", {}).get("mean"),
                    "pitch_class_entropy": agg.get("pitch_class_entropy", {}).get("mean")},
        "constraints": {"checks": checks, "violations": bad, "rate": round(1 - bad / max(checks, 1), 6)},
        "originality": {"longest_copied_run_mean": round(float(np.mean(runs)), 2),
                        "longest_copied_run_max": int(max(runs)),
                        "share_at_least_12": round(float(np.mean([r >= 12 for r in runs])), 3),
                        "slots_redrawn": int(sum(r["resampled_slots"] for r in results))},
        "speed": {"warm_compose_ms_median": run["warm_ms_median"], "notes_per_s": run["notes_per_s"],
                  "setup_s": run["setup_s"], "cold_cli_s": run["cold_cli_s"], "peak_memory_mb": run["peak_mb"]},
    }


NOTES = """Definitions: [evaluation.md](evaluation.md). Quality is measured on each piece's melody against
the held-out tunes' melodies. Constraint satisfaction counts every hard constraint on every melody
note, as `partita evaluate` checks it. The copied run is the longest run of notes (intervals and
durations) shared with a tune of the training corpora. Warm compose and notes per second cover
the whole of `compose` (plan, fill, arrange) for these 8-32-bar one-part pieces, after one warm-up
piece. The n-gram filler's first use fits its models in the process (its setup time).
"""


def markdown(table: dict) -> str:
    rows = [
        ("Yang & Lerch overlap, mean of 12 features (higher is closer)", lambda s: s["quality"]["mean_overlap_yang_lerch"]),
        ("pitch-class histogram overlap", lambda s: s["quality"]["mean_histogram_overlap"]["pitch_class_histogram"]),
        ("interval histogram overlap", lambda s: s["quality"]["mean_histogram_overlap"]["interval_histogram"]),
        ("duration histogram overlap", lambda s: s["quality"]["mean_histogram_overlap"]["duration_histogram"]),
        ("strong-beat chord-tone ratio", lambda s: s["quality"]["strong_beat_chord_tone_ratio"]),
        ("key found = spec key (music21)", lambda s: s["quality"]["key_match_rate"]),
        ("form accuracy", lambda s: s["quality"]["form_accuracy"]),
        ("constraint satisfaction", lambda s: f"{s['constraints']['rate']:.2%} of {s['constraints']['checks']}"),
        ("longest copied run, mean / max (notes)",
         lambda s: f"{s['originality']['longest_copied_run_mean']} / {s['originality']['longest_copied_run_max']}"),
        ("pieces with a copied run >= 12 notes", lambda s: f"{s['originality']['share_at_least_12']:.0%}"),
        ("slots redrawn by the guard", lambda s: s["originality"]["slots_redrawn"]),
        ("warm compose, median (ms)", lambda s: s["speed"]["warm_compose_ms_median"]),
        ("notes per second", lambda s: s["speed"]["notes_per_s"]),
        ("cold `partita compose` (s)", lambda s: s["speed"]["cold_cli_s"]),
        ("first-use setup in the process (s)", lambda s: s["speed"]["setup_s"]),
        ("peak memory (MB)", lambda s: s["speed"]["peak_memory_mb"]),
    ]
    head = f"| measure | {' | '.join(FILLERS)} |\n|---|{'---|' * len(FILLERS)}\n"
    body = "".join(f"| {name} | {' | '.join(str(get(table['fillers'][f])) for f in FILLERS)} |\n" for name, get in rows)
    return (f"# Benchmark table\n\nMeasured {table['date']} on {table['machine']}; {table['specs']} specs from "
            f"held-out tunes of {table['reference']}. Reproduce with "
            f"`python benchmarks/bench_table.py --markdown docs/benchmarks.md`, which also writes the full JSON "
            f"([benchmarks.json](benchmarks.json)).\n\n"
            + head + body + "\n" + NOTES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=50)
    parser.add_argument("--corpus", default="oneills1850,ryansMammoth")
    parser.add_argument("--markdown", help="also write the Markdown table to this file (and the JSON beside it, "
                                           "with the extension .json)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--specs-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.specs_file)))
        return
    from bench_quality import tune_spec

    from composer.analysis.metrics import line_from_tune
    from composer.evaluate import features_of, line_metrics
    from corpora import load_corpora

    corpus = load_corpora([n for n in args.corpus.split(",") if n], progress=True)
    test = corpus.tunes("test")
    specs = [tune_spec(t, i) for i, t in enumerate(test[:args.specs])]
    ref = features_of([line_metrics(line_from_tune(t)) for t in test])
    table = {"benchmark": "fillers", "date": date.today().isoformat(),
             "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
             "specs": len(specs), "reference": f"{corpus.name}:test ({len(test)} tunes)", "fillers": {}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(specs, fh)
    for filler in FILLERS:
        out = subprocess.run([sys.executable, __file__, "--child", filler, "--specs-file", fh.name],
                             check=True, capture_output=True, text=True, cwd=ROOT)
        run = json.loads(out.stdout.strip().splitlines()[-1])
        run["cold_cli_s"] = cold_cli(filler)
        table["fillers"][filler] = summary(run, ref)
        print(f"{filler}: done", file=sys.stderr, flush=True)
    os.unlink(fh.name)
    print(json.dumps(table, indent=2))
    md = markdown(table)
    print(md)
    if args.markdown:
        path = Path(args.markdown)
        # the sections other benchmarks write (bench_realism, bench_check: --markdown) stay
        kept = kept_sections(path.read_text(encoding="utf-8")) if path.exists() else ""
        path.write_text(md + kept, encoding="utf-8")
        Path(args.markdown).with_suffix(".json").write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
