"""A small JSON Schema checker for data files and specs.

It covers the subset our schemas use (type, properties, required,
additionalProperties, patternProperties, items, enum, minimum/maximum,
minItems/maxItems, minLength/maxLength, pattern, anyOf, $ref) and reports every
problem as a `Problem` that names the field path, the line, the value received
and what is accepted, with a did-you-mean for misspelt keys and names.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import read_cached, write_cached
from .datafile import YamlDocument, read_yaml_file
from .errors import DataFileError, did_you_mean

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def format_path(path: tuple) -> str:
    out = ""
    for part in path:
        text = str(part) if str(part).isprintable() else repr(str(part))  # a key with a newline or an escape
        out += f"[{part}]" if isinstance(part, int) else (f".{text}" if out else text)
    return out or "(document)"


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxlevel = 70, 70, 5, 4, 3


def short_repr(value: Any, limit: int = 80) -> str:
    """`value` as a short, escaped excerpt for an error message: never built in full (a 400 KB string
    aliased a thousand times stays a few dozen characters)."""
    shown = _SHORT.repr(value)
    return shown if len(shown) < limit else shown[:limit - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, in words a person can act on."""

    path: tuple
    message: str
    source: str = "<string>"
    line: int | None = None
    received: Any = None
    accepted: str | None = None
    hint: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        text = f"{where}: {format_path(self.path)}: {self.message}"
        details = []
        if self.received is not None:
            details.append(f"received {short_repr(self.received)}")
        if self.accepted:
            details.append(f"accepted: {self.accepted}")
        if details:
            text += f" ({'; '.join(details)})"
        if self.hint:
            text += f"; {self.hint}"
        return text


def _type_ok(value: Any, type_name: str) -> bool:
    if type_name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[type_name])


class SchemaChecker:
    def __init__(self, schema: dict, doc: YamlDocument | None = None, source: str | None = None):
        self.root = schema
        self.doc = doc
        self.source = source or (doc.source if doc else "<string>")
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str, **kw: Any) -> None:
        line = self.doc.line_of(path) if self.doc else None
        self.problems.append(Problem(path=path, message=message, source=self.source, line=line, **kw))

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"only local $ref is supported, got {ref!r}")
            node: Any = self.root
            for part in ref[2:].split("/"):
                node = node[part]
            schema = node
        return schema

    def check(self, value: Any, schema: dict, path: tuple = ()) -> bool:
        """Check `value`; record problems; return True when it matched."""
        schema = self.resolve(schema)
        before = len(self.problems)
        if "anyOf" in schema:
            for option in schema["anyOf"]:
                trial = SchemaChecker(self.root, self.doc, self.source)
                if trial.check(value, option, path):
                    break
            else:
                # Without a message of its own, when the value has the type of exactly one option, that
                # option's own problem says most.
                typed = [o for o in map(self.resolve, schema["anyOf"])
                         if "type" in o and any(_type_ok(value, t) for t in
                                                ([o["type"]] if isinstance(o["type"], str) else o["type"]))]
                if len(typed) == 1 and "errorMessage" not in schema:
                    trial = SchemaChecker(self.root, self.doc, self.source)
                    trial.check(value, typed[0], path)
                    for found in trial.problems:      # the option's problem; a regex told as the field's description
                        plain = found.accepted and not str(found.accepted).startswith("text matching")
                        self.problem(found.path, found.message, received=found.received,
                                     accepted=found.accepted if plain else schema.get("description") or found.accepted,
                                     hint=found.hint)
                    return False
                options = [self.resolve(o) for o in schema["anyOf"]]
                if not typed and "errorMessage" not in schema and all("type" in o for o in options):
                    names = [t for o in options for t in ([o["type"]] if isinstance(o["type"], str) else o["type"])]
                    self.problem(path, f"expected {' or '.join(dict.fromkeys(names))}", received=value,
                                 accepted=schema.get("description"))
                    return False
                self.problem(path, schema.get("errorMessage", "value has the wrong form"), received=value,
                             accepted=schema.get("description"))
                return False
        types = schema.get("type")
        if types is not None:
            names = [types] if isinstance(types, str) else list(types)
            if not any(_type_ok(value, t) for t in names):
                self.problem(path, f"expected {' or '.join(names)}", received=value,
                             accepted=schema.get("description"))
                return False
        if "enum" in schema and value not in schema["enum"]:
            options = [str(o) for o in schema["enum"]]
            close = did_you_mean(value, options)
            self.problem(path, "value not allowed", received=value, accepted=", ".join(options),
                         hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
            return False
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(path, "not a finite number", received=value, accepted=_range_text(schema)
                         if "minimum" in schema or "maximum" in schema else "a finite number")
            return False
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                self.problem(path, f"below the minimum {schema['minimum']}", received=value,
                             accepted=_range_text(schema))
            if "maximum" in schema and value > schema["maximum"]:
                self.problem(path, f"above the maximum {schema['maximum']}", received=value,
                             accepted=_range_text(schema))
        if isinstance(value, str):
            if "minLength" in schema and len(value) < schema["minLength"]:
                self.problem(path, f"shorter than {schema['minLength']} characters", received=value)
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                self.problem(path, f"longer than {schema['maxLength']} characters", received=value[:40])
            if "pattern" in schema and not re.fullmatch(schema["pattern"], value):
                self.problem(path, "wrong format", received=value,
                             accepted=schema.get("description", f"text matching {schema['pattern']}"))
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                self.problem(path, f"needs at least {schema['minItems']} items", received=len(value))
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                self.problem(path, f"allows at most {schema['maxItems']} items", received=len(value))
            if "items" in schema:
                for i, item in enumerate(value):
                    self.check(item, schema["items"], path + (i,))
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    self.problem(path, f"missing required key {name!r}")
            patterns = schema.get("patternProperties", {})
            extra = schema.get("additionalProperties", True)
            for key, item in value.items():
                if key in props:
                    self.check(item, props[key], path + (key,))
                    continue
                matched = [p for p in patterns if re.fullmatch(p, str(key))]
                for p in matched:
                    self.check(item, patterns[p], path + (key,))
                if matched:
                    continue
                if extra is False:
                    close = did_you_mean(key, props)
                    self.problem(path + (key,), "unknown key", received=key, accepted=", ".join(props),
                                 hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
                elif isinstance(extra, dict):
                    self.check(item, extra, path + (key,))
        return len(self.problems) == before


def _range_text(schema: dict) -> str:
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    return f">= {lo}" if lo is not None else f"<= {hi}"


def validate(value: Any, schema: dict, doc: YamlDocument | None = None, source: str | None = None) -> list[Problem]:
    """All problems of `value` against `schema` (empty when valid). A shipped document found valid
    against the same schema by an earlier process is not walked again."""
    key = None
    if doc is not None and doc.digest and value is doc.data:
        shape = hashlib.blake2b(json.dumps(schema, sort_keys=True).encode(), digest_size=20).hexdigest()
        key = f"{doc.digest}-{shape}"
        if read_cached("valid", key) is True:
            return []
    checker = SchemaChecker(schema, doc, source)
    checker.check(value, schema)
    if key and not checker.problems:
        write_cached("valid", key, True)
    return checker.problems


def load_schema(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def read_checked(path: str | Path, schema_path: str | Path, shipped: bool = True) -> YamlDocument:
    """A YAML data file, checked against its JSON Schema: DataFileError listing every problem
    (`shipped`: one of partita's rules files, read by libyaml)."""
    doc = read_yaml_file(path, shipped)
    problems = validate(doc.data, load_schema(schema_path), doc)
    if problems:
        raise DataFileError("\n".join(str(p) for p in problems))
    return doc
