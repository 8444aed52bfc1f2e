"""innovate_sim: availability and cost forecasts for an AWS architecture.

Typical use::

    import innovate_sim as isim

    scenario = isim.load_scenario("scenarios/prod.yaml")
    bill = isim.estimate_cost(scenario)          # static monthly bill
    result = isim.simulate(scenario, replications=200, seed=1)
    result.summary()                              # means with confidence intervals

The public names are imported lazily, so ``import innovate_sim.engine`` (or the
price catalog) does not pull in pandas or matplotlib.

The simulation's hot path runs compiled where the install compiled it and its
sources have not changed since; see :mod:`innovate_sim._compiled`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from innovate_sim import _compiled
from innovate_sim._version import __version__

_compiled.activate()  # before any compiled module is imported

_EXPORTS = {
    "Comparison": "innovate_sim.experiments",
    "CostDiff": "innovate_sim.cost",
    "CostEstimate": "innovate_sim.cost",
    "InnovateSimError": "innovate_sim.errors",
    "PriceNotFound": "innovate_sim.errors",
    "RegionNotSupported": "innovate_sim.errors",
    "Scenario": "innovate_sim.scenario",
    "ScenarioError": "innovate_sim.errors",
    "SensitivityResult": "innovate_sim.uncertainty",
    "SimulationResult": "innovate_sim.experiments",
    "SweepResult": "innovate_sim.experiments",
    "UnitError": "innovate_sim.errors",
    "compare": "innovate_sim.experiments",
    "diff_estimates": "innovate_sim.cost",
    "estimate_cost": "innovate_sim.cost",
    "load_catalog": "innovate_sim.pricing",
    "load_result": "innovate_sim.experiments.io",
    "load_scenario": "innovate_sim.scenario",
    "load_sweep": "innovate_sim.experiments",
    "scenario_from_dict": "innovate_sim.scenario",
    "save_result": "innovate_sim.experiments.io",
    "scenario_from_terraform": "innovate_sim.importers",
    "sensitivity": "innovate_sim.uncertainty",
    "simulate": "innovate_sim.uncertainty",
    "sweep": "innovate_sim.experiments",
}

__all__ = [
    "Comparison",
    "CostDiff",
    "CostEstimate",
    "InnovateSimError",
    "PriceNotFound",
    "RegionNotSupported",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "SimulationResult",
    "SweepResult",
    "UnitError",
    "__version__",
    "compare",
    "diff_estimates",
    "estimate_cost",
    "load_catalog",
    "load_result",
    "load_scenario",
    "load_sweep",
    "save_result",
    "scenario_from_dict",
    "scenario_from_terraform",
    "sensitivity",
    "simulate",
    "sweep",
]
assert set(__all__) == {"__version__", *_EXPORTS}, "keep __all__ and _EXPORTS in step"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'innovate_sim' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    if module.startswith("innovate_sim.experiments"):
        # Results draw themselves through reporting, which registers their plotters
        # (experiments may not import reporting: see experiments/views.py).
        import innovate_sim.reporting  # noqa: F401
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from innovate_sim.cost import CostDiff, CostEstimate, diff_estimates, estimate_cost
    from innovate_sim.errors import (
        InnovateSimError,
        PriceNotFound,
        RegionNotSupported,
        ScenarioError,
        UnitError,
    )
    from innovate_sim.experiments import (  # type: ignore[no-redef]
        Comparison,
        SimulationResult,
        SweepResult,
        compare,
        load_sweep,
        sweep,
    )
    from innovate_sim.experiments.io import load_result, save_result
    from innovate_sim.importers import scenario_from_terraform
    from innovate_sim.pricing import load_catalog
    from innovate_sim.scenario import Scenario, load_scenario, scenario_from_dict
    from innovate_sim.uncertainty import SensitivityResult, sensitivity, simulate
