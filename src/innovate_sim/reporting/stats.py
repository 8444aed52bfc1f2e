"""Small summary statistics the plots draw: means with confidence intervals.

Kept apart from the plotting code so that tables and reports quote the same
intervals the figures show.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import stats

__all__ = ["mean_ci"]


def mean_ci(
    values: Iterable[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Mean of independent replications and its Student-t confidence interval.

    The interval is ``mean ± t((1 + confidence) / 2, n − 1) · s / √n`` with the
    sample standard deviation ``s``. NaN values are ignored.

    Args:
        values: one number per replication, in any unit (the interval is in
            the same unit).
        confidence: two-sided confidence level in (0, 1), default 0.95.

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
    n = array.size
    if n == 0:
        raise ValueError("mean_ci needs at least one value; got none")
    mean = float(array.mean())
    if n == 1:
        return mean, math.nan, math.nan
    sem = float(array.std(ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf((1.0 + confidence) / 2.0, n - 1)) * sem
    return mean, mean - half, mean + half
