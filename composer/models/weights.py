"""Model weights with a manifest: saved as a plain dict of tensors, loaded without unpickling code.

A weights file ``melody.pt`` is a `torch.save` of a flat ``{name: Tensor}`` dict (no custom
classes). Beside it, ``melody.pt.json`` is its manifest: a self-describing record of what the
file holds and where it came from::

    {"format": "partita-weights", "format_version": 1, "file": "melody.pt",
     "sha256": "...", "size_bytes": 1234, "torch_version": "2.x",
     "config": {...}, "vocabulary_version": "1", "corpus": "...", "licence": "...",
     "command": "the command that trained it",
     "tensors": {"embed.weight": {"shape": [64, 32], "dtype": "float32"}, ...}}

`load_weights` trusts nothing it reads: it checks the file's size and sha256 against the
manifest (and against the caller's `expected_sha256`), loads with
``torch.load(..., map_location="cpu", weights_only=True)`` so a pickle that names a Python
callable is refused instead of run, then checks that the result is a flat dict of tensors
with exactly the manifest's names, shapes and dtypes. Every failure is a `WeightsError`
naming the file and what is wrong.

torch is imported inside the functions that need it.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..score.errors import ComposerError
from . import safetensors

if TYPE_CHECKING:  # pragma: no cover
    import torch

MANIFEST_FORMAT = "partita-weights"
MANIFEST_FORMAT_VERSION = 1
MANIFEST_SUFFIX = ".json"
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_READ_CHUNK_BYTES = 1 << 20
_ZIP_MAGIC = b"PK\x03\x04"
_PROVENANCE_FIELDS = ("vocabulary_version", "corpus", "licence", "command")


class WeightsError(ComposerError):
    """A weights file or its manifest is missing, invalid, corrupted, unsafe or does not match."""


def manifest_path(path) -> Path:
    """The manifest beside a weights file: ``<path>.json``."""
    path = Path(path)
    return path.with_name(path.name + MANIFEST_SUFFIX)


def file_sha256(path) -> str:
    """The sha256 of a file's bytes, as 64 lowercase hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_READ_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dtype_name(dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _tensor_table(state_dict: dict) -> dict[str, dict]:
    return {name: {"shape": list(t.shape), "dtype": _dtype_name(t.dtype)} for name, t in state_dict.items()}


def _plain_tensors(state_dict, path: Path) -> dict:
    """A copy of `state_dict` as a flat dict of detached, contiguous CPU tensors (each its own storage)."""
    import torch  # deferred: torch takes about 2 s to import, and only training needs it

    if not isinstance(state_dict, dict):
        raise WeightsError(f"{path}: weights must be a dict of name -> tensor, received {type(state_dict).__name__}")
    out = {}
    for name, tensor in state_dict.items():
        if not isinstance(name, str) or not name:
            raise WeightsError(f"{path}: tensor names must be non-empty strings, received {name!r}")
        if not isinstance(tensor, torch.Tensor):
            raise WeightsError(f"{path}: {name!r} must be a torch.Tensor, received {type(tensor).__name__}")
        out[name] = tensor.detach().to("cpu").contiguous().clone().as_subclass(torch.Tensor)
    return out


def _json_ready(value: Any, what: str, path: Path) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise WeightsError(f"{path}: {what} must be plain JSON data (received {value!r:.80}): {exc}") from None


def _replace_atomically(target: Path, write) -> None:
    """`write(tmp_path)` fills a temporary file in the target's folder, which then replaces the target."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _checked_provenance(path: Path, config, vocabulary_version, corpus, licence, command) -> tuple[dict, dict]:
    """The config as plain JSON data and the provenance fields, each checked (both weight formats)."""
    if not isinstance(config, dict):
        raise WeightsError(f"{path}: config must be a dict, received {type(config).__name__}")
    provenance = {"vocabulary_version": vocabulary_version, "corpus": corpus, "licence": licence,
                  "command": command}
    for field, value in provenance.items():
        if not isinstance(value, str) or not value.strip():
            raise WeightsError(f"{path}: {field} must be a non-empty string, received {value!r}")
    return _json_ready(config, "config", path), provenance


def save_weights(state_dict: "dict[str, torch.Tensor]", path, *, config: dict, vocabulary_version: str,
                 corpus: str, licence: str, command: str) -> dict:
    """Write `state_dict` to `path` (torch.save of a plain dict) and its manifest to ``<path>.json``.

    Both files are written atomically (temporary file, then `os.replace`); the weights file
    first, so a crash between the two leaves a manifest whose checksum does not match and the
    pair is refused by `load_weights`. Returns the manifest.
    """
    import torch  # deferred: torch takes about 2 s to import, and only training needs it

    path = Path(path)
    config, provenance = _checked_provenance(path, config, vocabulary_version, corpus, licence, command)
    tensors = _plain_tensors(state_dict, path)
    if not path.parent.is_dir():
        raise WeightsError(f"{path}: the folder {path.parent} does not exist")
    _replace_atomically(path, lambda tmp: torch.save(tensors, tmp))
    manifest = {
        "format": MANIFEST_FORMAT,
        "format_version": MANIFEST_FORMAT_VERSION,
        "file": path.name,
        "sha256": file_sha256(path),
        "size_bytes": path.stat().st_size,
        "torch_version": str(torch.__version__),
        "config": config,
        **provenance,
        "tensors": _tensor_table(tensors),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    _replace_atomically(manifest_path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return manifest


def _read_manifest(path: Path) -> dict:
    where = manifest_path(path)
    if not where.is_file():
        raise WeightsError(f"{path}: manifest {where.name} not found beside it (weights are only loaded "
                           f"with the manifest that describes them)")
    try:
        manifest = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise WeightsError(f"{path}: manifest {where.name} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise WeightsError(f"{path}: manifest {where.name} must be a JSON object, "
                           f"received {type(manifest).__name__}")
    problems = _manifest_problems(manifest, path)
    if problems:
        raise WeightsError(f"{path}: manifest {where.name} is invalid: {'; '.join(problems)}")
    return manifest


def _manifest_problems(manifest: dict, path: Path) -> list[str]:
    problems = []
    if manifest.get("format") != MANIFEST_FORMAT:
        problems.append(f"format must be {MANIFEST_FORMAT!r} (received {manifest.get('format')!r})")
    if manifest.get("format_version") != MANIFEST_FORMAT_VERSION:
        problems.append(f"format_version must be {MANIFEST_FORMAT_VERSION} "
                        f"(received {manifest.get('format_version')!r})")
    if manifest.get("file") != path.name:
        problems.append(f"file must name {path.name!r} (received {manifest.get('file')!r})")
    sha = manifest.get("sha256")
    if not isinstance(sha, str) or not _SHA256_RE.match(sha):
        problems.append(f"sha256 must be 64 lowercase hex digits (received {sha!r:.80})")
    size = manifest.get("size_bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        problems.append(f"size_bytes must be a whole number >= 0 (received {size!r:.80})")
    if not isinstance(manifest.get("config"), dict):
        problems.append("config must be an object")
    for field in _PROVENANCE_FIELDS:
        if not isinstance(manifest.get(field), str):
            problems.append(f"{field} must be a string (received {manifest.get(field)!r:.80})")
    tensors = manifest.get("tensors")
    if not isinstance(tensors, dict):
        problems.append("tensors must be an object of name -> {shape, dtype}")
        return problems
    for name, entry in tensors.items():
        shape = entry.get("shape") if isinstance(entry, dict) else None
        dtype = entry.get("dtype") if isinstance(entry, dict) else None
        if not (isinstance(shape, list) and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                for d in shape)) or not isinstance(dtype, str):
            problems.append(f"tensors.{name} must be {{shape: [whole numbers >= 0], dtype: string}} "
                            f"(received {entry!r:.80})")
    return problems


def _check_bytes(path: Path, manifest: dict, expected_sha256: str | None) -> None:
    size, wanted = path.stat().st_size, manifest["size_bytes"]
    if size < wanted:
        raise WeightsError(f"{path}: truncated: {size} bytes, manifest says {wanted}")
    sha = file_sha256(path)
    if sha != manifest["sha256"]:
        raise WeightsError(f"{path}: corrupted or replaced: sha256 {sha}, manifest says {manifest['sha256']}")
    if size != wanted:
        raise WeightsError(f"{path}: manifest is inconsistent: size {size} bytes, manifest says {wanted}")
    if expected_sha256 is not None and sha != expected_sha256.lower():
        raise WeightsError(f"{path}: not the expected weights: sha256 {sha}, expected {expected_sha256}")


def _load_tensors(path: Path) -> Any:
    import torch  # deferred: torch takes about 2 s to import, and only training needs it

    with open(path, "rb") as fh:
        head = fh.read(len(_ZIP_MAGIC))
    if head != _ZIP_MAGIC:
        raise WeightsError(f"{path}: not a torch archive (torch.save writes a zip file; this one starts "
                           f"with {head!r})")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        first = str(exc).strip().splitlines()
        reason = next((line.strip() for line in first if "GLOBAL" in line or "Unsupported" in line), "")
        raise WeightsError(f"{path}: refused: the file holds Python objects other than tensors, which could run "
                           f"code when loaded (weights_only load failed{': ' + reason if reason else ''})") from None
    except EOFError:
        raise WeightsError(f"{path}: truncated: the torch archive ends early") from None
    except Exception as exc:  # noqa: BLE001 - torch raises many types for foreign bytes; report each in one line
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "zip" in text.lower() or "central directory" in text.lower() or "magic number" in text.lower():
            raise WeightsError(f"{path}: not a torch archive (or a damaged one): {text}") from None
        raise WeightsError(f"{path}: cannot be read as torch weights: {type(exc).__name__}: {text}") from None


def _check_tensors(path: Path, loaded: Any, manifest: dict) -> dict:
    import torch  # deferred: torch takes about 2 s to import, and only training needs it

    if not isinstance(loaded, dict):
        raise WeightsError(f"{path}: must hold a dict of name -> tensor, holds {type(loaded).__name__}")
    for name, value in loaded.items():
        if not isinstance(name, str):
            raise WeightsError(f"{path}: tensor names must be strings, found {name!r}")
        if not isinstance(value, torch.Tensor):
            raise WeightsError(f"{path}: {name!r} must be a tensor (a flat dict), holds {type(value).__name__}")
    table, wanted = _tensor_table(loaded), manifest["tensors"]
    missing, extra = sorted(set(wanted) - set(table)), sorted(set(table) - set(wanted))
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unexpected {', '.join(extra)}"]
                                                                          if extra else [])
        raise WeightsError(f"{path}: tensors do not match the manifest: {'; '.join(parts)}")
    for name in wanted:
        if table[name] != wanted[name]:
            raise WeightsError(f"{path}: tensor {name!r} is {table[name]['dtype']} {table[name]['shape']}, "
                               f"manifest says {wanted[name]['dtype']} {wanted[name]['shape']}")
    return loaded


def load_weights(path, *, expected_sha256: str | None = None) -> "tuple[dict[str, torch.Tensor], dict]":
    """Load weights saved by `save_weights`: ({name: tensor on CPU}, manifest).

    Refuses (`WeightsError`, naming the file) a missing file or manifest, an invalid manifest,
    a size or sha256 that differs from the manifest or from `expected_sha256`, bytes that are
    not a torch archive, a pickle naming anything but tensors, and tensors whose names,
    shapes or dtypes differ from the manifest.
    """
    path = Path(path)
    manifest = _checked_manifest(path, expected_sha256)
    return _check_tensors(path, _load_tensors(path), manifest), manifest


def _checked_manifest(path: Path, expected_sha256: str | None) -> dict:
    """The manifest beside `path`, once the file's size and sha256 match it (and `expected_sha256`)."""
    if expected_sha256 is not None and (not isinstance(expected_sha256, str)
                                        or not _SHA256_RE.match(expected_sha256.lower())):
        raise WeightsError(f"{path}: expected_sha256 must be 64 hex digits, received {expected_sha256!r:.80}")
    if not path.is_file():
        raise WeightsError(f"{path}: weights file not found")
    manifest = _read_manifest(path)
    _check_bytes(path, manifest, expected_sha256)
    return manifest


# --- safetensors (numpy): the shipped weights ------------------------------------------------

def _array_table(arrays: dict) -> dict[str, dict]:
    return {name: {"shape": list(a.shape), "dtype": str(a.dtype)} for name, a in arrays.items()}


def save_safetensors(arrays: dict, path, *, config: dict, vocabulary_version: str, corpus: str, licence: str,
                     command: str, extra: dict | None = None) -> dict:
    """Write numpy arrays as a safetensors file and its manifest (``<path>.json``), atomically.

    The same manifest as `save_weights` (format, sha256, size, config, provenance, tensor table),
    with ``torch_version`` replaced by the writer's numpy version and any `extra` fields added."""
    path = Path(path)
    config, provenance = _checked_provenance(path, config, vocabulary_version, corpus, licence, command)
    arrays = {k: np.asarray(v) for k, v in arrays.items()}
    data = safetensors.dumps(arrays, {"format": MANIFEST_FORMAT})
    if not path.parent.is_dir():
        raise WeightsError(f"{path}: the folder {path.parent} does not exist")
    _replace_atomically(path, lambda tmp: Path(tmp).write_bytes(data))
    manifest = {
        "format": MANIFEST_FORMAT, "format_version": MANIFEST_FORMAT_VERSION, "file": path.name,
        "sha256": file_sha256(path), "size_bytes": path.stat().st_size, "numpy_version": np.__version__,
        "config": config, **provenance, **_json_ready(extra or {}, "extra", path), "tensors": _array_table(arrays),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    _replace_atomically(manifest_path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return manifest


def load_safetensors(path, *, expected_sha256: str | None = None) -> "tuple[dict, dict]":
    """Load arrays saved by `save_safetensors`: ({name: numpy array}, manifest), after checking the
    manifest, the size and the sha256 (against the manifest and `expected_sha256`), and that the
    tensors' names, shapes and dtypes are the manifest's."""
    path = Path(path)
    manifest = _checked_manifest(path, expected_sha256)
    try:
        arrays, _ = safetensors.loads(path.read_bytes())
    except safetensors.SafetensorsError as exc:
        raise WeightsError(f"{path}: not a valid safetensors file: {exc}") from None
    table, wanted = _array_table(arrays), manifest["tensors"]
    if table != wanted:
        diff = sorted(set(table) ^ set(wanted)) or [n for n in wanted if table.get(n) != wanted[n]]
        raise WeightsError(f"{path}: tensors do not match the manifest ({', '.join(diff[:5])})")
    return arrays, manifest
