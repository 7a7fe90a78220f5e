"""Installing trained weights as the package's shipped weights, and the index that pins them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .runtime import load_model, weights_dir
from .weights import load_safetensors, manifest_path


def ship(kind: str, weights: Path) -> Path:
    """Copy `weights` and its manifest into ``composer/models/weights/<kind>.safetensors`` and pin
    its sha256 in ``index.json`` (loading checks it). Returns the installed path."""
    _, manifest = load_safetensors(weights)
    folder = weights_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{kind}.safetensors"
    if Path(weights).resolve() != target.resolve():
        shutil.copyfile(weights, target)
        text = json.loads(manifest_path(weights).read_text(encoding="utf-8"))
        text["file"] = target.name
        manifest_path(target).write_text(json.dumps(text, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    index_path = folder / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else {}
    index[kind] = {"file": target.name, "sha256": manifest["sha256"], "corpus": manifest["corpus"],
                   "licence": manifest["licence"], "command": manifest["command"]}
    index_path.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    load_model.cache_clear()
    return target
