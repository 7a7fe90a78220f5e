"""Scale packs: one YAML file per tradition under `theory/packs/`.

`load_pack("western")` reads and validates a pack; `pack.mode("dorian")` gives a
`Scale`. Users may add their own pack file with `load_pack_file(path)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .datafile import read_yaml_file
from .errors import DataFileError, ParseError, UnknownNameError
from .scale import Scale
from .schema import load_schema, validate
from .tuning import Tuning

PACKS_DIR = Path(str(resources.files("theory") / "packs"))
SCHEMA_PATH = Path(str(resources.files("theory") / "schemas" / "pack.schema.json"))


@dataclass(frozen=True)
class ModeInfo:
    name: str
    family: str
    scale: Scale
    signature_offset: int
    parent: str | None
    aliases: tuple[str, ...]
    source: str

    @property
    def is_heptatonic(self) -> bool:
        return len(self.scale.ascending) == 7 and len(self.scale.descending) == 7


@dataclass(frozen=True)
class ChordQuality:
    name: str
    intervals: tuple[float, ...]
    symbols: tuple[str, ...]


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    harmony: str
    source: str
    tunings: dict[str, Tuning]
    default_tuning: str
    modes: dict[str, ModeInfo]
    chord_qualities: dict[str, ChordQuality]
    path: str

    def mode(self, name: str) -> ModeInfo:
        key = normalise_name(name)
        for info in self.modes.values():
            if key == info.name or key in info.aliases:
                return info
        names = list(self.modes) + [a for m in self.modes.values() for a in m.aliases]
        raise UnknownNameError(f"mode of pack {self.name!r}", name, names)

    def tuning(self, name: str | None = None) -> Tuning:
        name = name or self.default_tuning
        if name not in self.tunings:
            raise UnknownNameError(f"tuning of pack {self.name!r}", name, self.tunings)
        return self.tunings[name]


def normalise_name(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _build_pack(doc, path: str) -> Pack:
    problems = validate(doc.data, load_schema(SCHEMA_PATH), doc)
    if problems:
        raise DataFileError("; ".join(str(p) for p in problems))
    try:
        return _pack_from_data(doc.data, path)
    except ParseError as exc:  # e.g. cents that do not rise: still a problem of this file
        raise DataFileError(f"{path}: {exc}") from None


def _pack_from_data(data, path: str) -> Pack:
    tunings = {
        name: Tuning(name, tuple(float(c) for c in prof["cents"]), float(prof.get("period", 1200.0)))
        for name, prof in data["tuning"]["profiles"].items()
    }
    if data["tuning"]["default"] not in tunings:
        raise DataFileError(f"{path}: tuning.default {data['tuning']['default']!r} is not a profile "
                            f"(accepted: {', '.join(tunings)})")
    modes = {}
    for name, m in data["modes"].items():
        scale = Scale.from_cents(name, m["degrees"], m.get("descending"), names=())
        if "names" in m and "descending" not in m and len(m["names"]) == scale.size:
            scale = Scale(name, scale.degree_cents, scale.ascending, scale.descending, tuple(m["names"]))
        modes[name] = ModeInfo(
            name=name, family=m["family"], scale=scale, signature_offset=int(m.get("signature_offset", 0)),
            parent=m.get("parent"), aliases=tuple(normalise_name(a) for a in m.get("aliases", [])),
            source=m["source"],
        )
    qualities = {
        name: ChordQuality(name, tuple(float(c) for c in q["intervals"]), tuple(q["symbols"]))
        for name, q in (data.get("chord_qualities") or {}).items()
    }
    return Pack(data["pack"], data["title"], data["harmony"], data["source"], tunings,
                data["tuning"]["default"], modes, qualities, path)


def load_pack_file(path: str | Path) -> Pack:
    """Read and validate a pack file (a user's own, or one of ours)."""
    doc = read_yaml_file(path)
    return _build_pack(doc, str(path))


def list_packs() -> list[str]:
    return sorted(p.stem for p in PACKS_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load_pack(name: str) -> Pack:
    key = normalise_name(name)
    if key not in list_packs():
        raise UnknownNameError("pack", name, list_packs())
    return load_pack_file(PACKS_DIR / f"{key}.yaml")
