"""The n-gram baseline: interpolated Kneser-Ney over token sequences (the benchmark's yardstick).

The highest order uses counts, lower orders continuation counts (how many distinct tokens precede
an n-gram), each interpolated down to the uniform distribution over the vocabulary; one absolute
discount (0.75). Sequences start with BOS padding; no end token is scored.
"""
from __future__ import annotations

import math
import os
from collections import defaultdict
from functools import lru_cache

import numpy as np

from corpora import cache_dir, load_corpora

from . import vocab as V
from .features import center_cents, line_features
from .spec import MELODY_CONDITIONS, RHYTHM_CONDITIONS


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


# --- the n-gram filler: the same decoding interface as the numpy GRU --------------------------------

NGRAM_ORDER = 6                       # the order the validation split chose for both streams (bench_quality)
NGRAM_CORPUS_ENV = "PARTITA_NGRAM_CORPUS"
DEFAULT_NGRAM_CORPUS = "oneills1850,ryansMammoth"


class NgramStepModel:
    """A fitted Kneser-Ney model behind the interface the decoders step (`initial_state`, `step`,
    `condition_inputs`, `config`, `bos`): its state is the last order-1 tokens, and it ignores every
    condition (position, chord, phrase...): it only knows the notes before."""

    def __init__(self, kind: str, kn: KneserNey, conditions: dict, center_cents: float):
        self.kind, self.kn = kind, kn
        self.V = kn.V
        self.bos = -1
        self.config = {"kind": kind, "conditions": dict(conditions), "center_cents": center_cents,
                       "n_out": kn.V, "order": kn.order}
        self._cache: dict[tuple, np.ndarray] = {}

    def condition_inputs(self, conds: dict) -> np.ndarray:
        first = next(iter(conds.values()))
        return np.zeros(np.asarray(first).shape + (1,), dtype=np.float32)

    def initial_state(self, batch: int = 1) -> np.ndarray:
        return np.full((batch, self.kn.order - 1), -1, dtype=np.int64)

    def distribution(self, context: tuple) -> np.ndarray:
        if context not in self._cache:
            kn = self.kn
            p = np.full(self.V, 1.0 / self.V)
            for n in range(1, kn.order + 1):
                ctx = tuple(context[len(context) - (n - 1):]) if n > 1 else ()
                total = kn._totals[n].get(ctx)
                if not total:
                    continue
                c = np.zeros(self.V)
                counts = kn.counts[n][ctx]
                c[list(counts)] = list(counts.values())
                p = np.maximum(c - kn.D, 0.0) / total + kn.D * kn._types[n][ctx] / total * p
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[context] = np.log(p)
        return self._cache[context]

    def step(self, h: np.ndarray, prev: np.ndarray, cond_in) -> tuple[np.ndarray, np.ndarray]:
        h = h.copy()
        for r, token in enumerate(np.asarray(prev).tolist()):
            if token >= 0 and h.shape[1]:
                h[r, :-1] = h[r, 1:]
                h[r, -1] = token
        logits = np.stack([self.distribution(tuple(row)) for row in h.tolist()])
        return h, logits


def ngram_corpus_names() -> str:
    return os.environ.get(NGRAM_CORPUS_ENV) or DEFAULT_NGRAM_CORPUS


@lru_cache(maxsize=4)
def ngram_models(corpus: str | None = None, order: int = NGRAM_ORDER) -> tuple[NgramStepModel, NgramStepModel]:
    """The rhythm and melody n-gram models fitted on the train split of `corpus` (comma-separated
    names or a manifest path; default $PARTITA_NGRAM_CORPUS or oneills1850,ryansMammoth). The corpora
    are parsed when they are not cached yet; the token streams are cached beside them."""
    names = [n.strip() for n in (corpus or ngram_corpus_names()).split(",") if n.strip()]
    data = load_corpora(names, progress=True)
    streams, center = _train_streams(data)
    rhythm = KneserNey(order, _vocab("rhythm")).fit(streams["dur"])
    melody = KneserNey(order, _vocab("melody")).fit(streams["pitch"])
    return (NgramStepModel("rhythm", rhythm, RHYTHM_CONDITIONS, center),
            NgramStepModel("melody", melody, MELODY_CONDITIONS, center))


def _vocab(kind: str) -> int:
    return V.N_DUR if kind == "rhythm" else V.N_PITCH


def _train_streams(corpus) -> tuple[dict[str, list], float]:
    """The duration and pitch token streams of the corpus's train split (cached), and the centre of
    its melodies above their tonic (cents), as the neural models record it."""
    tunes = corpus.tunes("train")
    center = center_cents(tunes)
    path = cache_dir() / "ngram" / f"{corpus.id.replace('/', '_')[:150]}-v{V.VOCAB_VERSION}.npz"
    if path.is_file():
        with np.load(path) as d:
            lengths = d["lengths"]
            cuts = np.cumsum(lengths)[:-1]
            return {"dur": np.split(d["dur"], cuts), "pitch": np.split(d["pitch"], cuts)}, center
    feats = [line_features(t) for t in tunes]
    streams = {"dur": [f.dur for f in feats], "pitch": [f.pitch for f in feats]}
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its name and renamed into place: the workers of a batch may fit the baseline at once,
    # and none may read a half-written file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(tmp, "wb") as fh:
        np.savez(fh, lengths=np.array([len(f) for f in feats]), dur=np.concatenate(streams["dur"]),
                 pitch=np.concatenate(streams["pitch"]))
    os.replace(tmp, path)
    return streams, center
