"""Closed-form steady-state availability of repairable units and their compositions.

These are the textbook results listed in ``reference/AVAILABILITY.md`` §7
(alternating renewal processes and birth-death Markov chains; see
MIL-HDBK-338B §10.7 and Epstein & Weissman, *Mathematical Models for Systems
Reliability*, ch. 5-7). The AWS whitepaper *Availability and Beyond*
(Eqs. 2, 4, 5 and 7) gives special cases and an approximation.

Notation used throughout: a unit fails after an up time of mean ``mtbf_h`` and
is repaired after a down time of mean ``mttr_h``; λ = 1/MTBF and μ = 1/MTTR
(per hour); the unit availability is a = MTBF/(MTBF + MTTR) and U = 1 − a.
All availabilities are fractions in [0, 1] (0.9995, not 99.95), all times are
in hours unless a name says otherwise, and rates are per hour.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from innovate_sim.oracles._checks import (
    check_availability,
    check_count,
    check_k_of_n,
    check_non_negative,
    check_positive_h,
)
from innovate_sim.units import MINUTES_PER_YEAR

__all__ = [
    "down_episode_rate",
    "downtime_hours_per",
    "downtime_minutes_per_year",
    "k_of_n",
    "k_of_n_repair_crews",
    "k_of_n_state_probabilities",
    "mean_down_episode_h",
    "parallel",
    "series",
    "sparing_approximation",
    "unit_availability",
]

#: Above this many units ``math.comb(n, j)`` can overflow a float; the binomial
#: is then evaluated in log space.
_MAX_EXACT_N = 1000


def unit_availability(mtbf_h: float, mttr_h: float) -> float:
    """Steady-state availability of one repairable unit: MTBF / (MTBF + MTTR).

    This is AVAILABILITY.md §7.1 (whitepaper Eq. 2). It holds for *any* up-time
    and repair-time distributions with these means (alternating renewal
    process), not only exponential ones.

    Args:
        mtbf_h: mean time between failures (mean up time), hours, > 0.
        mttr_h: mean time to repair or recover, including detection, hours, > 0.

    Returns:
        The long-run fraction of time the unit is up, in (0, 1).

    Raises:
        ValueError: a time is not a finite positive number of hours.
    """
    mtbf = check_positive_h("mtbf_h", mtbf_h)
    mttr = check_positive_h("mttr_h", mttr_h)
    return mtbf / (mtbf + mttr)


def series(*availabilities: float) -> float:
    """Availability of independent units that must all be up: A = Π aᵢ.

    AVAILABILITY.md §7.2 (whitepaper Eq. 4, the "theoretical maximum" for hard
    dependencies).

    Args:
        *availabilities: availability of each unit, fractions in [0, 1]; at
            least one.

    Returns:
        The probability that every unit is up at a random instant.

    Raises:
        ValueError: no availability given, or one outside [0, 1].
    """
    values = _check_availabilities("series", availabilities)
    return math.prod(values)


def parallel(*availabilities: float) -> float:
    """Availability of independent redundant units of which one suffices.

    A = 1 − Π (1 − aᵢ) (whitepaper Eq. 5; 1-of-n with independent repair).

    Args:
        *availabilities: availability of each unit, fractions in [0, 1]; at
            least one.

    Returns:
        The probability that at least one unit is up at a random instant.

    Raises:
        ValueError: no availability given, or one outside [0, 1].
    """
    values = _check_availabilities("parallel", availabilities)
    return 1.0 - math.prod(1.0 - value for value in values)


def k_of_n(k: int, n: int, a: float) -> float:
    """Availability of a k-out-of-n system of identical, independent units.

    A = Σ_{j=k..n} C(n, j) aʲ (1 − a)ⁿ⁻ʲ (AVAILABILITY.md §7.3). Each unit has
    its own repair (one crew per unit), so each is an independent alternating
    renewal process and the result depends on the repair-time distribution
    only through its mean: exponential and fixed repair give the same value.

    Args:
        k: number of units that must be up, 1 <= k <= n.
        n: number of units.
        a: availability of one unit, a fraction in [0, 1].

    Returns:
        The probability that at least ``k`` of the ``n`` units are up.

    Raises:
        ValueError: ``k`` or ``n`` not integers with 1 <= k <= n, or ``a``
            outside [0, 1].
    """
    k, n = check_k_of_n(k, n)
    a = check_availability("a", a)
    pmf_failed = _binomial_failed_pmf(n, a, 1.0 - a)
    return _clip(math.fsum(pmf_failed[: n - k + 1]))


def k_of_n_state_probabilities(
    n: int, mtbf_h: float, mttr_h: float, crews: int | None = None
) -> npt.NDArray[np.float64]:
    """Steady-state distribution of the number of failed units among n.

    Birth-death Markov chain of AVAILABILITY.md §7.4 with exponential up and
    repair times: in state j (j units failed) failures occur at rate
    (n − j)·λ and repairs complete at rate min(j, crews)·μ, so

        π_j ∝ Π_{i=0..j−1} (n − i)·λ / (min(i + 1, crews)·μ).

    With ``crews=None`` (or ``crews >= n``) every failed unit is repaired at
    once and π is the binomial C(n, j) Uʲ aⁿ⁻ʲ, valid for any repair-time
    distribution with mean ``mttr_h``. With fewer crews than units the result
    depends on the distributions; it is exact only for exponential ones.

    Args:
        n: number of identical units, >= 1.
        mtbf_h: mean time between failures of one unit, hours, > 0.
        mttr_h: mean repair time of one unit by one crew, hours, > 0.
        crews: number of repair crews working in parallel (one unit each),
            >= 1; ``None`` means one crew per unit (independent repair).

    Returns:
        Array of length ``n + 1``; element j is the long-run probability that
        exactly j units are failed. It sums to 1.

    Raises:
        ValueError: a count is not an integer >= 1 or a time is not > 0.
    """
    n = check_count("n", n)
    mtbf = check_positive_h("mtbf_h", mtbf_h)
    mttr = check_positive_h("mttr_h", mttr_h)
    if crews is None:
        a = mtbf / (mtbf + mttr)
        u = mttr / (mtbf + mttr)  # not 1 - a: keeps relative precision when U is tiny
        return np.asarray(_binomial_failed_pmf(n, a, u), dtype=np.float64)
    r = check_count("crews", crews)
    ratio = mttr / mtbf  # λ/μ
    # Products of n ratios can leave float range for large n; sum logs instead.
    log_weights = np.zeros(n + 1)
    for j in range(1, n + 1):
        log_weights[j] = log_weights[j - 1] + math.log((n - j + 1) * ratio / min(j, r))
    weights = np.exp(log_weights - log_weights.max())
    return weights / weights.sum()


def k_of_n_repair_crews(k: int, n: int, mtbf_h: float, mttr_h: float, crews: int) -> float:
    """Availability of a k-out-of-n system whose failed units share repair crews.

    A = Σ_{j=0..n−k} π_j with π from :func:`k_of_n_state_probabilities`
    (AVAILABILITY.md §7.4). ``crews=1`` is the classic single-repairman model;
    ``crews >= n`` equals :func:`k_of_n` with ``a = MTBF/(MTBF + MTTR)``.
    Exponential up and repair times are assumed: with ``crews < n`` the answer
    is not insensitive to the distributions, so use it as an oracle for the
    exponential case only.

    Args:
        k: number of units that must be up, 1 <= k <= n.
        n: number of identical units.
        mtbf_h: mean time between failures of one unit, hours, > 0.
        mttr_h: mean repair time of one unit by one crew, hours, > 0.
        crews: number of repair crews, >= 1 (more than ``n`` acts as ``n``).

    Returns:
        The long-run probability that at least ``k`` units are up.

    Raises:
        ValueError: invalid counts or times.
    """
    k, n = check_k_of_n(k, n)
    if crews is None:  # a common slip; the signature asks for a number
        raise ValueError("crews must be an integer >= 1; use k_of_n() for independent repair")
    pi = k_of_n_state_probabilities(n, mtbf_h, mttr_h, crews)
    return _clip(math.fsum(pi[: n - k + 1]))


def down_episode_rate(
    k: int, n: int, mtbf_h: float, mttr_h: float, crews: int | None = None
) -> float:
    """Long-run frequency of system-down episodes of a k-out-of-n system.

    ν = π_{n−k} · k · λ (AVAILABILITY.md §7.5): the system goes down when one
    of the k units left up fails while exactly k are up. With ``crews=None``
    (independent repair) this also holds for non-exponential repair times,
    because each unit is an independent alternating renewal process; with
    shared crews it assumes exponential times.

    Args:
        k: number of units that must be up, 1 <= k <= n.
        n: number of identical units.
        mtbf_h: mean time between failures of one unit, hours, > 0.
        mttr_h: mean repair time of one unit by one crew, hours, > 0.
        crews: number of repair crews, >= 1; ``None`` means one per unit.

    Returns:
        Down episodes per hour (multiply by ``HOURS_PER_YEAR`` for per year).

    Raises:
        ValueError: invalid counts or times.
    """
    k, n = check_k_of_n(k, n)
    pi = k_of_n_state_probabilities(n, mtbf_h, mttr_h, crews)
    return float(pi[n - k]) * k / float(mtbf_h)


def mean_down_episode_h(
    k: int, n: int, mtbf_h: float, mttr_h: float, crews: int | None = None
) -> float:
    """Mean duration of one system-down episode of a k-out-of-n system.

    (1 − A) / ν, where ν is :func:`down_episode_rate` (AVAILABILITY.md §7.5).
    For example a 1-of-n system with independent exponential repair is down
    for MTTR/n on average (the first of n repairs to finish), and with one
    crew for MTTR.

    Args:
        k: number of units that must be up, 1 <= k <= n.
        n: number of identical units.
        mtbf_h: mean time between failures of one unit, hours, > 0.
        mttr_h: mean repair time of one unit by one crew, hours, > 0.
        crews: number of repair crews, >= 1; ``None`` means one per unit.

    Returns:
        Mean length of a down episode, hours.

    Raises:
        ValueError: invalid counts or times.
    """
    k, n = check_k_of_n(k, n)
    pi = k_of_n_state_probabilities(n, mtbf_h, mttr_h, crews)
    unavailability = math.fsum(pi[n - k + 1 :])
    rate_per_h = float(pi[n - k]) * k / float(mtbf_h)
    if rate_per_h == 0.0:
        raise ValueError(f"down episodes of {k}-of-{n} are too rare to evaluate in floating point")
    return unavailability / rate_per_h


def sparing_approximation(n: int, spares: int, a: float) -> float:
    """The AWS whitepaper's approximation for n units of which ``spares`` may fail.

    A ≈ 1 − f·(1 − a)^(s+1) with f = C(n, s + 1) failure modes (whitepaper
    *Availability and Beyond*, Eqs. 6-7, after Highleyman et al.). It keeps
    only the leading term of the exact :func:`k_of_n` with ``k = n − spares``,
    so it slightly underestimates A; it is exact for 1-of-n (``spares = n − 1``).

    Args:
        n: number of units, >= 1.
        spares: number of units that may fail, 0 <= spares < n.
        a: availability of one unit, a fraction in [0, 1].

    Returns:
        The approximate availability (may fall below 0 if ``a`` is small, as
        the formula does).

    Raises:
        ValueError: invalid counts or availability.
    """
    n = check_count("n", n)
    spares = check_count("spares", spares, minimum=0)
    if spares >= n:
        raise ValueError(f"spares must be between 0 and n - 1; got spares={spares}, n={n}")
    a = check_availability("a", a)
    return 1.0 - math.comb(n, spares + 1) * (1.0 - a) ** (spares + 1)


def downtime_minutes_per_year(a: float) -> float:
    """Expected downtime per 365-day year: (1 − A) × 525 600 minutes.

    Args:
        a: availability, a fraction in [0, 1].

    Returns:
        Minutes of downtime per year.

    Raises:
        ValueError: ``a`` outside [0, 1].
    """
    return (1.0 - check_availability("a", a)) * MINUTES_PER_YEAR


def downtime_hours_per(a: float, horizon_h: float) -> float:
    """Expected downtime over a horizon: (1 − A) × horizon.

    Args:
        a: availability, a fraction in [0, 1].
        horizon_h: length of the period, hours, >= 0 (730 for a month,
            8760 for a year, 1e5 for the AVAILABILITY.md §7 table).

    Returns:
        Hours of downtime over the horizon.

    Raises:
        ValueError: ``a`` outside [0, 1] or a negative horizon.
    """
    a = check_availability("a", a)
    return (1.0 - a) * check_non_negative("horizon_h", horizon_h, "hours")


def _check_availabilities(function: str, availabilities: tuple[float, ...]) -> list[float]:
    if not availabilities:
        raise ValueError(f"{function}() needs at least one availability")
    return [
        check_availability(f"availabilities[{index}]", value)
        for index, value in enumerate(availabilities)
    ]


def _binomial_failed_pmf(n: int, a: float, u: float) -> list[float]:
    """P(exactly j of n independent units are failed), j = 0..n.

    ``u`` is passed separately from ``a`` so that callers who know U more
    precisely than ``1 - a`` can keep it.
    """
    if a == 1.0 or u == 0.0:
        return [1.0] + [0.0] * n
    if a == 0.0 or u == 1.0:
        return [0.0] * n + [1.0]
    if n <= _MAX_EXACT_N:
        return [math.comb(n, j) * u**j * a ** (n - j) for j in range(n + 1)]
    log_a, log_u, log_n_fact = math.log(a), math.log(u), math.lgamma(n + 1)
    return [
        math.exp(
            log_n_fact - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * log_u + (n - j) * log_a
        )
        for j in range(n + 1)
    ]


def _clip(probability: float) -> float:
    # Rounding can push a sum of probabilities a few ulps past 1.
    return min(1.0, max(0.0, probability))
