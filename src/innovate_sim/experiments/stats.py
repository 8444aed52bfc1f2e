"""Summary statistics over independent replications.

Confidence intervals are on the mean of independent, identically distributed
replications. Per-replication availability and downtime are zero-inflated and
skewed (most years see no loss or a little; a few see a lot), and there a
plain Student-t interval is too narrow on the pessimistic side. The interval
is therefore Hall's (1992) skewness-corrected t: the Student-t statistic
T = (x̄ − μ)/(s/√n) is passed through the monotone cubic

    g(T) = T + a T² + a² T³ / 3 + b,   a = γ̂ / (3√n),   b = γ̂ / (6√n),

with γ̂ the sample skewness, which removes its first-order skewness, and the
interval is {μ : |g(T)| ≤ t(1 − α/2, n − 1)}, inverted in closed form. With
symmetric data (γ̂ ≈ 0) it is the Student-t interval. With one replication
the interval is undefined and reported as such. (P. Hall, "On the removal of
skewness by transformation", JRSS B 54:221–228, 1992; X.-H. Zhou and P. Dinh,
Biostatistics 6:486–501, 2005, compare it with bootstrap intervals.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "CI_METHOD",
    "TRUSTED_EVENTS",
    "Estimate",
    "estimate",
    "interval_note",
    "replications_to_settle",
    "skewness_corrected_interval",
]

CI_METHOD = (
    "Hall's skewness-corrected Student-t interval on the mean of independent replications, "
    "clipped to the quantity's range"
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
    low, high = skewness_corrected_interval(data, confidence)
    low, high = max(low, bounds[0]), min(high, bounds[1])
    return Estimate(mean, low, high, std, n, p5, p50, p95, confidence)


def skewness_corrected_interval(data: np.ndarray, confidence: float) -> tuple[float, float]:
    """Hall's skewness-corrected t interval for the mean of ``data`` (n ≥ 2).

    Inverts g(T) = T + aT² + a²T³/3 + b, which equals
    ((1 + aT)³ − 1)/(3a) + b, at ±t(1 − α/2, n − 1).
    """
    n = data.size
    mean = float(data.mean())
    std = float(data.std(ddof=1))
    scale = std / math.sqrt(n)
    quantile = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1))
    spread = float(data.std(ddof=0))
    if scale == 0.0 or spread == 0.0:
        return mean, mean
    skewness = float(np.mean((data - mean) ** 3)) / spread**3
    a = skewness / (3.0 * math.sqrt(n))
    b = skewness / (6.0 * math.sqrt(n))

    def inverse(y: float) -> float:
        if abs(a) < 1e-12:
            return y - b
        return (float(np.cbrt(1.0 + 3.0 * a * (y - b))) - 1.0) / a

    return mean - inverse(quantile) * scale, mean - inverse(-quantile) * scale


def interval_note(values: Sequence[float] | np.ndarray, perfect: float | None) -> str:
    """Why an interval cannot be trusted, or ``""``.

    Args:
        values: one value per replication.
        perfect: the value of a replication that saw no loss (1 for an
            availability, 0 for downtime); ``None`` when the quantity has none.

    Returns:
        A note when fewer than three replications differ from ``perfect``: no
        loss at all gives a zero-width interval that is no bound at all, and
        one or two losses give an interval that covers the true mean far less
        often than its level says (the calibration in docs/metrics.md).
    """
    data = np.asarray(values, dtype=float)
    n = int(data.size)
    if n < 2:
        return f"CI undefined with n={n}"
    if perfect is None:
        return ""
    saw = int(np.sum(np.abs(data - perfect) > 1e-12))
    if saw == 0:
        return (
            f"no replication of {n} saw a loss: the interval has zero width and bounds nothing; "
            "run more replications"
        )
    if saw < TRUSTED_EVENTS:
        return (
            f"only {saw} of {n} replications saw a loss: the interval cannot be trusted; "
            "run more replications"
        )
    return ""


#: Replications that must see a loss before an interval on a rare-event mean is trusted.
TRUSTED_EVENTS = 3


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
