"""Which modules run compiled, and the switch back to their Python sources.

The simulation's hot path (the event engine, the AWS components, the
recorders, the demand curve, bin-packing and the failure processes) is
compiled with mypyc, mypy's compiler for type-annotated Python, when the
package is installed (``setup.py``). A compiled run gives bit-identical results
to a pure-Python run (``tests/invariants/test_compiled.py``) in about a third
of the time.

The Python sources stay what runs whenever they could differ from the build:

* ``INNOVATE_SIM_PURE_PYTHON=1`` at install builds nothing; at run time it
  imports the sources although compiled modules exist (to step through the
  model in a debugger or profile it line by line);
* if a compiled module's source changed after the build, every compiled module
  runs from its source, with one warning, until the package is reinstalled:
  compiled modules call each other directly, so one edited module is not
  enough, and a build never silently runs code older than its sources.

This module imports nothing from the package: ``setup.py`` loads it by its
path, before anything is installed, for :data:`COMPILED` and :func:`source_digests`.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

#: the compiled modules, as paths under ``src/`` (``setup.py`` compiles exactly these)
COMPILED: tuple[str, ...] = (
    "innovate_sim/engine/core.py",
    "innovate_sim/engine/recorders.py",
    "innovate_sim/units.py",
    "innovate_sim/aws/alb.py",
    "innovate_sim/aws/cluster.py",
    "innovate_sim/aws/cluster_state.py",
    "innovate_sim/aws/environment.py",
    "innovate_sim/aws/hpa.py",
    "innovate_sim/aws/infrastructure.py",
    "innovate_sim/aws/karpenter.py",
    "innovate_sim/aws/lifecycle.py",
    "innovate_sim/aws/nat_failover.py",
    "innovate_sim/aws/rds.py",
    "innovate_sim/aws/service.py",
    "innovate_sim/cost/observers.py",
    "innovate_sim/failures/chaos.py",
    "innovate_sim/failures/processes.py",
    "innovate_sim/metrics/availability.py",
    "innovate_sim/metrics/observe.py",
    "innovate_sim/metrics/timeline.py",
    "innovate_sim/metrics/uptime.py",
    "innovate_sim/workload/demand.py",
    "innovate_sim/workload/packing.py",
    "innovate_sim/workload/sizing.py",
    "innovate_sim/workload/topology.py",
)
#: written by the build next to the compiled modules: each source's SHA-256 when compiled
MANIFEST = "_compiled_sources.json"
#: set (to anything but ``0``) to run the Python sources
PURE_PYTHON_VARIABLE = "INNOVATE_SIM_PURE_PYTHON"
_WARNED_VARIABLE = "_INNOVATE_SIM_WARNED_STALE_BUILD"

_PACKAGE = Path(__file__).resolve().parent
_SRC = _PACKAGE.parent
#: why :func:`activate` chose the sources over a build, if it did
_reason: str | None = None


def module_name(path: str) -> str:
    """``innovate_sim/aws/cluster.py`` → ``innovate_sim.aws.cluster``."""
    return path.removesuffix(".py").replace("/", ".")


def source_digests(src: Path = _SRC, paths: Sequence[str] = COMPILED) -> dict[str, str]:
    """SHA-256 of each compiled module's source, keyed by its path under ``src``."""
    return {path: hashlib.sha256((src / path).read_bytes()).hexdigest() for path in paths}


def changed_sources(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """Paths whose source differs from what the build compiled (or that it did not compile)."""
    return sorted(path for path, digest in current.items() if recorded.get(path) != digest)


class _Sources(importlib.abc.MetaPathFinder):
    """Import the compiled modules from their ``.py`` files, ahead of the extensions."""

    def __init__(self, src: Path) -> None:
        self._sources = {module_name(path): src / path for path in COMPILED}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self._sources.get(fullname)
        if source is None:
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def activate() -> None:
    """Decide, before any compiled module is imported, whether they run compiled."""
    global _reason
    manifest = _PACKAGE / MANIFEST
    if os.environ.get(PURE_PYTHON_VARIABLE, "0") not in ("", "0"):
        _reason = f"{PURE_PYTHON_VARIABLE} is set"
    elif manifest.exists():
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        changed = changed_sources(recorded, source_digests())
        if not changed:
            return
        _reason = f"changed since the build: {', '.join(changed)}"
        if not os.environ.get(_WARNED_VARIABLE):
            os.environ[_WARNED_VARIABLE] = "1"  # worker processes inherit it: warn once
            warnings.warn(
                f"innovate_sim: {', '.join(changed)} changed since the package was compiled; "
                "running every compiled module from its Python source (same results, about "
                "3x slower). Reinstall to compile again: python -m pip install -e .",
                RuntimeWarning,
                stacklevel=3,
            )
    else:
        return  # nothing was compiled
    if not any(isinstance(finder, _Sources) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Sources(_SRC))


def is_compiled() -> bool:
    """Whether this process runs the compiled modules (read off the engine's module)."""
    engine = importlib.import_module(module_name(COMPILED[0]))
    return (engine.__file__ or "").endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def describe() -> str:
    """How the simulation runs in this process, for ``innovate-sim --version``."""
    if is_compiled():
        return "compiled (mypyc)"
    return f"pure Python ({_reason or 'not compiled'})"
