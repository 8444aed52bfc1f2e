"""The Pareto set on (cost, availability): the designs no other beats on both at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from innovate_sim.experiments.stats import estimate

__all__ = [
    "AVAILABILITY_TIE",
    "DOMINATED",
    "EFFICIENT",
    "NOT_DISTINGUISHABLE",
    "pareto_mask",
    "pareto_status",
]

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


#: The Pareto status of a sweep variant (:func:`pareto_status`).
EFFICIENT, DOMINATED, NOT_DISTINGUISHABLE = "efficient", "dominated", "not distinguishable"


def _sign(differences: np.ndarray, confidence: float) -> int:
    """+1 or −1 when the paired differences' CI lies above or below 0; 0 when it holds 0."""
    if differences.size < 2:
        return 0
    est = estimate(differences, confidence)
    if est.ci_low > 0:
        return 1
    if est.ci_high < 0:
        return -1
    return 0


def pareto_status(
    cost: Sequence[Mapping[int, float]],
    availability: Sequence[Mapping[int, float]],
    confidence: float = 0.95,
) -> list[str]:
    """Each variant's place on the frontier, claimed only where differences exceed the intervals.

    ``cost[i]`` and ``availability[i]`` map replication number → value of
    variant ``i``; variants ran with common random numbers, so replication
    *r* of each saw the same failures and the differences are paired. A
    variant is

    * ``dominated`` when it is off the Pareto set of the means
      (:func:`pareto_mask`);
    * ``efficient`` when it is on it and, against every other variant, the
      Student-t interval of the paired differences shows it cheaper or more
      available (the interval excludes 0);
    * ``not distinguishable`` when it is on it but some other variant is
      neither shown dearer nor shown less available than it: with these
      replications its place on the frontier could be chance.
    """
    means = [
        (float(np.mean(list(c.values()))), float(np.mean(list(a.values()))))
        if c and a
        else (np.nan, np.nan)
        for c, a in zip(cost, availability, strict=True)
    ]
    frontier = pareto_mask([m[0] for m in means], [m[1] for m in means])
    status = []
    for i, on_frontier in enumerate(frontier):
        if not on_frontier:
            status.append(DOMINATED)
            continue
        apart = True
        for j in range(len(cost)):
            if i == j:
                continue
            common = sorted(
                set(cost[i]) & set(cost[j]) & set(availability[i]) & set(availability[j])
            )
            cheaper = _sign(np.array([cost[j][r] - cost[i][r] for r in common]), confidence)
            more = _sign(
                np.array([availability[i][r] - availability[j][r] for r in common]), confidence
            )
            apart = apart and (cheaper > 0 or more > 0)
        status.append(EFFICIENT if apart else NOT_DISTINGUISHABLE)
    return status
