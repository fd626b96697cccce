"""The import rules of docs/architecture.md hold: no import cycle, and each layer imports only the layers it may.

Every module's imports are read with ``ast`` (nothing is imported): at the top of the file or
inside a function, relative or absolute, and imports by name (``importlib.import_module`` or
``__import__`` given a string, and any string that is a submodule's dotted name). Imports under ``if TYPE_CHECKING:`` never
run and are left out. ``from pkg import name`` depends on ``pkg.name`` when that is a module,
else on ``pkg`` itself (its ``__init__``).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "cpanalysis"

LOADING = "contract and loading"
MEASURES, RANKINGS, DOMINANCE, PLOTS = "measures", "rankings", "dominance", "plots"
PLANNING, STORY = "action planning", "story"
TOP, IMPORTERS, DASHBOARD, REPORTS, CLI = "package", "importers", "dashboard", "reports", "command line"
LIBRARY = {LOADING, MEASURES, RANKINGS, DOMINANCE, PLANNING, PLOTS}

#: Layer -> the other layers its modules may import (as in the table of docs/architecture.md).
ALLOWED = {
    LOADING: set(),
    MEASURES: {LOADING},
    RANKINGS: {LOADING},
    DOMINANCE: {LOADING, MEASURES, RANKINGS},
    PLANNING: {LOADING, MEASURES, RANKINGS},
    PLOTS: {LOADING, MEASURES, RANKINGS, DOMINANCE},
    TOP: set(LIBRARY),
    IMPORTERS: {LOADING},
    STORY: LIBRARY | {TOP},
    DASHBOARD: LIBRARY | {TOP, IMPORTERS, STORY},
    REPORTS: LIBRARY | {TOP, IMPORTERS, STORY},
    CLI: LIBRARY | {TOP, IMPORTERS, STORY, DASHBOARD, REPORTS},
}

#: Modules directly under cpanalysis/ that make up the bottom layer (with the names the one settings
#: object and the version may take, so that every layer can read them).
LOADING_MODULES = {"contract", "problems", "subgroups", "io", "validation", "action_checks", "dataset",
                   "simulation", "forms", "settings", "defaults", "config", "version"}
#: A module directly under cpanalysis/ whose name has one of these is a shared drawing helper (plots layer).
PLOT_WORDS = ("plot", "drawing", "figure", "chart")
#: Modules directly under cpanalysis/ that belong to a layer above loading: privacy scans outputs
#: for counts of people, so it reads the measures' list of count columns.
MODULE_LAYERS = {"privacy": MEASURES}
SUBPACKAGE_LAYERS = {"inclusion": MEASURES, "rankings": RANKINGS, "dominance": DOMINANCE,
                     "planning": PLANNING, "story": STORY, "importers": IMPORTERS, "dashboard": DASHBOARD,
                     "reports": REPORTS}

#: Known import cycles, to be removed from this list by the change that breaks them (the test then
#: says so). None today: dominance/ flows one way (signals and permutation -> core -> levels ->
#: wording).
KNOWN_CYCLES: list[set[str]] = []

#: Known imports against the layer table, (importer, imported), each with the issue that removes it.
KNOWN_LAYER_VIOLATIONS: set[tuple[str, str]] = set()


# --- reading the imports ---------------------------------------------------------------------------

def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package (``__init__`` names the package)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _nodes(tree: ast.AST):
    """Every node, except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def imports(package: Path) -> dict[str, dict[str, int]]:
    """Module -> {module it imports: first line}, within the package."""
    files = module_files(package)
    known = set(files)

    def owner(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    graph: dict[str, dict[str, int]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        edges: dict[str, int] = {}

        def add(target, line):
            if target and target != name:
                edges.setdefault(target, line)

        for node in _nodes(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(owner(alias.name), node.lineno)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else owner(source),
                        node.lineno)
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in (
                    "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
                add(owner(str(node.args[0].value)), node.lineno)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                    and node.value in known:
                add(node.value, node.lineno)   # a submodule's name, to be imported by name
        graph[name] = edges
    return graph


# --- cycles --------------------------------------------------------------------------------------------

def strongly_connected(graph: dict[str, dict[str, int]]) -> list[set[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's algorithm)."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def cycle_path(graph: dict[str, dict[str, int]], group: set[str]) -> str:
    """One cycle through the group, with the line of each import: ``a (line 3) -> b (line 9) -> a``."""
    start = min(group)
    previous = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node]):
            if target == start:
                path = [node]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                path = path[::-1] + [start]
                return " -> ".join(f"{a} (line {graph[a][b]})" for a, b in zip(path, path[1:])) + f" -> {start}"
            if target in group and target not in previous:
                previous[target] = node
                queue.append(target)
    raise AssertionError(f"no cycle through {group}")


# --- layers ----------------------------------------------------------------------------------------------

def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) == 1:
        return TOP
    if parts[1] in SUBPACKAGE_LAYERS:
        layer = SUBPACKAGE_LAYERS[parts[1]]
        if layer in (MEASURES, RANKINGS, DOMINANCE, PLANNING) and any("plot" in part for part in parts[2:]):
            return PLOTS
        return layer
    if len(parts) == 2:
        if parts[1] == "cli":
            return CLI
        if parts[1] in MODULE_LAYERS:
            return MODULE_LAYERS[parts[1]]
        if parts[1].lstrip("_") in LOADING_MODULES:
            return LOADING
        if any(word in parts[1] for word in PLOT_WORDS):
            return PLOTS
    return None


def allowed(importer: str, imported: str) -> bool:
    source, target = layer_of(importer), layer_of(imported)
    if source == target or target in ALLOWED[source]:
        return True
    # A package's __init__ imports its own plots, so that `cpanalysis.rankings.plots` is an attribute.
    return target == PLOTS and imported.startswith(importer + ".") and importer.count(".") == 1


def violations(graph: dict[str, dict[str, int]]) -> list[tuple[str, str, str]]:
    return [(a, b, f"{a} ({layer_of(a)}) imports {b} ({layer_of(b)}) at line {line}")
            for a, edges in sorted(graph.items()) for b, line in sorted(edges.items()) if not allowed(a, b)]


# --- the tests ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graph():
    return imports(PACKAGE)


def test_every_module_is_in_a_layer(graph):
    unplaced = [name for name in graph if layer_of(name) is None]
    assert unplaced == [], ("put these modules in a layer: the table of docs/architecture.md and layer_of() "
                            f"in tests/test_import_layers.py: {unplaced}")


def test_no_import_cycle(graph):
    cycles = strongly_connected(graph)
    new = [cycle_path(graph, group) for group in cycles if group not in KNOWN_CYCLES]
    assert new == [], "import cycles:\n" + "\n".join(new)
    fixed = [sorted(group) for group in KNOWN_CYCLES if group not in cycles]
    assert fixed == [], f"no longer a cycle: remove from KNOWN_CYCLES in tests/test_import_layers.py: {fixed}"


def test_each_layer_imports_only_the_layers_below_it(graph):
    found = violations(graph)
    new = [message for a, b, message in found if (a, b) not in KNOWN_LAYER_VIOLATIONS]
    assert new == [], "imports against docs/architecture.md:\n" + "\n".join(new)
    fixed = KNOWN_LAYER_VIOLATIONS - {(a, b) for a, b, _ in found}
    assert fixed == set(), f"no longer imported: remove from KNOWN_LAYER_VIOLATIONS: {sorted(fixed)}"


def test_the_architecture_page_lists_the_same_layers():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| \*\*(.+?)\*\* \|", text, re.M))
    assert documented == set(ALLOWED)


# --- the checker finds what it is meant to find --------------------------------------------------------------

def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "cpanalysis"


def test_the_checker_finds_a_cycle_through_a_function_level_import(tmp_path):
    package = _write(tmp_path, {
        "cpanalysis/__init__.py": "",
        "cpanalysis/dataset.py": "from .io import read\n",
        "cpanalysis/io.py": "def read():\n    from . import validation\n",
        "cpanalysis/validation.py": "import cpanalysis.dataset as d\n",
        "cpanalysis/contract.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .dataset import x\n",
    })
    graph = imports(package)
    groups = strongly_connected(graph)
    assert groups == [{"cpanalysis.dataset", "cpanalysis.io", "cpanalysis.validation"}]
    assert cycle_path(graph, groups[0]) == ("cpanalysis.dataset (line 1) -> cpanalysis.io (line 2) -> "
                                            "cpanalysis.validation (line 1) -> cpanalysis.dataset")
    assert graph["cpanalysis.contract"] == {}   # a TYPE_CHECKING import never runs


def test_the_checker_finds_loading_importing_a_measure_and_a_measure_importing_the_dashboard(tmp_path):
    package = _write(tmp_path, {
        "cpanalysis/__init__.py": "from .inclusion import gini\nfrom .inclusion import plots\n",
        "cpanalysis/dataset.py": "def f():\n    from .inclusion.measures import share\n",
        "cpanalysis/inclusion/__init__.py": "from . import plots\nfrom .measures import share\n",
        "cpanalysis/inclusion/measures.py": "import importlib\nM = importlib.import_module('cpanalysis.dashboard')\n",
        "cpanalysis/inclusion/plots.py": "from .measures import share\n",
        "cpanalysis/dashboard/__init__.py": "import cpanalysis\nfrom ..inclusion import plots\n",
    })
    found = {(a, b) for a, b, _ in violations(imports(package))}
    assert found == {("cpanalysis.dataset", "cpanalysis.inclusion.measures"),
                     ("cpanalysis.inclusion.measures", "cpanalysis.dashboard")}
