"""The layers know only the layers below them (DESIGN §2)."""

from __future__ import annotations

import subprocess
import sys

import innovate_sim


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
    import types

    public = {
        n
        for n in dir(innovate_sim)
        if not n.startswith("_") and not isinstance(getattr(innovate_sim, n), types.ModuleType)
    }
    helpers = {"annotations", "import_module", "TYPE_CHECKING", "Any"}
    assert public - helpers == set(innovate_sim.__all__) - {"__version__"}
