"""Set operations on sorted integer and float arrays that numpy's `unique` family would do, without it:
`np.unique` and `np.union1d` import `numpy.ma` on first use (35 ms of a cold start, issue 19) to ask
whether the array is masked. These give the same values, in the same dtype and order.
"""
from __future__ import annotations

import numpy as np


def distinct_sorted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values of a sorted array, the index of each one's first occurrence):
    `np.unique(values, return_index=True)` for an array already sorted."""
    values = np.asarray(values)
    if not len(values):
        return values, np.zeros(0, dtype=np.intp)
    first = np.empty(len(values), dtype=bool)
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    index = np.flatnonzero(first)
    return values[index], index


def union_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sorted distinct values found in either array: `np.union1d(a, b)`."""
    both = np.concatenate((np.ravel(a), np.ravel(b)))
    both.sort()
    return distinct_sorted(both)[0]
