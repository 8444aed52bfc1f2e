"""Summary statistics over independent replications.

Confidence intervals are Student-t intervals on the mean of independent,
identically distributed replications: mean ± t(1 − α/2, n − 1) · s / √n,
clipped to the quantity's natural range. :func:`confidence_interval` is the one
place that computes it: the summary tables (:func:`estimate`) and the plots
(:func:`mean_ci`) both call it, so a figure and a table of the same run quote
the same interval. With one replication the interval is undefined and reported
as such.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "CI_METHOD",
    "FRACTION_RANGE",
    "NON_NEGATIVE",
    "PERCENT_RANGE",
    "UNBOUNDED",
    "Estimate",
    "confidence_interval",
    "estimate",
    "mean_ci",
    "natural_range",
    "replications_to_settle",
]

#: The range of a quantity that can take any real value.
UNBOUNDED = (-math.inf, math.inf)
#: The range of a fraction (availability).
FRACTION_RANGE = (0.0, 1.0)
#: The range of a fraction written in percent.
PERCENT_RANGE = (0.0, 100.0)
#: The range of a count, a duration or an amount of money.
NON_NEGATIVE = (0.0, math.inf)

CI_METHOD = (
    "Student-t interval on the mean of independent replications, clipped to the quantity's range"
)


@dataclass(frozen=True)
class Estimate:
    """Mean with a confidence interval and quantiles of a per-replication statistic."""

    mean: float
    ci_low: float
    ci_high: float
    std: float
    n: int
    p5: float
    p50: float
    p95: float
    confidence: float

    @property
    def half_width(self) -> float:
        return (self.ci_high - self.ci_low) / 2.0

    @property
    def standard_error(self) -> float:
        return self.std / math.sqrt(self.n) if self.n > 1 else math.nan

    @property
    def ci_defined(self) -> bool:
        return self.n > 1


def natural_range(unit: str) -> tuple[float, float]:
    """The range a summary figure in ``unit`` can take: [0, 1] for a fraction, else [0, ∞)."""
    return FRACTION_RANGE if unit == "fraction" else NON_NEGATIVE


def estimate(
    values: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    bounds: tuple[float, float] = UNBOUNDED,
) -> Estimate:
    """Mean, CI and quantiles of ``values`` (one value per replication).

    Args:
        values: one value per replication.
        confidence: level of the interval.
        bounds: the quantity's natural range (e.g. (0, 1) for a fraction,
            (0, inf) for minutes); the interval is clipped to it, since a
            t-interval on few replications can reach past it.
    """
    data = np.asarray(values, dtype=float)
    n = int(data.size)
    if n == 0:
        nan = math.nan
        return Estimate(nan, nan, nan, nan, 0, nan, nan, nan, confidence)
    mean = float(data.mean())
    p5, p50, p95 = (float(q) for q in np.quantile(data, [0.05, 0.5, 0.95]))
    if n == 1:
        return Estimate(mean, math.nan, math.nan, math.nan, 1, p5, p50, p95, confidence)
    std = float(data.std(ddof=1))
    low, high = confidence_interval(data, confidence, bounds)
    return Estimate(mean, low, high, std, n, p5, p50, p95, confidence)


def confidence_interval(
    data: np.ndarray, confidence: float = 0.95, bounds: tuple[float, float] = UNBOUNDED
) -> tuple[float, float]:
    """The confidence interval on the mean of ``data`` (one value per replication), clipped.

    The one place the interval is computed: the summary tables (:func:`estimate`)
    and the plots (:func:`mean_ci`) both call it.

    Args:
        data: one value per replication (with fewer than 2 the interval is (NaN, NaN)).
        confidence: two-sided level.
        bounds: the quantity's natural range (e.g. (0, 1) for a fraction,
            (0, inf) for minutes); a t-interval on few replications can reach past it.
    """
    n = int(data.size)
    if n < 2:
        return math.nan, math.nan
    mean = float(data.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * float(data.std(ddof=1))
    half /= math.sqrt(n)
    return max(mean - half, bounds[0]), min(mean + half, bounds[1])


def mean_ci(
    values: Iterable[float] | np.ndarray,
    confidence: float = 0.95,
    bounds: tuple[float, float] = UNBOUNDED,
) -> tuple[float, float, float]:
    """Mean of independent replications and its Student-t interval, as the plots draw it.

    The same interval as :func:`estimate` (both call :func:`confidence_interval`).
    NaN values are ignored.

    Args:
        values: one number per replication, in any unit (the interval is in
            the same unit).
        confidence: two-sided confidence level in (0, 1), default 0.95.
        bounds: the quantity's natural range in the values' unit (e.g. (0, 100)
            for a percentage); the interval is clipped to it.

    Returns:
        ``(mean, low, high)``. With a single value the interval is undefined
        and ``low`` and ``high`` are NaN; with identical values they equal the
        mean.

    Raises:
        ValueError: no (non-NaN) values, or ``confidence`` outside (0, 1).
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1); got {confidence!r}")
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
    array = array[~np.isnan(array)]
    if array.size == 0:
        raise ValueError("mean_ci needs at least one value; got none")
    return (float(array.mean()), *confidence_interval(array, confidence, bounds))


def replications_to_settle(est: Estimate, target: float) -> int | None:
    """Replications after which the CI would likely exclude ``target``.

    The smallest m > n for which the Student-t half-width, with the standard
    deviation seen so far, is below the distance from the mean to the target
    (None when the mean sits on the target or the spread is unknown).
    """
    gap = abs(est.mean - target)
    if est.n < 2 or gap == 0 or not math.isfinite(est.std):
        return None
    level = 0.5 + est.confidence / 2.0
    z = float(stats.norm.ppf(level))
    m = max(est.n + 1, math.ceil((z * est.std / gap) ** 2))
    for _ in range(10_000):
        if float(stats.t.ppf(level, m - 1)) * est.std / math.sqrt(m) <= gap:
            return m
        m += max(1, m // 50)
    return m
