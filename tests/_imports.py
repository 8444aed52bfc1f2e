"""The package's import graph, read from the source with :mod:`ast` (nothing is imported).

Every ``import`` counts, wherever it is written: at module level, inside a
function (a lazy import), or under ``if TYPE_CHECKING:`` — a lazy import is
still a dependency, it only runs later. Used by ``tests/unit/test_layering.py``
to check DESIGN §2's layer table and the absence of import cycles, and usable
from the command line to measure a tree::

    python tests/_imports.py src/innovate_sim
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Violation",
    "cycles",
    "file_graph",
    "layer_of",
    "layer_violations",
    "package_graph",
]


def _module_name(path: Path, root: Path) -> str:
    """``innovate_sim.aws.build`` for ``<root>/aws/build.py`` (root is the package folder)."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterable[str]:
    """Every dotted name an import statement in ``tree`` refers to.

    ``from a.b import c`` gives ``a.b.c``: the caller resolves it to the longest
    prefix that is a module, so a submodule counts as itself and any other name
    as the module that defines it.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            yield from (f"{origin}.{alias.name}" for alias in node.names)


def file_graph(root: Path) -> dict[str, set[str]]:
    """Module → the package's modules it imports (a name imported from a package is resolved
    to the submodule when one of that name exists, else to the package itself)."""
    root = Path(root)
    files = {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets: set[str] = set()
        for name in _imported_names(tree, module, path.name == "__init__.py"):
            while name and name not in files:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def layer_of(module: str) -> str:
    """The unit of DESIGN §2's table a module belongs to: its top-level package or module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def package_graph(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The file graph collapsed to top-level packages (edges within a package dropped)."""
    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = layer_of(module)
        out.setdefault(source, set()).update(layer_of(t) for t in targets if layer_of(t) != source)
    return out


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
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
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


@dataclass(frozen=True)
class Violation:
    """An import that DESIGN §2's table does not allow."""

    module: str
    imported: str

    def __str__(self) -> str:
        return (
            f"{self.module} imports {self.imported}: layer {layer_of(self.module)!r} "
            f"may not know {layer_of(self.imported)!r}"
        )


def layer_violations(
    graph: Mapping[str, set[str]], allowed: Mapping[str, frozenset[str]]
) -> list[Violation]:
    """Imports across layers that ``allowed`` (layer → layers it may import) does not permit.

    A layer missing from ``allowed`` is itself a violation, so a new package
    must be placed in the table before it can be imported.
    """
    found = []
    for module in sorted(graph):
        source = layer_of(module)
        for target in sorted(graph[module]):
            layer = layer_of(target)
            if layer != source and (source not in allowed or layer not in allowed[source]):
                found.append(Violation(module, target))
    return found


def _main(argv: list[str]) -> None:
    root = Path(argv[0] if argv else "src/innovate_sim")
    graph = file_graph(root)
    packages = package_graph(graph)
    for label, found in (("package", cycles(packages)), ("file", cycles(graph))):
        print(f"{label}-level cycles: {len(found)}")
        for component in found:
            print("  " + " ⇄ ".join(component))


if __name__ == "__main__":
    _main(sys.argv[1:])
