"""The package's shape, read from its source with `ast` (docs/architecture.md): every import, those
inside functions included, points down the layer order; no import cycle; a function-level import
only defers a heavy dependency and says so; small modules; a small top level.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPOSER = ROOT / "composer"

# composer's subpackages and top-level modules, lowest first: each may import only itself and those before it.
LAYERS = ("version", "score", "grammar", "models", "text", "spec", "prompt", "plan", "fill", "arrange", "formats", "analysis",
          "edit", "piece", "compose", "evaluate", "exercises", "lessons", "batch", "cli", "__main__", "")
HEAVY = ("music21", "verovio", "torch", "networkx", "ray")   # networkx: 0.13 s (a scale's movement graph, a chord graph)
HEAVY += ("concurrent",)     # concurrent.futures' process pool: multiprocessing, 10 ms that only a batch needs
HEAVY += ("mido",)           # 25 ms (importlib.metadata, packaging, socket): only reading a MIDI file needs it
# composer modules that import a heavy dependency at their top: importing them is deferred like the dependency.
HEAVY_MODULES = ("composer.formats.musicxml", "composer.models.net", "composer.models.train")
HEAVY_MODULES += ("composer.prompt",)   # words -> spec: its vocabulary and grammar, 9 ms that only --prompt needs
MAX_TOP_MODULES = 12
MAX_LINES = 600


def modules(package: str) -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        out[name[: -len(".__init__")] if name.endswith(".__init__") else name] = path
    return out


MODULES = {**modules("composer"), **modules("theory"), **modules("corpora")}


class Import:
    def __init__(self, source: str, target: str, node: ast.stmt, deferred: bool, line: str, above: str):
        self.source, self.target, self.node, self.deferred = source, target, node, deferred
        self.line, self.above = line, above

    def __repr__(self) -> str:
        where = f"{MODULES[self.source].relative_to(ROOT)}:{self.node.lineno}"
        return f"{where} {'(in a function) ' if self.deferred else ''}imports {self.target}"


def _resolve(name: str) -> str:
    """The module (or package) of ours that `name` names, else `name` itself."""
    probe = name
    while probe and probe not in MODULES:
        probe = probe.rpartition(".")[0]
    return probe or name


def imports_of(module: str) -> list[Import]:
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    type_checking = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                     and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    top = {id(n) for n in tree.body}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if id(node) in type_checking:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in dict.fromkeys(_resolve(t) for t in targets):
            out.append(Import(module, target, node, id(node) not in top, lines[node.lineno - 1],
                              lines[node.lineno - 2] if node.lineno > 1 else ""))
    return out


IMPORTS = [imp for module in MODULES for imp in imports_of(module)]


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1] if len(parts) > 1 else "")


def edges() -> dict[str, set[str]]:
    """Every import as an edge, and the package `__init__` that Python runs first when a module imports a
    module of another package."""
    graph = {m: set() for m in MODULES}
    for imp in IMPORTS:
        if imp.target in MODULES and imp.target != imp.source:
            graph[imp.source].add(imp.target)
            parent = imp.target.rpartition(".")[0]
            if parent in MODULES and not imp.source.startswith(parent + ".") and parent != imp.source:
                graph[imp.source].add(parent)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    sys.setrecursionlimit(10_000)
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_every_module_of_composer_sits_in_a_layer():
    strays = [m for m in MODULES if m.startswith("composer.") and m.split(".")[1] not in LAYERS]
    assert not strays, f"modules in no layer (add the package to LAYERS and docs/architecture.md): {strays}"


def test_no_import_cycle_counting_imports_inside_functions():
    assert cycles(edges()) == []


def test_no_import_points_up_the_layers():
    upward = [imp for imp in IMPORTS if imp.source.startswith("composer") and imp.target.startswith("composer.")
              and layer(imp.target) > layer(imp.source)]
    assert not upward, "\n".join(map(repr, upward))


def test_theory_and_corpora_never_import_composer():
    assert not [imp for imp in IMPORTS if not imp.source.startswith("composer") and imp.target.startswith("composer")]


def test_a_function_level_import_only_defers_a_heavy_dependency_and_says_so():
    wrong, silent = [], []
    for imp in IMPORTS:
        if not imp.deferred or not imp.source.startswith("composer"):
            continue
        if imp.target.split(".")[0] not in HEAVY and imp.target not in HEAVY_MODULES:
            wrong.append(imp)
        elif "deferred" not in imp.line and "deferred" not in imp.above:
            silent.append(imp)
    assert not wrong, "imports inside functions that defer nothing heavy:\n" + "\n".join(map(repr, wrong))
    assert not silent, "deferred imports without a '# deferred: why' comment:\n" + "\n".join(map(repr, silent))


def test_torch_is_imported_only_in_composer_models():
    stray = [imp for imp in IMPORTS if imp.target.split(".")[0] == "torch" and not imp.source.startswith("composer.models")]
    assert not stray, stray


def test_the_top_level_is_small_and_every_module_is_short():
    top = sorted(p.name for p in COMPOSER.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top
    long = {str(p.relative_to(ROOT)): n for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


@pytest.mark.parametrize("package", sorted({m.split(".")[1] for m in MODULES
                                             if m.startswith("composer.") and (COMPOSER / m.split(".")[1]).is_dir()}))
def test_every_subpackage_names_its_public_api(package):
    init = COMPOSER / package / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"composer/{package}/__init__.py says nothing of what the package owns"
    names = next((n.value for n in tree.body if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)), None)
    assert isinstance(names, ast.List) and names.elts, f"composer/{package} has no __all__"
    module = __import__(f"composer.{package}", fromlist=["__all__"])
    assert all(hasattr(module, name) for name in module.__all__)


def test_importing_composer_loads_no_heavy_dependency():
    """Composing needs neither music21 (only MusicXML does) nor torch (only training) nor verovio (only SVG)."""
    probe = "import sys, composer, composer.cli; print(sorted(m for m in %r if m in sys.modules))" % (HEAVY,)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
