"""The texture under the melody as a harmony teacher marks it, per chord style and filler. Prints JSON.

    python benchmarks/bench_voice_leading.py [--seeds N] [--compare REV]

For every chord style (its examples, and a spec of its own where it has no example) and both fillers,
over seeds 0..N-1, it composes the piece, reads it back with `partita check`'s analysis and counts:
- parallel fifths and octaves (and unisons) per 100 bars, between any two parts other than two tunes;
  those a style's data relaxes (planing in jazz voicings, power-chord fifths in pop) are counted apart;
- voice crossings per 100 bars;
- the share of melody notes with an accompaniment or bass note sounding above them;
- the share of melody notes a semitone from another part's note that are not non-chord tones resolving
  by step (clashes, false relations);
- the share of melody notes of each type against their chord (chord tone, passing, neighbour, ...).
Goal (issue 15): 0 parallels, 0 crossings, 0 % covered.

`--compare REV` measures the same at another commit (a temporary git worktree, with this tree's
measuring modules copied in) and prints both.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from composer import compose, load_spec  # noqa: E402
from composer.analysis.check import analyse_score  # noqa: E402
from composer.analysis.texture import allowed_by_style, texture_report  # noqa: E402
from composer.formats.musicxml import to_music21  # noqa: E402

PARALLELS = {"parallel-fifths", "parallel-octaves"}
OWN_SPECS = {   # styles without an example of their own
    "flamenco": {"scale": {"pack": "flamenco", "mode": "phrygian_dominant", "tonic": "A"}, "meter": "3/4",
                 "form": "binary"},
    "klezmer": {"scale": {"pack": "klezmer", "mode": "freygish", "tonic": "G"}, "meter": "4/4", "form": "ternary"},
    "classical": {"key": "C minor", "meter": "2/4", "form": "rounded_binary"},
}
MEASURING = ["benchmarks/bench_voice_leading.py", "composer/analysis/texture.py", "theory/nonchord.py"]


def specs_by_style() -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        spec = load_spec(path)
        if spec.harmony == "functional":
            out[spec.style].append(str(path))
    for style, spec in OWN_SPECS.items():
        out[style].append({"title": f"{style} benchmark", "style": style, **spec})
    return dict(sorted(out.items()))


def measure(seeds: int) -> dict:
    out = {}
    for style, specs in specs_by_style().items():
        for filler in ("rules", "neural"):
            bars = parallels = relaxed = crossings = notes = covered = clashes = 0
            types: Counter = Counter()
            for spec in specs:
                for seed in range(seeds):
                    piece = compose(spec, seed=seed, filler=filler)
                    key = str(piece.key) if piece.key.pack == "western" else None
                    tunes = {p.name for p in piece.parts if p.role == "melody"}
                    bars += piece.bars
                    for f in analyse_score(to_music21(piece), key=key).findings:
                        if set(f.voices) <= tunes:
                            continue
                        if f.rule in PARALLELS:
                            if allowed_by_style(piece, f):
                                relaxed += 1
                            else:
                                parallels += 1
                        crossings += f.rule == "voice-crossing"
                    report = texture_report(piece)
                    notes += report.melody_notes
                    covered += report.covered
                    clashes += report.clashes
                    types += report.types
            per100 = 100.0 / max(bars, 1)
            out[f"{style}/{filler}"] = {
                "pieces": len(specs) * seeds, "bars": bars,
                "parallels_per_100_bars": round(parallels * per100, 2),
                "relaxed_parallels_per_100_bars": round(relaxed * per100, 2),
                "crossings_per_100_bars": round(crossings * per100, 2),
                "melody_notes": notes,
                "covered_pct": round(100.0 * covered / max(notes, 1), 2),
                "clash_pct": round(100.0 * clashes / max(notes, 1), 2),
                "types_pct": {k: round(100.0 * v / max(notes, 1), 1) for k, v in types.most_common()},
            }
    totals = {k: round(sum(v[k] * v["bars"] for v in out.values()) / max(sum(v["bars"] for v in out.values()), 1), 2)
              for k in ("parallels_per_100_bars", "crossings_per_100_bars")}
    totals["covered_pct"] = round(sum(v["covered_pct"] * v["melody_notes"] for v in out.values())
                                  / max(sum(v["melody_notes"] for v in out.values()), 1), 2)
    return {"by_style_and_filler": out, "overall": totals,
            "goal": {"parallels_per_100_bars": 0, "crossings_per_100_bars": 0, "covered_pct": 0},
            "meets_goal": totals == {"parallels_per_100_bars": 0, "crossings_per_100_bars": 0, "covered_pct": 0}}


def compare(rev: str, seeds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), rev], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            for rel in MEASURING:
                shutil.copy(ROOT / rel, base / rel)
            done = subprocess.run([sys.executable, str(base / MEASURING[0]), "--seeds", str(seeds)], cwd=base,
                                  env={**os.environ, "PYTHONPATH": str(base)}, capture_output=True, text=True,
                                  timeout=3600)
            if done.returncode != 0:
                raise SystemExit(f"the measurement failed at {rev}: {done.stderr[-800:]}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--compare", metavar="REV", help="also measure at this commit")
    args = parser.parse_args()
    result = {"benchmark": "voice_leading", "seeds": args.seeds, **measure(args.seeds)}
    if args.compare:
        result = {"this": result, args.compare: compare(args.compare, args.seeds)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
