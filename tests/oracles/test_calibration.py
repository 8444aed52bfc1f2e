"""Coverage of the confidence intervals on zero-inflated, rare-event availability.

Three NAT Gateways (one per AZ) fail as independent two-state Markov
processes (exponential times between failures and repairs), every pod needs
egress and the horizon is 30 days, so a third or more of the replications see
no NAT failure at all: the per-replication availabilities are a spike at 100 %
plus a skewed tail. The expected value over a finite horizon starting with
every gateway up has a closed form, so the coverage of the 95 % interval can
be counted over many independent experiments (disjoint blocks of
replications, fixed seeds) and compared with the binomial band of 95 %.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from innovate_sim.experiments import simulate
from innovate_sim.experiments.stats import estimate, interval_note
from innovate_sim.scenario import load_scenario, scenario_from_dict

VALIDATION = Path(__file__).resolve().parents[2] / "scenarios" / "validation"
HORIZON_H = 720.0
REPAIR_H = 5.0
EXPERIMENTS = 100
METRICS = ("request_availability", "time_availability", "egress_availability")


def _mean_of_exponentials(rates: list[tuple[float, float]], horizon: float) -> float:
    """(1/T) ∫₀ᵀ Σ cᵢ e^{−kᵢ t} dt for terms (cᵢ, kᵢ)."""
    total = 0.0
    for coefficient, rate in rates:
        total += coefficient * (horizon if rate == 0 else (1 - math.exp(-rate * horizon)) / rate)
    return total / horizon


def exact_availabilities(mtbf_h: float) -> dict[str, float]:
    """Expected request, time and egress availability over the horizon, all gateways up at 0.

    One gateway is up at t with p(t) = A + (1 − A) e^{−rt}, A = μ/(λ + μ),
    r = λ + μ. With 3 replicas (one per AZ) serving flat demand, a gateway
    down loses its AZ's third of the requests: request (and egress)
    availability is the mean of p(t); time availability (at least 99 % of
    requests served) needs all three up: the mean of p(t)³.
    """
    fail, repair = 1.0 / mtbf_h, 1.0 / REPAIR_H
    a = repair / (fail + repair)
    c, r = 1.0 - a, fail + repair
    one = _mean_of_exponentials([(a, 0.0), (c, r)], HORIZON_H)
    three = _mean_of_exponentials(
        [(a**3, 0.0), (3 * a**2 * c, r), (3 * a * c**2, 2 * r), (c**3, 3 * r)], HORIZON_H
    )
    return {
        "request_availability": one,
        "time_availability": three,
        "egress_availability": one,
    }


def _scenario(mtbf_h: float) -> object:
    data = load_scenario(VALIDATION / "nat-per-az.yaml").model_dump(mode="json", exclude_none=True)
    data.pop("extends", None)
    data["horizon"] = f"{HORIZON_H:g}h"
    data["failures"]["az_outage"] = {"rate": 0}
    data["failures"]["nat_gateway"] = {
        "rate": f"1/{mtbf_h:g}h",
        "duration": {"dist": "exponential", "mean": f"{REPAIR_H:g}h"},
    }
    return scenario_from_dict(data)


def _student_t(values: np.ndarray) -> tuple[float, float]:
    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / math.sqrt(values.size)
    return values.mean() - half, values.mean() + half


def coverage(mtbf_h: float, per_experiment: int, seed: int) -> dict[str, tuple[int, int, int, int]]:
    """Per metric: experiments whose 95 % interval covers the exact value, intervals flagged
    by ``ci_note``, experiments a plain Student-t interval covers (for comparison), and
    experiments covered among the intervals not flagged.
    """
    exact = exact_availabilities(mtbf_h)
    result = simulate(_scenario(mtbf_h), EXPERIMENTS * per_experiment, seed)  # type: ignore[arg-type]
    table = result.availability.sort_values("replication")
    out = {}
    for metric in METRICS:
        blocks = table[metric].to_numpy().reshape(EXPERIMENTS, per_experiment)
        covered = flagged = student = trusted_covered = 0
        for values in blocks:
            est = estimate(values, 0.95, (0.0, 1.0))
            hit = est.ci_low <= exact[metric] <= est.ci_high
            covered += hit
            note = bool(interval_note(values, 1.0))
            flagged += note
            trusted_covered += hit and not note
            low, high = _student_t(values)
            student += low <= exact[metric] <= high
        out[metric] = (covered, flagged, student, trusted_covered)
    return out


def _band() -> tuple[int, int]:
    """Central 95 % range of the number of covering intervals out of EXPERIMENTS."""
    low, high = stats.binom.ppf([0.025, 0.975], EXPERIMENTS, 0.95)
    return int(low), int(high)


def test_exact_values_agree_with_a_long_run() -> None:
    # the closed form is the expectation the coverage is counted against
    result = simulate(_scenario(2000.0), 400, 99)  # type: ignore[arg-type]
    exact = exact_availabilities(2000.0)
    for metric in METRICS:
        values = result.availability[metric].to_numpy()
        assert abs(values.mean() - exact[metric]) <= 4 * values.std(ddof=1) / math.sqrt(400)


def test_coverage_on_zero_inflated_availability() -> None:
    # about 36 % of 30-day replications see no NAT failure; 10 replications per experiment
    low, high = _band()
    for metric, (covered, _flagged, student, _trusted) in coverage(2000.0, 10, 2026).items():
        assert low <= covered <= high, (metric, covered, (low, high))
        assert student < covered  # the plain t interval is the one that falls short


@pytest.mark.slow
def test_coverage_on_rare_events() -> None:
    # about 77 % of replications see no failure; 20 replications per experiment
    low, high = _band()
    for metric, (covered, flagged, _student, _trusted) in coverage(8000.0, 20, 7).items():
        assert low <= covered <= high, (metric, covered, flagged, (low, high))


def test_zero_width_interval_is_flagged() -> None:
    values = np.ones(20)
    est = estimate(values, 0.95, (0.0, 1.0))
    assert est.ci_low == est.ci_high == 1.0
    assert "no replication of 20 saw a loss" in interval_note(values, 1.0)
    assert "only 2 of 20" in interval_note(np.r_[np.ones(18), 0.99, 0.98], 1.0)
    assert interval_note(np.r_[np.ones(17), 0.99, 0.98, 0.97], 1.0) == ""
