"""The simulator against closed-form reliability results (DESIGN §5; AVAILABILITY.md §7).

Each test builds a scenario whose answer is known in closed form, simulates it
through the public API with a fixed seed, and asserts the *analytic value*:
``|estimate − oracle| ≤ 4 standard errors`` of the mean over replications
(about a 6 × 10⁻⁵ chance of failing by luck for a correct simulator). The
tolerance comes from the estimator, never from a hand-tuned band.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import innovate_sim as isim
from innovate_sim import oracles
from innovate_sim.units import HOURS_PER_YEAR

VALIDATION = Path(__file__).resolve().parents[2] / "scenarios" / "validation"


def _within_four_se(values: np.ndarray, oracle: float) -> tuple[float, float]:
    mean = float(np.mean(values))
    se = float(np.std(values, ddof=1) / math.sqrt(len(values)))
    assert se > 0, "a stochastic estimate with zero spread cannot be checked"
    assert abs(mean - oracle) <= 4 * se, f"estimate {mean:.8f} ± {se:.2e} vs oracle {oracle:.8f}"
    return mean, se


@pytest.mark.parametrize("name", ["two-of-three-azs.yaml", "two-of-three-azs-fixed-repair.yaml"])
def test_two_of_three_azs_matches_k_of_n(name: str) -> None:
    scenario = isim.load_scenario(VALIDATION / name)
    result = isim.simulate(scenario, replications=60, seed=2026)
    assert not result.failed
    oracle = oracles.k_of_n(2, 3, oracles.unit_availability(1000.0, 10.0))
    assert oracle == pytest.approx(0.99970785, abs=5e-9)
    _within_four_se(result.availability["time_availability"].to_numpy(), oracle)


def test_rds_multi_az_matches_failover_oracle() -> None:
    scenario = isim.load_scenario(VALIDATION / "rds-failover.yaml")
    result = isim.simulate(scenario, replications=80, seed=2026)
    assert not result.failed
    oracle = oracles.failover_availability(1000.0, 10.0, 90.0 / 3600.0)
    assert oracle == pytest.approx(0.99987746, abs=5e-9)
    _within_four_se(result.availability["request_availability"].to_numpy(), oracle)


def test_rds_downtime_is_failovers_times_mean_failover_time() -> None:
    """Uniform 60–120 s failovers: downtime/year = failovers/year × 90 s (+ both-down time)."""
    data = isim.load_scenario(VALIDATION / "rds-failover.yaml").model_dump(mode="json")
    data["failures"]["rds_failover"]["multi_az"] = {"dist": "uniform", "low": "60s", "high": "120s"}
    data["environments"]["prod"]["database"]["recovery"]["standby_rebuild"] = "30m"
    scenario = isim.scenario_from_dict(data)
    result = isim.simulate(scenario, replications=60, seed=2026)
    years = scenario.horizon / HOURS_PER_YEAR
    downtime_min = (1 - result.availability["database_availability"].to_numpy()) * 525_600
    mtbf, mttr, tau_h = 1000.0, 0.5, 90.0 / 3600.0
    failovers_per_year = oracles.failover_rate(mtbf, mttr) * HOURS_PER_YEAR
    both_down_min = oracles.downtime_minutes_per_year(
        oracles.k_of_n(1, 2, mttr and mtbf / (mtbf + mttr))
    )
    expected = oracles.failover_downtime_min_per_year(failovers_per_year, tau_h) + both_down_min
    _within_four_se(downtime_min, expected)
    observed_failovers = result.counters["rds_failovers"].to_numpy() / years
    _within_four_se(observed_failovers, failovers_per_year)


@pytest.mark.parametrize(
    ("name", "mode"), [("nat-per-az.yaml", "per_az"), ("nat-single.yaml", "single")]
)
def test_any_az_egress_matches_series_parallel(name: str, mode: str) -> None:
    scenario = isim.load_scenario(VALIDATION / name)
    result = isim.simulate(scenario, replications=30, seed=2026)
    a_az = oracles.unit_availability(100.0, 10.0)
    a_nat = oracles.unit_availability(50.0, 5.0)
    oracle = oracles.egress_availability(a_az, a_nat, 3, mode)  # type: ignore[arg-type]
    _within_four_se(result.availability["egress_any_az_availability"].to_numpy(), oracle)


@pytest.mark.parametrize(("mode", "lost_azs"), [("per_az", 1), ("single", 3)])
def test_egress_availability_with_a_scheduled_nat_failure(mode: str, lost_azs: int) -> None:
    """One NAT Gateway down 10 h of 720 h, flat demand, a pod per AZ: the exact share."""
    data = isim.load_scenario(VALIDATION / "nat-per-az.yaml").model_dump(
        mode="json", exclude_none=True
    )
    data.pop("extends", None)
    data["horizon"] = "720h"
    data["environments"]["prod"]["network"]["nat_gateways"] = mode
    data["failures"]["az_outage"] = {"rate": 0}
    data["failures"]["nat_gateway"] = {"rate": 0}
    data["chaos"] = [{"at": "100h", "environment": "prod", "fail": "nat-gateway", "for": "10h"}]
    result = isim.simulate(isim.scenario_from_dict(data), replications=2, seed=1)
    exact = 1.0 - (10.0 / 720.0) * lost_azs / 3
    row = result.availability.iloc[0]
    assert row["egress_availability"] == pytest.approx(exact, abs=1e-12)
    # the requests of the AZs without a route fail: request availability is the same share
    assert row["request_availability"] == pytest.approx(exact, abs=1e-12)
    # with a NAT per AZ some AZ always has egress, so the any-AZ figure cannot see it
    any_az = 1.0 if mode == "per_az" else exact
    assert row["egress_any_az_availability"] == pytest.approx(any_az, abs=1e-12)


@pytest.mark.parametrize("mode", ["per_az", "single"])
def test_request_availability_with_an_egress_share_matches_closed_form(mode: str) -> None:
    data = isim.load_scenario(VALIDATION / "nat-egress-share.yaml").model_dump(mode="json")
    data["environments"]["prod"]["network"]["nat_gateways"] = mode
    result = isim.simulate(isim.scenario_from_dict(data), replications=30, seed=2026)
    assert not result.failed
    a_az = oracles.unit_availability(100.0, 10.0)
    a_nat = oracles.unit_availability(50.0, 5.0)
    oracle = oracles.egress_request_availability(a_az, a_nat, 3, mode, 0.4)  # type: ignore[arg-type]
    _within_four_se(result.availability["request_availability"].to_numpy(), oracle)
