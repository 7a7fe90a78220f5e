"""Safe YAML reading that remembers where each value came from.

`load_yaml` parses with PyYAML's SafeLoader only (no tags that build Python
objects), refuses oversized documents and alias bombs, and returns the data
together with a map from each value's path (a tuple of keys and indices) to its
1-based line number, so that validation errors can point at the line.
"""
from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import DataFileError

MAX_YAML_BYTES = 1_000_000
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 50

Path_ = tuple  # a path into a document: keys and list indices


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    lines: dict[tuple, int]
    source: str

    def line_of(self, path: tuple) -> int | None:
        """The line of `path`, or of its closest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


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
        if self.flow_level + len(self.indents) >= MAX_YAML_DEPTH:
            raise yaml.scanner.ScannerError(None, None, f"document is nested deeper than the limit of "
                                            f"{MAX_YAML_DEPTH} levels", self.get_mark())

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


def _walk(node: yaml.Node, path: tuple, lines: dict, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise DataFileError(f"document has more than {MAX_YAML_NODES} nodes (alias expansion?)")
    if len(path) > MAX_YAML_DEPTH:
        raise DataFileError(f"document is nested deeper than the limit of {MAX_YAML_DEPTH} levels")
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
            _walk(value_node, path + (key,), lines, budget)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, budget)


def load_yaml(text: str | bytes, source: str = "<string>", shipped: bool = False) -> YamlDocument:
    """Parse one YAML document safely; raise DataFileError with the line on failure. `shipped`: a file
    that comes with partita, read by libyaml where PyYAML has it (a user's file always goes through the
    guarded pure-Python loader)."""
    if isinstance(text, bytes):
        if len(text) > MAX_YAML_BYTES:
            raise DataFileError(f"{source}: file is {len(text)} bytes, above the limit of {MAX_YAML_BYTES}")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataFileError(f"{source}: not UTF-8 text (byte {exc.start}: {text[exc.start:exc.start + 1]!r})") from None
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise DataFileError(f"{source}: document is above the limit of {MAX_YAML_BYTES} bytes")
    try:
        loader = (_FastLoader if shipped else _Loader)(text)
        try:
            node = loader.get_single_node()
            lines: dict[tuple, int] = {}
            if node is not None:
                try:
                    _walk(node, (), lines, [MAX_YAML_NODES])
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
    return YamlDocument(data=data, lines=lines, source=source)


def read_regular_file(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes: a device (/dev/zero), a FIFO
    or a folder is refused before anything is read, and a file that grows while read stops at the limit."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such {what}") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, a pipe)"
        raise DataFileError(f"{path}: {kind}, not a {what}")
    if info.st_size > limit:
        raise DataFileError(f"{path}: the {what} is {info.st_size} bytes, above the limit of {limit}")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if len(data) > limit:
        raise DataFileError(f"{path}: the {what} is above the limit of {limit} bytes")
    return data


def read_yaml_file(path: str | Path, shipped: bool = False) -> YamlDocument:
    """A YAML file (`load_yaml`; `shipped`: one of partita's own)."""
    path = Path(path)
    return load_yaml(read_regular_file(path, MAX_YAML_BYTES, "YAML file"), str(path), shipped)
