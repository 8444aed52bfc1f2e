"""Closed-form availability results used as oracles for the simulation.

Tests build scenarios whose answer is known here and assert that the
simulated estimate lies within a few standard errors of it; users call the
same functions as back-of-the-envelope checks. Formulas and references are in
``reference/AVAILABILITY.md`` §7 and ``docs/validation.md``.

Availabilities are fractions in [0, 1], times are hours and rates are per
hour unless a name says otherwise (``*_min_per_year``).
"""

from __future__ import annotations

from innovate_sim.oracles.availability import (
    down_episode_rate,
    downtime_hours_per,
    downtime_minutes_per_year,
    k_of_n,
    k_of_n_repair_crews,
    k_of_n_state_probabilities,
    mean_down_episode_h,
    parallel,
    series,
    sparing_approximation,
    unit_availability,
)
from innovate_sim.oracles.egress import (
    NatMode,
    egress_availability,
    egress_request_availability,
    per_az_egress_fraction,
)
from innovate_sim.oracles.failover import (
    failover_availability,
    failover_downtime_min_per_year,
    failover_rate,
)

__all__ = [
    "NatMode",
    "down_episode_rate",
    "downtime_hours_per",
    "downtime_minutes_per_year",
    "egress_availability",
    "egress_request_availability",
    "failover_availability",
    "failover_downtime_min_per_year",
    "failover_rate",
    "k_of_n",
    "k_of_n_repair_crews",
    "k_of_n_state_probabilities",
    "mean_down_episode_h",
    "parallel",
    "per_az_egress_fraction",
    "series",
    "sparing_approximation",
    "unit_availability",
]
