"""Training the rhythm and melody models on a corpus (``partita train``), on CPU, with a fixed seed.

Every line of the corpus's train split becomes a sequence of notes (long lines are cut into
windows); each step predicts the note's token (duration or pitch step) from the token before and
the note's conditions. Adam with gradient clipping; after every epoch the validation split's
negative log-likelihood decides the best weights (early stopping). A checkpoint (``<kind>.ckpt``:
model, optimizer, epoch, best weights, config, corpus id) is written every epoch, read back with
``weights_only=True``, and lets ``--resume`` carry on. The result is exported as safetensors with
its manifest: config, vocabulary version, corpus manifest id, licence, metrics and the command.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from corpora.progress import Progress

from .features import center_cents, line_features
from .net import ConditionedGRU
from .spec import model_config, target_field
from .weights import WeightsError, save_safetensors

WINDOW = 256
CHORD_DROPOUT = 0.15


@dataclass
class TrainResult:
    weights: Path
    manifest: dict
    best_validation_bits: float
    epochs: int
    seconds: float


def sequences(tunes, kind: str, seed: int = 0, augment: bool = False) -> list[dict[str, np.ndarray]]:
    """Per-line arrays of the fields a model of `kind` reads, cut into windows of WINDOW notes."""
    cfg = model_config(kind)
    target = target_field(kind)
    rng = np.random.default_rng([seed, 7])
    out = []
    for tune in tunes:
        f = line_features(tune)
        if augment and kind == "melody" and rng.random() < CHORD_DROPOUT:
            f.chord = np.zeros_like(f.chord)
        fields = {name: getattr(f, name) for name in cfg["conditions"]}
        fields["target"] = getattr(f, target)
        for start in range(0, len(f), WINDOW):
            out.append({k: v[start:start + WINDOW] for k, v in fields.items()})
    return out


def _batch(seqs: list[dict], cfg: dict) -> tuple[torch.Tensor, dict, torch.Tensor]:
    T = max(len(s["target"]) for s in seqs)
    B = len(seqs)
    target = np.full((B, T), -100, dtype=np.int64)
    prev = np.full((B, T), cfg["bos"], dtype=np.int64)
    conds = {k: np.zeros((B, T), dtype=np.int64) for k in cfg["conditions"]}
    for i, s in enumerate(seqs):
        n = len(s["target"])
        target[i, :n] = s["target"]
        prev[i, 1:n] = s["target"][:-1]
        for k in conds:
            conds[k][i, :n] = s[k]
    return torch.from_numpy(prev), {k: torch.from_numpy(v) for k, v in conds.items()}, torch.from_numpy(target)


def nll_bits(model: ConditionedGRU, seqs: list[dict], batch_size: int = 64) -> float:
    """Mean negative log2-likelihood per note over `seqs`."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(seqs), batch_size):
            prev, conds, target = _batch(seqs[i:i + batch_size], model.config)
            logits, _ = model(prev, conds)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100,
                                   reduction="sum")
            total += float(loss)
            count += int((target != -100).sum())
    return total / max(count, 1) / math.log(2)


def to_arrays(model: ConditionedGRU) -> dict[str, np.ndarray]:
    return {k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()}


def train(kind: str, corpus, out_dir: Path, *, epochs: int = 30, minutes: float = 12.0, seed: int = 0,
          batch_size: int = 32, lr: float = 3e-3, embed: int = 64, hidden: int = 256, patience: int = 3,
          resume: bool = False, progress: bool = True, command: str = "", weights_name: str | None = None,
          licence: str | None = None) -> TrainResult:
    """Train a model of `kind` on `corpus` (a `corpora.Corpus`) and export the best weights to
    ``out_dir/<kind>.safetensors``. Stops after `epochs`, after `minutes`, or when the validation
    NLL has not improved for `patience` epochs."""
    started = time.perf_counter()
    torch.manual_seed(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = model_config(kind, embed=embed, hidden=hidden)
    cfg["center_cents"] = center_cents(corpus.tunes("train"))
    train_seqs = sequences(corpus.tunes("train"), kind, seed, augment=True)
    valid_seqs = sequences(corpus.tunes("validation"), kind, seed)
    if not train_seqs or not valid_seqs:
        raise WeightsError(f"corpus {corpus.name!r} has {len(train_seqs)} training and {len(valid_seqs)} validation "
                           f"sequences; both must be non-empty")
    model = ConditionedGRU(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    ckpt_path = out_dir / f"{kind}.ckpt"
    epoch, best_bits, best_state, stale, history = 0, float("inf"), None, 0, []
    if resume and ckpt_path.is_file():
        ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=True)
        if ckpt["config"] != cfg or ckpt["corpus"] != corpus.id:
            raise WeightsError(f"{ckpt_path}: the checkpoint was trained with another config or corpus "
                               f"({ckpt['corpus']}); start again without --resume")
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        epoch, best_bits, stale = int(ckpt["epoch"]), float(ckpt["best_bits"]), int(ckpt["stale"])
        best_state, history = ckpt["best_model"], list(ckpt["history"])
    order_rng = np.random.default_rng([seed, 11])
    if resume and ckpt_path.is_file():
        # Carry on exactly where the run stopped: the shuffles' and the dropout's random streams too.
        order_rng.bit_generator.state = json.loads(ckpt["order_rng"])
        torch.set_rng_state(ckpt["torch_rng"])
    while epoch < epochs and stale < patience and (time.perf_counter() - started) < minutes * 60:
        model.train()
        order = order_rng.permutation(len(train_seqs))
        # Batches of similar length: sort each chunk of 50 batches by length, keep the shuffle between chunks.
        chunks = [order[i:i + batch_size * 50] for i in range(0, len(order), batch_size * 50)]
        batches = []
        for chunk in chunks:
            chunk = sorted(chunk, key=lambda i: len(train_seqs[i]["target"]))
            batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
        batches = [batches[i] for i in order_rng.permutation(len(batches))]
        bar = Progress(len(batches), f"{kind} epoch {epoch + 1}/{epochs}", enabled=progress)
        running = None
        for idx in batches:
            prev, conds, target = _batch([train_seqs[i] for i in idx], cfg)
            logits, _ = model(prev, conds)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            value = loss.item()
            running = value if running is None else 0.95 * running + 0.05 * value
            bar.update(1, extra=f"loss {running / math.log(2):.3f} bits")
        bits = nll_bits(model, valid_seqs)
        epoch += 1
        history.append({"epoch": epoch, "validation_bits": round(bits, 4),
                        "seconds": round(time.perf_counter() - started, 1)})
        bar.extra = f"validation {bits:.3f} bits/note"
        bar.close()
        if bits < best_bits - 1e-4:
            best_bits, stale = bits, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch, "best_bits": best_bits,
                    "stale": stale, "best_model": best_state, "history": history, "config": cfg,
                    "corpus": corpus.id, "order_rng": json.dumps(order_rng.bit_generator.state),
                    "torch_rng": torch.get_rng_state()}, ckpt_path)
    if best_state is None:
        raise WeightsError(f"no epoch of the {kind} model finished (minutes={minutes}, epochs={epochs}) or the "
                           f"validation loss was not a number; nothing to export")
    model.load_state_dict(best_state)
    weights = out_dir / (weights_name or f"{kind}.safetensors")
    params = sum(p.numel() for p in model.parameters())
    manifest = save_safetensors(
        to_arrays(model), weights, config=cfg, vocabulary_version=cfg["vocabulary_version"], corpus=corpus.id,
        licence=licence or corpus.licence, command=command or f"partita train {kind} --corpus {corpus.name}",
        extra={"metrics": {"validation_bits_per_note": round(best_bits, 4), "epochs": epoch, "parameters": params,
                           "train_sequences": len(train_seqs), "history": history, "seed": seed}})
    return TrainResult(weights, manifest, best_bits, epoch, time.perf_counter() - started)
