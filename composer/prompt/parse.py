"""Parsing a prompt: its words, then hits (the phrases of the vocabulary it contains).

The words keep where they stand in the prompt, so that a hit can quote its phrase as typed
('F sharp minor', 'E-flat'). Matching goes left to right, longest phrase first; before the
table of phrases come the shapes no table holds: a bpm ('90 bpm', 'tempo 90'), a meter ('7/8',
with a grouping '2+2+3'), a grouping alone, and a key ('D minor', 'F sharp', 'in Bb').
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from theory.errors import TheoryError
from theory.meter import Meter
from theory.pack import load_pack

from .words import Entry, Vocabulary, normalise_word

__all__ = ["Token", "Hit", "tokenise", "find_hits"]

_ACCIDENTAL_WORDS = {"sharp": "#", "flat": "b", "#": "#"}
_NOTE_RE = re.compile(r"^([a-g])(#|b)?$")
_WORD_RE = re.compile(r"[^\s,;:!?()\[\]{}\"“”«»–—\-]+")
_TONIC_CONTEXT = {"in", "on", "of"}
_BPM_TAILS = (("bpm",), ("beats", "per", "minute"), ("beats", "a", "minute"), ("beats", "per", "min"))


@dataclass(frozen=True)
class Token:
    norm: str              # normalised: lower case, no accents, '#' and 'b' for sharps and flats
    text: str              # as typed
    start: int             # character offsets in the prompt
    end: int
    pause_after: bool      # punctuation between this word and the next


@dataclass
class Hit:
    start: int             # first token
    end: int               # one past the last token
    kind: str              # bpm, meter, grouping, key, or an Entry kind (tempo, mood, genre, ...)
    value: Any
    text: str = ""         # the phrase as typed


def tokenise(text: str) -> list[Token]:
    """The words of a prompt; hyphens and most punctuation separate words, '/' only outside a meter."""
    raw: list[tuple[str, int]] = []
    for m in _WORD_RE.finditer(text):
        word = m.group(0)
        stripped = word.strip(".'\"`*~’")
        if not stripped:
            continue
        start = m.start() + word.index(stripped)
        pieces = [(stripped, start)]
        if "/" in stripped and not re.fullmatch(r"\d{1,2}/\d{1,2}", stripped):
            pieces, at = [], start
            for part in stripped.split("/"):
                if part:
                    pieces.append((part, at))
                at += len(part) + 1
        for piece, at in pieces:
            bpm = re.fullmatch(r"(\d+)(bpm)", piece, re.IGNORECASE)
            raw += [(bpm.group(1), at), (bpm.group(2), at + len(bpm.group(1)))] if bpm else [(piece, at)]
    out = []
    for i, (word, at) in enumerate(raw):
        end = at + len(word)
        gap = text[end:raw[i + 1][1]] if i + 1 < len(raw) else ""
        norm = normalise_word(word)
        if norm:
            out.append(Token(norm, word, at, end, bool(re.search(r"[,;:.!?()]", gap))))
    return out


def find_hits(text: str, tokens: list[Token], vocab: Vocabulary) -> list[Hit]:
    """The hits of the prompt, left to right, each quoting its phrase as typed."""
    return _Parser(text, tokens, vocab).parse()


class _Parser:
    def __init__(self, text: str, tokens: list[Token], vocab: Vocabulary):
        self.text, self.tokens, self.vocab = text, tokens, vocab
        self.hits: list[Hit] = []

    def parse(self) -> list[Hit]:
        i = 0
        while i < len(self.tokens):
            hit = (self.match_bpm(i) or self.match_meter(i) or self.match_grouping(i) or self.match_key(i)
                   or self.match_phrase(i))
            if hit is None:
                i += 1
                continue
            hit.text = self.text[self.tokens[hit.start].start:self.tokens[hit.end - 1].end]
            self.hits.append(hit)
            i = hit.end
        return self.hits

    def norm(self, i: int) -> str | None:
        return self.tokens[i].norm if 0 <= i < len(self.tokens) else None

    def match_bpm(self, i: int) -> Hit | None:
        if self.norm(i) in ("tempo", "bpm", "metronome") and (self.norm(i + 1) or "").isdigit():
            return Hit(i, i + 2, "bpm", int(self.norm(i + 1)))
        if not (self.norm(i) or "").isdigit():
            return None
        for tail in _BPM_TAILS:
            if tuple(self.norm(i + 1 + k) for k in range(len(tail))) == tail:
                return Hit(i, i + 1 + len(tail), "bpm", int(self.norm(i)))
        return None

    def match_meter(self, i: int) -> Hit | None:
        if not re.fullmatch(r"\d{1,2}/\d{1,2}", self.norm(i) or ""):
            return None
        try:
            Meter.parse(self.norm(i))
        except TheoryError:
            return None
        grouping = self.grouping_at(i + 1)
        return Hit(i, i + (2 if grouping else 1), "meter", {"meter": self.norm(i), "grouping": grouping})

    def grouping_at(self, i: int) -> tuple[int, ...] | None:
        """'2+2+3': beat groups the spec accepts (at most 16 groups of 1 to 16, adding up to a meter's 32)."""
        if not re.fullmatch(r"\d{1,2}(\+\d{1,2})+", self.norm(i) or ""):
            return None
        groups = tuple(int(g) for g in self.norm(i).split("+"))
        try:
            Meter(sum(groups), 8, groups)
        except TheoryError:
            return None
        return groups if len(groups) <= 16 and all(1 <= g <= 16 for g in groups) else None

    def match_grouping(self, i: int) -> Hit | None:
        grouping = self.grouping_at(i)
        return Hit(i, i + 1, "grouping", grouping) if grouping else None

    def match_key(self, i: int) -> Hit | None:
        """A tonic, with a mode when one follows: 'D minor', 'F sharp major', 'E-flat', 'in Bb', 'in A'.

        A letter alone is a tonic after 'in', 'on' or 'of', or before a mode; a lower-case 'a' is
        the article unless it follows 'in' (or 'on', 'of') and ends the phrase or comes before a mode."""
        m = _NOTE_RE.match(self.norm(i) or "")
        if not m:
            return None
        letter, accidental, end = m.group(1), m.group(2) or "", i + 1
        if not accidental and self.norm(end) in _ACCIDENTAL_WORDS:
            accidental, end = _ACCIDENTAL_WORDS[self.norm(end)], end + 1
        found = self.phrase_at(end)
        mode = found if found is not None and found[0].kind == "mode" else None
        after_in = self.norm(i - 1) in _TONIC_CONTEXT
        typed = self.tokens[i].text
        if letter == "a" and typed[0] == "a" and not accidental:
            nxt = self.norm(end)
            ends = nxt is None or self.tokens[end - 1].pause_after or nxt in self.vocab.stop_words
            if not (after_in and (mode or ends)):
                return None
        elif not (after_in or mode or end - i == 2 or accidental == "#" or (accidental and typed[0].isupper())):
            return None
        tonic = letter.upper() + accidental
        if mode is not None:
            entry, n = mode
            return Hit(i, end + n, "key", {"tonic": tonic, "mode": entry.value["mode"]})
        return Hit(i, end, "key", {"tonic": tonic, "mode": None})

    def phrase_at(self, i: int) -> tuple[Entry, int] | None:
        for n in range(min(self.vocab.longest, len(self.tokens) - i), 0, -1):
            entry = self.vocab.phrases.get(tuple(t.norm for t in self.tokens[i:i + n]))
            if entry is not None:
                return entry, n
        return None

    def match_phrase(self, i: int) -> Hit | None:
        found = self.phrase_at(i)
        if found is None:
            return None
        entry, n = found
        hit = Hit(i, i + n, entry.kind, entry.value)
        return self.with_mode(hit) if entry.kind == "tradition" else hit

    def with_mode(self, hit: Hit) -> Hit:
        """A tradition's word takes a mode of its pack named next to it: 'raga yaman', 'carnatic
        bilahari', 'bhairav raga'; 'rast makam' reads rast as a Turkish makam; 'turkish makam
        hicaz' is one phrase."""
        name = hit.value["tradition"]
        pack = load_pack(self.vocab.tradition(name)["pack"])
        start, end, mode = hit.start, hit.end, hit.value["mode"]
        if mode is None:
            for n in (3, 2, 1):
                found = self.pack_mode(pack, end, end + n)
                if found:
                    end, mode = end + n, found
                    break
        prev = self.hits[-1] if self.hits else None
        if prev is not None and prev.kind == "tradition" and prev.end == start:
            before = prev.value["mode"] and _mode_of(pack, prev.value["mode"])
            if prev.value["tradition"] == name or (mode is None and before):
                self.hits.pop()
                start, mode = prev.start, mode or before
        if mode is None:
            first = self.hits[-1].end if self.hits else 0
            for n in (2, 1):
                found = self.pack_mode(pack, start - n, start) if start - n >= first else None
                if found:
                    start, mode = start - n, found
                    break
        return Hit(start, end, "tradition", {"tradition": name, "mode": mode})

    def pack_mode(self, pack, a: int, b: int) -> str | None:
        words = [t.norm for t in self.tokens[a:b]]
        if b > len(self.tokens) or not words or (len(words) == 1 and words[0] in self.vocab.stop_words):
            return None
        return _mode_of(pack, "_".join(words))


def _mode_of(pack, name: str) -> str | None:
    try:
        return pack.mode(name).name
    except TheoryError:
        return None
