"""How far a teacher can rely on `partita check`: its findings on Bach's chorales, its recall of planted
mistakes, and music21's agreement with its parallels. Prints JSON.

    python benchmarks/bench_check.py [--chorales N] [--planted N] [--seed S] [--markdown docs/benchmarks.md]

- **Bach**: every four-part chorale music21 ships (the first N with --chorales), checked with
  `--rules chorale` in the key of its signature: findings per chorale by rule and severity, and the
  errors per chorale. Bach's chorales are the style's model, so each error is a false alarm or one of
  his rare licences. Goal (issue 17): at most 1.0 error a chorale.
- **music21 confirms**: every parallel the checker reports as an error (or as passing parallels) is put
  to music21's `VoiceLeadingQuartet` (parallelFifth, parallelOctave, parallelUnison); the share it
  confirms. Goal: all of them.
- **Planted**: in copies of the chorales, one mistake each, written by moving one note: parallel fifths,
  parallel octaves, a voice crossing, spacing wider than an octave, an out-of-key note (a
  semitone off a note struck on the beat, reached and left by leap, outside the key of its passage, and a semitone
  from another voice's note, so that no applied chord explains it), hidden octaves. Recall: the share found
  by its rule at the planted bar and beat. Goal: at least 98 %.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sections import markers, write_section  # noqa: E402  (benchmarks/sections.py)

from composer.analysis.check import analyse_score  # noqa: E402
from composer.analysis.check_input import _BarMap, _file_key, _voices  # noqa: E402
from composer.analysis.harmony import analyse_harmony, collection, pc_of  # noqa: E402
from theory.voice_leading import parallel_kind  # noqa: E402

KINDS = ("parallel-fifths", "parallel-octaves", "voice-crossing", "spacing", "out-of-scale", "hidden-octaves")


def chorales(limit: int | None):
    from music21 import corpus

    names = list(corpus.chorales.Iterator(returnType="filename"))
    for name in names[:limit] if limit else names:
        score = corpus.parse(name)
        if len(score.parts) == 4:
            yield name, score


def vlq_confirms(finding) -> bool:
    from music21 import voiceLeading

    a1, b1, a2, b2 = (n.element for n in finding.notes)
    idx = [n.pitch_index for n in finding.notes]
    p = [el.pitches[i] if el.isChord else el.pitch for el, i in zip((a1, b1, a2, b2), idx)]
    from music21 import note

    q = voiceLeading.VoiceLeadingQuartet(note.Note(p[0]), note.Note(p[2]), note.Note(p[1]), note.Note(p[3]))
    return bool(q.parallelFifth() or q.parallelOctave() or q.parallelUnison())


def bach(limit: int | None) -> dict:
    counts: Counter = Counter()
    n = confirmed = parallels = 0
    t0 = time.perf_counter()
    for name, score in chorales(limit):
        report = analyse_score(score, file=name, rules="chorale")
        n += 1
        for f in report.findings:
            counts[(f.rule, f.severity)] += 1
            if f.rule in ("parallel-fifths", "parallel-octaves", "passing-parallels") and len(f.notes) == 4:
                parallels += 1
                confirmed += vlq_confirms(f)
    errors = sum(v for (_r, s), v in counts.items() if s == "error")
    warnings = sum(v for (_r, s), v in counts.items() if s == "warning")
    return {"chorales": n, "errors_per_chorale": round(errors / n, 3), "warnings_per_chorale": round(warnings / n, 3),
            "by_rule": {f"{r} ({s})": round(v / n, 3) for (r, s), v in counts.most_common()},
            "parallels_reported": parallels, "parallels_confirmed_by_music21": confirmed,
            "seconds_per_chorale": round((time.perf_counter() - t0) / n, 3)}


# --- planting ----------------------------------------------------------------------------------
def _set(note_, cents: float) -> None:
    note_.element.pitch.ps = cents / 100.0
    note_.cents = cents


def _plain(n) -> bool:
    el = n.element
    return el is not None and not el.isChord and el.tie is None


def _on_beat(n) -> bool:
    return n.onset == int(n.onset) and not n.fermata


def plant(score, kind: str, rng):
    """Move one note to make the mistake `kind`; (voice names, time) of it, or None where it cannot.
    Parallels are planted between two notes struck on beats (not through a passing tone, not across a
    fermata); an out-of-key note is a semitone off a note reached and left by leap, outside the key."""
    voices = _voices(score)
    analysis = analyse_harmony(voices, _BarMap(score), _file_key(score)[0])
    s, a, t, b = voices
    pairs = [(s, b), (a, b), (t, b), (s, a), (a, t), (s, t)]
    order = rng.permutation(len(s.notes))
    if kind in ("parallel-fifths", "parallel-octaves"):
        interval = 700.0 if kind == "parallel-fifths" else 1200.0
        for pi in rng.permutation(len(pairs)):
            up, low = pairs[pi]
            for i in rng.permutation(len(up.notes) - 1):
                n1, n2 = up.notes[i], up.notes[i + 1]
                l1, l2 = low.at(n1.onset), low.at(n2.onset)
                if not (l1 and l2 and _plain(n2) and n1.end == n2.onset and l1 is not l2 and l2.onset == n2.onset):
                    continue
                if not all(_on_beat(x) for x in (n1, n2, l1, l2)) or l1.onset != n1.onset or l1.end != n2.onset:
                    continue
                gap = n1.cents - l1.cents
                if gap <= 0 or round(gap) % 1200 != interval % 1200 or abs(l2.cents - l1.cents) > 500:
                    continue
                new = l2.cents + gap
                if abs(new - n2.cents) > 400 or parallel_kind(n1.cents, l1.cents, new, l2.cents) == "":
                    continue
                if any(v.at(n2.onset) and abs(v.at(n2.onset).cents - new) < 1 for v in voices if v not in (up, low)):
                    continue
                _set(n2, new)
                return (up.name, low.name), n2.onset
        return None
    if kind == "voice-crossing":
        for i in order:
            n = s.notes[i]
            other = a.at(n.onset)
            if _plain(other) and other.onset == n.onset and n.cents - other.cents < 700:
                _set(other, n.cents + 100.0 * int(rng.integers(1, 3)))
                return (s.name, a.name), n.onset
        return None
    if kind == "spacing":
        for i in order:
            n = s.notes[i]
            other = a.at(n.onset)
            if _plain(n) and other and other.onset <= n.onset and 500 < n.cents - other.cents < 1200 \
                    and n.cents + 1200 - other.cents > 1300:
                _set(n, n.cents + 1200.0)
                return (s.name, a.name), n.onset
        return None
    if kind == "out-of-scale":
        for v in (s, a, t, b):
            for i in rng.permutation(len(v.notes) - 2) + 1:
                prev, n, nxt = v.notes[i - 1], v.notes[i], v.notes[i + 1]
                if not _plain(n) or prev.end != n.onset or nxt.onset != n.end:
                    continue
                for shift in (100.0, -100.0):
                    new = n.cents + shift
                    if pc_of(new) in collection(analysis.key_at(n.onset)) or not _on_beat(n):
                        continue
                    others = {pc_of(o.cents) for o in (w.at(n.onset) for w in voices if w is not v) if o}
                    if not any((pc_of(new) - o) % 12 in (1, 11) for o in others):
                        continue          # a clash with a sounding voice: no chord explains it
                    if abs(new - prev.cents) > 250 and abs(nxt.cents - new) > 250:
                        _set(n, new)
                        return (v.name,), n.onset
        return None
    if kind == "hidden-octaves":
        for i in rng.permutation(len(s.notes) - 1):
            n1, n2 = s.notes[i], s.notes[i + 1]
            l1, l2 = b.at(n1.onset), b.at(n2.onset)
            if not (l1 and l2 and _plain(n2) and n1.end == n2.onset and l2.onset == n2.onset and l1 is not l2):
                continue
            if abs(l2.cents - l1.cents) < 100:
                continue
            up = l2.cents > l1.cents
            for k in (1, 2, 3):
                new = l2.cents + 1200.0 * k
                move = new - n1.cents
                if (move > 250) == up and abs(move) > 250 and abs(move) < 800 and round(n1.cents - l1.cents) % 1200:
                    if (move > 0) == up and abs(new - n2.cents) <= 900:
                        _set(n2, new)
                        return (s.name, b.name), n2.onset
        return None
    raise ValueError(kind)


def planted(limit: int, seed: int) -> dict:
    from music21 import corpus

    rng = np.random.default_rng(seed)
    found: Counter = Counter()
    tried: Counter = Counter()
    missed: list[str] = []
    names = [name for name, _ in chorales(None)][:limit]
    for k, kind in enumerate(KINDS):
        for name in names:
            score = corpus.parse(name)
            where = plant(score, kind, rng)
            if where is None:
                continue
            who, t = where
            report = analyse_score(score, file=name, rules="chorale")
            bar, beat = _locate(report, score, t)
            tried[kind] += 1
            hit = any(f.rule == kind and f.bar == bar and abs(f.beat - beat) < 1e-6 for f in report.findings)
            found[kind] += hit
            if not hit and len(missed) < 12:
                missed.append(f"{name} {kind} bar {bar} beat {beat:g} {who}")
    total = sum(tried.values())
    return {"planted": total, "found": sum(found.values()), "recall": round(sum(found.values()) / max(1, total), 4),
            "by_kind": {k: f"{found[k]}/{tried[k]}" for k in KINDS}, "missed": missed}


def _locate(report, score, t):
    return _BarMap(score).locate(t)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chorales", type=int, default=None, help="check only the first N chorales (default: all)")
    ap.add_argument("--planted", type=int, default=60, help="chorales to plant each kind of mistake in")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--markdown", help="also write the results, dated, into this file's bench_check section "
                                       "(docs/benchmarks.md)")
    args = ap.parse_args(argv)
    out = {"bach": bach(args.chorales), "planted": planted(args.planted, args.seed)}
    print(json.dumps(out, indent=2))
    if args.markdown:
        write_section(Path(args.markdown), "bench_check", section(out, args))
    return 0


def section(out: dict, args) -> str:
    """The checker's section of docs/benchmarks.md."""
    b, p = out["bach"], out["planted"]
    start, end = markers("bench_check")
    rows = [f"| {rule} | {value} |" for rule, value in b["by_rule"].items()]
    planted_rows = [f"| {kind} | {score} |" for kind, score in p["by_kind"].items()]
    return "\n".join([
        start, "", "## The checker: can a teacher rely on `partita check`?", "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, music21 {_music21_version()}. Reproduce with "
        f"`python benchmarks/bench_check.py --planted {args.planted} --markdown docs/benchmarks.md`. "
        f"Definitions: the docstring of `benchmarks/bench_check.py`.", "",
        f"Bach's {b['chorales']} four-part chorales, `--rules chorale`: **{b['errors_per_chorale']} errors a chorale** "
        f"(goal: 1.0 or fewer; 9.6 before the analysis), {b['warnings_per_chorale']} warnings; "
        f"{b['parallels_confirmed_by_music21']} of the {b['parallels_reported']} parallels reported are confirmed by "
        f"music21's VoiceLeadingQuartet; {b['seconds_per_chorale']} s a chorale.", "",
        "| rule (severity) | findings a chorale |", "|---|---|", *rows, "",
        f"Planted mistakes, one in each copy of a chorale: **{p['found']} of {p['planted']} found "
        f"({100 * p['recall']:.1f} %)** at the planted bar and beat (goal: 98 % or more).", "",
        "| mistake | found |", "|---|---|", *planted_rows, "", end, ""])


def _music21_version() -> str:
    import music21

    return music21.__version__


if __name__ == "__main__":
    raise SystemExit(main())
