"""Input checks shared by the oracle functions.

Each check returns the value converted to a plain Python ``float`` or ``int``
so that callers may pass numpy scalars, and raises :class:`ValueError` with a
message that names the argument, the rule and the value received.
"""

from __future__ import annotations

import math
import numbers


def check_positive_h(name: str, value: float) -> float:
    """Return ``value`` as a float if it is a finite number of hours > 0."""
    number = _real(name, value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a finite number of hours > 0; got {value!r}")
    return number


def check_non_negative(name: str, value: float, unit: str) -> float:
    """Return ``value`` as a float if it is finite and >= 0."""
    number = _real(name, value)
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(f"{name} must be a finite number of {unit} >= 0; got {value!r}")
    return number


def check_availability(name: str, value: float) -> float:
    """Return ``value`` as a float if it is a probability in [0, 1]."""
    number = _real(name, value)
    if not 0.0 <= number <= 1.0:  # also refuses NaN
        raise ValueError(
            f"{name} must be an availability between 0 and 1 (a fraction, not a "
            f"percentage); got {value!r}"
        )
    return number


def check_count(name: str, value: int, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    count = int(value)
    if count < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return count


def check_k_of_n(k: int, n: int) -> tuple[int, int]:
    """Return ``(k, n)`` as ints if ``1 <= k <= n``."""
    n_checked = check_count("n", n)
    k_checked = check_count("k", k)
    if k_checked > n_checked:
        raise ValueError(
            f"k must be between 1 and n (k units needed out of n); got k={k!r}, n={n!r}"
        )
    return k_checked, n_checked


def _real(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    return float(value)
