"""Decoding-time models on numpy: the trained GRU, stepped one note at a time, without torch.

Loading torch costs about 2 s; a 300k-parameter GRU step costs microseconds in numpy. Every
input embedding is projected through the GRU's input weights once at load, so a step is a
gather, one (B, H) x (H, 3H) product, the gates, and the output layer. `tests/models/test_models.py`
checks that it matches the torch module to 1e-5.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from theory.datafile import package_folder

from .spec import model_config
from .weights import WeightsError, load_safetensors

WEIGHTS_PACKAGE = "composer.models"
WEIGHTS_FOLDER = "weights"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def _rows_matmul(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """a @ w, one row at a time for small batches: a matrix-vector product per row stays on one
    thread, where a small multi-threaded matrix product can cost 50 times more on a busy machine."""
    if a.shape[0] == 1 or a.shape[0] > 64:
        return a @ w
    out = np.empty((a.shape[0], w.shape[1]), dtype=np.result_type(a, w))
    for i in range(a.shape[0]):
        np.dot(a[i], w, out=out[i])
    return out


class GRUModel:
    def __init__(self, arrays: dict[str, np.ndarray], manifest: dict):
        cfg = manifest["config"]
        self.manifest = manifest
        self.config = cfg
        self.kind = cfg["kind"]
        self.hidden = int(cfg["hidden"])
        f = lambda name: np.asarray(arrays[name], dtype=np.float32)  # noqa: E731
        w_ih, b_ih = f("gru.weight_ih_l0"), f("gru.bias_ih_l0")
        self.w_hh_t = np.ascontiguousarray(f("gru.weight_hh_l0").T)
        self.b_hh = f("gru.bias_hh_l0")
        self.prev_proj = f("prev.weight") @ w_ih.T + b_ih
        self.cond_proj = {k: f(f"conds.{k}.weight") @ w_ih.T for k in cfg["conditions"]}
        self.w_out_t = np.ascontiguousarray(f("out.weight").T)
        self.b_out = f("out.bias")
        self.bos = int(cfg["bos"])

    def condition_inputs(self, conds: dict[str, np.ndarray]) -> np.ndarray:
        """The conditions' share of the GRU input gates, for every step at once: (..., 3H)."""
        total = None
        for name, table in self.cond_proj.items():
            part = table[np.asarray(conds[name])]
            total = part if total is None else total + part
        return total

    def initial_state(self, batch: int = 1) -> np.ndarray:
        return np.zeros((batch, self.hidden), dtype=np.float32)

    def step(self, h: np.ndarray, prev: np.ndarray, cond_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One note for a batch: h (B, H), prev tokens (B,), cond_in (B, 3H) -> (new h, logits (B, V))."""
        H = self.hidden
        gi = self.prev_proj[prev] + cond_in
        gh = _rows_matmul(h, self.w_hh_t) + self.b_hh
        r = _sigmoid(gi[:, :H] + gh[:, :H])
        z = _sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        h = (1.0 - z) * n + z * h
        return h, _rows_matmul(h, self.w_out_t) + self.b_out


def weights_dir() -> Path:
    return package_folder(WEIGHTS_PACKAGE) / WEIGHTS_FOLDER


def shipped_weights() -> dict:
    """The shipped weights' index (``weights/index.json``): kind -> {file, sha256}."""
    path = weights_dir() / "index.json"
    if not path.is_file():
        raise WeightsError(f"{path}: the shipped weights' index is missing; reinstall partita, or train with "
                           f"`partita train rhythm` and `partita train melody`")
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def load_model(kind: str, path: str | None = None) -> GRUModel:
    """The shipped model of `kind` ('rhythm' or 'melody'), its sha256 checked against the index;
    or the model at `path` (checked against its own manifest)."""
    if path is None:
        entry = shipped_weights().get(kind)
        if entry is None:
            raise WeightsError(f"no shipped weights for the {kind} model (index lists: "
                               f"{', '.join(shipped_weights())})")
        arrays, manifest = load_safetensors(weights_dir() / entry["file"], expected_sha256=entry["sha256"])
    else:
        arrays, manifest = load_safetensors(path)
    if manifest["config"].get("kind") != kind:
        raise WeightsError(f"{path or entry['file']}: holds a {manifest['config'].get('kind')!r} model, "
                           f"expected {kind!r}")
    check_shapes(str(path or entry["file"]), kind, arrays, manifest["config"])
    return GRUModel(arrays, manifest)


def check_shapes(where: str, kind: str, arrays: dict, cfg: dict) -> None:
    """Refuse weights whose configuration is not this version's vocabulary and conditions, or whose tensors
    have other shapes than that configuration gives (weights and manifest changed together, consistently,
    would otherwise fail deep inside a compose)."""
    try:
        expected = model_config(kind, int(cfg["embed"]), int(cfg["hidden"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise WeightsError(f"{where}: the configuration lacks its sizes ({exc})") from None
    for name in ("vocabulary_version", "n_out", "n_prev", "bos", "conditions"):
        if cfg.get(name) != expected[name]:
            raise WeightsError(f"{where}: configuration {name} is {str(cfg.get(name))[:80]}, this version of "
                               f"partita needs {str(expected[name])[:80]}; train the model again")
    e, h, n_out, n_prev = expected["embed"], expected["hidden"], expected["n_out"], expected["n_prev"]
    shapes = {"gru.weight_ih_l0": (3 * h, e), "gru.weight_hh_l0": (3 * h, h), "gru.bias_ih_l0": (3 * h,),
              "gru.bias_hh_l0": (3 * h,), "prev.weight": (n_prev, e), "out.weight": (n_out, h), "out.bias": (n_out,),
              **{f"conds.{k}.weight": (n, e) for k, n in expected["conditions"].items()}}
    for name, shape in shapes.items():
        got = tuple(np.shape(arrays[name])) if name in arrays else None
        if got != shape:
            raise WeightsError(f"{where}: tensor {name} has shape {got}, expected {shape}")


@dataclass(frozen=True)
class Sampling:
    """How a token is drawn from the masked distribution."""

    temperature: float = 1.0
    top_p: float = 0.95


def masked_sample(logits: np.ndarray, weights_map, allowed: np.ndarray, rng: np.random.Generator,
                  sampling: Sampling, extra: np.ndarray | None = None) -> int:
    """Draw a candidate index: the model's probabilities (softmax of logits / temperature) mapped onto
    the candidates by `weights_map` (each candidate's token index), times `extra`, among the `allowed`
    candidates only, renormalised, cut to the smallest set holding `top_p` of the mass, then drawn
    with `rng`. Only allowed candidates are ever returned; a lone allowed candidate is taken as is."""
    idx = np.flatnonzero(allowed)
    if idx.size == 1:
        return int(idx[0])
    if idx.size == 0:
        raise ValueError("masked_sample: no candidate is allowed (the feasibility pass was not applied)")
    z = logits[weights_map[idx]].astype(np.float64)
    w = np.exp((z - z.max()) / max(sampling.temperature, 1e-3))
    if extra is not None:
        w = w * extra[idx]
    # The rest runs on a handful of numbers: plain Python is faster than numpy calls here.
    weights, choices = w.tolist(), idx.tolist()
    total = sum(weights)
    if not total > 0:
        weights, total = [1.0] * len(choices), float(len(choices))
    if sampling.top_p < 1.0:
        ranked = sorted(zip(weights, choices), key=lambda pair: -pair[0])   # stable: ties keep pitch order
        limit = sampling.top_p * total * (1.0 - 1e-12)
        kept, acc = [], 0.0
        for pair in ranked:
            kept.append(pair)
            acc += pair[0]
            if acc >= limit:
                break
        weights, choices, total = [p[0] for p in kept], [p[1] for p in kept], acc
    u = rng.random() * total
    acc = 0.0
    for wv, choice in zip(weights, choices):
        acc += wv
        if u < acc:
            return int(choice)
    return int(choices[-1])
