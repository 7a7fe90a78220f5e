"""Grammar loader: form grammars, chord styles, accompaniment patterns and instruments.

The knowledge lives as YAML under the `grammars` package (see grammars/README.md);
this module reads it safely, checks it against grammars/schemas/*.schema.json and
against the musical rules the planner relies on (a chord walk never gets stuck,
authentic cadences end on the tonic, ...), and returns small frozen dataclasses.

    >>> load_form("aaba").bars
    32
    >>> load_chord_style("classical").variant_for("major", "major").cadences["authentic"].formulas[0]
    ('V', 'I')
"""
from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from theory.datafile import YamlDocument, load_yaml, read_yaml_file
from theory.errors import TheoryError, did_you_mean
from theory.key import Key
from theory.meter import Meter
from theory.pitch import Pitch
from theory.schema import format_path, validate

from .errors import GrammarError

__all__ = [
    "PhraseDef", "MotifDef", "FormSection", "FormGrammar", "CadenceDef", "ChordGraphDef", "ChordStyle",
    "PatternEvent", "AccompanimentPattern", "InstrumentDef", "list_grammars", "load_form", "load_chord_style",
    "load_pattern", "load_instruments", "find_instrument", "default_instrument", "load_form_file",
    "load_chord_style_file", "load_pattern_file", "validate_all", "CADENCES",
]

CADENCES = ("authentic", "half", "plagal", "deceptive", "none")
# kind -> (folder, schema file, words for messages)
_KINDS = {
    "forms": ("forms", "form.schema.json", "form grammar"),
    "chords": ("chords", "chord_style.schema.json", "chord style"),
    "accompaniment": ("accompaniment", "accompaniment.schema.json", "accompaniment pattern"),
}
_MINOR_SYNONYMS = {"natural_minor": ("aeolian", "minor"), "aeolian": ("natural_minor", "minor"),
                   "minor": ("aeolian",), "ionian": ("major",), "major": ("ionian",),
                   "harmonic_minor": ("minor",), "melodic_minor": ("minor",)}
_TONIC_QUALITIES = {"maj", "min", "dom7", "maj7", "min7"}


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


@dataclass(frozen=True)
class CadenceDef:
    name: str
    formulas: tuple[tuple[str, ...], ...]
    melody_degrees: tuple[int, ...]


@dataclass(frozen=True)
class ChordGraphDef:
    variant: str
    chords_per_bar: int
    start: dict[str, float]
    functions: dict[str, str]
    transitions: dict[str, dict[str, float]]
    cadences: dict[str, CadenceDef]
    blue_notes: tuple[float, ...]

    def digraph(self) -> nx.DiGraph:
        """Nodes are chord names (attribute `function`); edges carry `weight`."""
        graph = nx.DiGraph()
        for chord, targets in self.transitions.items():
            graph.add_node(chord, function=self.functions.get(chord))
            for target, weight in targets.items():
                graph.add_node(target, function=self.functions.get(target))
                graph.add_edge(chord, target, weight=weight)
        return graph


@dataclass(frozen=True)
class ChordStyle:
    name: str
    title: str
    description: str
    source: str
    variants: dict[str, ChordGraphDef]

    def variant_for(self, mode: str, family: str, parent: str | None = None) -> ChordGraphDef:
        """The variant for a mode: the exact mode name first, then its parent mode, then its family."""
        names = [mode, *([parent] if parent else []), *_MINOR_SYNONYMS.get(mode, ())]
        if family in ("major", "minor"):
            names.append(family)
        else:
            names.append("minor" if _has_minor_third(mode) else "major")
        for name in names:
            if name in self.variants:
                return self.variants[name]
        raise GrammarError(f"chord style {self.name!r} has no variant for mode {mode!r} (family {family!r}); "
                           f"variants available: {', '.join(self.variants)}")


@dataclass(frozen=True)
class PatternEvent:
    at: Fraction
    dur: Fraction | None  # None = 'rest': until the chord changes or the bar/group ends
    tone: str | None  # bass events: root, third, fifth, seventh, octave
    voices: tuple[int, ...] | None  # upper events: None = all voices


@dataclass(frozen=True)
class AccompanimentPattern:
    name: str
    title: str
    description: str
    source: str
    unit: Fraction
    length: int
    per_group: bool
    meters: tuple[str, ...] | None
    bass: tuple[PatternEvent, ...]
    upper: tuple[PatternEvent, ...]


@dataclass(frozen=True)
class InstrumentDef:
    name: str
    program: int
    low: str
    high: str
    musicxml_name: str
    roles: tuple[str, ...]
    aliases: tuple[str, ...]


# --- reading and checking ----------------------------------------------------------------
def variant_for_key(style: "ChordStyle", key: Key) -> "ChordGraphDef":
    """The style's variant for a key: by its mode, its parent mode, then its family."""
    scale = key.scale
    if key.family not in ("major", "minor"):
        minor = scale.degree_of(300.0, tolerance=60.0) is not None and scale.degree_of(400.0, tolerance=30.0) is None
        family = "minor" if minor else "major"
    else:
        family = key.family
    return style.variant_for(key.mode, family, key.info.parent)


def _has_minor_third(mode: str) -> bool:
    from theory.pack import load_pack

    try:
        cents = load_pack("western").mode(mode).scale.degree_cents
    except TheoryError:
        return "minor" in mode
    return len(cents) > 2 and abs(cents[2] - 300.0) < 50.0


def _unknown(kind: str, received: str, accepted, also=()) -> GrammarError:
    """`accepted` are listed; `also` (aliases) only feed the did-you-mean."""
    accepted = sorted(accepted)
    close = did_you_mean(received, [*accepted, *also])
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return GrammarError(f"unknown {kind} {received!r}{hint} (accepted: {', '.join(accepted)})")


def _package_dir():
    return importlib.resources.files("grammars")


@lru_cache(maxsize=None)
def _schema(filename: str) -> dict:
    return json.loads((_package_dir() / "schemas" / filename).read_text(encoding="utf-8"))


def _where(doc: YamlDocument, path: tuple) -> str:
    line = doc.line_of(path)
    return f"{doc.source}:{line}: {format_path(path)}" if line else f"{doc.source}: {format_path(path)}"


def _check(doc: YamlDocument, schema_file: str, semantic) -> tuple[Any, list[str]]:
    """Schema problems first; when the schema holds, build the object and add the semantic problems."""
    problems = [str(p) for p in validate(doc.data, _schema(schema_file), doc)]
    if problems:
        return None, problems
    return semantic(doc)


def _raise_if(problems: list[str], what: str) -> None:
    if problems:
        raise GrammarError(f"{what} has {len(problems)} problem(s):\n" + "\n".join(f"  {p}" for p in problems))


def _read_packaged(kind: str, name: str) -> YamlDocument:
    folder, _, words = _KINDS[kind]
    if name not in list_grammars(kind):
        raise _unknown(words, name, list_grammars(kind))
    entry = _package_dir() / folder / f"{name}.yaml"
    return _load_doc(entry.read_bytes(), f"grammars/{folder}/{name}.yaml")


def _load_doc(raw: bytes, source: str) -> YamlDocument:
    try:
        return load_yaml(raw, source)
    except TheoryError as exc:
        raise GrammarError(str(exc)) from None


def _read_user(path) -> YamlDocument:
    try:
        return read_yaml_file(path)
    except TheoryError as exc:
        raise GrammarError(str(exc)) from None


def _frac(x) -> Fraction:
    return Fraction(str(x))


# --- forms -------------------------------------------------------------------------------
def _form_semantic(doc: YamlDocument) -> tuple[FormGrammar, list[str]]:
    data, problems, built = doc.data, [], {}
    sections = []
    for i, raw in enumerate(data["sections"]):
        path = ("sections", i)
        base = built.get(raw.get("repeat")) if raw.get("repeat") else None
        if raw.get("repeat") and base is None:
            close = did_you_mean(raw["repeat"], built)
            problems.append(f"{_where(doc, path + ('repeat',))}: repeats {raw['repeat']!r}, which is not an earlier "
                            f"section (earlier: {', '.join(built) or 'none'})"
                            + (f"; did you mean {', '.join(map(repr, close))}?" if close else ""))
        if "phrases" in raw:
            phrases = tuple(PhraseDef(p["bars"], p["cadence"], p.get("key")) for p in raw["phrases"])
        elif base is not None:
            phrases = base.phrases
        else:
            phrases = ()
            if not raw.get("repeat"):
                problems.append(f"{_where(doc, path)}: a section needs 'phrases' or 'repeat'")
        motifs = tuple(MotifDef(m["from_bar"], m["to_bar"], m["bars"], m.get("transpose", 0))
                       for m in raw.get("motifs", ())) if "motifs" in raw else (base.motifs if base else ())
        chords = tuple(raw["chords"]) if "chords" in raw else (base.chords if base else None)
        section = FormSection(name=raw["name"], role=raw["role"], key=raw.get("key", base.key if base else "tonic"),
                              phrases=phrases, repeat=raw.get("repeat"), vary=float(raw.get("vary", 0.0)),
                              motifs=motifs, chords=chords)
        if section.vary > 0 and not section.repeat:
            problems.append(f"{_where(doc, path + ('vary',))}: 'vary' needs 'repeat' (a section to vary)")
        for j, m in enumerate(section.motifs):
            if max(m.from_bar, m.to_bar) + m.bars - 1 > section.bars or m.from_bar == m.to_bar:
                problems.append(f"{_where(doc, path + ('motifs', j))}: motif copies bars {m.from_bar}-"
                                f"{m.from_bar + m.bars - 1} to {m.to_bar}-{m.to_bar + m.bars - 1}, outside the "
                                f"section's {section.bars} bars or onto itself")
        if chords is not None:
            names = [c.split(":")[0] for c in chords]
            for j, numeral in enumerate(names):
                try:
                    Key.parse("C major").chord(numeral)
                except TheoryError as exc:
                    problems.append(f"{_where(doc, path + ('chords', j))}: {exc}")
            if all(":" not in c for c in chords) and len(chords) != section.bars:
                problems.append(f"{_where(doc, path + ('chords',))}: {len(chords)} chords for {section.bars} bars "
                                f"(one chord a bar, or give durations as 'V7:2')")
        built.setdefault(section.name, section)
        sections.append(section)
    form = FormGrammar(data["name"], data["title"], data["description"].strip(), data["source"], tuple(sections))
    return form, problems


# --- chord styles ------------------------------------------------------------------------
def _variant_key(variant: str) -> Key:
    """A key on C in the variant's mode: a Western mode, or a mode of another pack (freygish...)."""
    from theory.pack import list_packs, load_pack
    from theory.pitch import Spelling

    try:
        return Key.parse("C major" if variant == "major" else "C minor" if variant == "minor" else f"C {variant}")
    except TheoryError:
        for pack in list_packs():
            try:
                return Key(Spelling("C"), load_pack(pack).mode(variant).name, pack)
            except TheoryError:
                continue
        raise


def _variant_problems(doc: YamlDocument, name: str, v: ChordGraphDef) -> list[str]:
    base, out = ("variants", name), []
    key = _variant_key(name)
    nodes = set(v.transitions)
    parsed = {}
    for chord in nodes | {t for ts in v.transitions.values() for t in ts} | set(v.start) | set(v.functions):
        try:
            parsed[chord] = key.chord(chord)
        except TheoryError as exc:
            out.append(f"{_where(doc, base)}: chord {chord!r} in {key}: {exc}")
    stuck = lambda c: c not in nodes or not any(w > 0 for w in v.transitions[c].values())  # noqa: E731
    has_in = {t for ts in v.transitions.values() for t, w in ts.items() if w > 0}
    for section, chords in (("start", v.start), ("functions", v.functions),
                            ("transitions", {t for ts in v.transitions.values() for t in ts} | nodes)):
        for c in sorted(chords):
            if stuck(c):
                out.append(f"{_where(doc, base + (section,))}: chord {c!r} has no outgoing transition (a walk stops)")
    for c in sorted(nodes - set(v.functions)):
        out.append(f"{_where(doc, base + ('functions',))}: chord {c!r} has no function")
    has_major_v = any(ch.quality in ("maj", "dom7") and ch.root_pc == round(key.degree_cents(4) / 100) % 12
                      and ch.bass is None for ch in parsed.values())
    for cad in v.cadences.values():
        for i, formula in enumerate(cad.formulas):
            where = _where(doc, base + ("cadences", cad.name, "formulas", i))
            if any(c not in parsed for c in formula):
                continue
            for c in formula:
                if stuck(c):
                    out.append(f"{where}: chord {c!r} has no outgoing transition")
            if formula[0] not in has_in:
                out.append(f"{where}: no transition leads to {formula[0]!r}, so the cadence cannot be reached")
            for a, b in zip(formula, formula[1:]):
                if b not in v.transitions.get(a, {}):
                    out.append(f"{where}: {a} -> {b} is not a transition of the graph")
            last = parsed[formula[-1]]
            if cad.name == "authentic" and not (last.root_pc == key.tonic_pc and last.quality in _TONIC_QUALITIES
                                                and last.bass is None):
                out.append(f"{where}: an authentic cadence ends on the tonic chord in root position "
                           f"(received {formula[-1]} = {last})")
            if cad.name == "half":
                on_five = last.root_pc == round(key.degree_cents(4) / 100) % 12 and last.quality in ("maj", "dom7")
                if v.functions.get(formula[-1]) != "dominant" or (has_major_v and not on_five):
                    out.append(f"{where}: a half cadence ends on the dominant"
                               f"{' (V or V7)' if has_major_v else ''} (received {formula[-1]} = {last})")
            for d in cad.melody_degrees:
                if not last.contains_pc(key.degree_cents(d - 1)):
                    out.append(f"{_where(doc, base + ('cadences', cad.name, 'melody_degrees'))}: degree {d} is not "
                               f"a tone of the final chord {formula[-1]} ({last}) in {key}")
    return out


def _style_semantic(doc: YamlDocument) -> tuple[ChordStyle, list[str]]:
    data, variants, problems = doc.data, {}, []
    if not data["variants"]:
        problems.append(f"{_where(doc, ('variants',))}: at least one variant is needed")
    for vname, raw in data["variants"].items():
        cadences = {c: CadenceDef(c, tuple(tuple(f) for f in raw["cadences"][c]["formulas"]),
                                  tuple(raw["cadences"][c]["melody_degrees"])) for c in CADENCES}
        variant = ChordGraphDef(
            variant=vname, chords_per_bar=raw.get("chords_per_bar", 1),
            start={k: float(w) for k, w in raw["start"].items()},
            functions=dict(raw["functions"]),
            transitions={k: {t: float(w) for t, w in (ts or {}).items()} for k, ts in raw["transitions"].items()},
            cadences=cadences, blue_notes=tuple(float(b) for b in raw.get("blue_notes", ())))
        if sum(variant.start.values()) <= 0:
            problems.append(f"{_where(doc, ('variants', vname, 'start'))}: start weights must not all be 0")
        problems += _variant_problems(doc, vname, variant)
        variants[vname] = variant
    style = ChordStyle(data["name"], data["title"], data["description"].strip(), data["source"], variants)
    return style, problems


# --- accompaniment -----------------------------------------------------------------------
def _event(raw: dict) -> PatternEvent:
    dur = None if raw["dur"] == "rest" else _frac(raw["dur"])
    voices = raw.get("voices")
    return PatternEvent(_frac(raw["at"]), dur, raw.get("tone"),
                        None if voices in (None, "all") else tuple(voices))


def _pattern_semantic(doc: YamlDocument) -> tuple[AccompanimentPattern, list[str]]:
    data, problems = doc.data, []
    per_group = bool(data.get("per_group", False))
    if not per_group and "length" not in data:
        problems.append(f"{_where(doc, ())}: 'length' is needed unless per_group is true")
    meters = tuple(data["meters"]) if "meters" in data else None
    pattern = AccompanimentPattern(
        name=data["name"], title=data["title"], description=data["description"].strip(), source=data["source"],
        unit=_frac(data["unit"]), length=int(data.get("length", 1)), per_group=per_group, meters=meters,
        bass=tuple(_event(e) for e in data["bass"]), upper=tuple(_event(e) for e in data["upper"]))
    if not pattern.bass and not pattern.upper:
        problems.append(f"{_where(doc, ())}: the pattern has no events")
    if not per_group:
        for part in ("bass", "upper"):
            for i, ev in enumerate(getattr(pattern, part)):
                end = ev.at + (ev.dur or 0)
                if ev.at >= pattern.length or end > pattern.length:
                    problems.append(f"{_where(doc, (part, i))}: event at {ev.at} lasting {ev.dur} units runs past "
                                    f"the pattern length {pattern.length}")
    span = pattern.unit * pattern.length
    for i, text in enumerate(meters or ()):
        try:
            bar = Meter.parse(text).bar_quarters
        except TheoryError as exc:
            problems.append(f"{_where(doc, ('meters', i))}: {exc}")
            continue
        if not per_group and bar % span:
            problems.append(f"{_where(doc, ('meters', i))}: a bar of {text} ({bar} quarters) is not a whole "
                            f"number of pattern cycles ({span} quarters)")
    return pattern, problems


# --- public loaders ----------------------------------------------------------------------
_SEMANTIC = {"forms": _form_semantic, "chords": _style_semantic, "accompaniment": _pattern_semantic}


def _load_checked(kind: str, doc: YamlDocument) -> Any:
    obj, problems = _check(doc, _KINDS[kind][1], _SEMANTIC[kind])
    _raise_if(problems, f"{_KINDS[kind][2]} {doc.source}")
    return obj


@lru_cache(maxsize=None)
def load_form(name: str) -> FormGrammar:
    return _load_checked("forms", _read_packaged("forms", name))


@lru_cache(maxsize=None)
def load_chord_style(name: str) -> ChordStyle:
    return _load_checked("chords", _read_packaged("chords", name))


@lru_cache(maxsize=None)
def load_pattern(name: str) -> AccompanimentPattern:
    return _load_checked("accompaniment", _read_packaged("accompaniment", name))


def load_form_file(path: str | Path) -> FormGrammar:
    """A user's form grammar file, checked like the shipped ones."""
    return _load_checked("forms", _read_user(path))


def load_chord_style_file(path: str | Path) -> ChordStyle:
    return _load_checked("chords", _read_user(path))


def load_pattern_file(path: str | Path) -> AccompanimentPattern:
    return _load_checked("accompaniment", _read_user(path))


# --- instruments -------------------------------------------------------------------------
def _normalise(name: str) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").replace("_", " ").split())


def _instruments_semantic(doc: YamlDocument) -> tuple[tuple[dict, dict], list[str]]:
    problems, table = [], {}
    for name, raw in doc.data["instruments"].items():
        inst = InstrumentDef(name, raw["program"], raw["low"], raw["high"], raw["musicxml_name"],
                             tuple(raw["roles"]), tuple(raw.get("aliases", ())))
        try:
            if Pitch.from_name(inst.low).midi >= Pitch.from_name(inst.high).midi:
                problems.append(f"{_where(doc, ('instruments', name))}: low {inst.low} is not below high {inst.high}")
        except TheoryError as exc:
            problems.append(f"{_where(doc, ('instruments', name))}: {exc}")
        table[name] = inst
    seen: dict[str, str] = {}
    for inst in table.values():
        for label in (inst.name, *inst.aliases):
            key = _normalise(label)
            if key in seen and seen[key] != inst.name:
                problems.append(f"{_where(doc, ('instruments', inst.name))}: name {label!r} is also {seen[key]!r}")
            seen[key] = inst.name
    defaults = dict(doc.data["defaults"])
    for role, name in defaults.items():
        if name not in table or role not in table[name].roles:
            problems.append(f"{_where(doc, ('defaults', role))}: default {role} instrument {name!r} is not an "
                            f"instrument with the role {role!r}")
    return (table, defaults), problems


@lru_cache(maxsize=1)
def _instruments() -> tuple[dict, dict]:
    doc = _load_doc((_package_dir() / "instruments.yaml").read_bytes(), "grammars/instruments.yaml")
    result, problems = _check(doc, "instruments.schema.json", _instruments_semantic)
    _raise_if(problems, "grammars/instruments.yaml")
    return result


def load_instruments() -> dict[str, InstrumentDef]:
    return dict(_instruments()[0])


def find_instrument(name: str) -> InstrumentDef:
    """By canonical name or alias, ignoring case, spaces, hyphens and underscores."""
    table = _instruments()[0]
    index = {_normalise(label): inst for inst in table.values() for label in (inst.name, *inst.aliases)}
    key = _normalise(name)
    if key not in index:
        raise _unknown("instrument", str(name), table, also=index)
    return index[key]


def default_instrument(role: str) -> InstrumentDef:
    defaults = _instruments()[1]
    if role not in defaults:
        raise _unknown("instrument role", role, defaults)
    return _instruments()[0][defaults[role]]


# --- listing and checking everything -----------------------------------------------------
def list_grammars(kind: str) -> list[str]:
    """File stems of the shipped grammars of one kind: 'forms', 'chords' or 'accompaniment'."""
    if kind not in _KINDS:
        raise _unknown("grammar kind", kind, _KINDS)
    folder = _package_dir() / _KINDS[kind][0]
    return sorted(e.name[:-5] for e in folder.iterdir() if e.name.endswith(".yaml"))


def validate_all() -> list[str]:
    """Every problem of every shipped grammar file (schema and musical rules); empty when all is well."""
    problems: list[str] = []
    for kind, (folder, schema_file, _) in _KINDS.items():
        for name in list_grammars(kind):
            try:
                doc = _read_packaged(kind, name)
            except GrammarError as exc:
                problems.append(str(exc))
                continue
            obj, found = _check(doc, schema_file, _SEMANTIC[kind])
            problems += found
            if obj is not None and obj.name != name:
                problems.append(f"{_where(doc, ('name',))}: name {obj.name!r} differs from the file name {name!r}")
    try:
        doc = _load_doc((_package_dir() / "instruments.yaml").read_bytes(), "grammars/instruments.yaml")
        problems += _check(doc, "instruments.schema.json", _instruments_semantic)[1]
        doc = _load_doc((_package_dir() / "keys.yaml").read_bytes(), "grammars/keys.yaml")
        problems += [str(p) for p in validate(doc.data, _schema("keys.schema.json"), doc)]
    except GrammarError as exc:
        problems.append(str(exc))
    from .prompt.words import check_prompt_words   # the prompt vocabulary names instruments, forms, styles...

    problems += check_prompt_words()
    return problems
