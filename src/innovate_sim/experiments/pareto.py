"""The Pareto set on (cost, availability): the designs no other beats on both at once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["AVAILABILITY_TIE", "pareto_mask"]

#: Availabilities closer than this (0.1 parts per million) count as equal on the frontier.
AVAILABILITY_TIE = 1e-7


def pareto_mask(cost: Sequence[float], availability: Sequence[float]) -> list[bool]:
    """True where no other point is at least as cheap and as available, and better in one.

    Availabilities within :data:`AVAILABILITY_TIE` count as equal, so a variant
    is not on the frontier for a difference no replication count could show.
    Points with a missing (NaN) figure are never Pareto-optimal and dominate nothing.
    """
    c = np.asarray(cost, dtype=float)
    a = np.round(np.asarray(availability, dtype=float) / AVAILABILITY_TIE) * AVAILABILITY_TIE
    ok = np.isfinite(c) & np.isfinite(a)
    mask = []
    for i in range(len(c)):
        if not ok[i]:
            mask.append(False)
            continue
        dominated = ok & (c <= c[i]) & (a >= a[i]) & ((c < c[i]) | (a > a[i]))
        mask.append(not bool(dominated.any()))
    return mask
