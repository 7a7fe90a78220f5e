"""composer.similarity: Yang & Lerch's comparison of two sets of pieces (pairwise distances, kernel
densities, overlapping area, KL divergence), checked on samples whose answers are known.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from composer.analysis import similarity as S


def normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@pytest.fixture(scope="module")
def gauss():
    return np.random.default_rng(0).normal(0.0, 1.0, 2000)


# --- pairwise distances ------------------------------------------------------------------------------

def test_pairwise_counts():
    a = [np.arange(3.0) + i for i in range(5)]
    b = [np.zeros(3) + i for i in range(3)]
    assert len(S.pairwise(a)) == 5 * 4 // 2          # each pair once
    assert len(S.pairwise(a, b)) == 5 * 3            # every piece of a against every piece of b
    assert len(S.pairwise(a[:1])) == 0               # one piece: no pair
    assert len(S.pairwise([], b)) == 0


def test_pairwise_euclidean_by_hand():
    # (0,0), (3,4), (6,8): 5 apart, 10 apart, 5 apart (pairs (0,1), (0,2), (1,2)).
    pts = [np.array([0.0, 0.0]), np.array([3.0, 4.0]), np.array([6.0, 8.0])]
    np.testing.assert_allclose(S.pairwise(pts), [5.0, 10.0, 5.0])
    # Between: (0,0)-(1,1) = sqrt 2, (3,4)-(1,1) = sqrt(4 + 9) = sqrt 13, (6,8)-(1,1) = sqrt(25 + 49).
    np.testing.assert_allclose(S.pairwise(pts, [np.array([1.0, 1.0])]), [math.sqrt(2), math.sqrt(13), math.sqrt(74)])
    # Scalars: absolute differences.
    np.testing.assert_allclose(S.pairwise([np.array(1.0), np.array(4.0), np.array(-2.0)]), [3.0, 3.0, 6.0])
    # Two pitch-class histograms: all of C against all of G differ by sqrt(1 + 1).
    c, g = np.zeros(12), np.zeros(12)
    c[0], g[7] = 1.0, 1.0
    np.testing.assert_allclose(S.pairwise([c, g]), [math.sqrt(2)])


# --- densities ------------------------------------------------------------------------------------------

def test_kde_by_hand():
    # Samples -1 and 1: sd 1, Scott's bandwidth 2**(-1/5); at 0 each kernel is exp(-0.5 / bw**2).
    bw = 2 ** (-1 / 5)
    k0 = 2 * math.exp(-0.5 / bw ** 2) / (2 * bw * math.sqrt(2 * math.pi))
    k1 = (math.exp(-0.5 * (2 / bw) ** 2) + 1.0) / (2 * bw * math.sqrt(2 * math.pi))
    np.testing.assert_allclose(S.kde(np.array([-1.0, 1.0]), np.array([0.0, 1.0])), [k0, k1])
    # A density integrates to one.
    grid = np.linspace(-8, 8, 4001)
    assert S._integral(S.kde(np.array([-1.0, 0.5, 1.0]), grid), grid) == pytest.approx(1.0, abs=1e-6)


def test_overlap_of_identical_and_of_far_apart_samples(gauss):
    assert S.overlap_area(gauss, gauss) > 0.95
    assert S.overlap_area(gauss, gauss + 100.0) < 0.05
    assert S.overlap_area(gauss, gauss + 100.0) >= 0.0


def test_overlap_of_two_shifted_gaussians(gauss):
    # Each density is close to a normal of variance 1 + bw**2 (the kernel adds its own width);
    # two normals of sd s, d apart, share an area of 2 * Phi(-d / 2s).
    bw = gauss.std() * len(gauss) ** (-1 / 5)
    s = math.sqrt(gauss.var() + bw ** 2)
    assert S.overlap_area(gauss, gauss + 1.0) == pytest.approx(2 * normal_cdf(-1.0 / (2 * s)), abs=0.02)


def test_kl_divergence(gauss):
    assert S.kl_divergence(gauss, gauss) == pytest.approx(0.0, abs=1e-9)
    # KL between normals of equal variance s**2, d apart: d**2 / (2 s**2).
    bw = gauss.std() * len(gauss) ** (-1 / 5)
    s2 = gauss.var() + bw ** 2
    assert S.kl_divergence(gauss, gauss + 1.0) == pytest.approx(1.0 / (2 * s2), abs=0.02)
    # Farther apart: more divergent.
    assert S.kl_divergence(gauss, gauss + 2.0) > S.kl_divergence(gauss, gauss + 1.0)


def test_too_few_samples_give_none():
    one = np.array([1.0])
    assert S.overlap_area(one, np.array([1.0, 2.0])) is None
    assert S.kl_divergence(np.array([1.0, 2.0]), one) is None


def test_overlap_of_identical_constant_samples_is_one():
    # Every distance the same (say, all pieces use 7 pitch classes): both densities are the same spike.
    same = np.full(10, 3.0)
    assert S.overlap_area(same, same) == pytest.approx(1.0, abs=0.05)


# --- sets ---------------------------------------------------------------------------------------------

def test_a_set_compared_with_itself_overlaps():
    rng = np.random.default_rng(1)
    hists = [rng.dirichlet(np.ones(12)) for _ in range(30)]
    ranges = [np.array(float(v)) for v in rng.integers(7, 20, 30)]
    out = S.compare_sets({"pitch_class_histogram": hists, "pitch_range": ranges},
                         {"pitch_class_histogram": hists, "pitch_range": ranges})
    for name, f in out.items():
        assert f["overlap"] > 0.9, name
        assert f["intra_generated_mean"] == f["intra_reference_mean"]
        assert 0.0 <= f["kl_divergence"] < 0.1
        # Inter-set distances include every piece against itself (30 zeros): the mean is smaller
        # by exactly the share those zeros take: 435 pairs counted twice plus 30 zeros, over 900.
        assert f["inter_mean"] == pytest.approx(f["intra_reference_mean"] * 870 / 900, abs=1e-4)


def test_a_distant_set_does_not_overlap():
    rng = np.random.default_rng(2)
    ref = [np.array(v) for v in rng.normal(10.0, 1.0, 40)]
    far = [np.array(v) for v in rng.normal(60.0, 1.0, 40)]
    out = S.compare_sets({"pitch_range": far}, {"pitch_range": ref})["pitch_range"]
    assert out["overlap"] < 0.05
    assert out["inter_mean"] == pytest.approx(50.0, abs=1.0)
    assert out["kl_divergence"] > 1.0


def test_a_feature_missing_from_one_set():
    out = S.compare_sets({"pitch_range": [np.array(1.0), np.array(2.0)], "mean_ioi": []},
                         {"pitch_range": []})
    assert out["pitch_range"]["overlap"] is None and "missing" in out["pitch_range"]["reason"]
    assert out["mean_ioi"]["overlap"] is None
