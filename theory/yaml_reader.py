"""Parsing YAML text (PyYAML), for `datafile.load_yaml`: imported only when a document is not in the cache.

Two loaders read the same YAML. `_Loader` (pure Python) guards a user's file: it refuses deep nesting
while scanning, and reads YAML 1.2 booleans only. `_FastLoader` (libyaml) reads the files partita
ships, ten times faster. Both turn a scalar that its tag cannot read into an error at its line, and
`parse` records the line of every value and refuses duplicate keys and alias bombs.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import DataFileError


class _ReadableScalars:
    """Turns a scalar that its tag cannot read (``2001-13-45``, ``!!int abc``) into a YAML error at
    that line."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            kind = str(node.tag).rsplit(":", 1)[-1]
            text = str(node.value)
            # Python's own message for a long integer suggests a call that a spec's writer cannot make.
            reason = f"a number of {len(text)} digits" if "int_max_str_digits" in str(exc) else str(exc)
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {text[:40]!r} as {kind} ({reason}); quote it to give text",
                node.start_mark) from None


class _Loader(_ReadableScalars, yaml.SafeLoader):
    """SafeLoader that refuses deep nesting while scanning (PyYAML's scanner slows down
    quadratically with flow depth and its composer recurses), and reads scalars as
    `_ReadableScalars` does."""

    def _deeper(self) -> None:
        if self.flow_level + len(self.indents) >= self.max_depth:
            raise yaml.scanner.ScannerError(None, None, f"document is nested deeper than the limit of "
                                            f"{self.max_depth} levels", self.get_mark())

    def fetch_flow_collection_start(self, TokenClass):
        self._deeper()
        return super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column):
        if self.indent < column:
            self._deeper()
        return super().add_indent(column)


# YAML 1.2 booleans only: YAML 1.1 also reads on/off/yes/no (any case) as booleans, which turns
# a key such as `on:` (the note a jins starts on) into True. Here they stay text.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(_ReadableScalars, yaml.CSafeLoader):
        """The same reading as `_Loader` through libyaml, for the files partita ships (packs, grammars,
        rules): about ten times faster, without `_Loader`'s scanning guards, which a file a user
        gives keeps."""

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
else:   # pragma: no cover - PyYAML built without libyaml
    _FastLoader = _Loader


class _DuplicateKey(DataFileError):
    """A mapping names one key twice (YAML would keep the last silently)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _walk(node: yaml.Node, path: tuple, lines: dict, budget: list[int], max_depth: int) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise DataFileError(f"document has more than {budget[1]} nodes (alias expansion?)")
    if len(path) > max_depth:
        raise DataFileError(f"document is nested deeper than the limit of {max_depth} levels")
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            line = key_node.start_mark.line + 1
            if key in seen and isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                where = ".".join(str(p) for p in path + (key,))
                raise _DuplicateKey(line, f"key {where!r} is given twice (first at line {seen[key]}); keep one")
            seen[key] = line
            lines[path + (key,)] = line
            _walk(value_node, path + (key,), lines, budget, max_depth)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, budget, max_depth)


def parse(text: str, source: str, shipped: bool, max_nodes: int, max_depth: int) -> tuple[Any, dict[tuple, int]]:
    """(data, line of each value's path) of the document `text` holds, read by libyaml when `shipped`,
    else by the guarded loader; at most `max_nodes` nodes, nested at most `max_depth` deep."""
    loader_class = _FastLoader if shipped else _Loader
    try:
        loader = loader_class(text)
        loader.max_depth = max_depth
        try:
            node = loader.get_single_node()
            lines: dict[tuple, int] = {}
            if node is not None:
                try:
                    _walk(node, (), lines, [max_nodes, max_nodes], max_depth)
                except _DuplicateKey as exc:
                    raise DataFileError(f"{source}:{exc.line}: invalid YAML: {exc}") from None
                except DataFileError as exc:
                    raise DataFileError(f"{source}: {exc}") from None
                data = loader.construct_document(node)
            else:
                data = None
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, other controls)
        line = text[:exc.position].count("\n") + 1 if isinstance(text, str) else None
        where = f"{source}:{line}" if line else source
        raise DataFileError(f"{where}: invalid YAML: character {chr(exc.character)!r} (#x{exc.character:04x}) "
                            f"is not allowed; {exc.reason}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise DataFileError(f"{where}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{source}: invalid YAML: {exc}") from None
    except RecursionError:
        raise DataFileError(f"{source}: YAML nested too deeply") from None
    return data, lines
