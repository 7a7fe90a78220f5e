"""Scales whose ascending and descending movement may differ, held as a graph.

A `Scale` lists every pitch class it may use (`degree_cents`, cents above the
tonic, rising) and two forms, `ascending` and `descending`, as indices into that
list. The movement graph has an edge i -> j labelled "up" between neighbours of
the ascending form and "down" between neighbours of the descending form (plus
any extra edges, such as zig-zag turns). A melodic step is legal when it follows
an edge of its direction; a leap is legal when both notes belong to the form of
its direction. Western scales have one form both ways; melodic minor does not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .errors import ParseError
from .tuning import Tuning

if TYPE_CHECKING:
    import networkx as nx

UP, DOWN = "up", "down"


@dataclass(frozen=True)
class Scale:
    name: str
    degree_cents: tuple[float, ...]
    ascending: tuple[int, ...]
    descending: tuple[int, ...]
    degree_names: tuple[str, ...] = ()
    period_cents: float = 1200.0
    extra_edges: tuple[tuple[int, int, str], ...] = field(default=())

    def __post_init__(self) -> None:
        n = len(self.degree_cents)
        if n == 0:
            raise ParseError(f"scale {self.name!r} has no degrees")
        if any(b <= a for a, b in zip(self.degree_cents, self.degree_cents[1:])):
            raise ParseError(f"scale {self.name!r}: degree cents must rise, received {list(self.degree_cents)}")
        for form_name, form in (("ascending", self.ascending), ("descending", self.descending)):
            if not form or any(not 0 <= i < n for i in form):
                raise ParseError(f"scale {self.name!r}: {form_name} form indexes outside 0..{n - 1}: {list(form)}")
        if self.degree_names and len(self.degree_names) != n:
            raise ParseError(f"scale {self.name!r}: {len(self.degree_names)} names for {n} degrees")

    @classmethod
    def from_cents(cls, name: str, ascending_cents, descending_cents=None, names=(), period_cents=1200.0) -> "Scale":
        """Build from the cents of the ascending (and optionally descending) form."""
        desc = list(descending_cents) if descending_cents is not None else list(ascending_cents)
        union = sorted(set(float(c) for c in ascending_cents) | set(float(c) for c in desc))
        index = {c: i for i, c in enumerate(union)}
        return cls(
            name=name,
            degree_cents=tuple(union),
            ascending=tuple(sorted(index[float(c)] for c in ascending_cents)),
            descending=tuple(sorted(index[float(c)] for c in desc)),
            degree_names=tuple(names),
            period_cents=period_cents,
        )

    @property
    def size(self) -> int:
        return len(self.degree_cents)

    @property
    def is_symmetric(self) -> bool:
        return self.ascending == self.descending and not self.extra_edges

    @cached_property
    def moves(self) -> dict[tuple[int, int], str]:
        """The movement graph as (degree, degree) -> direction: the steps of the ascending form upward,
        of the descending form downward, and the mode's turns."""
        edges: dict[tuple[int, int], str] = {}
        for form, direction in ((self.ascending, UP), (self.descending, DOWN)):
            ring = list(form)
            for a, b in zip(ring, ring[1:] + ring[:1]):
                edges[(a, b) if direction == UP else (b, a)] = direction
        for a, b, direction in self.extra_edges:
            edges[(a, b)] = direction
        return edges

    @cached_property
    def movement(self) -> nx.DiGraph:
        """The movement graph over degree indices (`moves`) as a networkx graph; edges carry `direction`."""
        import networkx as nx  # deferred: networkx takes 0.13 s to import; composing reads `moves`

        graph = nx.DiGraph()
        graph.add_nodes_from(range(self.size))
        for (a, b), direction in self.moves.items():
            graph.add_edge(a, b, direction=direction)
        return graph

    def form(self, direction: str) -> tuple[int, ...]:
        return self.ascending if direction == UP else self.descending

    def pitch_classes(self) -> tuple[float, ...]:
        return self.degree_cents

    def degree_of(self, cents_above_tonic: float, tolerance: float = 0.5) -> int | None:
        """The degree index of a pitch class (cents above the tonic), or None if not in the scale."""
        pc = cents_above_tonic % self.period_cents
        for i, c in enumerate(self.degree_cents):
            if abs(pc - c) <= tolerance or abs(pc - c - self.period_cents) <= tolerance:
                return i
        return None

    def as_tuning(self) -> Tuning:
        return Tuning(self.name, self.degree_cents, self.period_cents)

    def movement_matrix(self, degrees: np.ndarray, heights: np.ndarray) -> np.ndarray:
        """allowed[p, q]: may a melody move from candidate p to candidate q?

        `degrees` gives each candidate's degree index and `heights` its absolute
        cents. Repeats are always allowed; a rise needs both notes in the
        ascending form, a fall both in the descending form; a step between
        neighbouring degrees must also be an edge of the movement graph.
        """
        degrees = np.asarray(degrees)
        heights = np.asarray(heights, dtype=float)
        up_set = np.isin(degrees, self.ascending)
        down_set = np.isin(degrees, self.descending)
        rise = heights[None, :] > heights[:, None] + 1e-6
        fall = heights[None, :] < heights[:, None] - 1e-6
        allowed = ~(rise | fall)
        allowed |= rise & up_set[:, None] & up_set[None, :]
        allowed |= fall & down_set[:, None] & down_set[None, :]
        if not self.is_symmetric:
            moves = self.moves
            for direction, mask, form in ((UP, rise, self.ascending), (DOWN, fall, self.descending)):
                # A move to the neighbouring note of the form must be a graph edge of that direction.
                pos = {d: i for i, d in enumerate(form)}
                for p in range(len(degrees)):
                    for q in np.nonzero(mask[p] & allowed[p])[0]:
                        a, b = int(degrees[p]), int(degrees[q])
                        if a in pos and b in pos and abs(heights[q] - heights[p]) < self.period_cents:
                            # The next note of the form in the direction of motion (wrapping at the octave).
                            step = 1 if direction == UP else -1
                            neighbour = pos[b] == (pos[a] + step) % len(form)
                            if neighbour and moves.get((a, b)) != direction:
                                allowed[p, q] = False
        for a, b, direction in self.extra_edges:
            # A turn (vakra) the mode names: allowed within the octave, even onto a note outside the form.
            mask = rise if direction == UP else fall
            near = np.abs(heights[None, :] - heights[:, None]) < self.period_cents
            allowed |= mask & near & (degrees[:, None] == a) & (degrees[None, :] == b)
        return allowed
