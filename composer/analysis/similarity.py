"""Comparing two sets of pieces feature by feature, as Yang & Lerch (2018) propose.

For each feature, the distances between every pair of pieces inside a set (intra-set) and between
every piece of one set and every piece of the other (inter-set) are smoothed into densities with a
Gaussian kernel (Scott's bandwidth). The overlapping area of the reference set's intra-set density
and the inter-set density is near 1 when the generated pieces lie as close to the reference as the
reference pieces lie to each other; the Kullback-Leibler divergence says the same as a distance.
Scalars are compared by absolute difference, histograms by Euclidean distance.

Li-Chia Yang and Alexander Lerch, "On the evaluation of generative models in music", Neural
Computing and Applications 32 (2020) 4773-4784 (online 2018), section 3.
"""
from __future__ import annotations

import numpy as np

GRID_POINTS = 512
MAX_DISTANCES = 5000            # distances drawn (fixed seed) for each density
_EPS = 1e-10


def pairwise(a: list[np.ndarray], b: list[np.ndarray] | None = None) -> np.ndarray:
    """Distances within `a` (each pair once) or between `a` and `b`."""
    A = np.array([np.atleast_1d(x) for x in a], dtype=float)
    if b is None:
        if len(A) < 2:
            return np.zeros(0)
        d = np.sqrt(((A[:, None, :] - A[None, :, :]) ** 2).sum(-1))
        return d[np.triu_indices(len(A), 1)]
    B = np.array([np.atleast_1d(x) for x in b], dtype=float)
    if not len(A) or not len(B):
        return np.zeros(0)
    return np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)).ravel()


def _sample(x: np.ndarray, seed: int) -> np.ndarray:
    if len(x) <= MAX_DISTANCES:
        return x
    return np.random.default_rng(seed).choice(x, MAX_DISTANCES, replace=False)


def bandwidth(samples: np.ndarray) -> float:
    """Scott's rule, sd * n**(-1/5); a small width (relative to the values) for constant data."""
    samples = np.asarray(samples, dtype=float)
    return max(samples.std() * len(samples) ** (-1 / 5), 1e-3 * max(1.0, abs(samples.mean())), 1e-6)


def kde(samples: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """A Gaussian kernel density of `samples` on `grid` (Scott's bandwidth)."""
    samples = np.asarray(samples, dtype=float)
    bw = bandwidth(samples)
    z = (grid[:, None] - samples[None, :]) / bw
    density = np.exp(-0.5 * z * z).sum(axis=1) / (len(samples) * bw * np.sqrt(2 * np.pi))
    return density


def _integral(y: np.ndarray, x: np.ndarray) -> float:
    return float(((y[1:] + y[:-1]) * np.diff(x)).sum() / 2.0)


def _grid(*sets: np.ndarray) -> np.ndarray:
    """Points that hold every density's whole mass: the values' span padded by five kernel widths,
    with at least 40 points inside the narrowest kernel."""
    allv = np.concatenate([s for s in sets if len(s)])
    lo, hi = allv.min(), allv.max()
    widths = [bandwidth(s) for s in sets if len(s)]
    pad = 5.0 * max(widths)
    points = int(min(20000, max(GRID_POINTS, 40 * (hi - lo + 2 * pad) / min(widths))))
    return np.linspace(lo - pad, hi + pad, points)


def overlap_area(p_samples: np.ndarray, q_samples: np.ndarray) -> float | None:
    """The area both densities share: the integral of min(p, q), from 0 (disjoint) to 1 (equal)."""
    if len(p_samples) < 2 or len(q_samples) < 2:
        return None
    grid = _grid(p_samples, q_samples)
    p, q = kde(p_samples, grid), kde(q_samples, grid)
    return float(np.clip(_integral(np.minimum(p, q), grid), 0.0, 1.0))


def kl_divergence(p_samples: np.ndarray, q_samples: np.ndarray) -> float | None:
    """KL(p || q) of the two densities, in nats (0 for equal ones)."""
    if len(p_samples) < 2 or len(q_samples) < 2:
        return None
    grid = _grid(p_samples, q_samples)
    p, q = kde(p_samples, grid) + _EPS, kde(q_samples, grid) + _EPS
    dx = grid[1] - grid[0]
    p, q = p / (p.sum() * dx), q / (q.sum() * dx)
    return float(max(0.0, (p * np.log(p / q)).sum() * dx))


def compare_sets(generated: dict[str, list], reference: dict[str, list]) -> dict[str, dict]:
    """Per feature: mean intra-set and inter-set distances, the overlapping areas and KL divergences
    of each set's intra-set density against the inter-set density."""
    out = {}
    for i, (name, gen) in enumerate(generated.items()):
        ref = reference.get(name, [])
        if not gen or not ref:
            out[name] = {"overlap": None, "reason": "missing in one of the sets"}
            continue
        intra_g = _sample(pairwise(gen), 3 * i)
        intra_r = _sample(pairwise(ref), 3 * i + 1)
        inter = _sample(pairwise(gen, ref), 3 * i + 2)
        mean = lambda x: round(float(x.mean()), 5) if len(x) else None  # noqa: E731
        rnd = lambda x: None if x is None else round(x, 4)  # noqa: E731
        out[name] = {
            "intra_generated_mean": mean(intra_g), "intra_reference_mean": mean(intra_r), "inter_mean": mean(inter),
            "overlap": rnd(overlap_area(intra_r, inter)), "kl_divergence": rnd(kl_divergence(intra_r, inter)),
            "overlap_generated": rnd(overlap_area(intra_g, inter)),
            "kl_divergence_generated": rnd(kl_divergence(intra_g, inter)),
        }
    return out
