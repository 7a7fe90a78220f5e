"""Traditions as a practitioner hears them, across seeds: for every example in a modal tradition and for
a set of specs of our own (the modes of the issue-18 audit), composed with seeds 0-9, the measures of
`composer.analysis.tradition`. Prints JSON.

    python benchmarks/bench_traditions.py [--seeds 10] [--only raga_yaman_teentaal,...] [--markdown docs/benchmarks.md]

For each spec: the mean and largest duration share of every degree of the home mode; how many pieces
have the mode's first leaning note (vadi, jiva, ghammaz, güçlü, gong tone) above every plain degree;
the largest share of the final; for each characteristic phrase, how many pieces state it; and the share
of section endings whose cadence note lands on the cycle's cadential beat (sam; the gong in gamelan); in a
Carnatic tala with an arudi, the share of phrases whose first half rests there (`fill.arudi`); in a makam,
the share of sections before the last that make their half close (asma karar) on the güçlü.

Goals (issue 18), per spec: the leaning note above every plain degree in every piece; the final (Sa)
at most 30 % of any piece of a drone tradition; each characteristic phrase in at least half the pieces
of 16 bars or more; at least 80 % of section endings on the cycle's cadential beat (a piece in a cycle;
the downbeat is reported for the others, not judged); every tone of a gamelan
pathet sounding, none above 40 %; at least 80 % of a Carnatic piece's phrases resting on the arudi and of
a makam's inner sections closing on the güçlü.
`passes` says, per spec, which goals hold.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sections import markers, write_section  # noqa: E402  (benchmarks/sections.py)

from composer import compose  # noqa: E402
from composer.analysis.tradition import tradition_measures  # noqa: E402

FINAL_CAP = 0.30            # the final's largest share in a drone tradition (Sa at most 30 %)
PHRASE_PRESENCE = 0.5       # each characteristic phrase in at least half the pieces ...
PHRASE_MIN_BARS = 16        # ... of this many bars or more
CADENTIAL_RATE = 0.8        # section endings on the cycle's cadential beat
GAMELAN_CAP = 0.40          # no gamelan tone above this share
ARUDI_RATE = 0.8            # phrases of a Carnatic tala with an arudi that rest there (a karvai on a rest note)
DRONE_PACKS = ("hindustani", "carnatic")

def cycle_spec(title: str, pack: str, mode: str, tonic: str, cycle: str, tempo: int, sections: tuple[str, str],
               cycles: int, instrument: str, melody: str, drone: str | None = None) -> dict:
    """A spec of two sections in a cycle: a melody, a drone where the tradition has one, and percussion."""
    parts = [{"role": "melody", "instrument": instrument, "range": melody}]
    parts += [{"role": "drone", "range": drone}] if drone else []
    return {"title": title, "scale": {"pack": pack, "mode": mode, "tonic": tonic}, "cycle": cycle, "tempo": tempo,
            "sections": [{"name": name, "cycles": cycles} for name in sections],
            "parts": parts + [{"role": "percussion"}]}


# Specs of our own: the modes the issue-18 audit found wanting, each in its own cycle.
OWN_SPECS = {
    "bhairav_teentaal": cycle_spec("Bhairav", "hindustani", "bhairav", "C#4", "teentaal", 80, ("sthayi", "antara"),
                                   8, "sitar", "G#3-C#6", "C#3-C#4"),
    "darbari_jhaptaal": cycle_spec("Darbari", "hindustani", "darbari", "C4", "jhaptaal", 60, ("sthayi", "antara"),
                                   8, "sitar", "F3-C6", "C3-C4"),
    "kalyani_adi": cycle_spec("Kalyani", "carnatic", "kalyani", "D4", "adi", 90, ("pallavi", "anupallavi"),
                              8, "violin", "A3-D6", "D3-D4"),
    "bayati_maqsum": cycle_spec("Bayati", "arabic", "bayati", "D4", "maqsum", 100, ("A", "B"), 8, "violin", "A3-D6"),
    "shur": {"title": "Shur", "scale": {"pack": "persian", "mode": "shur", "tonic": "G4"}, "meter": "6/8",
             "tempo": 80, "sections": [{"name": "daramad", "bars": 8}, {"name": "gushe", "bars": 8}],
             "parts": [{"role": "melody", "instrument": "violin", "range": "D4-G6"}]},
    "slendro_manyura_ladrang": cycle_spec("Manyura", "gamelan", "slendro_manyura", "D", "ladrang", 100,
                                          ("ompak", "ngelik"), 4, "marimba", "C4-D6"),
    "pelog_barang_lancaran": cycle_spec("Barang", "gamelan", "pelog_barang", "D", "lancaran", 120,
                                        ("ompak", "ngelik"), 4, "marimba", "C4-D6"),
}


def specs() -> dict[str, object]:
    """Every example in a modal tradition (by its scale pack), then the specs of our own."""
    import yaml

    out: dict[str, object] = {}
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        pack = (doc.get("scale") or {}).get("pack", "western") if isinstance(doc.get("scale"), dict) else "western"
        if pack != "western":
            out[path.stem] = path
    out.update(OWN_SPECS)
    return out


def measure(name: str, spec, seeds: int) -> dict:
    pieces = []
    for seed in range(seeds):
        piece = compose(spec if isinstance(spec, Path) else dict(spec), seed=seed)
        m = tradition_measures(piece)
        if m is None:
            return {"spec": name, "skipped": "not a modal tradition"}
        m["bars"] = piece.bars
        pieces.append(m)
    first = pieces[0]
    n = len(pieces)
    degrees = []
    for i, d in enumerate(first["degree_shares"]):
        values = [p["degree_shares"][i]["share"] for p in pieces]
        degrees.append({"degree": d["degree"], "role": d["role"], "mean": round(sum(values) / n, 4),
                        "max": round(max(values), 4), "min": round(min(values), 4)})
    finals = [p["hierarchy"]["final_share"] for p in pieces if p["hierarchy"]["final_share"] is not None]
    holds = [p["hierarchy"]["holds"] for p in pieces if p["hierarchy"]["holds"] is not None]
    phrases = {k: sum(1 for p in pieces if p["phrases"][k] > 0) for k in first["phrases"]}
    endings = [e["on_cadential_beat"] for p in pieces for e in p["section_endings"]]
    long_enough = first["bars"] >= PHRASE_MIN_BARS
    arudi = [p["arudi"] for p in pieces if p.get("arudi") and p["arudi"]["phrases"]]
    arudi_rate = sum(a["landed"] for a in arudi) / sum(a["phrases"] for a in arudi) if arudi else None
    halves = [p["half_close"] for p in pieces if p.get("half_close") and p["half_close"]["sections"]]
    half_rate = sum(h["landed"] for h in halves) / sum(h["sections"] for h in halves) if halves else None
    passes = {
        "leaning_note_leads": (sum(holds) == len(holds)) if holds else None,
        "final_at_most_30": (max(finals) <= FINAL_CAP) if finals and first["pack"] in DRONE_PACKS else None,
        "phrases_in_half": (all(v >= PHRASE_PRESENCE * n for v in phrases.values()) if phrases else None)
        if long_enough else None,
        "cadential_endings": (sum(endings) / len(endings) >= CADENTIAL_RATE) if endings and first["cycle"] else None,
        "arudi": arudi_rate >= ARUDI_RATE if arudi_rate is not None else None,
        "half_close": half_rate >= CADENTIAL_RATE if half_rate is not None else None,
    }
    if first["pack"] == "gamelan":
        passes["gamelan_tones"] = all(d["min"] > 0 and d["max"] <= GAMELAN_CAP for d in degrees)
    return {"spec": name, "pack": first["pack"], "mode": first["mode"], "cycle": first["cycle"],
            "bars": first["bars"], "seeds": n, "degrees": degrees,
            "leaning_note": pieces[0]["hierarchy"]["leading_note"],
            "leaning_note_leads_in": f"{sum(holds)}/{len(holds)}" if holds else None,
            "final_max_share": round(max(finals), 4) if finals else None,
            "phrase_presence": {k: f"{v}/{n}" for k, v in phrases.items()},
            "cadential_ending_rate": round(sum(endings) / len(endings), 4) if endings else None,
            "arudi_rate": round(arudi_rate, 4) if arudi_rate is not None else None,
            "half_close_rate": round(half_rate, 4) if half_rate is not None else None,
            "passes": passes}


def markdown(results: list[dict]) -> str:
    lines = ["| spec | mode | leaning note leads | final max | phrases (pieces) | cadential endings | arudi | half close "
             "| goals |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        if "skipped" in r:
            continue
        phrases = ", ".join(f"{k} {v}" for k, v in r["phrase_presence"].items()) or "-"
        goals = "all met" if all(v is not False for v in r["passes"].values()) else \
            "missed: " + ", ".join(k for k, v in r["passes"].items() if v is False)
        final = f"{r['final_max_share']:.2f}" if r["final_max_share"] is not None else "-"
        leads = f"{r['leaning_note']} {r['leaning_note_leads_in']}" if r["leaning_note"] else "- (no leaning note)"
        lines.append(f"| {r['spec']} | {r['pack']} {r['mode']} | {leads} | "
                     f"{final} | {phrases} | {r['cadential_ending_rate']} | {_or_dash(r['arudi_rate'])} | "
                     f"{_or_dash(r['half_close_rate'])} | {goals} |")
    return "\n".join(lines)


def _or_dash(value) -> str:
    return "-" if value is None else str(value)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--only", default="", help="comma-separated spec names")
    ap.add_argument("--markdown", help="also write the results, dated, into this file's bench_traditions section "
                                       "(docs/benchmarks.md)")
    args = ap.parse_args(argv)
    chosen = {k: v for k, v in specs().items() if not args.only or k in args.only.split(",")}
    results = [measure(name, spec, args.seeds) for name, spec in chosen.items()]
    print(json.dumps({"benchmark": "traditions", "seeds": args.seeds, "results": results}, indent=1,
                     ensure_ascii=False))
    if args.markdown:
        start, end = markers("bench_traditions")
        text = "\n".join([
            start, "", "## Traditions: does a practitioner hear the mode?", "",
            f"Measured {time.strftime('%Y-%m-%d')}, seeds 0-{args.seeds - 1}, the default (neural) filler, which "
            f"leaves every tradition it has not learned to the rules filler and the packs' data. Reproduce with "
            f"`python benchmarks/bench_traditions.py --markdown docs/benchmarks.md`. Definitions: the docstring of "
            f"`benchmarks/bench_traditions.py` and docs/evaluation.md (Traditions). A mode whose emphasis has no note "
            f"weighted 1.5 or more (flamenco's, whose only marked note is the b2 it cadences from) has no leaning "
            f"note to judge; a piece without a cycle is not judged on sam.", "", markdown(results), "", end, ""])
        write_section(Path(args.markdown), "bench_traditions", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
