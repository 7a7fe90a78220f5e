"""Model weights: saved with a manifest, loaded only when every check holds, never running pickled code."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import pickletools
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from composer.models import WeightsError, load_weights, manifest_path, save_weights
from composer.score.errors import ComposerError

ROOT = Path(__file__).resolve().parents[2]
PROVENANCE = dict(vocabulary_version="v1", corpus="tests: random tensors", licence="CC0-1.0",
                  command="pytest tests/models/test_weights.py")


def small_state() -> dict:
    gen = torch.Generator().manual_seed(0)
    return {"embed.weight": torch.randn(10, 4, generator=gen), "head.bias": torch.zeros(10),
            "steps": torch.arange(3, dtype=torch.int64)}


@pytest.fixture
def saved(tmp_path) -> tuple[Path, dict]:
    path = tmp_path / "melody.pt"
    manifest = save_weights(small_state(), path, config={"dim": 4, "layers": [1, 2]}, **PROVENANCE)
    return path, manifest


def resign(path: Path, **changes) -> None:
    """Make the manifest's size and sha256 match the file's current bytes (as an attacker could)."""
    where = manifest_path(path)
    manifest = json.loads(where.read_text(encoding="utf-8"))
    data = path.read_bytes()
    manifest.update(sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), **changes)
    where.write_text(json.dumps(manifest), encoding="utf-8")


def refused(path: Path, *words: str, **kwargs) -> str:
    with pytest.raises(WeightsError) as info:
        load_weights(path, **kwargs)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message, message
    assert "\n" not in message
    return message


class Payload:
    """Unpickling this runs a shell command: what a malicious weights file would do."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


# --- saving and loading ----------------------------------------------------------------------------

def test_round_trip_keeps_every_tensor(saved):
    path, manifest = saved
    tensors, read_manifest = load_weights(path, expected_sha256=manifest["sha256"])
    original = small_state()
    assert list(tensors) == list(original)
    for name, tensor in original.items():
        assert torch.equal(tensors[name], tensor) and tensors[name].dtype == tensor.dtype
        assert type(tensors[name]) is torch.Tensor and tensors[name].device.type == "cpu"
    assert read_manifest == manifest


def test_manifest_describes_the_file(saved):
    path, manifest = saved
    on_disk = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert manifest_path(path).name == "melody.pt.json"
    assert manifest["file"] == "melody.pt"
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["size_bytes"] == path.stat().st_size
    assert manifest["config"] == {"dim": 4, "layers": [1, 2]}
    assert manifest["torch_version"] == str(torch.__version__)
    for field, value in PROVENANCE.items():
        assert manifest[field] == value
    assert manifest["tensors"] == {"embed.weight": {"shape": [10, 4], "dtype": "float32"},
                                   "head.bias": {"shape": [10], "dtype": "float32"},
                                   "steps": {"shape": [3], "dtype": "int64"}}


def test_save_leaves_no_temporary_files_and_overwrites(saved):
    path, first = saved
    second = save_weights({"w": torch.ones(2, 2)}, path, config={}, **PROVENANCE)
    assert sorted(p.name for p in path.parent.iterdir()) == ["melody.pt", "melody.pt.json"]
    assert second["sha256"] != first["sha256"]
    tensors, _ = load_weights(path)
    assert list(tensors) == ["w"]


def test_saved_file_is_a_plain_dict_of_tensors(saved):
    path, _ = saved
    assert isinstance(torch.load(path, map_location="cpu", weights_only=True), dict)


def test_save_views_and_parameters_as_plain_tensors(tmp_path):
    big = torch.arange(1000, dtype=torch.float32)
    path = tmp_path / "view.pt"
    save_weights({"slice": big[:4], "param": torch.nn.Parameter(torch.ones(2))}, path, config={}, **PROVENANCE)
    assert path.stat().st_size < 1000 * 4  # the view's own 4 values, not the whole storage
    tensors, _ = load_weights(path)
    assert type(tensors["param"]) is torch.Tensor and torch.equal(tensors["slice"], big[:4])


@pytest.mark.parametrize("state, words", [
    ({"w": [1.0, 2.0]}, ["'w'", "torch.Tensor", "list"]),
    ({3: torch.ones(1)}, ["names", "3"]),
    ([torch.ones(1)], ["dict", "list"]),
])
def test_save_refuses_what_is_not_a_flat_dict_of_tensors(tmp_path, state, words):
    with pytest.raises(WeightsError) as info:
        save_weights(state, tmp_path / "bad.pt", config={}, **PROVENANCE)
    assert all(w in str(info.value) for w in words), info.value
    assert not (tmp_path / "bad.pt").exists()


def test_save_refuses_config_that_is_not_json(tmp_path):
    with pytest.raises(WeightsError, match="config"):
        save_weights({"w": torch.ones(1)}, tmp_path / "w.pt", config={"f": object()}, **PROVENANCE)
    with pytest.raises(WeightsError, match="licence"):
        save_weights({"w": torch.ones(1)}, tmp_path / "w.pt", config={}, **{**PROVENANCE, "licence": ""})


def test_weights_error_is_a_composer_error():
    assert issubclass(WeightsError, ComposerError)


def test_import_composer_does_not_import_torch():
    code = "import sys, composer, composer.cli, composer.formats.read; assert 'torch' not in sys.modules, 'torch imported'"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_torch_is_imported_only_under_composer_models():
    offenders = []
    for path in (ROOT / "composer").rglob("*.py"):
        if "models" in path.relative_to(ROOT / "composer").parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "import torch" in text or "from torch" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- what is refused -------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    refused(tmp_path / "nothing.pt", "not found")


def test_missing_manifest(saved):
    path, _ = saved
    manifest_path(path).unlink()
    refused(path, "manifest", "melody.pt.json", "not found")


def test_manifest_that_is_not_json(saved):
    path, _ = saved
    manifest_path(path).write_text("{not json", encoding="utf-8")
    refused(path, "manifest", "not valid JSON")


@pytest.mark.parametrize("changes, words", [
    ({"sha256": "abc"}, ["sha256", "64"]),
    ({"size_bytes": -1}, ["size_bytes"]),
    ({"file": "other.pt"}, ["file", "other.pt"]),
    ({"format": "something"}, ["format"]),
    ({"tensors": {"w": {"shape": "big"}}}, ["tensors.w"]),
    ({"licence": None}, ["licence"]),
])
def test_invalid_manifest(saved, changes, words):
    path, manifest = saved
    manifest_path(path).write_text(json.dumps({**manifest, **changes}), encoding="utf-8")
    refused(path, "manifest", "invalid", *words)


def test_manifest_missing_a_field(saved):
    path, manifest = saved
    del manifest["sha256"]
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    refused(path, "invalid", "sha256")


def test_checksum_mismatch(saved):
    path, manifest = saved
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    actual = hashlib.sha256(bytes(data)).hexdigest()
    message = refused(path, "corrupted or replaced")
    assert f"sha256 {actual}, manifest says {manifest['sha256']}" in message


def test_expected_checksum_mismatch(saved):
    path, _ = saved
    refused(path, "expected", "0" * 64, expected_sha256="0" * 64)
    refused(path, "expected_sha256", expected_sha256="not-a-digest")


def test_truncated_file(saved):
    path, manifest = saved
    path.write_bytes(path.read_bytes()[: manifest["size_bytes"] // 2])
    refused(path, "truncated", f"manifest says {manifest['size_bytes']}")
    resign(path)  # even with a manifest that matches the cut file, the archive is refused
    refused(path, "torch archive")


def test_file_that_is_not_a_torch_archive(saved):
    path, _ = saved
    path.write_bytes(os.urandom(512))
    resign(path)
    refused(path, "not a torch archive")


@pytest.mark.parametrize("writer", ["torch.save", "pickle"])
def test_pickle_that_runs_code_is_refused_and_not_run(saved, tmp_path, writer):
    path, _ = saved
    marker = tmp_path / "partita_pwned"
    payload = {"embed.weight": Payload(f"touch {shlex.quote(str(marker))}")}
    if writer == "torch.save":
        torch.save(payload, path)
        assert b"system" in path.read_bytes()
    else:
        data = pickle.dumps(payload, protocol=2)
        ops = [(op.name, arg) for op, arg, _ in pickletools.genops(data)]
        assert ("GLOBAL", f"{os.system.__module__} system") in ops  # the payload is real
        path.write_bytes(data)
    resign(path)
    with pytest.raises(WeightsError) as info:
        load_weights(path)
    assert str(path) in str(info.value)
    assert not marker.exists(), "loading ran code from the weights file"


def test_pickle_in_a_torch_archive_names_the_danger(saved, tmp_path):
    path, _ = saved
    torch.save({"w": Payload(f"touch {shlex.quote(str(tmp_path / 'pwned'))}")}, path)
    resign(path)
    refused(path, "refused", "could run code")
    assert not (tmp_path / "pwned").exists()


def test_nested_dict_is_refused(saved):
    path, _ = saved
    torch.save({"embed": {"weight": torch.ones(2)}}, path)
    resign(path)
    refused(path, "'embed'", "flat dict")


def test_non_dict_is_refused(saved):
    path, _ = saved
    torch.save([torch.ones(2)], path)
    resign(path)
    refused(path, "dict", "list")


@pytest.mark.parametrize("tensors, words", [
    ({"embed.weight": torch.zeros(10, 5), "head.bias": torch.zeros(10), "steps": torch.arange(3)},
     ["'embed.weight'", "[10, 5]", "[10, 4]"]),
    ({"embed.weight": torch.zeros(10, 4, dtype=torch.float64), "head.bias": torch.zeros(10),
      "steps": torch.arange(3)}, ["float64", "float32"]),
    ({"embed.weight": torch.zeros(10, 4), "steps": torch.arange(3)}, ["missing head.bias"]),
    ({**small_state(), "extra": torch.ones(1)}, ["unexpected extra"]),
])
def test_tensors_not_matching_the_manifest(saved, tensors, words):
    path, _ = saved
    torch.save(tensors, path)
    resign(path)
    refused(path, "manifest", *words)
