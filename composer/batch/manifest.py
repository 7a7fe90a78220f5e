"""`DIR/manifest.jsonl`: one line per item run, appended as each finishes; the last line of an item wins.

A line holds the item (its name, spec file, variation, seed and digest), its files with their sha256, its
annotation file, its status (`ok` or `failed`), the one-line error of a failed item, and the seconds it
took. `--resume` skips an item whose last line is `ok` with the same digest and whose files are all there
with those hashes: deleting a file, or changing the spec, the seed or the formats, runs the item again.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .items import BatchError, BatchItem
from .work import ItemResult

MANIFEST = "manifest.jsonl"


def line_of(result: ItemResult) -> dict:
    return {**result.item.label(),
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in result.files},
            "annotations": result.annotations, "status": "ok" if result.ok else "failed",
            "error": result.error, "seconds": result.seconds}


def read_manifest(folder: Path) -> dict[str, dict]:
    """The last line of each item in `folder`'s manifest (none when there is no manifest); a line cut short
    by a crash is ignored."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    out: dict[str, dict] = {}
    try:
        with path.open(encoding="utf-8") as fh:
            for text in fh:
                try:
                    line = json.loads(text)
                except ValueError:
                    continue
                if isinstance(line, dict) and isinstance(line.get("item"), str):
                    out[line["item"]] = line
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchError(f"{path}: cannot read the manifest ({exc})") from None
    return out


def is_done(item: BatchItem, line: dict | None, folder: Path) -> bool:
    """Whether the manifest says the item is written, with this digest, and its files are all there intact."""
    if not line or line.get("status") != "ok" or line.get("digest") != item.digest:
        return False
    files = line.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for name, sha in files.items():
        path = folder / name
        if Path(name).name != name or not path.is_file():
            return False
        if hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            return False
    return True


class ManifestWriter:
    """Appends lines to the manifest, each written whole and flushed to disk before the next item."""

    def __init__(self, folder: Path):
        self.path = folder / MANIFEST
        try:
            self.fh = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise BatchError(f"{self.path}: cannot open the manifest ({exc.strerror})") from None

    def write(self, line: dict) -> None:
        self.fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def close(self) -> None:
        self.fh.close()


def write_files(folder: Path, result: ItemResult) -> None:
    """An item's files, over older ones of the same names: each written to a temporary name beside it first,
    then all renamed into place, so that no file is ever seen half-written (a crash leaves older files or
    a temporary one, which the next run overwrites)."""
    temporaries = []
    try:
        for name, data in result.files:
            tmp = folder / f".{name}.{os.getpid()}.partial"
            temporaries.append((tmp, folder / name))
            tmp.write_bytes(data)
        for tmp, target in temporaries:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in temporaries:
            tmp.unlink(missing_ok=True)
        raise BatchError(f"{folder}: cannot write the files of {result.item.name} ({exc.strerror})") from None
