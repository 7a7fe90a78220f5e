"""Instruments: General MIDI programs, written names, ranges and roles, found by name or alias."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from theory.datafile import YamlDocument
from theory.errors import TheoryError
from theory.pitch import Pitch

from .files import check_document, load_document, package_dir, raise_if, unknown, where


@dataclass(frozen=True)
class InstrumentDef:
    name: str
    program: int
    low: str
    high: str
    musicxml_name: str
    roles: tuple[str, ...]
    aliases: tuple[str, ...]


# --- instruments -------------------------------------------------------------------------
def _normalise(name: str) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").replace("_", " ").split())


def instruments_semantic(doc: YamlDocument) -> tuple[tuple[dict, dict], list[str]]:
    problems, table = [], {}
    for name, raw in doc.data["instruments"].items():
        inst = InstrumentDef(name, raw["program"], raw["low"], raw["high"], raw["musicxml_name"],
                             tuple(raw["roles"]), tuple(raw.get("aliases", ())))
        try:
            if Pitch.from_name(inst.low).midi >= Pitch.from_name(inst.high).midi:
                problems.append(f"{where(doc, ('instruments', name))}: low {inst.low} is not below high {inst.high}")
        except TheoryError as exc:
            problems.append(f"{where(doc, ('instruments', name))}: {exc}")
        table[name] = inst
    seen: dict[str, str] = {}
    for inst in table.values():
        for label in (inst.name, *inst.aliases):
            key = _normalise(label)
            if key in seen and seen[key] != inst.name:
                problems.append(f"{where(doc, ('instruments', inst.name))}: name {label!r} is also {seen[key]!r}")
            seen[key] = inst.name
    defaults = dict(doc.data["defaults"])
    for role, name in defaults.items():
        if name not in table or role not in table[name].roles:
            problems.append(f"{where(doc, ('defaults', role))}: default {role} instrument {name!r} is not an "
                            f"instrument with the role {role!r}")
    return (table, defaults), problems


@lru_cache(maxsize=1)
def _instruments() -> tuple[dict, dict]:
    doc = load_document((package_dir() / "instruments.yaml").read_bytes(), "grammars/instruments.yaml")
    result, problems = check_document(doc, "instruments.schema.json", instruments_semantic)
    raise_if(problems, "grammars/instruments.yaml")
    return result


def load_instruments() -> dict[str, InstrumentDef]:
    return dict(_instruments()[0])


def find_instrument(name: str) -> InstrumentDef:
    """By canonical name or alias, ignoring case, spaces, hyphens and underscores."""
    table = _instruments()[0]
    index = {_normalise(label): inst for inst in table.values() for label in (inst.name, *inst.aliases)}
    key = _normalise(name)
    if key not in index:
        raise unknown("instrument", str(name), table, also=index)
    return index[key]


def gm_drums() -> dict[int, str]:
    """The General MIDI percussion keys and their names (`grammars/instruments.yaml`: `drums`)."""
    doc = load_document((package_dir() / "instruments.yaml").read_bytes(), "grammars/instruments.yaml")
    return {int(k): str(v) for k, v in (doc.data.get("drums") or {}).items()}


def default_instrument(role: str) -> InstrumentDef:
    defaults = _instruments()[1]
    if role not in defaults:
        raise unknown("instrument role", role, defaults)
    return _instruments()[0][defaults[role]]
