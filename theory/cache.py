"""partita's cache folder, and values kept there under the hash of what they were computed from.

The folder is ``$PARTITA_CACHE``, else ``$XDG_CACHE_HOME/partita``, else ``~/.cache/partita``. A cached
value is written to a temporary name and renamed into place, so a reader never sees half a file and
two processes may write one at once. A folder that cannot be written, or a file that cannot be read
back, costs only the time saved: the value is computed again.
"""
from __future__ import annotations

import contextlib
import io
import marshal
import os
import sys
from pathlib import Path

import numpy as np

# marshal's format depends on the interpreter: a cache written by another Python is another key.
_TAG = f"py{sys.version_info.major}{sys.version_info.minor}-m{marshal.version}"


def cache_dir() -> Path:
    if os.environ.get("PARTITA_CACHE"):
        return Path(os.environ["PARTITA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "partita"


def _path(kind: str, key: str, suffix: str = ".marshal") -> Path:
    return cache_dir() / kind / f"{key}-{_TAG}{suffix}"


def read_cached(kind: str, key: str):
    """The value stored under (`kind`, `key`), or None when there is none that reads back."""
    try:
        return marshal.loads(_path(kind, key).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_cached(kind: str, key: str, value, keep: int | None = None) -> None:
    """Keep `value` (plain data: dicts, lists, tuples, strings, numbers) under (`kind`, `key`). With
    `keep`, the folder of `kind` holds at most that many values: the oldest go first."""
    try:
        payload = marshal.dumps(value)
    except ValueError:                   # a type marshal does not keep (a YAML date): not cached
        return
    path = _path(kind, key)
    _store(path, payload)
    if keep is not None:
        _prune(path.parent, keep)


def _prune(folder: Path, keep: int) -> None:
    try:
        entries = [(e.stat().st_mtime_ns, e.path) for e in os.scandir(folder) if e.is_file()]
    except OSError:
        return
    for _, path in sorted(entries)[:max(0, len(entries) - keep)]:
        with contextlib.suppress(OSError):
            os.unlink(path)


def read_cached_array(kind: str, key: str) -> np.ndarray | None:
    """The array stored under (`kind`, `key`), or None."""
    try:
        return np.load(_path(kind, key, ".npy"), allow_pickle=False)
    except (OSError, EOFError, ValueError):
        return None


def write_cached_array(kind: str, key: str, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    _store(_path(kind, key, ".npy"), buffer.getvalue())


def _store(path: Path, payload: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(payload)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
