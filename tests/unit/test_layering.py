"""The layers know only the layers below them (DESIGN §2, docs/architecture.md).

The import graph is read from the source with :mod:`ast` (``tests/_imports.py``):
every import counts, including lazy imports inside functions and imports
under ``if TYPE_CHECKING:``. :data:`RULES` is DESIGN §2's table, one rule per
top-level package or module (what it may import); two more rules forbid
package-level and file-level import cycles. ``python tests/unit/test_layering.py``
prints the rule count and any violation.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import types
from collections.abc import Mapping
from pathlib import Path

if __name__ == "__main__":  # run as a script: the shared helpers live in tests/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _imports
import innovate_sim

#: The bottom layer: units, errors, random streams, number formatting, version, frame helpers,
#: and which modules run compiled (read by setup.py, so it imports nothing of the package).
FOUNDATION = frozenset({"units", "errors", "rng", "formatting", "_version", "_frames", "_compiled"})

#: DESIGN §2 as data: each top-level package or module → the ones it may import
#: (imports inside a package are always allowed; cycles are ruled out separately).
RULES: dict[str, frozenset[str]] = {
    **{name: FOUNDATION for name in FOUNDATION},
    "pricing": FOUNDATION,
    # The scenario language checks instance types and regions against the price catalog.
    "scenario": FOUNDATION | {"pricing"},
    "engine": FOUNDATION,
    # Closed forms over the scenario's own types (e.g. the NAT placement).
    "oracles": FOUNDATION | {"scenario"},
    "workload": FOUNDATION | {"scenario", "pricing"},
    "failures": FOUNDATION | {"engine", "scenario"},
    "aws": FOUNDATION | {"engine", "scenario", "pricing", "workload", "failures"},
    # Measurement observes the model from outside: it subscribes to aws/'s events.
    "metrics": FOUNDATION | {"engine", "scenario", "pricing", "workload", "aws"},
    "cost": FOUNDATION | {"engine", "scenario", "pricing", "workload", "aws"},
    "experiments": FOUNDATION
    | {"scenario", "pricing", "engine", "workload", "failures", "aws", "metrics", "cost"}
    | {"oracles"},  # closed-form effect of the risks a simulation excludes (excluded.py)
    # The public names of target checking: judging in experiments/, its text in reporting/.
    "targets": FOUNDATION | {"experiments", "reporting"},
    # Reporting takes results; it never simulates (no engine, model or failure processes).
    "reporting": FOUNDATION | {"scenario", "pricing", "metrics", "cost", "experiments"},
    "docs_reference": FOUNDATION | {"scenario"},
    # Assumption uncertainty runs experiments over samples of the inputs (issue 14).
    "uncertainty": FOUNDATION
    | {"scenario", "pricing", "engine", "workload", "failures", "aws", "metrics", "cost"}
    | {"experiments", "targets"},
    # Terraform plans become scenario data, validated by the scenario loader.
    "importers": FOUNDATION | {"scenario", "pricing"},
}
_EVERYTHING = frozenset(RULES) | {"cli"}
RULES |= {"cli": _EVERYTHING, "__init__": _EVERYTHING, "__main__": _EVERYTHING}

#: Package cycles another open issue removes, with the issue. The cycle check
#: tolerates exactly these (and fails on any other); drop an entry once fixed.
PENDING_CYCLES: dict[frozenset[str], str] = {}

#: Package rules plus "no package-level cycle" and "no file-level cycle".
RULE_COUNT = len(RULES) + 2

SRC = _imports.SRC


def layer_violations(
    graph: Mapping[str, set[str]], rules: Mapping[str, frozenset[str]] = RULES
) -> list[str]:
    """Every import from one layer into another that ``rules`` does not allow, as text.

    A module whose layer has no rule is a violation too, so a new package must
    be placed in the table before it can exist.
    """
    found = []
    for module in sorted(graph):
        layer = _imports.package_of(module)
        if layer not in rules:
            found.append(f"{module}: layer {layer!r} is not in the layer table")
            continue
        for target in sorted(graph[module]):
            other = _imports.package_of(target)
            if other != layer and other not in rules[layer]:
                found.append(f"{module} imports {target}: {layer!r} may not know {other!r}")
    return found


def check(src: Path = SRC) -> list[str]:
    """All violations of the layer table and the no-cycle rules in the tree under ``src``."""
    graph = _imports.module_graph(src)
    problems = layer_violations(graph)
    packages = _imports.strongly_connected(_imports.package_graph(graph))
    problems += [
        "package cycle: " + " ⇄ ".join(sorted(cycle))
        for cycle in packages
        if frozenset(cycle) not in PENDING_CYCLES
    ]
    problems += [
        "file cycle: " + " ⇄ ".join(sorted(cycle)) for cycle in _imports.file_cycles(graph)
    ]
    return problems


def test_every_package_has_exactly_one_rule() -> None:
    layers = {_imports.package_of(m) for m in _imports.module_graph()}
    assert layers == set(RULES), "add the new package to RULES (DESIGN §2) or drop a stale rule"
    assert len(layers) + 2 == RULE_COUNT


def test_the_layer_table_holds() -> None:
    assert layer_violations(_imports.module_graph()) == []


def test_no_package_imports_another_that_imports_it() -> None:
    """No cycle between packages, of any length (not only a ⇄ b), but the pending ones."""
    graph = _imports.package_graph(_imports.module_graph())
    cycles = {frozenset(cycle) for cycle in _imports.strongly_connected(graph)}
    assert cycles <= set(PENDING_CYCLES), cycles - set(PENDING_CYCLES)


def test_no_import_cycle_between_files() -> None:
    assert _imports.file_cycles() == []


def _planted(tmp_path: Path, relative: str, code: str) -> Path:
    """A copy of the source tree with ``code`` appended to one file."""
    src = tmp_path / "src"
    shutil.copytree(SRC / "innovate_sim", src / "innovate_sim")
    target = src / "innovate_sim" / relative
    target.write_text(target.read_text(encoding="utf-8") + code, encoding="utf-8")
    return src


def _new_problems(src: Path) -> list[str]:
    """What :func:`check` finds in ``src`` that it does not find in the real tree."""
    known = set(check(SRC))
    return [p for p in check(src) if p not in known]


def test_the_check_fails_on_a_planted_lazy_upward_import(tmp_path: Path) -> None:
    """The engine reaching up into the model inside a function is caught."""
    src = _planted(
        tmp_path,
        "engine/core.py",
        "\n\ndef _planted() -> None:\n    from innovate_sim.aws import build  # noqa: F401\n",
    )
    problems = _new_problems(src)
    assert problems[0] == (
        "innovate_sim.engine.core imports innovate_sim.aws.build: 'engine' may not know 'aws'"
    )
    # the engine now knows the model, which knows the engine (directly and through failures/)
    assert problems[1] == "package cycle: aws ⇄ engine ⇄ failures"
    assert len(problems) == 2


def test_the_check_fails_on_a_planted_type_only_import(tmp_path: Path) -> None:
    """Reporting importing the model, even for a type annotation, is caught."""
    src = _planted(
        tmp_path,
        "reporting/tables.py",
        "\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from innovate_sim.aws.cluster import Cluster  # noqa: F401\n",
    )
    assert _new_problems(src) == [
        "innovate_sim.reporting.tables imports innovate_sim.aws.cluster: "
        "'reporting' may not know 'aws'"
    ]


def test_the_check_fails_on_a_planted_file_cycle(tmp_path: Path) -> None:
    src = tmp_path / "src"
    package = src / "innovate_sim" / "units_pair"
    package.mkdir(parents=True)
    (src / "innovate_sim" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from innovate_sim.units_pair import b\n")
    (package / "b.py").write_text("def f():\n    from innovate_sim.units_pair.a import x\n")
    graph = _imports.module_graph(src)
    assert _imports.file_cycles(graph) == [
        {"innovate_sim.units_pair.a", "innovate_sim.units_pair.b"}
    ]
    unplaced = [p for p in layer_violations(graph) if "'units_pair' is not in the layer table" in p]
    assert len(unplaced) == 3  # the package and its two modules


# -- what is loaded at run time --------------------------------------------------------------------


def _modules_after_import(*modules: str) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print('\\n'.join(sorted(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(output.split())


def test_engine_and_model_import_no_pandas_or_matplotlib() -> None:
    loaded = _modules_after_import(
        "innovate_sim.engine", "innovate_sim.aws", "innovate_sim.aws.build"
    )
    assert "simpy" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("pandas", "matplotlib")}


def test_engine_imports_nothing_of_aws() -> None:
    loaded = _modules_after_import("innovate_sim.engine")
    assert not {m for m in loaded if m.startswith(("innovate_sim.aws", "innovate_sim.pricing"))}


def test_public_api_all_is_honest() -> None:
    """Every name in __all__ resolves, and every public attribute is in __all__."""
    for name in innovate_sim.__all__:
        assert getattr(innovate_sim, name) is not None, name
    public = {
        n
        for n in dir(innovate_sim)
        if not n.startswith("_") and not isinstance(getattr(innovate_sim, n), types.ModuleType)
    }
    helpers = {"annotations", "import_module", "TYPE_CHECKING", "Any"}
    assert public - helpers == set(innovate_sim.__all__) - {"__version__"}


if __name__ == "__main__":
    found = check()
    print(f"layering: {RULE_COUNT} rules ({len(RULES)} package rules + 2 no-cycle rules)")
    print(f"violations: {len(found)}")
    for problem in found:
        print(f"  {problem}")
    sys.exit(1 if found else 0)
