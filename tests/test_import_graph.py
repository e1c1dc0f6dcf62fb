"""The package's own modules import each other without a cycle.

Edges are every import of a persona module, at module level or inside a function; imports under
`if TYPE_CHECKING:` never run and are left out. `from . import x` reads `x` off the package, so it is an
edge to the package's `__init__` as well as to `x`: a submodule imports its siblings directly
(`from .fields import string`), never through its own package.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "persona"
KNOWN_CYCLES: set[frozenset[str]] = set()
"""Cycles outside persona.importers that are being untangled on their own; delete an entry once it is gone."""


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package at `root`."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _type_checking_only(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    return skipped


def _targets(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = package.split(".")[:len(package.split(".")) - (node.level - 1)]
        base = ".".join(parts + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (module level and in functions, TYPE_CHECKING left out)."""
    known = modules(root)
    graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        skipped = _type_checking_only(tree)
        graph[name] = {target for node in ast.walk(tree) if id(node) not in skipped
                       for target in _targets(node, package) if target in known and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while not component or member != node:
                member = stack.pop()
                component.add(member)
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_imports_without_a_cycle():
    new = [sorted(c) for c in cycles(import_graph(PACKAGE)) if c not in KNOWN_CYCLES]
    assert not new, f"import cycles (module-level or in a function): {new}"


def test_the_importers_import_without_a_cycle_even_a_known_one():
    touching = [sorted(c) for c in cycles(import_graph(PACKAGE)) if any(m.startswith("persona.importers") for m in c)]
    assert not touching, f"import cycles through persona.importers: {touching}"


CASES = [
    ("sibling-through-package", {"__init__.py": "from .a import f\n", "a.py": "from . import b\n", "b.py": ""},
     [{"pkg", "pkg.a"}]),
    ("sibling-directly", {"__init__.py": "from .a import f\n", "a.py": "from .b import g\n", "b.py": ""}, []),
    ("inside-a-function", {"__init__.py": "", "a.py": "import pkg.b\n",
                           "b.py": "def f():\n    from pkg.a import x\n"}, [{"pkg.a", "pkg.b"}]),
    ("type-checking-only", {"__init__.py": "", "a.py": "import pkg.b\n",
                            "b.py": "if TYPE_CHECKING:\n    from pkg.a import x\n"}, []),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_the_check_sees_a_planted_cycle(case, tmp_path):
    _, files, expected = case
    (tmp_path / "pkg").mkdir()
    for name, text in files.items():
        (tmp_path / "pkg" / name).write_text(text, encoding="utf-8")
    assert cycles(import_graph(tmp_path / "pkg")) == [frozenset(c) for c in expected]


LAYERS = [("persona.compression", ("persona.evalsets", "persona.harness", "persona.cli")),
          ("persona.evalsets", ("persona.harness", "persona.cli"))]
"""A package and what it never imports: compression is library code, the generated sets are data makers the
harness and the scripts load, and neither reaches up into the plugin or the command line."""


def upward_imports(graph: dict[str, set[str]], package: str, forbidden: tuple[str, ...]) -> list[str]:
    """`module -> target` for each import from inside `package` into a forbidden package."""
    def within(name: str, prefix: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    return sorted(f"{module} -> {target}" for module, targets in graph.items() if within(module, package)
                  for target in targets if any(within(target, f) for f in forbidden))


@pytest.mark.parametrize("package,forbidden", LAYERS, ids=[layer[0] for layer in LAYERS])
def test_a_layer_never_imports_the_ones_above_it(package, forbidden):
    wrong = upward_imports(import_graph(PACKAGE), package, forbidden)
    assert not wrong, f"{package} imports from {', '.join(forbidden)}: {wrong}"


def test_the_layer_check_sees_a_planted_upward_import():
    graph = {"persona.compression.session": {"persona.evalsets.generated", "persona.compression.compress"},
             "persona.compressions": {"persona.harness"}}
    assert upward_imports(graph, "persona.compression", ("persona.evalsets",)) == [
        "persona.compression.session -> persona.evalsets.generated"]
