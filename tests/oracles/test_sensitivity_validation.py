"""Sobol' indices against a closed form (issue 14's acceptance test).

2-of-3 AZs with an uncertain failure rate and an uncertain mean repair time
(uniform ranges, written in the scenario language) and one input without
effect (the NAT Gateway failure rate of a scenario without NAT Gateways).
Time availability is k-of-n with a = MTBF / (MTBF + MTTR) whatever the repair
distribution, so its first-order Sobol' indices follow by numerical
integration of the closed form over the two uniform ranges.

* Engine level: the k-of-n model on innovate_sim's engine, one 60-year
  replication per design point, the same seed for every point (common random
  numbers); the estimated first-order indices must contain the integrated
  ones in their bootstrap intervals.
* Architecture level: :func:`innovate_sim.sensitivity` on the validation
  scenario itself; with common random numbers the no-effect input's total
  index is below 0.01 (exactly zero: its rows replay the same history).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import innovate_sim as isim
from innovate_sim import oracles
from innovate_sim.engine import Simulation
from innovate_sim.failures import alternating_outages
from innovate_sim.rng import RandomStreams
from innovate_sim.uncertainty import find_inputs
from innovate_sim.uncertainty.indices import sobol
from innovate_sim.units import HOURS_PER_YEAR

ROOT = Path(__file__).resolve().parents[2]
RATE_PER_H = (1 / 2000, 1 / 250)  # as scenarios/validation/two-of-three-azs-uncertain.yaml
MTTR_H = (4.0, 20.0)


def uncertain_two_of_three() -> isim.Scenario:
    """The 2-of-3 validation scenario with uncertain MTBF, MTTR and a no-effect input."""
    return isim.load_scenario(ROOT / "scenarios/validation/two-of-three-azs-uncertain.yaml")


def closed_form_first_order(nodes: int = 48) -> tuple[float, float]:
    """S1 of the rate and of the MTTR for A = k_of_n(2, 3, a), by Gauss-Legendre quadrature."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    u, weights = 0.5 * (x + 1.0), 0.5 * w  # nodes and weights on [0, 1]
    rates = RATE_PER_H[0] + u * (RATE_PER_H[1] - RATE_PER_H[0])
    mttrs = MTTR_H[0] + u * (MTTR_H[1] - MTTR_H[0])
    grid = np.array(
        [[oracles.k_of_n(2, 3, oracles.unit_availability(1 / r, m)) for m in mttrs] for r in rates]
    )
    mean = weights @ grid @ weights
    variance = weights @ (grid - mean) ** 2 @ weights
    by_rate = grid @ weights  # E[A | rate]
    by_mttr = weights @ grid  # E[A | mttr]
    return (
        float(weights @ (by_rate - mean) ** 2 / variance),
        float(weights @ (by_mttr - mean) ** 2 / variance),
    )


def engine_availability(rate_per_h: float, mttr_h: float, years: float = 60.0) -> float:
    """Time share with at least 2 of 3 units up, one replication on the engine (seed fixed)."""
    horizon = years * HOURS_PER_YEAR
    sim = Simulation(horizon)
    streams = RandomStreams(seed=14, replication=0)
    state = {"down": 0, "since": 0.0, "downtime": 0.0}

    def change(delta: int) -> None:
        if state["down"] >= 2:
            state["downtime"] += sim.now - state["since"]
        state["down"] += delta
        state["since"] = sim.now

    for unit in range(3):
        repair = streams.stream(f"repair/{unit}")
        alternating_outages(
            sim,
            streams.stream(f"unit/{unit}"),
            rate_per_h,
            lambda r=repair: -mttr_h * math.log(1.0 - r.random()),
            lambda: change(+1),
            lambda: change(-1),
        )
    sim.run()
    change(0)
    return 1.0 - state["downtime"] / horizon


def test_closed_form_indices_are_a_proper_decomposition() -> None:
    s_rate, s_mttr = closed_form_first_order()
    assert 0.2 < s_rate < 0.8 and 0.2 < s_mttr < 0.8
    assert s_rate + s_mttr < 1.0  # the product form leaves an interaction
    assert closed_form_first_order(96) == pytest.approx((s_rate, s_mttr), abs=1e-9)


def test_first_order_indices_match_the_closed_form() -> None:
    inputs = find_inputs(uncertain_two_of_three())
    names = [item.name for item in inputs]
    bounds = [item.distribution.support for item in inputs[:2]]
    assert bounds == [pytest.approx(RATE_PER_H), pytest.approx(MTTR_H)]
    assert names == [
        "failures.az_outage.rate",
        "failures.az_outage.duration.mean",
        "failures.nat_gateway.rate",
    ]

    def model(values: np.ndarray) -> dict[str, np.ndarray]:
        return {"time_availability": np.array([engine_availability(r, m) for r, m, _ in values])}

    indices = sobol(inputs, model, base_samples=128, seed=3).set_index("input")
    expected = dict(zip(names[:2], closed_form_first_order(), strict=True))
    for name, s1 in expected.items():
        row = indices.loc[name]
        assert row["S1_low"] <= s1 <= row["S1_high"], (name, s1, row.to_dict())
    assert indices.loc["failures.nat_gateway.rate", "ST"] < 0.01


def test_no_effect_input_has_no_total_index_in_the_architecture_model() -> None:
    result = isim.sensitivity(
        uncertain_two_of_three(),
        replications=1,
        samples=8,
        screening=False,
        flips=False,
        defaults=False,
        seed=5,
    )
    indices = result.indices
    rows = indices[indices["output"] == "prod.downtime_min_per_year"].set_index("input")
    assert rows.loc["failures.nat_gateway.rate", "ST"] < 0.01
    assert rows.loc["failures.az_outage.rate", "ST"] > 0.1


def main() -> None:
    """Print the closed-form and estimated indices (``python tests/oracles/test_...py``)."""
    inputs = find_inputs(uncertain_two_of_three())

    def model(values: np.ndarray) -> dict[str, np.ndarray]:
        return {"time_availability": np.array([engine_availability(r, m) for r, m, _ in values])}

    indices = sobol(inputs, model, base_samples=128, seed=3).set_index("input")
    exact = dict(zip([item.name for item in inputs[:2]], closed_form_first_order(), strict=True))
    print(f"{'input':36} {'exact S1':>9} {'estimated S1 [95% CI]':>26} {'ST [95% CI]':>24}")
    for name, row in indices.iterrows():
        s1 = f"{exact[name]:.4f}" if name in exact else "0 (none)"
        print(
            f"{name:36} {s1:>9} {row['S1']:>8.3f} [{row['S1_low']:.3f}, {row['S1_high']:.3f}]"
            f"      {row['ST']:>7.3f} [{row['ST_low']:.3f}, {row['ST_high']:.3f}]"
        )


if __name__ == "__main__":
    main()
