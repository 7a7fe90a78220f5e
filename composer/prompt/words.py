"""The vocabulary of prompts: grammars/prompt_words.yaml, checked, and its table of phrases.

The data file holds the musical knowledge (tempo ranges, moods, dances, ensembles, the
traditions of the scale packs); the names of instruments, rhythmic cycles and the modes of a
tradition's pack come from their own data files. `load_vocabulary()` checks the file against
its schema and against that other data, and builds `Vocabulary.phrases`: each phrase (a tuple
of normalised words) with the `Entry` it stands for.

    >>> vocab = load_vocabulary()
    >>> vocab.phrases[("slow",)].kind, vocab.phrases[("slow",)].value
    ('tempo', (56, 76))
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from theory.cycle import all_cycles
from theory.datafile import YamlDocument, load_yaml, package_folder
from theory.errors import TheoryError
from theory.key import Key
from theory.meter import Meter
from theory.pack import list_packs, load_pack
from theory.schema import format_path, validate

from .. import grammar
from ..score.errors import GrammarError

__all__ = ["Entry", "Vocabulary", "load_vocabulary", "check_prompt_words", "normalise_word", "phrase_of",
           "TONIC_RE", "ROLES_BY_POLICY"]

DATA_FILE = "prompt_words.yaml"
SCHEMA_FILE = "prompt_words.schema.json"
# A tonic as the spec's scale.tonic reads it: a note name, optionally with cents off 12-EDO.
TONIC_RE = re.compile(r"^[A-G](#|b)?([+-]\d+c)?$")
# The roles a part may take under each harmony policy of a mode (percussion needs a cycle).
ROLES_BY_POLICY = {"functional": ("melody", "chords", "bass", "drone"), "drone": ("melody", "drone"),
                   "heterophony": ("melody", "drone"), "colotomic": ("melody", "drone")}
# Sections of the file whose `words` map a phrase to an entry of one kind.
_WORD_SECTIONS = {"tempo": "tempo", "moods": "mood", "modes": "mode", "meters": "meter", "ensembles": "ensemble",
                  "instruments": "instrument", "genres": "genre", "forms": "form", "styles": "style"}


@dataclass(frozen=True)
class Entry:
    """What a phrase stands for: its kind ('tempo', 'mood', 'instrument', ...) and a value of that kind."""

    kind: str
    value: Any
    phrase: str     # as the data file (or the instrument or cycle file) spells it


@dataclass(frozen=True)
class Vocabulary:
    data: dict                                   # the checked prompt_words document
    phrases: dict[tuple[str, ...], Entry]
    longest: int                                 # words in the longest phrase
    stop_words: frozenset[str]
    polyphonic: frozenset[str]

    def tradition(self, name: str) -> dict:
        return self.data["traditions"]["words"][name]


def normalise_word(text: str) -> str:
    """Lower case, accents removed, sharps and flats as '#' and 'b', outer punctuation stripped."""
    text = text.replace("♯", "#").replace("♭", "b").replace("’", "'")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("ı", "i").lower()
    return text.strip(".'\"`*_~")


def phrase_of(text: str) -> tuple[str, ...]:
    """A phrase as a tuple of normalised words: 'three-four' -> ('three', 'four')."""
    return tuple(w for w in (normalise_word(p) for p in re.split(r"[\s_\-]+", str(text))) if w)


# --- loading ---------------------------------------------------------------------------------
def _document() -> YamlDocument:
    entry = package_folder("grammars") / DATA_FILE
    try:
        return load_yaml(entry.read_bytes(), f"grammars/{DATA_FILE}", shipped=True)
    except TheoryError as exc:
        raise GrammarError(str(exc)) from None


def _schema() -> dict:
    return json.loads((package_folder("grammars") / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8"))


def check_prompt_words() -> list[str]:
    """Every problem of grammars/prompt_words.yaml (schema, then meaning); empty when all is well."""
    try:
        doc = _document()
    except GrammarError as exc:
        return [str(exc)]
    problems = [str(p) for p in validate(doc.data, _schema(), doc)]
    if problems:
        return problems
    return _Checker(doc).run()


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The checked vocabulary; GrammarError lists every problem of the data file."""
    doc = _document()
    problems = [str(p) for p in validate(doc.data, _schema(), doc)] or _Checker(doc).run()
    if problems:
        raise GrammarError(f"grammars/{DATA_FILE} has {len(problems)} problem(s):\n"
                           + "\n".join(f"  {p}" for p in problems))
    phrases, _ = _phrase_table(doc.data)
    data = doc.data
    return Vocabulary(data=data, phrases=phrases, longest=max(len(p) for p in phrases),
                      stop_words=frozenset(normalise_word(w) for w in data["stop_words"]["words"]),
                      polyphonic=frozenset(data["instruments"]["polyphonic"]))


def _phrase_table(data: dict) -> tuple[dict[tuple[str, ...], Entry], list[tuple[str, str]]]:
    """Phrase -> entry: instrument and cycle names first, then this file's words over them.
    Also returns the phrases this file defines twice (phrase, where)."""
    table: dict[tuple[str, ...], Entry] = {}
    not_instruments = set(data["instruments"].get("not_words", ()))
    for inst in grammar.load_instruments().values():
        role = "percussion" if inst.roles == ("percussion",) else None
        for label in (inst.name, *inst.aliases):
            if label not in not_instruments:
                table[phrase_of(label)] = Entry("instrument", {"instrument": inst.name, "role": role}, label)
    excluded = set(data["cycles"]["not_words"])
    for cycle in all_cycles().values():
        for label in (cycle.name, *cycle.aliases):
            if label not in excluded:
                table[phrase_of(label)] = Entry("cycle", cycle.name, label)
    own: dict[tuple[str, ...], str] = {}
    twice: list[tuple[str, str]] = []

    def put(phrase: str, entry: Entry, where: str) -> None:
        key = phrase_of(phrase)
        if key in own:
            twice.append((phrase, f"{where} and {own[key]}"))
        own[key] = where
        table[key] = entry

    for section, kind in _WORD_SECTIONS.items():
        for phrase, value in data[section]["words"].items():
            if kind == "tempo":
                value = tuple(value)
            elif kind == "instrument":
                inst = value["instrument"]
                role = value.get("role") or ("percussion" if inst == data["defaults"]["percussion"] else None)
                value = {"instrument": inst, "role": role, "stands_in": value.get("stands_in", False)}
            put(phrase, Entry(kind, value, phrase), section)
    for phrase, form in data["forms"]["lengths"].items():
        put(phrase, Entry("length", form, phrase), "forms.lengths")
    for name, trad in data["traditions"]["words"].items():
        for phrase in trad["words"]:
            put(phrase, Entry("tradition", {"tradition": name, "mode": None}, phrase), f"traditions.{name}.words")
        for phrase, mode in trad["modes"].items():
            put(phrase, Entry("tradition", {"tradition": name, "mode": mode}, phrase), f"traditions.{name}.modes")
    for phrase in data["solo_words"]["words"]:
        put(phrase, Entry("solo", True, phrase), "solo_words")
    return table, twice


# --- checking the meaning ----------------------------------------------------------------------
class _Checker:
    def __init__(self, doc: YamlDocument):
        self.doc, self.data, self.problems = doc, doc.data, []
        self.instruments = grammar.load_instruments()

    def add(self, path: tuple, message: str) -> None:
        line = self.doc.line_of(path)
        where = f"{self.doc.source}:{line}" if line else self.doc.source
        self.problems.append(f"{where}: {format_path(path)}: {message}")

    def run(self) -> list[str]:
        d = self.data
        self.check_defaults(d["defaults"])
        for section in ("tempo", "moods", "genres"):
            for phrase, value in d[section]["words"].items():
                rng = value if section == "tempo" else value["tempo"]
                path = (section, "words", phrase) + (() if section == "tempo" else ("tempo",))
                self.check_range(path, rng)
        for phrase, value in d["moods"]["words"].items():
            self.check_mode(("moods", "words", phrase, "mode"), value["mode"])
        for phrase, value in d["modes"]["words"].items():
            self.check_mode(("modes", "words", phrase), value["mode"], value["tonic"])
        for phrase, value in d["meters"]["words"].items():
            self.check_meter(("meters", "words", phrase), value["meter"], value.get("grouping"))
        for meter, grouping in d["meters"]["groupings"].items():
            self.check_meter(("meters", "groupings", meter), meter, grouping)
        for phrase, ens in d["ensembles"]["words"].items():
            for role, names in ens.items():
                for name in names if isinstance(names, list) else [names]:
                    self.check_instrument(("ensembles", "words", phrase, role), name, role)
        self.check_instruments(d["instruments"])
        for phrase, genre in d["genres"]["words"].items():
            self.check_genre(("genres", "words", phrase), genre)
        for phrase, value in d["forms"]["words"].items():
            self.check_genre(("forms", "words", phrase), value)
            if "tempo" in value:
                self.check_range(("forms", "words", phrase, "tempo"), value["tempo"])
        for phrase, form in d["forms"]["lengths"].items():
            self.check_name(("forms", "lengths", phrase), form, "forms")
        for phrase, value in d["styles"]["words"].items():
            self.check_genre(("styles", "words", phrase), value)
        for name, trad in d["traditions"]["words"].items():
            self.check_tradition(("traditions", "words", name), trad)
        names = {label for c in all_cycles().values() for label in (c.name, *c.aliases)}
        for i, word in enumerate(d["cycles"]["not_words"]):
            if word not in names:
                self.add(("cycles", "not_words", i), f"{word!r} is not the name or alias of a cycle")
        self.check_phrases()
        return self.problems

    def check_defaults(self, defaults: dict) -> None:
        self.check_mode(("defaults", "mode"), defaults["mode"], defaults["tonic"])
        self.check_meter(("defaults", "meter"), defaults["meter"])
        self.check_range(("defaults", "tempo"), defaults["tempo"])
        self.check_name(("defaults", "form"), defaults["form"], "forms")
        self.check_instrument(("defaults", "percussion"), defaults["percussion"], "percussion")
        for policy, parts in defaults["parts"].items():
            self.check_parts(("defaults", "parts", policy), parts, policy)

    def check_range(self, path: tuple, rng: list) -> None:
        if rng[0] >= rng[1]:
            self.add(path, f"a range runs from low to high, received {rng}")

    def check_mode(self, path: tuple, mode: str, tonic: str = "C") -> None:
        try:
            Key.parse(f"{tonic} {mode}")
        except TheoryError as exc:
            self.add(path, str(exc))

    def check_meter(self, path: tuple, text: str, grouping=None) -> None:
        try:
            Meter.parse(text, grouping)
        except TheoryError as exc:
            self.add(path, str(exc))

    def check_name(self, path: tuple, name: str, kind: str) -> bool:
        if name not in grammar.list_grammars(kind):
            self.add(path, f"unknown {kind} grammar {name!r} (accepted: {', '.join(grammar.list_grammars(kind))})")
            return False
        return True

    def check_instrument(self, path: tuple, name: str, role: str | None) -> None:
        inst = self.instruments.get(name)
        if inst is None:
            self.add(path, f"unknown instrument {name!r} (accepted: the names of grammars/instruments.yaml)")
        elif role is not None and role not in inst.roles:
            self.add(path, f"instrument {name!r} does not take the role {role!r} (its roles: {', '.join(inst.roles)})")

    def check_parts(self, path: tuple, parts: list, policy: str) -> None:
        for i, part in enumerate(parts):
            self.check_instrument(path + (i, "instrument"), part["instrument"], part["role"])
            if part["role"] not in ROLES_BY_POLICY[policy]:
                self.add(path + (i, "role"), f"a mode whose harmony is {policy!r} takes no {part['role']!r} part "
                                             f"(accepted: {', '.join(ROLES_BY_POLICY[policy])})")
        if not any(p["role"] == "melody" for p in parts):
            self.add(path, "the parts need a melody")

    def check_instruments(self, section: dict) -> None:
        for i, name in enumerate(section["polyphonic"]):
            self.check_instrument(("instruments", "polyphonic", i), name, "chords")
        for phrase, value in section["words"].items():
            self.check_instrument(("instruments", "words", phrase), value["instrument"], value.get("role"))

    def check_genre(self, path: tuple, genre: dict) -> None:
        if "meter" in genre:
            self.check_meter(path + ("meter",), genre["meter"])
        if "form" in genre:
            self.check_name(path + ("form",), genre["form"], "forms")
        if "style" in genre:
            self.check_name(path + ("style",), genre["style"], "chords")
        if "idiom" in genre:
            self.check_name(path + ("idiom",), genre["idiom"], "idioms")
        if "mode" in genre:
            self.check_mode(path + ("mode",), genre["mode"])
        if "ensemble" in genre and genre["ensemble"] not in self.data["ensembles"]["words"]:
            self.add(path + ("ensemble",), f"unknown ensemble {genre['ensemble']!r} (accepted: the ensembles' words)")
        if "pattern" in genre and self.check_name(path + ("pattern",), genre["pattern"], "accompaniment"):
            suits = grammar.load_pattern(genre["pattern"]).meters
            if suits and "meter" in genre and genre["meter"] not in suits:
                self.add(path + ("pattern",), f"pattern {genre['pattern']!r} does not suit {genre['meter']} "
                                              f"(it suits {', '.join(suits)})")

    def check_tradition(self, path: tuple, trad: dict) -> None:
        if trad["pack"] not in list_packs():
            self.add(path + ("pack",), f"unknown scale pack {trad['pack']!r} (accepted: {', '.join(list_packs())})")
            return
        pack = load_pack(trad["pack"])
        modes = [trad["mode"], *trad["modes"].values(), *trad.get("tonics", {})]
        for mode in modes:
            try:
                pack.mode(mode)
            except TheoryError as exc:
                self.add(path, str(exc))
        for mode, tonic in trad.get("tonics", {}).items():
            if not TONIC_RE.match(tonic):
                self.add(path + ("tonics", mode), f"cannot read tonic {tonic!r}")
        if "tuning" in trad and trad["tuning"] not in pack.tunings:
            self.add(path + ("tuning",), f"unknown tuning {trad['tuning']!r} of pack {pack.name!r} "
                                         f"(accepted: {', '.join(pack.tunings)})")
        self.check_genre(path, {k: trad[k] for k in ("meter", "form", "pattern") if k in trad})
        self.check_range(path + ("tempo",), trad["tempo"])
        policy = pack.mode(trad["mode"]).harmony
        self.check_parts(path + ("parts",), trad["parts"], policy if policy in ROLES_BY_POLICY else "drone")
        seen: list[str] = []
        for i, section in enumerate(trad.get("sections", ())):
            if "repeat" in section and section["repeat"] not in seen:
                self.add(path + ("sections", i, "repeat"), f"repeats {section['repeat']!r}, not an earlier section")
            if "repeat" not in section and "length" not in section:
                self.add(path + ("sections", i), "a section needs 'length' or 'repeat'")
            seen.append(section["name"])

    def check_phrases(self) -> None:
        table, twice = _phrase_table(self.data)
        for phrase, where in twice:
            self.add((), f"phrase {phrase!r} is defined twice ({where})")
        for i, word in enumerate(self.data["stop_words"]["words"]):
            if phrase_of(word) in table:
                self.add(("stop_words", "words", i), f"stop word {word!r} is also a phrase of the vocabulary")
