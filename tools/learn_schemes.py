"""Learn phrase schemes and the idioms' rhythm from the corpora's train split; write them as grammar data.

    python tools/learn_schemes.py [--corpus oneills1850,ryansMammoth] [--check]

For each tune of the train split, its full bars (a pickup left out) are cut into strains of 8 bars and each
strain into units of 2 bars. Each unit is labelled by `composer.analysis.recurrence`: a new letter, or the
letter of the earlier unit it returns to (a repeat; primed: a variation, rhythm kept; '+1': a sequence a
step higher). The share of each strain's scheme ('a b a c', 'a a' b c', ...) is written to
`grammars/schemes/<name>.yaml`: `folk` over every tune, and one per tune type the collections record
(`corpora.tune_types`) with enough strains. With them: how the second bar of a new unit relates to its
first, and how often a later strain ends as the first one does (a rhyme: its last unit, `rhyme`, and its
last two, `rhyme_half`).

For the tune types, the bar rhythms (durations in quarters) of interior and strain-final bars go to
`grammars/idioms/<type>.yaml` with the idiom's description, meters and tempo; where enough of a type's tunes
are notated in bars of half the length (a reel in 2/4), their bars get tables of their own (`halved`).

`--check` writes nothing and exits 1 when a file differs from what the corpora give (a test runs it when
the corpus cache is there).
"""
from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from composer.analysis.recurrence import bars_of, best_relation, label_units  # noqa: E402
from composer.models.vocab import MODE_STEPS  # noqa: E402
from corpora import load_corpora  # noqa: E402
from corpora.tune_types import tune_type  # noqa: E402

STRAIN_BARS, UNIT_BARS = 8, 2
MIN_STRAINS = 40              # a tune type with fewer strains gets no scheme file of its own
TOP_SCHEMES = 12
TOP_RHYTHMS = 24
TICKS = 12                    # the corpus grid: twelfths of a quarter

IDIOMS = {   # what the corpora do not record: the words, the meters and a dancing tempo (in the meter's felt beat,
            # as grammars/prompt_words.yaml counts it: Breathnach, Folk Music and Dances of Ireland, 1971)
    "reel": ("Reel", "A fast dance in 4/4 (2/2 in O'Neill): running eighth notes, two strains of eight bars, "
                     "each played twice.", ["4/4", "2/2"], 200),
    "jig": ("Double jig", "A 6/8 dance of running eighth-note triplet groups (jig arpeggios), with a crotchet-"
                          "quaver lilt at the cadences.", ["6/8"], 116),
    "hornpipe": ("Hornpipe", "A 4/4 dance, slower than a reel, played with dotted (swung) eighths and ending "
                             "each strain on three crotchets.", ["4/4", "2/2"], 150),
    "slip_jig": ("Slip jig", "A 9/8 dance: three groups of three eighths a bar.", ["9/8"], 120),
    "strathspey": ("Strathspey", "A slow Scottish reel in 4/4 with the Scotch snap (a sixteenth before a dotted "
                                 "eighth) and dotted rhythms.", ["4/4", "2/2"], 120),
}


def fraction_text(ticks: int) -> str:
    return str(Fraction(ticks, TICKS))


def strains(tune) -> list[list[tuple]]:
    bar_q = tune.bar_q
    bars = bars_of(tune.onset.tolist(), tune.dur.tolist(), tune.midi.tolist(), bar_q)
    full = len(bars) - (len(bars) % STRAIN_BARS)
    return [bars[i:i + STRAIN_BARS] for i in range(0, full, STRAIN_BARS)]


def learn(tunes) -> dict:
    schemes, pairs, rhymes, two = Counter(), Counter(), Counter(), Counter()
    interior, final, meters = Counter(), Counter(), Counter()
    played: list[tuple[int, list[tuple]]] = []   # per tune: its bar length, and (rhythm, returns) for each bar
    count = 0
    for tune in tunes:
        scale = MODE_STEPS.get(tune.mode)
        parts = strains(tune)
        if not parts:
            continue
        count += 1
        meters[(tune.bar_q, f"{tune.numerator}/{tune.denominator}")] += 1
        played.append((tune.bar_q, []))
        shapes: set = set()
        tonic = int(tune.tonic_pc)
        for s, strain in enumerate(parts):
            units = [tuple(strain[i:i + UNIT_BARS]) for i in range(0, STRAIN_BARS, UNIT_BARS)]
            if not all(all(b) for b in strain):
                continue
            labels = label_units(units, scale, tonic)
            schemes[" ".join(labels)] += 1
            two[" ".join(label_units(units[:2], scale, tonic))] += 1
            for unit, label in zip(units, labels):
                if len(label) == 1:        # a new unit: how its second bar follows its first
                    _, r = best_relation(unit[1:], [unit[:1]], scale, tonic)
                    pairs[(r.kind, r.steps)] += 1
            if s:
                first = [tuple(parts[0][i:i + UNIT_BARS]) for i in range(0, STRAIN_BARS, UNIT_BARS)]
                last = best_relation(units[-1], [first[-1]], scale, tonic)[1].returns
                both = last and best_relation(units[-2], [first[-2]], scale, tonic)[1].returns
                rhymes["strains"] += 1
                rhymes["last"] += last
                rhymes["half"] += both
            for b, bar in enumerate(strain):
                if sum(d for _, d, _ in bar) != tune.bar_q or bar[0][0] != 0:
                    continue          # a bar the parse left short or long (a repeat sign, a volta)
                (final if b == STRAIN_BARS - 1 else interior)[(tune.bar_q, tuple(d for _, d, _ in bar))] += 1
                shape = tuple((o, d, m - bar[0][2]) for o, d, m in bar)       # a bar, transposed to its first note
                played[-1][1].append((tuple(d for _, d, _ in bar), shape in shapes))
                shapes.add(shape)
    return {"tunes": count, "schemes": schemes, "two": two, "pairs": pairs, "rhymes": rhymes,
            "interior": interior, "final": final, "meters": meters, "played": played}


MEMORY_GRID = tuple(k / 20 for k in range(20))       # 0, 0.05, ... 0.95


def rhythm_memory(stats: dict, bar_q: int) -> float:
    """How much a tune keeps to its own bar rhythms: the weight m that best predicts each bar of the type's tunes
    (maximum likelihood over MEMORY_GRID) as (1 - m) x the type's table + m x the share of that rhythm among the
    tune's bars so far (a cache, as a cache language model keeps a document's own words; Kuhn and De Mori,
    IEEE PAMI 12/6, 1990). The table leaves the tune's own bars out, so that a tune does not predict itself.
    A bar that returns to an earlier one (the same notes, or moved by an interval) is remembered but not
    predicted: partita's motif plan copies those rhythms itself, and the memory is for the bars written anew."""
    table = Counter({k[1]: v for key in ("interior", "final") for k, v in stats[key].items() if k[0] == bar_q})
    total = sum(table.values())
    tunes = [bars for q, bars in stats["played"] if q == bar_q and bars]
    floor = 1.0 / (10 * total) if total else 1.0
    best = (float("-inf"), 0.0)
    for m in MEMORY_GRID:
        loglik = 0.0
        for bars in tunes:
            own = Counter(r for r, _ in bars)
            seen: Counter = Counter()
            for k, (r, returns) in enumerate(bars):
                if not returns:
                    t = max((table[r] - own[r]) / max(total - len(bars), 1), floor)
                    loglik += math.log((1 - m) * t + m * seen[r] / k if k else t)
                seen[r] += 1
        best = max(best, (loglik, m))
    return best[1]


def weighted(counter: Counter, top: int) -> list[tuple[object, float]]:
    total = sum(counter.values())
    return [(k, round(v / total, 4)) for k, v in counter.most_common(top)] if total else []


def scheme_document(name: str, stats: dict, source: str) -> str:
    strains_seen = sum(stats["schemes"].values())
    lines = ["# Learned by tools/learn_schemes.py: do not edit by hand, run it again.",
             f"name: {name}",
             f"source: \"{source}; {stats['tunes']} tunes, {strains_seen} strains of {STRAIN_BARS} bars\"",
             f"unit_bars: {UNIT_BARS}",
             "schemes:",
             "  '4':"]
    lines += [f"    - {{scheme: \"{k}\", weight: {w}}}" for k, w in weighted(stats["schemes"], TOP_SCHEMES)]
    lines.append("  '2':")
    lines += [f"    - {{scheme: \"{k}\", weight: {w}}}" for k, w in weighted(stats["two"], TOP_SCHEMES)]
    lines.append("bar_pairs:")
    lines += [f"  - {{relation: {k[0]}, steps: {k[1]}, weight: {w}}}" for k, w in weighted(stats["pairs"], 10)]
    total = stats["rhymes"]["strains"]
    lines.append(f"rhyme: {round(stats['rhymes']['last'] / total, 4) if total else 0.0}")
    lines.append(f"rhyme_half: {round(stats['rhymes']['half'] / total, 4) if total else 0.0}")
    return "\n".join(lines) + "\n"


def idiom_document(name: str, stats: dict, source: str) -> str:
    title, description, meters, tempo = IDIOMS[name]
    bar_q = Counter(k[0] for k in stats["interior"]).most_common(1)[0][0]
    lines = ["# Learned by tools/learn_schemes.py (the rhythm); the words, meters and tempo are the tool's.",
             f"name: {name}", f"title: {title}", f"description: \"{description}\"",
             f"source: \"{source}; rhythm of {stats['tunes']} tunes recorded as {name}\"",
             f"meters: [{', '.join(repr(m).replace(chr(39), '') for m in meters)}]", f"tempo_bpm: {tempo}",
             f"schemes: {name}", "rhythm:", f"  bar_quarters: {fraction_text(bar_q)}"]
    lines.append(f"  memory: {rhythm_memory(stats, bar_q)}")
    lines += rhythm_lines(stats, bar_q)
    half = bar_q // 2
    halved = sum(v for k, v in stats["interior"].items() if k[0] == half)
    if bar_q % 2 == 0 and halved >= MIN_STRAINS * (STRAIN_BARS - 1):
        # The same dance notated in bars of half the length, in halved note values (Ryan's Mammoth prints many
        # reels and hornpipes in 2/4, eight sixteenths a bar): a table of its own, learned from those tunes.
        meters = sorted({m for q, m in stats["meters"] if q == half})
        lines += ["halved:", f"  meters: [{', '.join(meters)}]", f"  memory: {rhythm_memory(stats, half)}"]
        lines += rhythm_lines(stats, half)
    return "\n".join(lines) + "\n"


def rhythm_lines(stats: dict, bar_q: int) -> list[str]:
    """The `bars` and `cadence` tables of the bars `bar_q` ticks long: interior and strain-final bars."""
    lines = []
    for key in ("interior", "final"):
        lines.append("  cadence:" if key == "final" else "  bars:")
        counter = Counter({k[1]: v for k, v in stats[key].items() if k[0] == bar_q})
        for durs, w in weighted(counter, TOP_RHYTHMS):
            lines.append(f"    - {{durations: \"{' '.join(fraction_text(d) for d in durs)}\", weight: {w}}}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="oneills1850,ryansMammoth")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    corpus = load_corpora([n for n in args.corpus.split(",") if n], progress=not args.check)
    tunes = corpus.tunes("train")
    source = (f"the train split of {corpus.name} ({corpus.licence}), music21's corpus, labelled by "
              f"composer.analysis.recurrence")
    files: dict[Path, str] = {ROOT / "grammars" / "schemes" / "folk.yaml": scheme_document("folk", learn(tunes), source)}
    by_type: dict[str, list] = {}
    for t in tunes:
        by_type.setdefault(tune_type(t), []).append(t)
    for name in IDIOMS:
        stats = learn(by_type.get(name, []))
        if sum(stats["schemes"].values()) >= MIN_STRAINS:
            files[ROOT / "grammars" / "schemes" / f"{name}.yaml"] = scheme_document(name, stats, source)
            files[ROOT / "grammars" / "idioms" / f"{name}.yaml"] = idiom_document(name, stats, source)
    stale = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in stale:
            print(f"{p.relative_to(ROOT)} differs from what the corpora give")
        return 1 if stale else 0
    for p, text in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
