"""Draw the README's picture of a marked exercise: docs/images/annotated_check.png.

    python tools/teaching_pictures.py [--out docs/images/annotated_check.png]

It writes the model answer of `partita exercise harmonise --key "G major" --seed 3`, makes a student's
copy with two mistakes (the tenor an octave under the soprano for two beats, an alto note a semitone
sharp against the same note in another voice), marks the copy with `partita check --annotate`, and draws the marked
score with Verovio (SVG) and rsvg-convert (PNG).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from composer.analysis.annotate import annotate  # noqa: E402
from composer.analysis.check import analyse_score  # noqa: E402
from composer.analysis.check_input import _voices  # noqa: E402
from composer.analysis.harmony import collection  # noqa: E402
from composer.exercises import make_exercise  # noqa: E402


def student_copy(score, key):
    """Two mistakes in the first phrase of the answer, as a student makes them."""
    key_pcs = collection(key)
    voices = {v.name: v for v in _voices(score)}
    s, a, t = voices["soprano"], voices["alto"], voices["tenor"]
    planted = 0
    for x, y in zip(s.notes, s.notes[1:]):       # the tenor doubles the soprano an octave below: octaves
        tx, ty = t.at(x.onset), t.at(y.onset)
        if x.end == y.onset and 0 < abs(y.cents - x.cents) <= 200 and tx and ty and tx.onset == x.onset \
                and ty.onset == y.onset and tx.end == y.onset and y.onset >= 4:
            for n, src in ((tx, x), (ty, y)):
                n.element.pitch.ps = (src.cents - 1200.0) / 100.0
            planted += 1
            break
    others = [v for v in voices.values() if v is not a]
    for i in range(1, min(12, len(a.notes) - 1)):   # an alto note a semitone sharp, against another voice's same
        n, prev, nxt = a.notes[i], a.notes[i - 1], a.notes[i + 1]     # note and not a neighbour: out of the key
        same = [o for v in others if (o := v.at(n.onset)) is not None and round(o.cents - n.cents) % 1200 == 0]
        stepwise = abs(n.cents + 100 - prev.cents) <= 200 and abs(nxt.cents - n.cents - 100) <= 200
        if n.onset == int(n.onset) and n.element.tie is None and same and not stepwise \
                and round(n.cents / 100.0 + 1) % 12 not in key_pcs:
            n.element.pitch.ps = n.cents / 100.0 + 1
            planted += 1
            break
    return planted


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "docs" / "images" / "annotated_check.png"))
    args = ap.parse_args(argv)
    import verovio

    ex = make_exercise("harmonise", "G major", level=1, seed=3)
    score = ex.answer
    student_copy(score, ex.key)
    report = analyse_score(score, key=str(ex.key), rules=ex.rules, file="student.musicxml")
    with tempfile.TemporaryDirectory() as tmp:
        marked = Path(tmp) / "marked.musicxml"
        annotate(report, marked)
        tk = verovio.toolkit()
        tk.setOptions({"pageWidth": 2600, "pageHeight": 1400, "scale": 40, "adjustPageHeight": True,
                       "header": "none", "footer": "none", "breaks": "auto"})
        tk.loadFile(str(marked))
        svg = Path(tmp) / "marked.svg"
        svg.write_text(tk.renderToSVG(1), encoding="utf-8")
        subprocess.run(["rsvg-convert", "-b", "white", "-o", args.out, str(svg)], check=True)
    for f in report.findings:
        print(f)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
