"""The key graph and modulation planning with pivot chords.

Nodes are the 24 major and minor keys; edges join keys a fifth apart, relative
keys and parallel keys, with distances from `grammars/keys.yaml`. A modulation
is the shortest path between two keys, and its pivot chord a triad diatonic to
both (preferring one that is a predominant in the new key).

The graph is 24 nodes and 60 edges: its shortest path is a few lines of Dijkstra here, the
algorithm networkx's `shortest_path` runs, with the same order of neighbours and the same
tie-breaking (the first path found to a key is kept against another of equal length), so
that the keys a piece passes through are those networkx chose; networkx costs 0.14 s to import,
a third of a cold compose.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from heapq import heappop, heappush
from itertools import count

from theory import Chord, Key, load_pack
from theory.datafile import package_folder, read_yaml_file

from ..spec.keys import RELATION_NAMES

KeyNode = tuple[int, str]

_TRIADS = {"major": ("I", "ii", "iii", "IV", "V", "vi", "vii°"), "minor": ("i", "ii°", "III", "iv", "V", "VI", "VII")}
_PIVOT_PREFERENCE = {"ii": 0, "IV": 0, "iv": 0, "ii°": 0, "vi": 1, "VI": 1, "I": 2, "i": 2, "iii": 3, "III": 3}


@lru_cache(maxsize=1)
def key_data() -> dict:
    return read_yaml_file(package_folder("grammars") / "keys.yaml", shipped=True).data


def node_of(key: Key) -> tuple[int, str]:
    family = key.family
    if family not in ("major", "minor"):
        third = key.scale.degree_of(300.0) is not None and key.scale.degree_of(400.0) is None
        family = "minor" if third else "major"
    return (key.tonic_pc, family)


def key_of_node(node: tuple[int, str], like: Key) -> Key:
    pc, family = node
    mode = "major" if family == "major" else "natural_minor"
    return like.transposed((pc - like.tonic_pc) % 12, mode)


@lru_cache(maxsize=1)
def key_graph() -> dict[KeyNode, dict[KeyNode, dict]]:
    """The key graph as adjacency: node -> {neighbour: {distance, relation}}, in the order the edges were
    added (as networkx's Graph keeps it; an edge added again keeps its place and takes the new data)."""
    data = key_data()["edges"]
    graph: dict[KeyNode, dict[KeyNode, dict]] = {(pc, family): {} for pc in range(12) for family in ("major", "minor")}

    def add_edge(u: KeyNode, v: KeyNode, **attr) -> None:
        edge = graph[u].get(v, {})
        edge.update(attr)
        graph[u][v] = graph[v][u] = edge

    for pc in range(12):
        for family in ("major", "minor"):
            for name in ("dominant", "subdominant"):
                e = data[name]
                add_edge((pc, family), ((pc + e["semitones"]) % 12, family), distance=e["distance"], relation=name)
        add_edge((pc, "major"), ((pc + 9) % 12, "minor"), distance=data["relative"]["distance"], relation="relative")
        add_edge((pc, "major"), (pc, "minor"), distance=data["parallel"]["distance"], relation="parallel")
    return graph


def shortest_path(graph: dict[KeyNode, dict[KeyNode, dict]], source: KeyNode, target: KeyNode) -> list[KeyNode]:
    """The shortest path by `distance`: bidirectional Dijkstra, as networkx.shortest_path runs it (both
    searches in turn from a shared counter, a path kept against another of equal length, the two halves
    joined at the best meeting node found while relaxing)."""
    if source == target:
        return [source]
    done: list[dict[KeyNode, float]] = [{}, {}]
    before: list[dict[KeyNode, KeyNode | None]] = [{source: None}, {target: None}]
    seen: list[dict[KeyNode, float]] = [{source: 0}, {target: 0}]
    order = count()
    fringe: list[list] = [[(0, next(order), source)], [(0, next(order), target)]]
    best, meet, direction = None, None, 1

    def walk(node, side: int) -> list[KeyNode]:
        out = []
        while node is not None:
            out.append(node)
            node = before[side][node]
        return out[::-1] if side == 0 else out

    while fringe[0] and fringe[1]:
        direction = 1 - direction
        d, _, v = heappop(fringe[direction])
        if v in done[direction]:
            continue
        done[direction][v] = d
        if v in done[1 - direction]:
            return walk(meet, 0) + walk(before[1][meet], 1)
        for u, edge in graph[v].items():
            reach = d + edge["distance"]
            if u not in done[direction] and (u not in seen[direction] or reach < seen[direction][u]):
                seen[direction][u] = reach
                heappush(fringe[direction], (reach, next(order), u))
                before[direction][u] = v
                if u in seen[1 - direction] and (best is None or best > reach + seen[1 - direction][u]):
                    best, meet = reach + seen[1 - direction][u], u
    raise ValueError(f"no path from {source} to {target} in the key graph")


def resolve_key(home: Key, text: str | None, previous: Key | None = None, rng=None) -> Key:
    """A section's key: None/'tonic' -> home; a relation name; or an explicit key name.

    In a non-Western pack: another mode of the pack (reached by the modulation graph when an edge
    leads there, else on the same tonic), or 'modulate' for a step along the graph."""
    if text is None or text == "tonic":
        return home
    if home.pack != "western":
        return _resolve_mode(home, text, previous or home, rng)
    if text in RELATION_NAMES:
        family = "minor" if node_of(home)[1] == "minor" else "major"
        rel = key_data()["relations"][family][text]
        mode = home.mode
        if rel["family"] != family:
            mode = "natural_minor" if rel["family"] == "minor" else "major"
        elif home.family not in ("major", "minor"):
            mode = home.mode  # a modal home keeps its mode on transposition
        return home.transposed(rel["semitones"], mode)
    return Key.parse(text)


@dataclass(frozen=True)
class Pivot:
    chord: Chord
    roman_from: str
    roman_to: str


@dataclass(frozen=True)
class Modulation:
    from_key: Key
    to_key: Key
    path: tuple[str, ...]
    relations: tuple[str, ...]
    distance: float
    pivot: Pivot | None

    @property
    def reason(self) -> str:
        if self.from_key.pack != "western" or self.to_key.pack != "western":
            return f"along the {self.from_key.pack} modulation graph: {'; '.join(self.relations)}"
        route = " -> ".join(self.path)
        via = ", ".join(self.relations) or "same key"
        text = f"key-graph distance {self.distance:g} ({via}; path {route})"
        if self.pivot:
            text += (f"; pivot chord {self.pivot.chord.symbol} = {self.pivot.roman_from} in {self.from_key}"
                     f" = {self.pivot.roman_to} in {self.to_key}")
        else:
            text += "; no common triad: direct modulation through the new dominant"
        return text


def diatonic_triads(key: Key) -> list[tuple[str, Chord]]:
    family = "minor" if node_of(key)[1] == "minor" and key.family != "modal" else "major"
    if key.family == "modal":
        # Modal keys: triads built on the mode's own degrees.
        out = []
        scale = key.harmonic_mode.scale.degree_cents
        for d in range(7):
            third = (scale[(d + 2) % 7] - scale[d]) % 1200
            fifth = (scale[(d + 4) % 7] - scale[d]) % 1200
            numeral = ("I", "II", "III", "IV", "V", "VI", "VII")[d]
            if third == 300:
                numeral = numeral.lower() + ("°" if fifth == 600 else "")
            out.append((numeral, key.chord(numeral)))
        return out
    return [(r, key.chord(r)) for r in _TRIADS[family]]


def find_pivot(a: Key, b: Key) -> Pivot | None:
    best = None
    b_triads = {frozenset(round(c / 100) % 12 for c in ch.pitch_classes_cents): (r, ch) for r, ch in diatonic_triads(b)}
    for roman_a, chord in diatonic_triads(a):
        pcs = frozenset(round(c / 100) % 12 for c in chord.pitch_classes_cents)
        if pcs in b_triads and "°" not in roman_a:
            roman_b, chord_b = b_triads[pcs]
            rank = _PIVOT_PREFERENCE.get(roman_b, 5)
            if best is None or rank < best[0]:
                best = (rank, Pivot(chord_b, roman_a, roman_b))
    return best[1] if best else None


def _relation(u: tuple[int, str], v: tuple[int, str]) -> str:
    """The name of the step from key node u to key node v."""
    if u[1] == v[1]:
        return {7: "dominant", 5: "subdominant"}.get((v[0] - u[0]) % 12, "fifth")
    if u[0] == v[0]:
        return "parallel"
    return "relative"


def _mode_edges(pack_name: str):
    return load_pack(pack_name).modulations


def _shifted(key: Key, mode: str, shift_cents: float | None) -> Key:
    """`mode` with its tonic on the note `shift_cents` above `key`'s tonic."""
    if not shift_cents:
        return Key(key.tonic, mode, key.pack, key.tuning, key.tonic_offset_cents)
    total = key.tonic_cents + shift_cents
    semis = int(round(total / 100.0))
    moved = key.transposed_spelling(semis - key.tonic_pc)
    return Key(moved, mode, key.pack, key.tuning, round(total - semis * 100.0, 6))


def _resolve_mode(home: Key, text: str, previous: Key, rng) -> Key:
    pack = load_pack(home.pack)
    if text in RELATION_NAMES:
        if home.harmony != "functional":
            return home  # a modal tradition stays on its tonic where a form asks for a related key
        family = "minor" if node_of(home)[1] == "minor" else "major"
        rel = key_data()["relations"][family][text]
        moved = home.transposed_spelling(rel["semitones"])
        return Key(moved, home.mode, home.pack, home.tuning, home.tonic_offset_cents)
    edges = [e for e in _mode_edges(home.pack) if e.from_mode == previous.mode]
    if text == "modulate":
        if not edges:
            return previous
        weights = [e.weight or 1.0 for e in edges]
        index = int(rng.choice(len(edges), p=[w / sum(weights) for w in weights])) if rng is not None else 0
        return _shifted(previous, edges[index].to_mode, edges[index].shift_cents)
    target = pack.mode(text).name
    for e in edges:
        if e.to_mode == target:
            return _shifted(previous, target, e.shift_cents)
    return Key(home.tonic, target, home.pack, home.tuning, home.tonic_offset_cents)


def plan_modulation(a: Key, b: Key) -> Modulation:
    if a.pack != "western" or b.pack != "western":
        return _mode_modulation(a, b)
    graph = key_graph()
    nodes = shortest_path(graph, node_of(a), node_of(b))
    relations = tuple(_relation(u, v) for u, v in zip(nodes, nodes[1:]))
    distance = sum(graph[u][v]["distance"] for u, v in zip(nodes, nodes[1:]))
    path = tuple(str(key_of_node(n, a)) for n in nodes)
    path = (str(a),) + path[1:-1] + (str(b),) if len(path) > 1 else (str(a),)
    return Modulation(a, b, path, relations, float(distance), find_pivot(a, b))


def _mode_modulation(a: Key, b: Key) -> Modulation:
    """A modulation between two modes of a pack: along a modulation-graph edge when there is one."""
    edge = next((e for e in _mode_edges(a.pack) if e.from_mode == a.mode and e.to_mode == b.mode), None)
    if edge is not None:
        via = f"via {edge.via}" if edge.via else "by the pack's modulation graph"
        where = f" on the note {edge.shift_cents:g} cents above {a.tonic.name}" if edge.shift_cents else ""
        return Modulation(a, b, (str(a), str(b)), (f"{via}{where}",), 1.0, None)
    return Modulation(a, b, (str(a), str(b)), ("direct change of mode (no edge in the modulation graph)",), 2.0, None)
