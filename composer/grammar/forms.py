"""Form grammars: sections of phrases with their cadences and keys, repeats and motifs."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from theory.datafile import YamlDocument
from theory.errors import TheoryError, did_you_mean
from theory.key import Key

from .files import load_checked, read_packaged, read_user, where


# --- data classes ------------------------------------------------------------------------
@dataclass(frozen=True)
class PhraseDef:
    bars: int
    cadence: str
    key: str | None  # None = the section's key


@dataclass(frozen=True)
class MotifDef:
    from_bar: int
    to_bar: int
    bars: int
    transpose: int


@dataclass(frozen=True)
class FormSection:
    name: str
    role: str
    key: str
    phrases: tuple[PhraseDef, ...]
    repeat: str | None
    vary: float
    motifs: tuple[MotifDef, ...]
    chords: tuple[str, ...] | None

    @property
    def bars(self) -> int:
        return sum(p.bars for p in self.phrases)


@dataclass(frozen=True)
class FormGrammar:
    name: str
    title: str
    description: str
    source: str
    sections: tuple[FormSection, ...]

    @property
    def bars(self) -> int:
        return sum(s.bars for s in self.sections)


# --- forms -------------------------------------------------------------------------------
def form_semantic(doc: YamlDocument) -> tuple[FormGrammar, list[str]]:
    data, problems, built = doc.data, [], {}
    sections = []
    for i, raw in enumerate(data["sections"]):
        path = ("sections", i)
        base = built.get(raw.get("repeat")) if raw.get("repeat") else None
        if raw.get("repeat") and base is None:
            close = did_you_mean(raw["repeat"], built)
            problems.append(f"{where(doc, path + ('repeat',))}: repeats {raw['repeat']!r}, which is not an earlier "
                            f"section (earlier: {', '.join(built) or 'none'})"
                            + (f"; did you mean {', '.join(map(repr, close))}?" if close else ""))
        if "phrases" in raw:
            phrases = tuple(PhraseDef(p["bars"], p["cadence"], p.get("key")) for p in raw["phrases"])
        elif base is not None:
            phrases = base.phrases
        else:
            phrases = ()
            if not raw.get("repeat"):
                problems.append(f"{where(doc, path)}: a section needs 'phrases' or 'repeat'")
        motifs = tuple(MotifDef(m["from_bar"], m["to_bar"], m["bars"], m.get("transpose", 0))
                       for m in raw.get("motifs", ())) if "motifs" in raw else (base.motifs if base else ())
        chords = tuple(raw["chords"]) if "chords" in raw else (base.chords if base else None)
        section = FormSection(name=raw["name"], role=raw["role"], key=raw.get("key", base.key if base else "tonic"),
                              phrases=phrases, repeat=raw.get("repeat"), vary=float(raw.get("vary", 0.0)),
                              motifs=motifs, chords=chords)
        if section.vary > 0 and not section.repeat:
            problems.append(f"{where(doc, path + ('vary',))}: 'vary' needs 'repeat' (a section to vary)")
        for j, m in enumerate(section.motifs):
            if max(m.from_bar, m.to_bar) + m.bars - 1 > section.bars or m.from_bar == m.to_bar:
                problems.append(f"{where(doc, path + ('motifs', j))}: motif copies bars {m.from_bar}-"
                                f"{m.from_bar + m.bars - 1} to {m.to_bar}-{m.to_bar + m.bars - 1}, outside the "
                                f"section's {section.bars} bars or onto itself")
        if chords is not None:
            names = [c.split(":")[0] for c in chords]
            for j, numeral in enumerate(names):
                try:
                    Key.parse("C major").chord(numeral)
                except TheoryError as exc:
                    problems.append(f"{where(doc, path + ('chords', j))}: {exc}")
            if all(":" not in c for c in chords) and len(chords) != section.bars:
                problems.append(f"{where(doc, path + ('chords',))}: {len(chords)} chords for {section.bars} bars "
                                f"(one chord a bar, or give durations as 'V7:2')")
        built.setdefault(section.name, section)
        sections.append(section)
    form = FormGrammar(data["name"], data["title"], data["description"].strip(), data["source"], tuple(sections))
    return form, problems


@lru_cache(maxsize=None)
def load_form(name: str) -> FormGrammar:
    return load_checked("forms", read_packaged("forms", name), form_semantic)


def load_form_file(path: str | Path) -> FormGrammar:
    """A user's form grammar file, checked like the shipped ones."""
    return load_checked("forms", read_user(path), form_semantic)
