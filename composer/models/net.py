"""The torch module both models share (training only; decoding runs in `runtime` on numpy)."""
from __future__ import annotations

import torch
from torch import nn


class ConditionedGRU(nn.Module):
    """prev token + summed condition embeddings -> one GRU layer -> logits over the next token."""

    def __init__(self, config: dict):
        super().__init__()
        e, h = config["embed"], config["hidden"]
        self.config = dict(config)
        self.prev = nn.Embedding(config["n_prev"], e)
        self.conds = nn.ModuleDict({k: nn.Embedding(n, e) for k, n in config["conditions"].items()})
        self.gru = nn.GRU(e, h, batch_first=True)
        self.drop = nn.Dropout(config.get("dropout", 0.0))
        self.out = nn.Linear(h, config["n_out"])

    def forward(self, prev: torch.Tensor, conds: dict[str, torch.Tensor], h0: torch.Tensor | None = None):
        x = self.prev(prev)
        for name, emb in self.conds.items():
            x = x + emb(conds[name])
        y, h = self.gru(x, h0)
        return self.out(self.drop(y)), h
