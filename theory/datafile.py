"""Safe YAML reading that remembers where each value came from.

`load_yaml` parses with PyYAML's SafeLoader only (no tags that build Python
objects), refuses oversized documents and alias bombs, and returns the data
together with a map from each value's path (a tuple of keys and indices) to its
1-based line number, so that validation errors can point at the line.
"""
from __future__ import annotations

import hashlib
import importlib.util
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cache import read_cached, write_cached
from .errors import DataFileError

MAX_YAML_BYTES = 1_000_000
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 50
USER_DOCUMENTS_KEPT = 256      # a user's specs and files parsed: the cache keeps the latest so many

Path_ = tuple  # a path into a document: keys and list indices


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    lines: dict[tuple, int]
    source: str
    digest: str | None = None      # a shipped file's content hash: its schema check is cached under it

    def line_of(self, path: tuple) -> int | None:
        """The line of `path`, or of its closest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


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
    raw = text.encode("utf-8")
    if len(raw) > MAX_YAML_BYTES:
        raise DataFileError(f"{source}: document is above the limit of {MAX_YAML_BYTES} bytes")
    # A document is parsed once per content: later processes read the data and lines from the cache (and
    # do not import PyYAML, 12 ms of a cold start). A shipped file's digest also keys its schema check.
    kind = "yaml" if shipped else "yaml-user"
    key = hashlib.blake2b(raw, digest_size=20).hexdigest()
    cached = read_cached(kind, key)
    if isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[1], dict):
        return YamlDocument(data=cached[0], lines=cached[1], source=source, digest=key if shipped else None)
    from .yaml_reader import parse  # deferred: PyYAML and its loaders, needed only on a cache miss

    data, lines = parse(text, source, shipped, MAX_YAML_NODES, MAX_YAML_DEPTH)
    write_cached(kind, key, (data, lines), keep=None if shipped else USER_DOCUMENTS_KEPT)
    return YamlDocument(data=data, lines=lines, source=source, digest=key if shipped else None)


@lru_cache(maxsize=None)
def package_folder(package: str) -> Path:
    """The folder of an installed package, where partita keeps its data files (packs, grammars, weights,
    indexes) as plain files. `importlib.resources` would give the same path, for 5 ms of a cold start."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataFileError(f"package {package!r} is not installed as a folder")
    return Path(next(iter(spec.submodule_search_locations)))


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
