"""Golden hashes: the sha256 of what partita writes, to prove that a change of structure changes no note.

    python tools/golden.py specs     # write tests/golden/specs.yaml (the generated specs; run once)
    python tools/golden.py hashes    # write tests/golden/hashes.json (every case's files, hashed)

A case is a spec (every example, and each generated spec) with a seed (0-2) and a filler; its files are
the MIDI, the MusicXML and the piece file that `Piece.write` and `Piece.save` write, and the
text of `Piece.explain` (the plan, with what the fill noted in it). `tests/test_golden.py`
composes every case again and compares. The hashes change only when the music changes on purpose: then run
`hashes` again and say why in the commit.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SPECS_FILE = GOLDEN / "specs.yaml"
HASHES_FILE = GOLDEN / "hashes.json"
SEEDS = (0, 1, 2)
FORMATS = ("mid", "musicxml", "piece.json")

# The generated specs: each row picks a key or mode, a meter or cycle, a form or sections, a style and the
# parts; the features the fill and arrange stages branch on (repeats, variations, charts, lyrics, fitted
# durations with cues, heterophony, two melody parts, both fillers) are each used at least once.
WESTERN = [
    ("C major", "4/4", "period", "classical", None),
    ("A minor", "3/4", "sentence", "classical", None),
    ("Bb major", "6/8", "binary", "pop", None),
    ("E minor", "2/4", "rounded_binary", "classical", None),
    ("D dorian", "4/4", "ternary", "modal", None),
    ("G major", "3/4", "rondo", "classical", "waltz"),
    ("F# minor", "7/8", "period", "classical", None),
    ("Eb major", "5/8", "aaba", "jazz", "block"),
    ("C major", "12/8", "verse_chorus", "pop", "arpeggio"),
    ("A major", "4/4", "twelve_bar_blues", "blues", "stride"),
    ("D minor", "3/8", "sentence", "classical", "groups"),
    ("F lydian", "4/4", "period", "modal", "sustained"),
]
TRADITIONS = [
    ({"pack": "arabic", "mode": "bayati", "tonic": "D4"}, "maqsum"),
    ({"pack": "arabic", "mode": "saba", "tonic": "D4", "tuning": "egyptian"}, "samai_thaqil"),
    ({"pack": "turkish", "mode": "ussak", "tonic": "A3"}, "aksak"),
    ({"pack": "hindustani", "mode": "bhairav", "tonic": "C4"}, "jhaptaal"),
    ({"pack": "carnatic", "mode": "hindolam", "tonic": "D4"}, "misra_chapu"),
    ({"pack": "gamelan", "mode": "pelog_barang", "tonic": "D4"}, "ketawang"),
    ({"pack": "persian", "mode": "shur", "tonic": "E4"}, None),
    ({"pack": "japanese", "mode": "hirajoshi", "tonic": "E4"}, None),
    ({"pack": "chinese", "mode": "yu", "tonic": "A4"}, None),
    ({"pack": "klezmer", "mode": "mi_sheberach", "tonic": "D4"}, None),
]


def generated_specs() -> list[dict]:
    specs = []
    for i, (key, meter, form, style, pattern) in enumerate(WESTERN):
        chords = {"role": "chords", **({"pattern": pattern} if pattern else {})}
        spec = {"title": f"Golden western {i + 1}", "key": key, "meter": meter, "form": form, "style": style,
                "tempo": 80 + 9 * i, "parts": [{"role": "melody"}, chords, {"role": "bass"}]}
        specs.append(spec)
    for i, (scale, cycle) in enumerate(TRADITIONS):
        spec = {"title": f"Golden tradition {i + 1}", "scale": scale, "tempo": 70 + 7 * i,
                "parts": [{"role": "melody"}, {"role": "drone"}]}
        if cycle:
            spec["cycle"] = cycle
            spec["sections"] = [{"name": "A", "cycles": 4}, {"name": "B", "cycles": 3}, {"name": "A2", "repeat": "A"}]
            spec["parts"].append({"role": "percussion"})
        else:
            spec["meter"] = ("4/4", "3/4", "6/8", "2/4")[i % 4]
            spec["sections"] = [{"name": "A", "bars": 8}, {"name": "B", "bars": 8},
                                {"name": "A2", "vary": {"of": "A", "amount": 0.3, "keep": "contour"}}]
        specs.append(spec)
    specs += [
        {"title": "Golden variation", "key": "G major", "meter": "4/4",
         "sections": [{"name": "A", "bars": 8, "cadence": "half"}, {"name": "A1", "vary": {"of": "A", "amount": 0.5}},
                      {"name": "B", "bars": 8, "key": "dominant"}, {"name": "A2", "repeat": "A", "vary": 0.5}]},
        {"title": "Golden chart", "key": "Bb major", "meter": "4/4", "style": "jazz",
         "sections": [{"name": "A", "chords": ["Bbmaj7", "Gm7", "Cm7", "F7", "Dm7:2", "G7:2", "Cm7:2", "F7:2",
                                               "Bbmaj7"]}]},
        {"title": "Golden song", "key": "F major", "meter": "3/4", "form": "period",
         "parts": [{"role": "melody", "lyrics": "O the wind is in the wil-lows / and the light is on the hill"},
                   {"role": "chords", "pattern": "waltz"}, {"role": "bass"}]},
        {"title": "Golden fit", "key": "D major", "meter": "4/4", "form": "rounded_binary", "duration": "45s",
         "tempo": 120, "cues": [{"at": "20s", "event": "cadence"}, {"at": "32s", "event": "climax"}]},
        {"title": "Golden heterophony", "scale": {"pack": "arabic", "mode": "hijaz", "tonic": "D4"}, "cycle": "maqsum",
         "sections": [{"name": "A", "cycles": 4}, {"name": "B", "cycles": 4}],
         "parts": [{"role": "melody", "instrument": "violin"}, {"role": "melody", "instrument": "flute"},
                   {"role": "percussion"}]},
        {"title": "Golden duet", "key": "E minor", "meter": "6/8", "form": "binary",
         "constraints": {"max_leap": 7, "notes_per_bar": [2, 5]},
         "parts": [{"role": "melody", "name": "flute"}, {"role": "melody", "name": "oboe", "range": "C4-E5"},
                   {"role": "bass"}]},
        {"title": "Golden rules sentence", "key": "A major", "meter": "2/4", "form": "sentence"},
        {"title": "Golden rules", "key": "C minor", "meter": "4/4", "form": "ternary", "style": "classical"},
    ]
    return specs


def filler_of(spec: dict) -> str:
    return "rules" if spec.get("title", "").startswith("Golden rules") else "neural"


def cases() -> list[tuple[str, object, int, str]]:
    """(case name, spec (a path relative to the root, or a dict), seed, filler), in a fixed order."""
    import yaml

    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        rel = path.relative_to(ROOT).as_posix()
        for seed in SEEDS:
            out.append((f"{rel}@{seed}", rel, seed, "neural"))
    generated = yaml.safe_load(SPECS_FILE.read_text(encoding="utf-8"))
    for spec in generated:
        for seed in SEEDS:
            filler = filler_of(spec)
            out.append((f"{spec['title']}@{seed}", spec, seed, filler))
    return out


def case_hashes(spec, seed: int, filler: str) -> dict[str, str]:
    """The sha256 of each file one case writes (composed from ROOT, so that paths in the files match)."""
    from composer import compose

    piece = compose(spec, seed=seed, filler=filler)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for ext in FORMATS:
            target = Path(tmp) / f"case.{ext}"
            if ext == "piece.json":
                piece.save(target)
            else:
                piece.write(target)
            out[ext] = hashlib.sha256(target.read_bytes()).hexdigest()
    out["explain"] = hashlib.sha256(piece.explain().encode("utf-8")).hexdigest()   # the plan and the fill's notes
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("specs", "hashes"))
    args = parser.parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    if args.what == "specs":
        import yaml

        from composer import compose

        kept = []
        for spec in generated_specs():
            try:
                compose(spec, seed=0, filler=filler_of(spec))
            except Exception as exc:  # noqa: BLE001 - a spec that cannot be composed is left out, and said
                print(f"left out {spec['title']!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
                continue
            kept.append(spec)
        SPECS_FILE.write_text("# Generated by `python tools/golden.py specs`; composed by tests/test_golden.py.\n"
                              + yaml.safe_dump(kept, sort_keys=False, allow_unicode=True), encoding="utf-8")
        print(f"{len(kept)} specs -> {SPECS_FILE.relative_to(ROOT)}")
        return
    hashes = {}
    for name, spec, seed, filler in cases():
        hashes[name] = case_hashes(spec, seed, filler)
    HASHES_FILE.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(hashes)} cases -> {HASHES_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
