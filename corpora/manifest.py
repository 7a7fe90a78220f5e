"""Corpus manifests: which music21 collection, its licence, the selection and the split."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from theory.datafile import read_yaml_file
from theory.errors import DataFileError
from theory.schema import load_schema, validate

from .errors import CorpusError

MANIFEST_DIR = Path(__file__).with_name("manifests")
SCHEMA_PATH = Path(__file__).with_name("schemas") / "manifest.schema.json"


@dataclass(frozen=True)
class Manifest:
    name: str
    title: str
    collection: str
    source: str
    licence: str
    public_domain: bool
    files: tuple[str, ...]
    exclude: tuple[str, ...]
    parts: tuple[str, ...]
    min_notes: int
    max_bad_bar_share: float
    key_from: str
    validation_percent: int
    test_percent: int
    digest: str                 # sha256 of the manifest's content: the manifest id in checkpoints

    @property
    def id(self) -> str:
        return f"{self.name}@{self.digest[:12]}"

    def split_of(self, fingerprint: str) -> str:
        """'train', 'validation' or 'test' for a tune, from a hash of its content: identical tunes
        (the same notes under two titles) always fall in the same split."""
        bucket = int(hashlib.sha256(fingerprint.encode()).hexdigest()[:8], 16) % 100
        if bucket < self.test_percent:
            return "test"
        if bucket < self.test_percent + self.validation_percent:
            return "validation"
        return "train"


def manifest_names() -> list[str]:
    return sorted(p.stem for p in MANIFEST_DIR.glob("*.yaml"))


def manifest_file(name: str) -> Path:
    path = MANIFEST_DIR / f"{name}.yaml"
    if not path.is_file():
        raise CorpusError(f"unknown corpus {name!r} (accepted: {', '.join(manifest_names())})")
    return path


def load_manifest(name_or_path: str | Path) -> Manifest:
    """A manifest by corpus name (``oneills1850``) or by path to a YAML file."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and not path.is_file():
        raise CorpusError(f"corpus manifest file {path} not found")
    shipped = not path.is_file()
    if shipped:
        path = manifest_file(str(name_or_path))
    try:
        doc = read_yaml_file(path, shipped)
    except DataFileError as exc:
        raise CorpusError(str(exc)) from None
    problems = validate(doc.data, load_schema(SCHEMA_PATH), doc, str(path))
    if problems:
        raise CorpusError("; ".join(str(p) for p in problems))
    d = doc.data
    if d["public_domain"] and d["licence"] not in ("public-domain", "CC0-1.0"):
        raise CorpusError(f"{path}: public_domain is true but licence is {d['licence']!r} "
                          f"(public_domain may be true only for: public-domain, CC0-1.0)")
    sel, split = d["selection"], d["split"]
    digest = hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()
    return Manifest(
        name=d["name"], title=d["title"], collection=d["music21_collection"], source=d["source"],
        licence=d["licence"], public_domain=bool(d["public_domain"]), files=tuple(sel["files"]),
        exclude=tuple(sel.get("exclude", ())), parts=tuple(sel["parts"]), min_notes=int(sel.get("min_notes", 8)),
        max_bad_bar_share=float(sel.get("max_bad_bar_share", 0.15)), key_from=sel.get("key_from", "signature"),
        validation_percent=int(split["validation_percent"]), test_percent=int(split["test_percent"]), digest=digest)
