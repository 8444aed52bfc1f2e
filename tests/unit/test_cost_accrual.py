"""Cost accrued by the simulation against the static estimate (DESIGN §3.6)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import innovate_sim as isim

ROOT = Path(__file__).resolve().parents[2]
NO_FAILURES = {
    "az_outage": {"rate": 0},
    "nat_gateway": {"rate": 0},
    "node": {"rate": 0},
    "eks_control_plane": {"rate": 0},
    "rds_instance": {"rate": 0},
    "spot_interruption": {"rate": 0},
}


def _flat(name: str, rps: float, horizon: str) -> isim.Scenario:
    data = isim.load_scenario(ROOT / "scenarios" / name).model_dump(mode="json")
    for env in data["environments"].values():
        if env.get("demand"):
            env["demand"] = {"profile": "flat", "peak_rps": rps}
        if env.get("database"):
            env["database"]["maintenance"].update(os_patch_rate=0, engine_upgrade_rate=0)
    data["failures"] = NO_FAILURES
    data["horizon"] = horizon
    return isim.scenario_from_dict(data)


@pytest.mark.parametrize(("name", "rps"), [("prod.yaml", 1200.0), ("dev.yaml", 40.0)])
def test_flat_demand_without_failures_accrues_the_static_estimate(name: str, rps: float) -> None:
    scenario = _flat(name, rps, "2mo")
    result = isim.simulate(scenario, replications=1, seed=5)
    accrued = result.costs.groupby("month")["usd"].sum()
    for month in (1, 2):
        static = isim.estimate_cost(scenario, month=month).total_usd
        assert accrued[month] == pytest.approx(static, rel=0.005), month


def test_every_accrued_line_is_priced_and_non_negative() -> None:
    scenario = isim.load_scenario(ROOT / "scenarios" / "dev.yaml")
    data = scenario.model_dump(mode="json")
    data["horizon"] = "14d"
    result = isim.simulate(isim.scenario_from_dict(data), replications=2, seed=3)
    costs = result.costs
    assert not costs.empty
    assert all(math.isfinite(v) and v >= 0 for v in costs["usd"])
    assert all(math.isfinite(v) and v >= 0 for v in costs["quantity"])
    spot = costs[costs["component"].str.contains("spot")]
    assert not spot.empty, "dev's Karpenter pool runs Spot nodes"
