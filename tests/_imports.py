"""The import graph of ``innovate_sim``, read from the source with :mod:`ast`.

Used by the layering tests and by ``python tests/_imports.py`` to print the
number of package-level and file-level import cycles. Imports under
``if TYPE_CHECKING:`` count too: a type-only import is still a dependency a
reader has to follow.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT_PACKAGE = "innovate_sim"


def module_name(path: Path, src: Path = SRC) -> str:
    """Dotted module name of a source file (``pkg/__init__.py`` → ``pkg``)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imports_of(path: Path, known: Iterable[str], src: Path = SRC) -> set[str]:
    """Modules of the package that one file imports (absolute dotted names).

    ``from pkg import sub`` counts as an import of ``pkg.sub`` when that is a
    module in ``known``, and of ``pkg`` itself only for names that are not.
    """
    known = set(known)
    module = module_name(path, src)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {name for name in found if name.split(".")[0] == ROOT_PACKAGE}


def module_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Module → modules of the package it imports (only names that exist)."""
    files = sorted((src / ROOT_PACKAGE).rglob("*.py"))
    modules = {module_name(f, src): f for f in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported = imports_of(path, modules, src)
        targets = {t for t in imported if t in modules and t != name}
        graph[name] = targets
    return graph


def package_of(module: str) -> str:
    """The layer a module belongs to: ``innovate_sim.aws.cluster`` → ``aws``.

    Top-level modules (``units``, ``rng``, …) are their own package; the
    package root ``innovate_sim`` is ``__init__``.
    """
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def package_graph(graph: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """Collapse a module graph to packages (self-edges dropped)."""
    packages: dict[str, set[str]] = {}
    for source, targets in graph.items():
        edges = packages.setdefault(package_of(source), set())
        edges.update(package_of(t) for t in targets)
    for source, edges in packages.items():
        edges.discard(source)
    return packages


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components with more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def two_cycles(graph: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """Pairs that import each other directly (a ⇄ b)."""
    pairs = set()
    for a, targets in graph.items():
        for b in targets:
            if a < b and a in graph.get(b, ()):
                pairs.add((a, b))
    return sorted(pairs)


def _without_package_roots(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """File graph without edges into ``__init__`` re-export modules.

    An ``__init__.py`` that re-exports its submodules imports all of them, so
    every import of the package name would otherwise close a cycle through it.
    """
    packages = {m for m in graph if (SRC / Path(*m.split("."))).is_dir()}
    return {m: {t for t in ts if t not in packages} for m, ts in graph.items()}


def file_cycles(graph: Mapping[str, set[str]] | None = None) -> list[set[str]]:
    """Groups of source files that import each other, directly or through others."""
    return strongly_connected(_without_package_roots(graph or module_graph()))


def package_cycles(graph: Mapping[str, set[str]] | None = None) -> list[tuple[str, str]]:
    """Pairs of packages that import each other."""
    return two_cycles(package_graph(graph or module_graph()))


def main() -> None:
    """Print the cycles of the current tree."""
    graph = module_graph()
    pkg = package_cycles(graph)
    files = file_cycles(graph)
    print(f"package cycles: {len(pkg)}")
    for a, b in pkg:
        print(f"  {a} <-> {b}")
    print(f"file cycles: {len(files)}")
    for component in files:
        print("  " + " -> ".join(sorted(component)))


if __name__ == "__main__":
    main()
