"""Pareto efficiency claimed only where paired differences lie outside their intervals."""

from __future__ import annotations

import numpy as np

from innovate_sim.experiments.pareto import pareto_status

REPLICATIONS = range(10)


def _variant(cost: float, availability: float, noise: float, seed: int) -> tuple[dict, dict]:
    """Per-replication figures: a common failure history (seed 0) plus the variant's own noise."""
    common = np.random.default_rng(0).normal(0, 1e-4, len(REPLICATIONS))
    own = np.random.default_rng(seed).normal(0, noise, len(REPLICATIONS))
    costs = {r: cost + 5 * own[r] for r in REPLICATIONS}
    avail = {r: availability + common[r] + own[r] for r in REPLICATIONS}
    return costs, avail


def test_a_clear_trade_off_is_efficient_and_a_costlier_twin_is_dominated() -> None:
    cheap = _variant(100.0, 0.9990, 1e-7, 1)
    robust = _variant(150.0, 0.9999, 1e-7, 2)
    twin = _variant(160.0, 0.9990, 1e-7, 3)  # dearer than cheap, no more available
    status = pareto_status(*zip(cheap, robust, twin, strict=True))
    assert status == ["efficient", "efficient", "dominated"]


def test_an_advantage_inside_the_noise_is_not_distinguishable() -> None:
    cheap = _variant(100.0, 0.9990, 1e-7, 1)
    # a little dearer and a hair more available on average, but within its own noise
    hair = _variant(110.0, 0.99901, 1e-4, 2)
    status = pareto_status(*zip(cheap, hair, strict=True))
    assert status[0] == "efficient"  # cheaper, and that is outside the interval
    assert status[1] == "not distinguishable"


def test_one_replication_distinguishes_nothing() -> None:
    a = ({0: 100.0}, {0: 0.999})
    b = ({0: 120.0}, {0: 0.9999})
    assert pareto_status(*zip(a, b, strict=True)) == ["not distinguishable"] * 2
