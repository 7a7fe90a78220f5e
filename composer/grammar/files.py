"""Reading grammar files: the packaged ones by kind and name, a user's by path, each checked against its
schema; the messages name the file, the line and the field.
"""
from __future__ import annotations

import json
from fractions import Fraction
from functools import lru_cache
from typing import Any

from theory.datafile import YamlDocument, load_yaml, package_folder, read_yaml_file
from theory.errors import TheoryError, did_you_mean
from theory.schema import format_path, validate

from ..score.errors import GrammarError

# kind -> (folder, schema file, words for messages)
KINDS = {
    "forms": ("forms", "form.schema.json", "form grammar"),
    "chords": ("chords", "chord_style.schema.json", "chord style"),
    "accompaniment": ("accompaniment", "accompaniment.schema.json", "accompaniment pattern"),
    "schemes": ("schemes", "scheme.schema.json", "phrase schemes"),
    "idioms": ("idioms", "idiom.schema.json", "idiom"),
}


def unknown(kind: str, received: str, accepted, also=()) -> GrammarError:
    """`accepted` are listed; `also` (aliases) only feed the did-you-mean."""
    accepted = sorted(accepted)
    close = did_you_mean(received, [*accepted, *also])
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return GrammarError(f"unknown {kind} {received!r}{hint} (accepted: {', '.join(accepted)})")


def package_dir():
    return package_folder("grammars")


@lru_cache(maxsize=None)
def schema(filename: str) -> dict:
    return json.loads((package_dir() / "schemas" / filename).read_text(encoding="utf-8"))


def where(doc: YamlDocument, path: tuple) -> str:
    line = doc.line_of(path)
    return f"{doc.source}:{line}: {format_path(path)}" if line else f"{doc.source}: {format_path(path)}"


def check_document(doc: YamlDocument, schema_file: str, semantic) -> tuple[Any, list[str]]:
    """Schema problems first; when the schema holds, build the object and add the semantic problems."""
    problems = [str(p) for p in validate(doc.data, schema(schema_file), doc)]
    if problems:
        return None, problems
    return semantic(doc)


def raise_if(problems: list[str], what: str) -> None:
    if problems:
        raise GrammarError(f"{what} has {len(problems)} problem(s):\n" + "\n".join(f"  {p}" for p in problems))


def read_packaged(kind: str, name: str) -> YamlDocument:
    folder, _, words = KINDS[kind]
    if name not in list_grammars(kind):
        raise unknown(words, name, list_grammars(kind))
    entry = package_dir() / folder / f"{name}.yaml"
    return load_document(entry.read_bytes(), f"grammars/{folder}/{name}.yaml")


def load_document(raw: bytes, source: str, shipped: bool = True) -> YamlDocument:
    """A grammar document's bytes (`shipped`: one that comes with partita, read by libyaml)."""
    try:
        return load_yaml(raw, source, shipped)
    except TheoryError as exc:
        raise GrammarError(str(exc)) from None


def read_user(path) -> YamlDocument:
    try:
        return read_yaml_file(path)
    except TheoryError as exc:
        raise GrammarError(str(exc)) from None


def fraction(x) -> Fraction:
    return Fraction(str(x))


def load_checked(kind: str, doc: YamlDocument, semantic) -> Any:
    """The object a grammar document describes, built by `semantic`; GrammarError listing every problem."""
    obj, problems = check_document(doc, KINDS[kind][1], semantic)
    raise_if(problems, f"{KINDS[kind][2]} {doc.source}")
    return obj


# --- listing and checking everything -----------------------------------------------------
def list_grammars(kind: str) -> list[str]:
    """File stems of the shipped grammars of one kind: 'forms', 'chords', 'accompaniment', 'schemes' or
    'idioms'."""
    if kind not in KINDS:
        raise unknown("grammar kind", kind, KINDS)
    folder = package_dir() / KINDS[kind][0]
    return sorted(e.name[:-5] for e in folder.iterdir() if e.name.endswith(".yaml"))
