"""Cost: priced resources yield cost components; the static monthly bill of a scenario.

>>> import innovate_sim as isim
>>> bill = isim.estimate_cost(isim.load_scenario("scenarios/prod.yaml"))  # doctest: +SKIP
>>> bill.by("service")                                                    # doctest: +SKIP
"""

from innovate_sim.cost.components import FRAME_COLUMNS, CostComponent, CostEstimate
from innovate_sim.cost.diff import CostDiff, LineChange, diff_estimates
from innovate_sim.cost.estimate import (
    EnvironmentUsage,
    NetworkVolumes,
    build_resources,
    environment_usage,
    estimate_cost,
    network_volumes,
    scenario_catalog,
)
from innovate_sim.cost.render import render_estimate
from innovate_sim.workload.sizing import ClusterPlan, PlannedNode, plan_cluster, steady_replicas

__all__ = [
    "FRAME_COLUMNS",
    "ClusterPlan",
    "CostComponent",
    "CostDiff",
    "CostEstimate",
    "EnvironmentUsage",
    "LineChange",
    "NetworkVolumes",
    "PlannedNode",
    "build_resources",
    "diff_estimates",
    "environment_usage",
    "estimate_cost",
    "network_volumes",
    "plan_cluster",
    "render_estimate",
    "scenario_catalog",
    "steady_replicas",
]
