"""Invariants of every simulation, across random scenario variations (DESIGN §5).

0 ≤ availability ≤ 1; served ≤ demanded; cost ≥ 0 and every accrued line
priced; replicas within [min, max]; nodes never above a NodePool's max_nodes.
"""

from __future__ import annotations

import math
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import innovate_sim as isim
from innovate_sim.aws.build import build_model
from innovate_sim.aws.cluster_state import Node
from innovate_sim.metrics import observe

ROOT = Path(__file__).resolve().parents[2]
BASE = isim.load_scenario(ROOT / "scenarios" / "dev.yaml").model_dump(mode="json")

variations = st.fixed_dictionaries(
    {
        "peak_rps": st.floats(0, 3000),
        "trough": st.floats(0, 1),
        "az_rate": st.sampled_from(["0/y", "2/y", "50/y"]),
        "node_rate": st.sampled_from(["0/y", "1/1000h", "1/50h"]),
        "spot_rate": st.sampled_from(["advisor", "1/24h"]),
        "ice": st.sampled_from(["0%", "30%", "100%"]),
        "max_nodes": st.integers(0, 6),
        "api_max": st.integers(1, 30),
        "seed": st.integers(0, 2**31),
    }
)


def _scenario(v: dict) -> isim.Scenario:
    data = {**BASE, "horizon": "2d", "seed": v["seed"]}
    env = data["environments"]["dev"]
    env["demand"] = {**env["demand"], "peak_rps": v["peak_rps"], "trough_fraction": v["trough"]}
    env["workloads"]["api"]["replicas"] = {"min": 1, "max": v["api_max"]}
    pool = env["cluster"]["node_pools"]["spot"]
    pool["max_nodes"] = v["max_nodes"]
    env["cluster"]["karpenter"]["capacity_error_probability"] = v["ice"]
    data["failures"] = {
        **data["failures"],
        "az_outage": {"rate": v["az_rate"]},
        "node": {"rate": v["node_rate"]},
        "spot_interruption": {"rate": v["spot_rate"]},
    }
    return isim.scenario_from_dict(data)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variations)
@example(  # found by an earlier run: the warm start ignored max_nodes 0
    {
        "peak_rps": 901.0,
        "trough": 1.0,
        "az_rate": "0/y",
        "node_rate": "1/50h",
        "spot_rate": "advisor",
        "ice": "0%",
        "max_nodes": 0,
        "api_max": 1,
        "seed": 1,
    }
)
@example(  # found by an earlier run: below the threshold all the time summed to the horizon + 1 ulp
    {
        "peak_rps": 901.0,
        "trough": 1.0,
        "az_rate": "0/y",
        "node_rate": "0/y",
        "spot_rate": "advisor",
        "ice": "0%",
        "max_nodes": 2,
        "api_max": 2,
        "seed": 167,
    }
)
def test_invariants_hold_across_random_scenarios(v: dict) -> None:
    scenario = _scenario(v)
    model = build_model(scenario, v["seed"], 0)
    env = model.environments["dev"]
    cluster = env.cluster
    assert cluster is not None
    pool = cluster.pools["spot"]
    highest = {"nodes": len(pool.nodes)}  # the warm start counts too
    seen = set(cluster.nodes)  # the warm start, then every launch
    removed: set[Node] = set()

    def added(node: Node) -> None:
        seen.add(node)
        highest["nodes"] = max(highest["nodes"], len(pool.nodes))

    cluster.on_node_added.append(added)
    cluster.on_node_removed.append(removed.add)
    recorders = observe(model)
    model.run()
    assert highest["nodes"] <= v["max_nodes"]
    assert removed | set(cluster.nodes) <= seen, "a node was launched unseen"
    for workload in cluster.workloads.values():
        bounds = workload.spec.replicas
        assert bounds.min <= workload.replicas <= bounds.max
    recorder = recorders["dev"].availability
    assert recorder is not None
    assert recorder.lost_requests >= -1e-6 * max(1.0, recorder.demand_requests)
    assert recorder.lost_requests <= recorder.demand_requests * (1 + 1e-9) + 1e-6
    assert 0.0 <= recorder.below_threshold_h <= scenario.horizon + 1e-9
    result = isim.simulate(scenario, replications=1, seed=v["seed"])
    availability = result.availability.iloc[0]
    assert 0.0 <= availability["request_availability"] <= 1.0
    assert availability["served_requests"] <= availability["demand_requests"] * (1 + 1e-9) + 1e-6
    assert 0.0 <= availability["time_availability"] <= 1.0
    costs = result.costs
    assert (costs["usd"] >= 0).all() and all(math.isfinite(x) for x in costs["usd"])
