"""innovate_sim: availability and cost forecasts for an AWS architecture.

Typical use::

    import innovate_sim as isim

    scenario = isim.load_scenario("scenarios/prod.yaml")
    bill = isim.estimate_cost(scenario)          # static monthly bill
    result = isim.simulate(scenario, replications=200, seed=1)
    result.summary()                              # means with confidence intervals
"""

from innovate_sim.cost import CostEstimate, estimate_cost
from innovate_sim.errors import (
    InnovateSimError,
    PriceNotFound,
    RegionNotSupported,
    ScenarioError,
    UnitError,
)
from innovate_sim.experiments import Comparison, SimulationResult, compare, simulate
from innovate_sim.pricing import load_catalog
from innovate_sim.scenario import Scenario, load_scenario, scenario_from_dict

__version__ = "0.1.0"

__all__ = [
    "Comparison",
    "CostEstimate",
    "InnovateSimError",
    "PriceNotFound",
    "RegionNotSupported",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "UnitError",
    "__version__",
    "compare",
    "estimate_cost",
    "load_catalog",
    "load_scenario",
    "scenario_from_dict",
    "simulate",
]
