"""Chord styles: per mode family, a weighted graph of chords with functions and cadence formulas, checked
for the walks the planner makes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from theory.datafile import YamlDocument
from theory.errors import TheoryError
from theory.key import Key
from theory.pack import list_packs, load_pack
from theory.pitch import Spelling
from theory.voice_leading import Relaxation, voice_leading_rules

from ..score.errors import GrammarError
from .files import list_grammars, load_checked, read_packaged, read_user, where

if TYPE_CHECKING:
    import networkx as nx

CADENCES = ("authentic", "half", "plagal", "deceptive", "none")
_MINOR_SYNONYMS = {"natural_minor": ("aeolian", "minor"), "aeolian": ("natural_minor", "minor"),
                   "minor": ("aeolian",), "ionian": ("major",), "major": ("ionian",),
                   "harmonic_minor": ("minor",), "melodic_minor": ("minor",)}
_TONIC_QUALITIES = {"maj", "min", "dom7", "maj7", "min7"}


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

    @property
    def chord_names(self) -> list[str]:
        """Every chord of the graph, sorted: those with transitions and those they lead to."""
        return sorted(set(self.transitions) | {t for targets in self.transitions.values() for t in targets})

    def digraph(self) -> nx.DiGraph:
        """Nodes are chord names (attribute `function`); edges carry `weight`."""
        import networkx as nx  # deferred: networkx takes 0.13 s to import; composing reads `transitions`

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
    accompaniment: str = "block"                 # the pattern a chords part plays by default
    bass: str | None = None                      # 'walking' (a bass part walks) or 'passing' (adds passing tones)
    dominant_pedal_bars: int = 0                 # a dominant pedal over the last bars before a return
    relax: tuple[Relaxation, ...] = ()         # from its rule set's `relax:` (theory/rules/voice_leading.yaml)
    rule_set: str = "free"                       # the rule set it writes by, and partita check marks by

    def relaxes(self, rule: str, between: str = "accompaniment") -> bool:
        return any(r.rule == rule and r.between == between for r in self.relax)

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
    try:
        cents = load_pack("western").mode(mode).scale.degree_cents
    except TheoryError:
        return "minor" in mode
    return len(cents) > 2 and abs(cents[2] - 300.0) < 50.0


# --- chord styles ------------------------------------------------------------------------
def _variant_key(variant: str) -> Key:
    """A key on C in the variant's mode: a Western mode, or a mode of another pack (freygish...)."""
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
            out.append(f"{where(doc, base)}: chord {chord!r} in {key}: {exc}")
    stuck = lambda c: c not in nodes or not any(w > 0 for w in v.transitions[c].values())  # noqa: E731
    has_in = {t for ts in v.transitions.values() for t, w in ts.items() if w > 0}
    for section, chords in (("start", v.start), ("functions", v.functions),
                            ("transitions", {t for ts in v.transitions.values() for t in ts} | nodes)):
        for c in sorted(chords):
            if stuck(c):
                out.append(f"{where(doc, base + (section,))}: chord {c!r} has no outgoing transition (a walk stops)")
    for c in sorted(nodes - set(v.functions)):
        out.append(f"{where(doc, base + ('functions',))}: chord {c!r} has no function")
    has_major_v = any(ch.quality in ("maj", "dom7") and ch.root_pc == round(key.degree_cents(4) / 100) % 12
                      and ch.bass is None for ch in parsed.values())
    for cad in v.cadences.values():
        for i, formula in enumerate(cad.formulas):
            at = where(doc, base + ("cadences", cad.name, "formulas", i))
            if any(c not in parsed for c in formula):
                continue
            for c in formula:
                if stuck(c):
                    out.append(f"{at}: chord {c!r} has no outgoing transition")
            if formula[0] not in has_in:
                out.append(f"{at}: no transition leads to {formula[0]!r}, so the cadence cannot be reached")
            for a, b in zip(formula, formula[1:]):
                if b not in v.transitions.get(a, {}):
                    out.append(f"{at}: {a} -> {b} is not a transition of the graph")
            last = parsed[formula[-1]]
            if cad.name == "authentic" and not (last.root_pc == key.tonic_pc and last.quality in _TONIC_QUALITIES
                                                and last.bass is None):
                out.append(f"{at}: an authentic cadence ends on the tonic chord in root position "
                           f"(received {formula[-1]} = {last})")
            if cad.name == "half":
                on_five = last.root_pc == round(key.degree_cents(4) / 100) % 12 and last.quality in ("maj", "dom7")
                if v.functions.get(formula[-1]) != "dominant" or (has_major_v and not on_five):
                    out.append(f"{at}: a half cadence ends on the dominant"
                               f"{' (V or V7)' if has_major_v else ''} (received {formula[-1]} = {last})")
            for d in cad.melody_degrees:
                if not last.contains_pc(key.degree_cents(d - 1)):
                    out.append(f"{where(doc, base + ('cadences', cad.name, 'melody_degrees'))}: degree {d} is not "
                               f"a tone of the final chord {formula[-1]} ({last}) in {key}")
    return out


def style_semantic(doc: YamlDocument) -> tuple[ChordStyle, list[str]]:
    data, variants, problems = doc.data, {}, []
    if not data["variants"]:
        problems.append(f"{where(doc, ('variants',))}: at least one variant is needed")
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
            problems.append(f"{where(doc, ('variants', vname, 'start'))}: start weights must not all be 0")
        problems += _variant_problems(doc, vname, variant)
        variants[vname] = variant
    books = voice_leading_rules().sets
    rule_set = data.get("rules", "free")
    if rule_set not in books:
        problems.append(f"{where(doc, ('rules',))}: unknown rule set {rule_set!r} (accepted: {', '.join(books)})")
    relax = books[rule_set].relax if rule_set in books else ()
    accompaniment = data.get("accompaniment", "block")
    if accompaniment not in list_grammars("accompaniment"):
        problems.append(f"{where(doc, ('accompaniment',))}: unknown accompaniment pattern {accompaniment!r} "
                        f"(accepted: {', '.join(list_grammars('accompaniment'))})")
    style = ChordStyle(data["name"], data["title"], data["description"].strip(), data["source"], variants,
                       accompaniment, data.get("bass"), (data.get("pedal") or {}).get("dominant_before_return", 0),
                       relax, rule_set)
    return style, problems


@lru_cache(maxsize=None)
def load_chord_style(name: str) -> ChordStyle:
    return load_checked("chords", read_packaged("chords", name), style_semantic)


def load_chord_style_file(path: str | Path) -> ChordStyle:
    return load_checked("chords", read_user(path), style_semantic)
