"""Tests of the analytic oracles against AVAILABILITY.md §7 and independent derivations."""

from __future__ import annotations

import inspect
import itertools
import math
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import innovate_sim.oracles as oracles
from innovate_sim.oracles import (
    down_episode_rate,
    downtime_hours_per,
    downtime_minutes_per_year,
    egress_availability,
    egress_request_availability,
    failover_availability,
    failover_downtime_min_per_year,
    failover_rate,
    k_of_n,
    k_of_n_repair_crews,
    k_of_n_state_probabilities,
    mean_down_episode_h,
    parallel,
    per_az_egress_fraction,
    series,
    sparing_approximation,
    unit_availability,
)
from innovate_sim.units import HOURS_PER_MONTH, HOURS_PER_YEAR, SECONDS_PER_HOUR

MTBF_H = 1000.0
MTTR_H = 10.0
A_UNIT = MTBF_H / (MTBF_H + MTTR_H)


def assert_printed(value: float, printed: str) -> None:
    """Assert that ``value`` rounds to ``printed`` at the precision it is printed with."""
    exponent = Decimal(printed).as_tuple().exponent
    assert isinstance(exponent, int)
    decimals = -exponent
    half_ulp = 0.5 * 10.0**-decimals
    assert abs(value - float(printed)) <= half_ulp * (1 + 1e-9), (value, printed)


# ---------------------------------------------------------------------------
# AVAILABILITY.md §7: the numeric oracle table (MTBF = 1000 h, MTTR = 10 h)
# ---------------------------------------------------------------------------

TABLE: list[tuple[str, Callable[[], float], str, str | None, str]] = [
    ("1 unit", lambda: unit_availability(MTBF_H, MTTR_H), "0.9900990", "990.1", "5204"),
    ("1-of-2 independent", lambda: k_of_n(1, 2, A_UNIT), "0.99990197", "9.803", "51.5"),
    (
        "1-of-2 one crew",
        lambda: k_of_n_repair_crews(1, 2, MTBF_H, MTTR_H, crews=1),
        "0.99980396",
        "19.60",
        "103.0",
    ),
    ("2-of-3 independent", lambda: k_of_n(2, 3, A_UNIT), "0.99970785", "29.215", "153.55"),
    (
        "2-of-3 one crew",
        lambda: k_of_n_repair_crews(2, 3, MTBF_H, MTTR_H, crews=1),
        "0.99941200",
        "58.80",
        "309.1",
    ),
    (
        "1-of-2 plus 90 s outage per primary failure",
        lambda: failover_availability(MTBF_H, MTTR_H, failover_h=90 / SECONDS_PER_HOUR),
        "0.99987746",
        "12.254",
        "64.4",
    ),
    ("whitepaper alpha=0.995, 1-of-3", lambda: k_of_n(1, 3, 0.995), "0.999999875", None, "0.066"),
]


@pytest.mark.parametrize(
    ("system", "oracle", "availability", "downtime_per_1e5_h", "min_per_year"),
    TABLE,
    ids=[row[0] for row in TABLE],
)
def test_numeric_oracle_table(
    system: str,
    oracle: Callable[[], float],
    availability: str,
    downtime_per_1e5_h: str | None,
    min_per_year: str,
) -> None:
    a = oracle()
    assert_printed(a, availability)
    if downtime_per_1e5_h is not None:
        assert_printed(downtime_hours_per(a, 1e5), downtime_per_1e5_h)
    assert_printed(downtime_minutes_per_year(a), min_per_year)


def test_two_of_three_independent_via_repair_crews_matches_table() -> None:
    # Three crews for three units is independent repair.
    assert_printed(k_of_n_repair_crews(2, 3, MTBF_H, MTTR_H, crews=3), "0.99970785")


def test_unit_availability_table_values() -> None:
    assert_printed(unit_availability(MTBF_H, MTTR_H), "0.990099")
    assert_printed(1 - unit_availability(MTBF_H, MTTR_H), "0.00990099")


# ---------------------------------------------------------------------------
# AWS whitepaper "Availability and Beyond" (AVAILABILITY.md §3)
# ---------------------------------------------------------------------------


def test_whitepaper_eq5_two_redundant_99_percent_subsystems() -> None:
    assert parallel(0.99, 0.99) == pytest.approx(0.9999, abs=1e-15)


def test_whitepaper_two_spares_worked_example() -> None:
    exact = k_of_n(1, 3, 0.995)
    approx = sparing_approximation(n=3, spares=2, a=0.995)
    assert_printed(exact, "0.999999875")
    assert approx == pytest.approx(exact, abs=1e-15)  # Eq. 7 is exact for 1-of-n
    seconds_per_year = downtime_minutes_per_year(exact) * 60
    assert_printed(seconds_per_year, "3.94")


def test_whitepaper_eq7_against_exact_two_of_three() -> None:
    # AVAILABILITY.md §3.3: Eq. 7 gives 0.9997059, the exact binomial 0.9997079.
    approx = sparing_approximation(n=3, spares=1, a=A_UNIT)
    exact = k_of_n(2, 3, A_UNIT)
    assert_printed(approx, "0.9997059")
    assert_printed(exact, "0.9997079")
    assert approx < exact


@given(
    n=st.integers(1, 12),
    data=st.data(),
    a=st.floats(0.9, 1.0),
)
def test_whitepaper_eq7_is_leading_term_of_exact(n: int, data: st.DataObject, a: float) -> None:
    spares = data.draw(st.integers(0, n - 1))
    exact_u = 1 - k_of_n(n - spares, n, a)
    approx_u = 1 - sparing_approximation(n, spares, a)
    # The leading term of the exact unavailability; the rest is O(U^(s+2)).
    assert approx_u >= exact_u - 1e-15
    u = 1 - a
    bound = math.comb(n, spares + 1) * u ** (spares + 1) * (1 - a ** (n - spares - 1))
    assert approx_u - exact_u <= bound + 1e-15


# ---------------------------------------------------------------------------
# k-of-n: identities and the explicit CTMC
# ---------------------------------------------------------------------------


@given(values=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6))
def test_series_and_parallel_are_products(values: list[float]) -> None:
    assert series(*values) == pytest.approx(math.prod(values), abs=1e-15)
    assert parallel(*values) == pytest.approx(1 - math.prod(1 - v for v in values), abs=1e-15)
    # 1 - (1 - a) may lose an ulp, hence the slack on the parallel side.
    assert 0.0 <= series(*values) <= min(values)
    assert max(values) <= parallel(*values) + 1e-15
    assert parallel(*values) <= 1.0


@given(n=st.integers(1, 10), a=st.floats(0.0, 1.0))
def test_series_and_parallel_are_n_of_n_and_1_of_n(n: int, a: float) -> None:
    assert k_of_n(n, n, a) == pytest.approx(series(*[a] * n), abs=1e-12)
    assert k_of_n(1, n, a) == pytest.approx(parallel(*[a] * n), abs=1e-12)


@given(n=st.integers(1, 10), data=st.data(), a=st.floats(0.0, 1.0))
def test_k_of_n_is_monotone_in_k(n: int, data: st.DataObject, a: float) -> None:
    k = data.draw(st.integers(1, n))
    value = k_of_n(k, n, a)
    assert 0.0 <= value <= 1.0
    if k > 1:
        assert k_of_n(k - 1, n, a) >= value - 1e-15


times_h = st.floats(0.01, 1e5)


@given(
    n=st.integers(1, 10),
    data=st.data(),
    mtbf_h=times_h,
    mttr_h=times_h,
    extra_crews=st.integers(0, 3),
)
def test_crews_equal_to_n_is_independent_repair(
    n: int, data: st.DataObject, mtbf_h: float, mttr_h: float, extra_crews: int
) -> None:
    k = data.draw(st.integers(1, n))
    a = unit_availability(mtbf_h, mttr_h)
    independent = k_of_n(k, n, a)
    assert k_of_n_repair_crews(k, n, mtbf_h, mttr_h, crews=n + extra_crews) == pytest.approx(
        independent, abs=1e-12
    )
    np.testing.assert_allclose(
        k_of_n_state_probabilities(n, mtbf_h, mttr_h, crews=n + extra_crews),
        k_of_n_state_probabilities(n, mtbf_h, mttr_h, crews=None),
        rtol=1e-9,
        atol=1e-300,
    )


@given(n=st.integers(2, 8), data=st.data(), mtbf_h=times_h, mttr_h=times_h)
def test_more_crews_never_hurt(n: int, data: st.DataObject, mtbf_h: float, mttr_h: float) -> None:
    k = data.draw(st.integers(1, n))
    values = [k_of_n_repair_crews(k, n, mtbf_h, mttr_h, crews=r) for r in range(1, n + 1)]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(values))


def ctmc_generator(n: int, mtbf_h: float, mttr_h: float, crews: int) -> np.ndarray:
    """Generator Q of the number-failed chain, built state by state."""
    lam, mu = 1 / mtbf_h, 1 / mttr_h
    q = np.zeros((n + 1, n + 1))
    for j in range(n + 1):
        if j < n:
            q[j, j + 1] = (n - j) * lam
        if j > 0:
            q[j, j - 1] = min(j, crews) * mu
        q[j, j] = -q[j].sum()
    return q


def solve_stationary(q: np.ndarray) -> np.ndarray:
    """Solve π Q = 0 with Σ π = 1 by replacing one balance equation with normalisation."""
    size = q.shape[0]
    lhs = q.T.copy()
    lhs[-1, :] = 1.0
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    return np.linalg.solve(lhs, rhs)


@settings(max_examples=200)
@given(
    n=st.integers(1, 8),
    data=st.data(),
    mtbf_h=st.floats(1.0, 1e4),
    mttr_h=st.floats(0.1, 1e3),
)
def test_repair_crews_match_explicit_ctmc(
    n: int, data: st.DataObject, mtbf_h: float, mttr_h: float
) -> None:
    k = data.draw(st.integers(1, n), label="k")
    crews = data.draw(st.integers(1, n + 1), label="crews")
    q = ctmc_generator(n, mtbf_h, mttr_h, crews)
    pi_numeric = solve_stationary(q)

    pi = k_of_n_state_probabilities(n, mtbf_h, mttr_h, crews)
    assert pi.shape == (n + 1,)
    assert pi.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(pi, pi_numeric, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(pi @ q, 0.0, atol=1e-12 * np.abs(q).max())

    a_numeric = pi_numeric[: n - k + 1].sum()
    assert k_of_n_repair_crews(k, n, mtbf_h, mttr_h, crews) == pytest.approx(a_numeric, abs=1e-9)

    # Episode rate = probability flux from the up states to the down states.
    up = np.arange(n + 1) <= n - k
    flux = float(pi_numeric[up] @ q[np.ix_(up, ~up)].sum(axis=1))
    assert down_episode_rate(k, n, mtbf_h, mttr_h, crews) == pytest.approx(flux, rel=1e-6)


def test_table_cases_match_explicit_ctmc() -> None:
    for k, n, crews, printed in [(1, 2, 1, "0.99980396"), (2, 3, 1, "0.99941200")]:
        pi = solve_stationary(ctmc_generator(n, MTBF_H, MTTR_H, crews))
        assert_printed(float(pi[: n - k + 1].sum()), printed)


# ---------------------------------------------------------------------------
# Down episodes (AVAILABILITY.md §7.5)
# ---------------------------------------------------------------------------


@given(
    n=st.integers(1, 10),
    data=st.data(),
    mtbf_h=times_h,
    mttr_h=times_h,
    crews=st.one_of(st.none(), st.integers(1, 10)),
)
def test_episode_rate_times_duration_is_unavailability(
    n: int, data: st.DataObject, mtbf_h: float, mttr_h: float, crews: int | None
) -> None:
    k = data.draw(st.integers(1, n))
    a = (
        k_of_n(k, n, unit_availability(mtbf_h, mttr_h))
        if crews is None
        else k_of_n_repair_crews(k, n, mtbf_h, mttr_h, crews)
    )
    rate = down_episode_rate(k, n, mtbf_h, mttr_h, crews)
    duration = mean_down_episode_h(k, n, mtbf_h, mttr_h, crews)
    assert rate > 0 and duration > 0
    assert rate * duration == pytest.approx(1 - a, rel=1e-9, abs=1e-15)


@given(n=st.integers(1, 10), mtbf_h=times_h, mttr_h=times_h)
def test_one_of_n_down_episode_durations(n: int, mtbf_h: float, mttr_h: float) -> None:
    # Independent exponential repair: the first of n repairs ends the episode.
    assert mean_down_episode_h(1, n, mtbf_h, mttr_h) == pytest.approx(mttr_h / n, rel=1e-9)
    # One crew: the episode ends when that crew's (memoryless) repair does.
    assert mean_down_episode_h(1, n, mtbf_h, mttr_h, crews=1) == pytest.approx(mttr_h, rel=1e-9)


def test_down_episode_rate_single_unit_and_table_case() -> None:
    # One unit: one episode per MTBF + MTTR.
    assert down_episode_rate(1, 1, MTBF_H, MTTR_H) == pytest.approx(1 / (MTBF_H + MTTR_H))
    assert mean_down_episode_h(1, 1, MTBF_H, MTTR_H) == pytest.approx(MTTR_H)
    # 1-of-2 independent: ν = 2aU·λ, episodes last MTTR/2.
    nu = 2 * A_UNIT * (1 - A_UNIT) / MTBF_H
    assert down_episode_rate(1, 2, MTBF_H, MTTR_H) == pytest.approx(nu, rel=1e-12)
    assert mean_down_episode_h(1, 2, MTBF_H, MTTR_H) == pytest.approx(5.0, rel=1e-12)


# ---------------------------------------------------------------------------
# Failover (AVAILABILITY.md §7.6)
# ---------------------------------------------------------------------------


def test_failover_example_from_reference() -> None:
    per_year = failover_rate(MTBF_H, MTTR_H) * HOURS_PER_YEAR
    assert_printed(per_year, "8.6")
    minutes = failover_downtime_min_per_year(per_year, 90 / SECONDS_PER_HOUR)
    assert_printed(minutes, "12.9")
    assert failover_downtime_min_per_year(8.6, 90 / SECONDS_PER_HOUR) == pytest.approx(12.9)
    # Against the 99.95 % SLA budget.
    assert_printed(downtime_minutes_per_year(0.9995), "262.8")


def test_failover_decomposes_into_both_down_plus_failovers() -> None:
    a = failover_availability(MTBF_H, MTTR_H, 90 / SECONDS_PER_HOUR)
    both_down_min = downtime_minutes_per_year(k_of_n(1, 2, A_UNIT))
    failover_min = failover_downtime_min_per_year(
        failover_rate(MTBF_H, MTTR_H) * HOURS_PER_YEAR, 90 / SECONDS_PER_HOUR
    )
    assert downtime_minutes_per_year(a) == pytest.approx(both_down_min + failover_min, rel=1e-12)


@given(mtbf_h=times_h, mttr_h=times_h, tau_h=st.floats(0.0, 1.0))
def test_failover_bounds(mtbf_h: float, mttr_h: float, tau_h: float) -> None:
    a1 = unit_availability(mtbf_h, mttr_h)
    without = failover_availability(mtbf_h, mttr_h, 0.0)
    assert without == pytest.approx(k_of_n(1, 2, a1), abs=1e-12)
    assert 0.0 <= failover_availability(mtbf_h, mttr_h, tau_h) <= without


# ---------------------------------------------------------------------------
# NAT egress
# ---------------------------------------------------------------------------


def brute_force_egress(az_a: float, nat_a: float, n_az: int, mode: str) -> tuple[float, float]:
    """Enumerate every up/down state of the AZs and NATs: (P(any egress), E[fraction])."""
    p_any = 0.0
    mean_fraction = 0.0
    n_nat = n_az if mode == "per_az" else 1
    for az_up in itertools.product((True, False), repeat=n_az):
        for nat_up in itertools.product((True, False), repeat=n_nat):
            prob = math.prod(az_a if up else 1 - az_a for up in az_up)
            prob *= math.prod(nat_a if up else 1 - nat_a for up in nat_up)
            if mode == "per_az":
                egress = [az_up[i] and nat_up[i] for i in range(n_az)]
            else:  # the single NAT lives in AZ 0
                egress = [az_up[i] and az_up[0] and nat_up[0] for i in range(n_az)]
            p_any += prob * any(egress)
            mean_fraction += prob * sum(egress) / n_az
    return p_any, mean_fraction


@given(
    az_a=st.floats(0.0, 1.0),
    nat_a=st.floats(0.0, 1.0),
    n_az=st.integers(1, 4),
    mode=st.sampled_from(["per_az", "single"]),
)
def test_egress_matches_enumeration(az_a: float, nat_a: float, n_az: int, mode: str) -> None:
    p_any, fraction = brute_force_egress(az_a, nat_a, n_az, mode)
    assert egress_availability(az_a, nat_a, n_az, mode) == pytest.approx(p_any, abs=1e-12)  # type: ignore[arg-type]
    assert per_az_egress_fraction(az_a, nat_a, n_az, mode) == pytest.approx(fraction, abs=1e-12)  # type: ignore[arg-type]


def brute_force_egress_requests(
    az_a: float, nat_a: float, n_az: int, mode: str, share: float
) -> float:
    """Enumerate AZ and NAT states: served share with one pod per up AZ, requests spread evenly."""
    served = 0.0
    n_nat = n_az if mode == "per_az" else 1 if mode == "single" else 0
    for az_up in itertools.product((True, False), repeat=n_az):
        for nat_up in itertools.product((True, False), repeat=n_nat):
            prob = math.prod(az_a if up else 1 - az_a for up in az_up)
            prob *= math.prod(nat_a if up else 1 - nat_a for up in nat_up)
            up = [i for i in range(n_az) if az_up[i]]
            if not up:
                continue
            if mode == "per_az":
                without = sum(1 for i in up if not nat_up[i])
            elif mode == "single":
                without = 0 if az_up[0] and nat_up[0] else len(up)
            else:
                without = len(up)
            served += prob * (1 - share * without / len(up))
    return served


@given(
    az_a=st.floats(0.0, 1.0),
    nat_a=st.floats(0.0, 1.0),
    n_az=st.integers(1, 4),
    mode=st.sampled_from(["per_az", "single", "none"]),
    share=st.floats(0.0, 1.0),
)
def test_egress_requests_match_enumeration(
    az_a: float, nat_a: float, n_az: int, mode: str, share: float
) -> None:
    expected = brute_force_egress_requests(az_a, nat_a, n_az, mode, share)
    actual = egress_request_availability(az_a, nat_a, n_az, mode, share)  # type: ignore[arg-type]
    assert actual == pytest.approx(expected, abs=1e-12)


def test_egress_request_availability_refuses_a_percentage_share() -> None:
    with pytest.raises(ValueError, match="egress_share"):
        egress_request_availability(1.0, 0.99, 3, "per_az", 40.0)


def test_egress_examples() -> None:
    az, nat = 0.999, 0.9999
    assert egress_availability(az, nat, 3, "per_az") == pytest.approx(1 - (1 - az * nat) ** 3)
    assert egress_availability(az, nat, 3, "single") == pytest.approx(az * nat)
    assert per_az_egress_fraction(az, nat, 3, "per_az") == pytest.approx(az * nat)
    assert per_az_egress_fraction(az, nat, 3, "single") == pytest.approx(
        az * nat * (1 + 2 * az) / 3
    )
    assert egress_availability(az, nat, 3, "none") == 0.0
    assert per_az_egress_fraction(az, nat, 3, "none") == 0.0
    # One AZ: the two layouts are the same thing.
    assert egress_availability(az, nat, 1, "per_az") == pytest.approx(
        egress_availability(az, nat, 1, "single")
    )
    # Per-AZ NAT beats a single NAT on both measures.
    assert egress_availability(az, nat, 3, "per_az") > egress_availability(az, nat, 3, "single")
    assert per_az_egress_fraction(az, nat, 3, "per_az") > per_az_egress_fraction(
        az, nat, 3, "single"
    )


# ---------------------------------------------------------------------------
# Downtime conversions (AVAILABILITY.md conversion table)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("availability", "per_month_min", "per_year_min"),
    [
        (0.995, "219.0", "2628"),
        (0.999, "43.8", "525.6"),
        (0.9995, "21.9", "262.8"),
        (0.9999, "4.38", "52.56"),
        (0.99999, "0.438", "5.256"),
    ],
)
def test_downtime_conversions(availability: float, per_month_min: str, per_year_min: str) -> None:
    assert_printed(downtime_hours_per(availability, HOURS_PER_MONTH) * 60, per_month_min)
    assert_printed(downtime_minutes_per_year(availability), per_year_min)
    assert downtime_hours_per(availability, HOURS_PER_YEAR) * 60 == pytest.approx(
        downtime_minutes_per_year(availability)
    )


# ---------------------------------------------------------------------------
# Large n, validation, public API
# ---------------------------------------------------------------------------


def test_large_n_stays_finite_and_matches_scipy() -> None:
    from scipy.stats import binom

    n, k, a = 1500, 1400, 0.95
    assert k_of_n(k, n, a) == pytest.approx(binom.cdf(n - k, n, 1 - a), rel=1e-9)
    pi = k_of_n_state_probabilities(n, 100.0, 5.0, crews=3)
    assert np.all(np.isfinite(pi)) and pi.sum() == pytest.approx(1.0)
    assert k_of_n_repair_crews(k, n, 100.0, 5.0, crews=n) == pytest.approx(
        k_of_n(k, n, unit_availability(100.0, 5.0)), rel=1e-9
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: unit_availability(0, 10), "mtbf_h"),
        (lambda: unit_availability(1000, -1), "mttr_h"),
        (lambda: unit_availability(math.inf, 10), "mtbf_h"),
        (lambda: unit_availability("1000h", 10), "mtbf_h"),  # type: ignore[arg-type]
        (lambda: series(), "at least one"),
        (lambda: parallel(0.9, 1.5), "between 0 and 1"),
        (lambda: series(99.95), "not a percentage"),
        (lambda: k_of_n(0, 3, 0.9), "k must"),
        (lambda: k_of_n(4, 3, 0.9), "k must"),
        (lambda: k_of_n(1, 0, 0.9), "n must"),
        (lambda: k_of_n(1.0, 3, 0.9), "k must"),  # type: ignore[arg-type]
        (lambda: k_of_n(True, 3, 0.9), "k must"),  # type: ignore[arg-type]
        (lambda: k_of_n(1, 3, math.nan), "between 0 and 1"),
        (lambda: k_of_n_repair_crews(1, 2, 1000, 10, crews=0), "crews"),
        (lambda: k_of_n_repair_crews(1, 2, 1000, 10, crews=None), "crews"),  # type: ignore[arg-type]
        (lambda: k_of_n_state_probabilities(2, 1000, 0, 1), "mttr_h"),
        (lambda: down_episode_rate(3, 2, 1000, 10), "k must"),
        (lambda: mean_down_episode_h(1, 2, 1000, 10, crews=0), "crews"),
        (lambda: sparing_approximation(3, 3, 0.99), "spares"),
        (lambda: failover_availability(1000, 10, -1), "failover_h"),
        (lambda: failover_downtime_min_per_year(-1, 0.025), "failovers_per_year"),
        (lambda: downtime_minutes_per_year(-0.1), "between 0 and 1"),
        (lambda: downtime_hours_per(0.99, -1), "horizon_h"),
        (lambda: egress_availability(0.99, 0.99, 0, "per_az"), "n_az"),
        (lambda: egress_availability(0.99, 0.99, 3, "per-az"), "mode"),  # type: ignore[arg-type]
        (lambda: per_az_egress_fraction(0.99, 1.01, 3, "single"), "nat_a"),
    ],
)
def test_invalid_inputs_raise_value_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_numpy_scalars_are_accepted_and_floats_returned() -> None:
    value = k_of_n(np.int64(2), np.int64(3), np.float64(A_UNIT))  # type: ignore[arg-type]
    assert type(value) is float
    crews = np.int32(1)
    value = k_of_n_repair_crews(2, 3, np.float64(MTBF_H), MTTR_H, crews)  # type: ignore[arg-type]
    assert type(value) is float


def test_all_is_honest() -> None:
    exported = set(oracles.__all__)
    assert len(exported) == len(oracles.__all__)
    for name in exported:
        assert hasattr(oracles, name), name
    for module in (oracles.availability, oracles.failover, oracles.egress):
        public = {
            name
            for name, obj in vars(module).items()
            if inspect.isfunction(obj)
            and not name.startswith("_")
            and obj.__module__ == module.__name__
        }
        assert public <= exported, public - exported
        assert set(module.__all__) <= exported


def test_oracles_do_not_import_simulation_or_dataframe_libraries() -> None:
    code = (
        "import sys, innovate_sim.oracles; "
        "print(sorted(m for m in ('simpy', 'pandas', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
