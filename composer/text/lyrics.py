"""Lyrics for a melody part: text -> syllables with stress -> one note per syllable (or a melisma).

    from composer.lyrics import parse_lyrics, lyric_rhythm
    lines = parse_lyrics("Twin-kle, twin-kle, lit-tle star / How I won-der what you are")
    bars, syllables = lyric_rhythm(Meter.parse("4/4"), 2, lines[0], rng)

Text conventions (also in `docs/lyrics.md`):

* **Lines.** Lines are separated by newlines or by a slash with spaces around it (" / "); each
  line is meant for one phrase. Blank lines are skipped; an empty line between two slashes is
  an error.
* **Words** are separated by spaces. A hyphen inside a word is the writer's own split
  ("hap-py", "Ky-ri-e"): the word is split there and nowhere else. A LilyPond-style " -- "
  between two tokens joins them the same way ("hap -- py" is "hap-py"). Any other word is
  hyphenated automatically (English: `composer.syllables.syllabify`), with as many syllables as
  it is pronounced with.
* **Melisma.** Each underscore after a syllable adds one note to it: "love_" is sung on two
  notes, "love__" and "love_ _" and "love _ _" on three (as LilyPond's "_" skip). Underscores
  may end any syllable of a hyphenated word ("a_-men"), may follow trailing punctuation
  ("love,_"), or stand alone as a token after a word. An underscore that follows no syllable
  of its line (a line that starts with "_"), or stands inside a syllable ("lo_ve"), is an error.
* **Punctuation** before or after a word (quotes, brackets, , . ; : ! ? and dashes) is kept
  in the printed text of its first or last syllable and is not used for lookup. Apostrophes
  inside or at the edge of a word are part of it ("don't", "o'er", "'tis", "lovin'"); a curly
  apostrophe is read as a straight one for lookup. A token with no letter, or with a digit,
  is an error (write numbers as words).
* **Stress.** 1 primary, 2 secondary, 0 unstressed: from the lexicon for known words, by rule
  for others; a one-syllable function word (the, a, of, my, ...) is 0, any other
  monosyllable 1 (`composer.syllables.word_stress`).

Every error is a `LyricsError` naming the line (1-based), the token and what is accepted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..score.errors import LyricsError
from ..score.notes import Lyric
from .syllables import lexicon_stress, syllabify, word_stress

SYLLABIC = ("single", "begin", "middle", "end")
_LINE_SPLIT = re.compile(r"(?:^|\s)/(?=\s|$)")
_APOSTROPHES = "'\u2019"


@dataclass(frozen=True, slots=True)
class Syllable:
    """One sung syllable: its printed text (without the hyphen), its word (as written, without
    punctuation), stress (1 primary, 2 secondary, 0 none), MusicXML syllabic, the extra notes a
    melisma holds it over, and the 0-based line (phrase) it is in."""

    text: str
    word: str
    stress: int
    syllabic: str
    melisma: int = 0
    line: int = 0

    def __post_init__(self) -> None:
        for name in ("text", "word", "syllabic"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"Syllable.{name} must be a string, received {getattr(self, name)!r}")
        for name in ("stress", "melisma", "line"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"Syllable.{name} must be an integer, received {value!r}")
        if not self.text:
            raise ValueError("Syllable.text must not be empty")
        if self.stress not in (0, 1, 2):
            raise ValueError(f"Syllable.stress must be 0, 1 or 2, received {self.stress}")
        if self.syllabic not in SYLLABIC:
            raise ValueError(f"Syllable.syllabic must be one of {', '.join(SYLLABIC)}, received {self.syllabic!r}")
        if self.melisma < 0 or self.line < 0:
            raise ValueError(f"Syllable.melisma and .line must be >= 0, received {self.melisma}, {self.line}")

    @property
    def notes(self) -> int:
        """Notes this syllable is sung on: 1 plus its melisma."""
        return 1 + self.melisma

    @property
    def stressed(self) -> bool:
        return self.stress > 0


def _is_word_char(c: str) -> bool:
    return c.isalpha() or c in _APOSTROPHES or c in "-_"


def _fail(line_no: int, line: str, token: str, reason: str) -> LyricsError:
    return LyricsError(f"lyrics line {line_no} ({line.strip()!r}), token {token!r}: {reason}")


def _split_lines(text: str) -> list[str]:
    if not isinstance(text, str):
        raise LyricsError(f"lyrics must be text, received {type(text).__name__}")
    out = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        parts = _LINE_SPLIT.split(raw)
        for k, part in enumerate(parts):
            if not part.strip():
                shown = raw.strip()
                raise LyricsError(f"lyrics line {len(out) + 1}: empty line {'before' if k == 0 else 'after'} "
                                  f"a ' / ' in {shown!r} (accepted: text between the slashes)")
            out.append(part.strip())
    return out


def _join_double_hyphens(tokens: list[str], line_no: int, line: str) -> list[str]:
    """'hap -- py' -> 'hap-py' (LilyPond's hyphen between syllables)."""
    out: list[str] = []
    join = False
    for i, token in enumerate(tokens):
        if token == "--":
            if not out or i == len(tokens) - 1 or tokens[i + 1] in ("--",) or set(out[-1]) <= {"_"}:
                raise _fail(line_no, line, token, "' -- ' must stand between two syllables of a word")
            join = True
            continue
        if join:
            out[-1] = f"{out[-1]}-{token}"
            join = False
        else:
            out.append(token)
    return out


def _word_syllables(token: str, line_no: int, line: str, index: int) -> list[Syllable]:
    """The syllables of one word token (see the module docstring)."""
    start = 0
    while start < len(token) and not _is_word_char(token[start]):
        start += 1
    if start < len(token) and token[start] in _APOSTROPHES and not (start + 1 < len(token) and token[start + 1].isalpha()):
        start += 1
    end = len(token)
    while end > start and not (token[end - 1].isalpha() or token[end - 1] in _APOSTROPHES):
        end -= 1
    lead, core, trail = token[:start], token[start:end], token[end:]
    if any(c.isdigit() for c in token):
        raise _fail(line_no, line, token, "digits cannot be sung as written (write the number as a word)")
    if not any(c.isalpha() for c in core):
        if set(token) <= {"_"}:
            raise _fail(line_no, line, token, "a melisma '_' must follow a syllable of its line")
        raise _fail(line_no, line, token, "no letters to sing (attach punctuation to a word)")
    extra_at_end = trail.count("_")
    if "-" in trail:
        raise _fail(line_no, line, token, "a hyphen must stand between two syllables ('hap-py' or 'hap -- py')")
    trail = trail.replace("_", "")
    pieces = core.split("-")
    texts, melismas = [], []
    for piece in pieces:
        stripped = piece.rstrip("_")
        if not stripped:
            raise _fail(line_no, line, token, "empty syllable between hyphens (accepted: 'hap-py')")
        if "_" in stripped:
            raise _fail(line_no, line, token, "an underscore can only end a syllable ('love_', 'a_-men')")
        bad = [c for c in stripped if not (c.isalpha() or c in _APOSTROPHES)]
        if bad:
            raise _fail(line_no, line, token, f"character {bad[0]!r} inside a word (accepted: letters, "
                                              f"apostrophes, '-' between syllables, '_' after one)")
        if not any(c.isalpha() for c in stripped):
            raise _fail(line_no, line, token, f"syllable {stripped!r} has no letter")
        texts.append(stripped)
        melismas.append(len(piece) - len(stripped))
    melismas[-1] += extra_at_end
    word = "".join(texts)
    if len(texts) == 1:
        texts = syllabify(word)
        melismas = [0] * (len(texts) - 1) + melismas
    stress = _stress(word, texts)
    n = len(texts)
    out = []
    for k, (text, extra, accent) in enumerate(zip(texts, melismas, stress)):
        shown = (lead if k == 0 else "") + text + (trail if k == n - 1 else "")
        syllabic = "single" if n == 1 else "begin" if k == 0 else "end" if k == n - 1 else "middle"
        out.append(Syllable(shown, word, accent, syllabic, extra, index))
    return out


def _stress(word: str, texts: list[str]) -> tuple[int, ...]:
    """A word's stress; a hyphenated compound of known monosyllables ('well-known') by its parts."""
    parts = [lexicon_stress(t) for t in texts]
    if len(texts) > 1 and lexicon_stress(word) is None and all(p is not None and len(p) == 1 for p in parts):
        return tuple(word_stress(t, 1)[0] for t in texts)
    return word_stress(word, len(texts))


def parse_lyrics(text: str) -> list[list[Syllable]]:
    """Lyrics text -> one list of syllables per line (see the module docstring for the conventions)."""
    out: list[list[Syllable]] = []
    for index, line in enumerate(_split_lines(text)):
        line_no = index + 1
        tokens = _join_double_hyphens(line.split(), line_no, line)
        syllables: list[Syllable] = []
        for token in tokens:
            if set(token) <= {"_"}:
                if not syllables:
                    raise _fail(line_no, line, token, "a melisma '_' must follow a syllable of its line "
                                                      "(accepted: 'love_' or 'love _')")
                last = syllables[-1]
                syllables[-1] = Syllable(last.text, last.word, last.stress, last.syllabic,
                                         last.melisma + len(token), last.line)
                continue
            syllables.extend(_word_syllables(token, line_no, line, index))
        out.append(syllables)
    return out


def note_lyrics(syllables: list[Syllable]) -> list[Lyric | None]:
    """The lyric of each note the syllables are sung on, in order: a syllable's first note carries
    its `Lyric` (text, syllabic; `extend` for a melisma on a word's last or only syllable, which
    is printed with an extender line, while a melisma inside a word is shown by its hyphens);
    a melisma's later notes carry None."""
    out: list[Lyric | None] = []
    for s in syllables:
        out.append(Lyric(s.text, s.syllabic, extend=s.melisma > 0 and s.syllabic in ("single", "end")))
        out.extend([None] * s.melisma)
    return out
