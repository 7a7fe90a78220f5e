"""English words as sung syllables: how many, where the hyphens go, which are stressed.

The number of syllables comes from the pronunciation: a lexicon built from the CMU
Pronouncing Dictionary (`composer/text/data/stress_lexicon.tsv.gz`, made by
`tools/build_stress_lexicon.py`) maps a word to one stress digit per syllable ("102":
three syllables, primary stress on the first, secondary on the third). Of a word's
pronunciations the lexicon keeps the first whose syllable count equals the count of the
spelling (see `spelled_count`), else the first: so "fire", "hour" and "our" are one
syllable, as usually sung, and "evening" two.

Where the hyphens go comes from the spelling: the word's vowel groups (nuclei) are found
by rule (a, e, i, o, u; y when not before a vowel; u after q is a consonant; a silent
final e, a silent e of -es and -ed, the e of "lovely"/"hopeful" are dropped; hiatus such
as cru-el, li-on, i-de-a, go-ing is split). When their number differs from the
pronounced count they are adjusted to it: too many, and an e between a vowel and a
single consonant (eve-ning) is dropped first, then the two nuclei closest together are
merged; too few, and a vowel group is split after its first vowel (al-le-lu-ia), then a
dropped e is sounded again. Between two nuclei the hyphen goes where the `pyphen`
en_US hyphenation dictionary puts one (the one nearest the rule's place when it puts
several); where it puts none, by rule: after a dropped e (eve-ning, love-ly), between
two vowels, before a single consonant (o-pen, ex-it keeps x), before a consonant +
"le" (lit-tle, ta-ble), before a final "ing" (sing-ing), else before the longest
consonant cluster that can begin an English syllable (an-gel, mo-ther, whis-per).

Words the lexicon does not know get the spelling's count and rule-based stress
(`rule_stress`). Monosyllables are stressed (1) unless they are function words
(`composer/text/data/function_words.yaml`: the, a, of, and, my, ...), which are unstressed
(0) whatever the lexicon says.
"""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

import pyphen

from theory.datafile import read_yaml_file

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_PATH = DATA_DIR / "stress_lexicon.tsv.gz"
FUNCTION_WORDS_PATH = DATA_DIR / "function_words.yaml"

_VOWELS = frozenset("aeiou")
# Suffixes after which a "vowel, consonant, e" e is silent: love-ly, hope-ful, care-less.
_SILENT_E_SUFFIXES = frozenset(("ly", "ful", "fully", "less", "lessly", "ment", "ments", "ness", "some"))
# Consonant clusters that begin a syllable (the break goes before the longest one that ends a cluster).
_ONSETS = frozenset((
    "bl", "br", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr", "tr", "th", "sh", "ch", "ph", "wh",
    "thr", "shr", "chr", "phr", "qu", "squ", "wr", "kn",
))
_APOSTROPHES = "'\u2019"


def lookup_key(word: str) -> str:
    """The form of a word used for lookup: lower case, typographic apostrophes made straight (one
    character for one, so that positions in it are positions in the word)."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in word).replace("\u2019", "'")


@lru_cache(maxsize=1)
def stress_lexicon() -> dict[str, str]:
    """word -> stress digits, one per syllable (1 primary, 2 secondary, 0 none)."""
    table: dict[str, str] = {}
    with gzip.open(LEXICON_PATH, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            word, _, digits = line.rstrip("\n").partition("\t")
            table[word] = digits
    return table


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Monosyllabic function words, unstressed when sung (see the data file's source)."""
    data = read_yaml_file(FUNCTION_WORDS_PATH, shipped=True).data
    return frozenset(lookup_key(w) for group in data["words"].values() for w in group)


def is_function_word(word: str) -> bool:
    """Whether a word is a monosyllabic function word (as written, or without its edge apostrophes)."""
    key = lookup_key(word)
    return key in function_words() or key.strip("'") in function_words()


@lru_cache(maxsize=1)
def _hyphenator():
    return pyphen.Pyphen(lang="en_US", left=1, right=1)


def _vowel_mask(w: str) -> list[bool]:
    n = len(w)
    mask = [c in _VOWELS for c in w]
    for i, c in enumerate(w):
        nxt = w[i + 1] if i + 1 < n else ""
        if c == "y":      # a vowel unless it starts a syllable: yes, be-yond (but fly-ing, cry-er)
            glide = nxt in _VOWELS and not (i > 0 and w[i - 1] not in _VOWELS and
                                            w[i + 1:].startswith(("ing", "ed", "er", "est")))
            mask[i] = i > 0 and not glide
        elif c == "u" and i > 0 and w[i - 1] == "q":
            mask[i] = False
        elif c == "u" and i > 0 and w[i - 1] == "g" and nxt in _VOWELS and w[i + 1:] != "e":
            mask[i] = False          # guess, guide, language (but ar-gue)
        elif c == "u" and w.endswith("gue") and i == n - 2 and n >= 4 and w[-4] != "r":
            mask[i] = mask[i + 1] = False   # vague, league, tongue
    return mask


def _groups(w: str, mask: list[bool]) -> list[list[int]]:
    """Runs of vowels as [start, end); an apostrophe between two vowels joins them (o'er, e'er)."""
    out: list[list[int]] = []
    i, n = 0, len(w)
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i + 1
        while j < n and (mask[j] or (w[j] in _APOSTROPHES and j + 1 < n and mask[j + 1])):
            j += 1
        out.append([i, j])
        i = j
    return out


def _hiatus_split(w: str, start: int, end: int) -> int | None:
    """Where a vowel group [start, end) splits into two syllables (cru|el, li|on, go|ing), or None."""
    before = w[start - 1] if start > 0 else ""
    after = w[end:]
    earlier_vowel = any(c in _VOWELS or c == "y" for c in w[:max(0, start - 1)])
    for k in range(start + 1, end):
        pair = w[k - 1] + w[k]
        first = k - 1 == start
        if w[k:] in ("ing", "ings", "in'"):
            return k                                                   # be|ing, go|ing
        if pair == "ui" and end - start == 3 and w[end - 1] == "a":
            return k                                                   # allelu|ia
        if first and pair in ("ia", "io", "iu") and before not in ("t", "s", "c", "x", "g", *_VOWELS):
            return k                                                   # vi|a, li|on, medi|um
        if first and pair == "ea" and (after == "" or after in ("te", "ted", "tes", "ting", "tion", "tive")):
            return k                                                   # ide|a, cre|ate
        if first and pair == "eo" and after in ("", "n") and before not in ("g", "c", "h"):
            return k                                                   # vide|o, ne|on
        if first and pair == "ue" and after[:1] in ("l", "t") and before not in ("q", "g"):
            return k                                                   # cru|el, du|et
        if first and pair == "ui" and after[:1] in ("d", "n") and before not in ("q", "g", "s"):
            return k                                                   # flu|id, ru|in
        if first and pair == "ie" and (after.startswith("t") or (after in ("r", "rs", "st") and earlier_vowel)):
            return k                                                   # qui|et, di|et, happi|er
        if first and pair in ("uo", "ua") and before not in ("q", "g"):
            return k                                                   # du|o, usu|al
        if first and pair == "oe" and after[:1] in ("m", "t", "l"):
            return k                                                   # po|em, po|et
    return None


def _silent_e(w: str, mask: list[bool], groups: list[list[int]], index: int) -> bool:
    """Whether the single-letter 'e' group at `index` is silent by the ending rules (not -le)."""
    s, e = groups[index]
    if e - s != 1 or w[s] != "e" or len(groups) < 2 or index == 0:
        return False
    n = len(w)
    before = w[s - 1] if s > 0 else ""
    if s == n - 1:                                                      # final e
        if before == "l" and s >= 2 and not mask[s - 2] and w[s - 2] != "l":
            return False                                                # ta-ble, lit-tle
        return not mask[s - 1]
    tail = w[s + 1:]
    if tail == "s" and not mask[s - 1]:                                 # -es
        if before in ("s", "x", "z", "c", "g") or w[s - 2:s] in ("ch", "sh"):
            return False                                                # ros-es, pla-ces
        return not (before == "l" and s >= 2 and not mask[s - 2] and w[s - 2] != "l")
    if tail == "d" and not mask[s - 1]:                                 # -ed
        return before not in ("t", "d")
    if tail in _SILENT_E_SUFFIXES and s >= 2 and not mask[s - 1] and mask[s - 2]:
        return True                                                     # love-ly, hope-ful
    return False


def _vce_e(w: str, mask: list[bool], groups: list[list[int]], index: int) -> bool:
    """A single 'e' after a vowel and one consonant, not final: eve(n)ing, ev(e)ry."""
    s, e = groups[index]
    return (e - s == 1 and w[s] == "e" and index > 0 and s >= 2 and not mask[s - 1] and mask[s - 2]
            and e < len(w))


def spelled_nuclei(word: str) -> tuple[list[list[int]], list[int]]:
    """(vowel groups as [start, end) of the sounded syllables, positions of silent e's) of a word."""
    w = lookup_key(word)
    mask = _vowel_mask(w)
    groups: list[list[int]] = []
    for s, e in _groups(w, mask):
        k = _hiatus_split(w, s, e)
        while k is not None:
            groups.append([s, k])
            s = k
            k = _hiatus_split(w, s, e)
        groups.append([s, e])
    silent = [i for i in range(len(groups)) if _silent_e(w, mask, groups, i)]
    dropped = [groups[i][0] for i in silent]
    return [g for i, g in enumerate(groups) if i not in silent], dropped


def spelled_count(word: str) -> int:
    """Syllables of a word from its spelling alone (at least 1)."""
    return max(1, len(spelled_nuclei(word)[0]))


def lexicon_stress(word: str) -> str | None:
    """The lexicon's stress digits of a word, or None when it does not know it."""
    key = lookup_key(word)
    table = stress_lexicon()
    found = table.get(key)
    if found is None and key.strip("'") != key:
        found = table.get(key.strip("'"))
    return found


def syllable_count(word: str) -> int:
    """Sung syllables of a word: the lexicon's count, else the spelling's."""
    digits = lexicon_stress(word)
    return len(digits) if digits else spelled_count(word)


def _fit_nuclei(w: str, nuclei: list[list[int]], dropped: list[int], target: int) -> tuple[list[list[int]], list[int]]:
    """Adjust the nuclei to `target` (see the module docstring); returns (nuclei, silent e's kept silent)."""
    nuclei = [list(g) for g in nuclei]
    dropped = list(dropped)
    mask = _vowel_mask(w)
    while len(nuclei) > target:
        vce = [i for i in range(len(nuclei) - 1, 0, -1) if _vce_e(w, mask, nuclei, i)]
        if vce:
            dropped.append(nuclei.pop(vce[0])[0])
            continue
        gaps = [(nuclei[i + 1][0] - nuclei[i][1], -i) for i in range(len(nuclei) - 1)]
        _, neg = min(gaps)
        i = -neg
        nuclei[i:i + 2] = [[nuclei[i][0], nuclei[i + 1][1]]]
    while len(nuclei) < target:
        long = [i for i in range(len(nuclei) - 1, -1, -1) if nuclei[i][1] - nuclei[i][0] >= 2]
        if long:
            i = long[0]
            s, e = nuclei[i]
            nuclei[i:i + 1] = [[s, s + 1], [s + 1, e]]
            continue
        if dropped:
            pos = max(dropped)
            dropped.remove(pos)
            nuclei.append([pos, pos + 1])
            nuclei.sort()
            continue
        last = nuclei[-1][1] if nuclei else 0
        tail = [k for k in range(last, len(w)) if w[k].isalpha()]
        if len(tail) < 2 and nuclei:
            break                                   # nothing left to split: fewer syllables than asked
        pos = tail[-1] if tail else len(w) - 1
        nuclei.append([pos, pos + 1])              # a syllabic consonant: rhy-thm
    return nuclei, dropped


def _rule_break(w: str, a_end: int, b_start: int, dropped: list[int]) -> int:
    """Where to break between a nucleus ending at a_end and the next starting at b_start."""
    silent = [p for p in dropped if a_end <= p < b_start]
    if silent:
        return silent[-1] + 1                                    # eve-ning, love-ly
    gap = w[a_end:b_start]
    if not gap:
        return b_start                                           # cru-el
    if w[b_start:] in ("ing", "ings", "in'"):
        return b_start                                           # sing-ing, danc-ing
    if w[b_start:] == "e" and gap.endswith("l") and len(gap) >= 2:
        return b_start - 2                                       # lit-tle, ta-ble
    if gap == "r" and w[a_end - 1] == "e" and w[b_start:] == "y":
        return b_start                                           # ev-er-y, mis-er-y
    if len(gap) == 1:
        return b_start if gap == "x" else a_end                  # ex-it, o-pen
    if gap.startswith("ck") and len(gap) == 2:
        return b_start                                           # rock-et
    for size in range(min(3, len(gap)), 1, -1):
        if gap[-size:] in _ONSETS:
            return b_start - size                                # mo-ther, a-gree
    return b_start - 1                                           # an-gel, hap-py


def _split_word(w: str, nuclei: list[list[int]], dropped: list[int]) -> list[int]:
    """Break positions (indices into w) between consecutive nuclei."""
    hyphens = set(_hyphenator().positions(w)) if w.isascii() and w.replace("'", "").isalpha() else set()
    breaks = []
    for (_, a_end), (b_start, b_end) in zip(nuclei, nuclei[1:]):
        rule = _rule_break(w, a_end, b_start, dropped)
        consonant = not any(c in _VOWELS or c == "y" for c in w[b_start:b_end])     # rhy-thm
        silent = consonant or any(a_end <= p < b_start for p in dropped)
        offered = [k for k in hyphens if a_end <= k <= b_start]
        if offered and not silent:
            rule = min(offered, key=lambda k: (abs(k - rule), k))
        breaks.append(rule)
    return breaks


# Second elements of compounds split at the joint when the first part is a known word too.
_COMPOUND_HEADS = frozenset((
    "one", "body", "thing", "where", "time", "times", "out", "more", "self", "selves", "day", "days", "night",
    "light", "land", "ward", "wards", "how", "ever", "place", "side", "shine", "bird", "song", "heart", "fall",
))


def _compound_joint(w: str, target: int) -> int | None:
    """Where a compound ending in a common word joins (some-one, with-out, ever-more), or None: the
    first part a known word too, of three letters or more, their syllables adding up to `target`."""
    table = stress_lexicon()
    for k in range(3, len(w) - 2):
        a, b = w[:k], w[k:]
        if b not in _COMPOUND_HEADS:
            continue
        da, db = table.get(a), table.get(b)
        if da and db and len(da) + len(db) == target and len(da) == spelled_count(a):
            return k
    return None


def syllabify(word: str, count: int | None = None) -> list[str]:
    """A word as its sung syllables (English; the hyphens the lexicon's count asks for):
    'happy' -> ['hap', 'py'], 'alleluia' -> ['al', 'le', 'lu', 'ia']. Case is kept; a word
    with hyphens of its own is split there and nowhere else. `count` forces the number."""
    if "-" in word:
        return [p for p in word.split("-")]
    w = lookup_key(word)
    letters = sum(1 for c in w if c.isalpha())
    target = count if count is not None else syllable_count(word)
    target = max(1, min(target, letters))
    joint = _compound_joint(w, target)
    if joint is not None:
        return syllabify(word[:joint]) + syllabify(word[joint:])
    nuclei, dropped = spelled_nuclei(w)
    if not nuclei:
        nuclei = [[max(0, len(w) - 1), len(w)]]
    nuclei, dropped = _fit_nuclei(w, nuclei, dropped, target)
    cuts = [0] + _split_word(w, nuclei, dropped) + [len(word)]
    return [word[a:b] for a, b in zip(cuts, cuts[1:]) if b > a] or [word]


_PENULT_SUFFIXES = ("tion", "tions", "sion", "sions", "cian", "cians", "tial", "cial", "cious", "tious",
                    "gion", "geous", "ic", "ics")
_ANTEPENULT_SUFFIXES = ("ity", "ities", "ical", "ically", "ify", "ogy", "graphy", "ety", "ial")
_FINAL_SUFFIXES = ("ee", "eer", "ette", "esque", "oon", "ique")
_NEUTRAL_SUFFIXES = ("ing", "ings", "ed", "er", "ers", "est", "ly", "ness", "ful", "less", "ment", "ments", "es")
_UNSTRESSED_PREFIXES = ("be", "re", "un", "a")


def rule_stress(word: str, syllables: int) -> tuple[int, ...]:
    """Stress of a word the lexicon does not know, by rule (see `docs/lyrics.md` for its accuracy)."""
    n = syllables
    if n <= 0:
        return ()
    w = lookup_key(word).strip("'")
    if n == 1:
        return (0,) if is_function_word(word) else (1,)
    pieces = [lookup_key(p) for p in syllabify(word, count=n)]
    if len(pieces) != n:
        pieces = [""] * n
    primary = _primary_by_rule(w, pieces)
    return tuple(1 if i == primary else 0 for i in range(n))


def _primary_by_rule(w: str, pieces: list[str]) -> int:
    n = len(pieces)
    for suffix in _FINAL_SUFFIXES:
        if w.endswith(suffix) and len(suffix) >= len(pieces[-1]) - 1:
            return n - 1
    for suffix in _ANTEPENULT_SUFFIXES:
        if w.endswith(suffix) and n >= 3:
            return n - 3
    for suffix in _PENULT_SUFFIXES:
        if w.endswith(suffix):
            return n - 2
    for suffix in _NEUTRAL_SUFFIXES:
        if n >= 3 and pieces[-1].endswith(suffix) and len(pieces[-1]) <= len(suffix) + 2:
            return _primary_by_rule(w[: len(w) - len(pieces[-1])], pieces[:-1])
    if pieces[0] in _UNSTRESSED_PREFIXES:
        return 1
    if n == 2:
        return 0
    return n - 2 if _heavy(pieces[-2]) else n - 3


def _heavy(piece: str) -> bool:
    """A heavy syllable (Latin stress rule): a closed one or one with a long (two-letter) vowel."""
    letters = piece.strip("'")
    if not letters:
        return False
    vowels = [c in _VOWELS or c == "y" for c in letters]
    closed = not vowels[-1]
    long_vowel = any(a and b for a, b in zip(vowels, vowels[1:]))
    return closed or long_vowel


def word_stress(word: str, syllables: int) -> tuple[int, ...]:
    """Stress of each of a word's `syllables` (1 primary, 2 secondary, 0 unstressed): the lexicon's
    where it knows the word with that many syllables, else by rule; monosyllables are 0 for
    function words and 1 for all others."""
    if syllables <= 0:
        return ()
    if syllables == 1:
        return (0,) if is_function_word(word) else (1,)
    digits = lexicon_stress(word)
    if digits and len(digits) == syllables:
        out = tuple(int(d) for d in digits)
        return out if any(out) else rule_stress(word, syllables)
    return rule_stress(word, syllables)
