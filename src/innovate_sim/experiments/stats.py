"""Summary statistics over independent replications.

Confidence intervals are Student-t intervals on the mean of independent,
identically distributed replications: mean ± t(1 − α/2, n − 1) · s / √n. With
one replication the interval is undefined and reported as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["CI_METHOD", "Estimate", "estimate", "replications_to_settle"]

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


def estimate(
    values: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    bounds: tuple[float, float] = (-math.inf, math.inf),
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
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * std / math.sqrt(n)
    low, high = max(mean - half, bounds[0]), min(mean + half, bounds[1])
    return Estimate(mean, low, high, std, n, p5, p50, p95, confidence)


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
