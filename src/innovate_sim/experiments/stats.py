"""Summary statistics over independent replications.

Confidence intervals are on the mean of independent, identically distributed
replications, clipped to the quantity's natural range. Per-replication
availability and downtime are zero-inflated and skewed (most years see no
loss or a little; a few see a lot), and there a plain Student-t interval is
too narrow on the pessimistic side. The interval is therefore Hall's (1992)
skewness-corrected t: the Student-t statistic T = (x̄ − μ)/(s/√n) is passed
through the monotone cubic

    g(T) = T + a T² + a² T³ / 3 + b,   a = γ̂ / (3√n),   b = γ̂ / (6√n),

with γ̂ the sample skewness, which removes its first-order skewness, and the
interval is {μ : |g(T)| ≤ t(1 − α/2, n − 1)}, inverted in closed form. With
symmetric data (γ̂ ≈ 0) it is the Student-t interval, and it is never
narrower than the Student-t interval on either side (with few replications
the skewness estimate is noisy and can point the wrong way). (P. Hall, "On the
removal of skewness by transformation", JRSS B 54:221–228, 1992; X.-H. Zhou
and P. Dinh, Biostatistics 6:486–501, 2005.) :func:`confidence_interval` is
the one place that computes it: the summary tables (:func:`estimate`) and the
plots (:func:`mean_ci`) both call it, so a figure and a table of the same run
quote the same interval. With one replication the interval is undefined and
reported as such; :func:`interval_note` says when too few replications saw a
loss to trust it."""

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
    "TRUSTED_EVENTS",
    "UNBOUNDED",
    "Estimate",
    "confidence_interval",
    "estimate",
    "interval_note",
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
    low, high = _skewness_corrected(data, confidence)
    # never narrower than Student-t: with few replications the skewness estimate is noisy
    # and can point the wrong way
    mean = float(data.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * float(data.std(ddof=1))
    half /= math.sqrt(n)
    low, high = min(low, mean - half), max(high, mean + half)
    return max(low, bounds[0]), min(high, bounds[1])


def _skewness_corrected(data: np.ndarray, confidence: float) -> tuple[float, float]:
    """Hall's skewness-corrected t interval for the mean of ``data`` (n ≥ 2).

    Inverts g(T) = T + aT² + a²T³/3 + b, which equals
    ((1 + aT)³ − 1)/(3a) + b, at ±t(1 − α/2, n − 1).
    """
    n = data.size
    mean = float(data.mean())
    scale = float(data.std(ddof=1)) / math.sqrt(n)
    spread = float(data.std(ddof=0))
    if scale == 0.0 or spread == 0.0:
        return mean, mean
    quantile = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1))
    skewness = float(np.mean((data - mean) ** 3)) / spread**3
    a = skewness / (3.0 * math.sqrt(n))
    b = skewness / (6.0 * math.sqrt(n))

    def inverse(y: float) -> float:
        if abs(a) < 1e-12:
            return y - b
        return (float(np.cbrt(1.0 + 3.0 * a * (y - b))) - 1.0) / a

    return mean - inverse(quantile) * scale, mean - inverse(-quantile) * scale


#: Replications that must see a loss before an interval on a rare-event mean is trusted.
TRUSTED_EVENTS = 3


def interval_note(values: Iterable[float] | np.ndarray, perfect: float | None) -> str:
    """Why an interval cannot be trusted, or ``""``.

    Args:
        values: one value per replication.
        perfect: the value of a replication that saw no loss (1 for an
            availability, 0 for downtime); ``None`` when the quantity has none.

    Returns:
        A note when fewer than :data:`TRUSTED_EVENTS` replications differ from
        ``perfect``: no loss at all gives a zero-width interval that bounds
        nothing, and one or two losses give an interval that covers the true
        mean far less often than its level says (docs/metrics.md).
    """
    data = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
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


def mean_ci(
    values: Iterable[float] | np.ndarray,
    confidence: float = 0.95,
    bounds: tuple[float, float] = UNBOUNDED,
) -> tuple[float, float, float]:
    """Mean of independent replications and its confidence interval, as the plots draw it.

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
