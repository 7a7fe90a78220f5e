"""The backward feasibility pass and forward sampling over a chain of choices.

A chain has T positions and N candidates per position. `allowed[t, n]` holds the
unary constraints of position t; `edges[m, n]` the binary constraint between a
choice m at t and a choice n at t+1 (or `edges[t, m, n]`, one matrix per step, where
the constraint between neighbours depends on where they stand). `backward_feasible` keeps exactly the
choices from which the rest of the chain can still be completed, so a forward
sampler that only picks feasible choices never dead-ends, and every hard
constraint holds by construction. The same machinery walks chord graphs
(candidates = chords) and fills melodies (candidates = pitches).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def edge_at(edges: np.ndarray, t: int) -> np.ndarray:
    """The edges of the step from position t to t+1: the one matrix, or the step's own."""
    return edges if edges.ndim == 2 else edges[min(t, edges.shape[0] - 1)]


@dataclass(frozen=True)
class Infeasible:
    """Where a chain first becomes impossible: the position, and the constraint that emptied it."""

    position: int
    reason: str


def backward_feasible(allowed: np.ndarray, edges: np.ndarray, start: np.ndarray | None = None,
                      end: np.ndarray | None = None) -> np.ndarray:
    """feasible[t, n]: n at t satisfies its unary constraints and can reach a complete chain.

    `start` (N,) restricts position 0 further (e.g. the edge from a fixed previous
    note); `end` (N,) is the set of choices the last position must connect to
    (e.g. a locked note after the chain), applied through `edges`.
    """
    allowed = np.asarray(allowed, dtype=bool)
    T = allowed.shape[0]
    feasible = np.zeros_like(allowed)
    if T == 0:
        return feasible
    reach = allowed[T - 1].copy()
    edges_u8 = edges.astype(np.uint8)
    if end is not None:
        reach &= (edge_at(edges_u8, T - 1) @ np.asarray(end, dtype=np.uint8)) > 0
    feasible[T - 1] = reach
    for t in range(T - 2, -1, -1):
        feasible[t] = allowed[t] & ((edge_at(edges_u8, t) @ feasible[t + 1].astype(np.uint8)) > 0)
    if start is not None:
        feasible[0] &= np.asarray(start, dtype=bool)
    return feasible


def first_infeasible(allowed: np.ndarray, edges: np.ndarray, start: np.ndarray | None = None,
                     end: np.ndarray | None = None) -> Infeasible | None:
    """Explain an impossible chain: the first position where no choice is left, and why."""
    allowed = np.asarray(allowed, dtype=bool)
    for t in range(allowed.shape[0]):
        if not allowed[t].any():
            return Infeasible(t, "no candidate satisfies this position's own constraints")
    if start is not None and not (allowed[0] & start).any():
        return Infeasible(0, "no candidate can follow the note before the slot")
    # Forward reachability: where does the chain stop being reachable from the start?
    reach = allowed[0] & (start if start is not None else True)
    edges_u8 = edges.astype(np.uint8)
    for t in range(1, allowed.shape[0]):
        reach = allowed[t] & ((reach.astype(np.uint8) @ edge_at(edges_u8, t - 1)) > 0)
        if not reach.any():
            return Infeasible(t, "no candidate is reachable from the previous position within the step limits")
    last = edge_at(edges_u8, allowed.shape[0] - 1)
    if end is not None and not (reach & ((last @ np.asarray(end, dtype=np.uint8)) > 0)).any():
        return Infeasible(allowed.shape[0] - 1, "the last position cannot connect to the note after the slot")
    return None


def sample_chain(feasible: np.ndarray, edges: np.ndarray, rng: np.random.Generator,
                 unary_weights: np.ndarray | None = None, edge_weights: np.ndarray | None = None,
                 previous: int | None = None, fixed: dict[int, int] | None = None, guide=None) -> list[int]:
    """Sample one complete chain, left to right, among feasible choices only.

    Weights are soft preferences (positive); hard constraints come from `feasible`
    and `edges`. `previous` is the choice just before position 0, if any. `guide`, when
    given, may pick a position's choice among the allowed ones: `guide.choose(t, chain, mask)`
    returns an index or None (then the weights draw), and `guide.weights(t, chain)` factors
    the weights (or None).
    """
    T, N = feasible.shape
    out: list[int] = []
    prev = previous
    for t in range(T):
        if fixed and t in fixed:
            choice = fixed[t]
        else:
            mask = feasible[t].copy()
            if prev is not None:
                mask &= edge_at(edges, t - 1)[prev] if t > 0 else edge_at(edges, 0)[prev]
            if not mask.any():  # cannot happen after backward_feasible; guard against misuse
                raise RuntimeError(f"sample_chain dead-ended at position {t}: feasibility pass not applied")
            guided = guide.choose(t, out, mask) if guide is not None else None
            if guided is not None:
                out.append(guided)
                prev = guided
                continue
            if guide is not None:
                mask = guide.lead(t, out, mask, feasible, edges)
            w = np.where(mask, 1.0, 0.0)
            if unary_weights is not None:
                w = w * unary_weights[t]
            shaped = guide.weights(t, out) if guide is not None else None
            if shaped is not None:
                w = w * shaped
            if edge_weights is not None and prev is not None:
                w = w * edge_weights[prev]
            total = w.sum()
            if total <= 0:
                w = mask.astype(float)
                total = w.sum()
            choice = int(rng.choice(N, p=w / total))
        out.append(choice)
        prev = choice
    return out
