"""Build: compile the simulation's hot path with mypyc (the rest is in pyproject.toml).

Which modules, and how a run falls back to their sources: src/innovate_sim/_compiled.py.
``INNOVATE_SIM_PURE_PYTHON=1 python -m pip install -e .`` builds no extension; so
does a machine whose C compiler fails, with a warning (the package then runs its
sources, with the same results, more slowly).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

SRC = Path(__file__).resolve().parent / "src"


def _load_compiled_list():  # type: ignore[no-untyped-def]
    """``innovate_sim/_compiled.py`` by its path: it imports nothing of the package."""
    path = SRC / "innovate_sim" / "_compiled.py"
    spec = importlib.util.spec_from_file_location("_innovate_sim_compiled", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compiled = _load_compiled_list()
PURE_PYTHON = os.environ.get(compiled.PURE_PYTHON_VARIABLE, "0") not in ("", "0")
#: the commands that build extensions; pip's metadata steps (egg_info, dist_info) do not,
#: and compiling takes most of a minute, so they skip it
BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


class BuildCompiled(build_ext):
    """Build the extensions, then record the SHA-256 of the sources they were built from."""

    def run(self) -> None:
        if self.inplace:  # a module compiled before but no longer must not shadow its source
            keep = {Path(path).resolve() for path in self.get_outputs()}
            for suffix in EXTENSION_SUFFIXES:
                for stale in SRC.rglob(f"*{suffix}"):
                    if stale.resolve() not in keep:
                        stale.unlink()
        try:
            super().run()
        except Exception as error:  # no or broken C compiler: the sources run instead
            warnings.warn(f"innovate_sim: not compiled ({error}); pure Python", stacklevel=1)
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            return
        package = SRC if self.inplace else Path(self.build_lib)
        digests = compiled.source_digests(SRC)
        manifest = package / "innovate_sim" / compiled.MANIFEST
        manifest.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def get_outputs(self) -> list[str]:
        package = SRC if self.inplace else Path(self.build_lib)
        return [*super().get_outputs(), str(package / "innovate_sim" / compiled.MANIFEST)]


def _extensions() -> list[object]:
    if PURE_PYTHON or not BUILDS & set(sys.argv[1:]):
        return []
    from mypyc.build import mypycify

    # the build's own type cache: a developer's .mypy_cache may hold other libraries' types
    os.environ["MYPY_CACHE_DIR"] = str(Path("build", "mypy_cache").resolve())
    return list(mypycify([f"src/{path}" for path in compiled.COMPILED], group_name="innovate_sim"))


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildCompiled})
