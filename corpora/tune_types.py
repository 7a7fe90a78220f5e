"""The tune type a corpus records for a tune: the ABC `R:` (rhythm) field of its file, else a word of its
title ("... Reel", "... Hornpipe"), named as partita's idioms name them.

    tune_type(tune)  # 'reel', 'jig', 'hornpipe', 'slip_jig', 'strathspey', 'air', ... or None
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .loader import music21_corpus_root

# What the collections write -> the idiom's name. O'Neill's "double jig" is the common jig; a clog is the
# hornpipe of the American minstrel books (Ryan's); a highland fling is danced to strathspey tunes.
TYPE_WORDS = {
    "reel": "reel", "double jig": "jig", "jig": "jig", "single jig": "jig", "slip jig": "slip_jig",
    "slipjig": "slip_jig", "hop jig": "slip_jig", "hornpipe": "hornpipe", "clog": "hornpipe",
    "strathspey": "strathspey", "highland fling": "strathspey", "fling": "strathspey", "air": "air",
    "waltz": "waltz", "march": "march", "polka": "polka", "slide": "slide", "walkaround": "reel",
}
_TITLE = re.compile(r"\b(" + "|".join(sorted((re.escape(w) for w in TYPE_WORDS), key=len, reverse=True)) + r")\b",
                    re.IGNORECASE)


def normalise(text: str) -> str | None:
    """An idiom name for what a collection wrote ('R: double jig' -> 'jig'); None when it names none."""
    words = " ".join(text.lower().replace("-", " ").split())
    if words in TYPE_WORDS:
        return TYPE_WORDS[words]
    found = _TITLE.search(words)
    return TYPE_WORDS[found.group(1).lower()] if found else None


@lru_cache(maxsize=None)
def _rhythm_fields(path: Path) -> dict[str, str]:
    """X number -> the R: field, for every tune of one ABC file."""
    out, current = {}, None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("X:"):
            current = line[2:].strip()
        elif line.startswith("R:") and current is not None:
            out[current] = line[2:].strip()
    return out


def tune_type(tune, root: Path | None = None) -> str | None:
    """The idiom of a corpus tune (`corpora.Tune`, its id 'collection/file.abc#X'), from its file's R: field,
    else its title; None when neither names one."""
    root = music21_corpus_root() if root is None else root
    name, _, number = tune.id.partition("#")
    path = Path(root) / name
    field = _rhythm_fields(path).get(number) if path.suffix == ".abc" and path.exists() else None
    return (normalise(field) if field else None) or normalise(tune.title or "")
