"""The n-gram baseline: interpolated Kneser-Ney over token sequences (the benchmark's yardstick).

The highest order uses counts, lower orders continuation counts (how many distinct tokens precede
an n-gram), each interpolated down to the uniform distribution over the vocabulary; one absolute
discount (0.75). Sequences start with BOS padding; no end token is scored.
"""
from __future__ import annotations

import math
from collections import defaultdict


class KneserNey:
    def __init__(self, order: int, vocab_size: int, discount: float = 0.75):
        if order < 1:
            raise ValueError(f"order must be at least 1, received {order}")
        self.order, self.V, self.D = order, vocab_size, discount
        self.bos = -1
        # counts[n][context][token] for n-grams of length n (context length n-1)
        self.counts = [defaultdict(lambda: defaultdict(int)) for _ in range(order + 1)]
        self._totals: list[dict] = []
        self._types: list[dict] = []

    def fit(self, sequences) -> "KneserNey":
        N = self.order
        top = self.counts[N]
        left_ext = [defaultdict(set) for _ in range(N + 1)]
        for seq in sequences:
            padded = [self.bos] * (N - 1) + [int(x) for x in seq]
            for i in range(N - 1, len(padded)):
                gram = tuple(padded[i - N + 1:i + 1])
                top[gram[:-1]][gram[-1]] += 1
                for n in range(1, N):
                    lower = gram[N - n:]
                    left_ext[n][lower].add(gram[N - n - 1])
        for n in range(1, N):
            for gram, lefts in left_ext[n].items():
                self.counts[n][gram[:-1]][gram[-1]] = len(lefts)
        self._totals = [{c: sum(d.values()) for c, d in self.counts[n].items()} for n in range(N + 1)]
        self._types = [{c: len(d) for c, d in self.counts[n].items()} for n in range(N + 1)]
        return self

    def prob(self, context: tuple, token: int) -> float:
        p = 1.0 / self.V
        for n in range(1, self.order + 1):
            ctx = tuple(context[len(context) - (n - 1):]) if n > 1 else ()
            total = self._totals[n].get(ctx)
            if not total:
                continue
            c = self.counts[n][ctx].get(token, 0)
            p = max(c - self.D, 0.0) / total + self.D * self._types[n][ctx] / total * p
        return p

    def bits(self, sequences) -> tuple[float, int]:
        """(total bits, notes) of `sequences` under the model."""
        total, count = 0.0, 0
        N = self.order
        for seq in sequences:
            padded = [self.bos] * (N - 1) + [int(x) for x in seq]
            for i in range(N - 1, len(padded)):
                total -= math.log2(self.prob(tuple(padded[i - N + 1:i]), padded[i]))
                count += 1
        return total, count


def best_order(train, validation, vocab_size: int, orders=range(1, 7)) -> tuple[int, dict[int, float]]:
    """The order with the lowest validation bits per note, and every order's figure."""
    scores = {}
    for n in orders:
        model = KneserNey(n, vocab_size).fit(train)
        bits, count = model.bits(validation)
        scores[n] = bits / max(count, 1)
    return min(scores, key=scores.get), scores
