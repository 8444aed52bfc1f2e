"""The compiled build (mypyc) runs the model of the Python sources, bit for bit.

The install compiles the simulation's hot path (``setup.py``); a run then takes
about a third of the time. Nothing may change but the time: every table a run
writes is compared byte for byte with a run of the Python sources
(``INNOVATE_SIM_PURE_PYTHON=1``) in a fresh interpreter. Also checked: that the
variable really selects the sources, and that a source edited after the build
makes every compiled module run from its source, with a warning.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from innovate_sim import _compiled
from innovate_sim.experiments.io import save_result

ROOT = Path(__file__).resolve().parents[2]
#: the three scenarios that exercise every compiled module between them (Karpenter and
#: Multi-AZ RDS in prod, Spot in dev, a scheduled AZ outage on day 121 in the chaos scenario),
#: with failures frequent enough that each replication has some
FAILURES = {"failures.node.rate": "24/y", "failures.nat_gateway.rate": "12/y"}
SCENARIOS = {
    "prod.yaml": {"horizon": "30d", **FAILURES},
    "dev.yaml": {"horizon": "30d", **FAILURES},
    "prod-chaos-az.yaml": {"horizon": "122d", **FAILURES},
}
REPLICATIONS = 3
SEED = 11

_RUN = """
import sys
from pathlib import Path
import innovate_sim as isim
from innovate_sim._compiled import describe
from innovate_sim.experiments.io import save_result

root, out = Path(sys.argv[1]), Path(sys.argv[2])
for name, changes in {scenarios!r}.items():
    scenario = isim.load_scenario(root / "scenarios" / name).with_(changes)
    save_result(isim.simulate(scenario, {replications}, {seed}), out / name)
print(describe())
"""


def _simulate_here(out: Path) -> None:
    import innovate_sim as isim

    for name, changes in SCENARIOS.items():
        scenario = isim.load_scenario(ROOT / "scenarios" / name).with_(changes)
        save_result(isim.simulate(scenario, REPLICATIONS, SEED), out / name)


def _simulate_sources(out: Path) -> str:
    """The same runs in a fresh interpreter that imports the Python sources."""
    script = _RUN.format(scenarios=SCENARIOS, replications=REPLICATIONS, seed=SEED)
    env = {**os.environ, _compiled.PURE_PYTHON_VARIABLE: "1"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.skipif(
    not _compiled.is_compiled(), reason="this install runs the Python sources: nothing to compare"
)
def test_compiled_runs_write_the_tables_of_the_python_sources_byte_for_byte(
    tmp_path: Path,
) -> None:
    _simulate_here(tmp_path / "compiled")
    described = _simulate_sources(tmp_path / "sources")
    assert described == f"pure Python ({_compiled.PURE_PYTHON_VARIABLE} is set)"
    tables = sorted(p.relative_to(tmp_path / "compiled") for p in tmp_path.glob("compiled/*/*.csv"))
    assert len(tables) == 6 * len(SCENARIOS)
    for table in tables:
        compiled = (tmp_path / "compiled" / table).read_bytes()
        assert compiled == (tmp_path / "sources" / table).read_bytes(), table
    incidents = (tmp_path / "compiled" / "prod.yaml" / "incidents.csv").read_text()
    assert incidents.count("\n") > REPLICATIONS, "the runs compared must have incidents"


def test_the_variable_makes_a_run_import_the_python_sources() -> None:
    probe = (
        "import innovate_sim, innovate_sim._compiled as c; "
        "import innovate_sim.aws.cluster as m; print(m.__file__); print(c.describe())"
    )
    env = {**os.environ, _compiled.PURE_PYTHON_VARIABLE: "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    module_file, described = done.stdout.splitlines()
    assert module_file.endswith(os.path.join("innovate_sim", "aws", "cluster.py"))
    assert described == f"pure Python ({_compiled.PURE_PYTHON_VARIABLE} is set)"


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package folder holding a build manifest; activate() reads it, and is undone after."""
    package = tmp_path / "innovate_sim"
    package.mkdir()
    monkeypatch.setattr(_compiled, "_PACKAGE", package)
    monkeypatch.setattr(_compiled, "_reason", None)
    monkeypatch.delenv(_compiled.PURE_PYTHON_VARIABLE, raising=False)
    monkeypatch.delenv("_INNOVATE_SIM_WARNED_STALE_BUILD", raising=False)
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    return package


def _source_finders() -> list[object]:
    return [f for f in sys.meta_path if isinstance(f, _compiled._Sources)]


def test_an_unchanged_build_runs_compiled(build: Path) -> None:
    (build / _compiled.MANIFEST).write_text(json.dumps(_compiled.source_digests()))
    before = len(_source_finders())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _compiled.activate()
    assert len(_source_finders()) == before
    assert _compiled._reason is None


def test_a_source_changed_after_the_build_runs_every_compiled_module_from_source(
    build: Path,
) -> None:
    recorded = _compiled.source_digests()
    recorded["innovate_sim/aws/hpa.py"] = "0" * 64  # as if hpa.py was edited since
    (build / _compiled.MANIFEST).write_text(json.dumps(recorded))
    with pytest.warns(RuntimeWarning, match=r"innovate_sim/aws/hpa\.py changed since"):
        _compiled.activate()
    finder = sys.meta_path[0]
    assert isinstance(finder, _compiled._Sources)
    for path in _compiled.COMPILED:  # all of them, not only the edited one
        spec = finder.find_spec(_compiled.module_name(path))
        assert spec is not None and spec.origin is not None
        assert Path(spec.origin) == (_compiled._SRC / path)
    assert finder.find_spec("innovate_sim.scenario") is None
    assert _compiled._reason == "changed since the build: innovate_sim/aws/hpa.py"


def test_a_source_the_build_did_not_compile_counts_as_changed() -> None:
    current = {"a.py": "1", "b.py": "2"}
    assert _compiled.changed_sources({"a.py": "1"}, current) == ["b.py"]
    assert _compiled.changed_sources(current, current) == []
