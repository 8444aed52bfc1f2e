"""Risks a scenario leaves out of its simulation, with their closed-form effect.

A region-wide event is off by default (``failures.region_outage.enabled``):
a single-region design cannot survive it, so simulating it would only add a
common term to every variant. Leaving it out must not hide it, so every
availability summary lists it with what it would add, from the scenario's own
rate and duration: the region is down for the long-run fraction
``1 − MTBF / (MTBF + MTTR)`` of the time (an alternating renewal process,
:func:`innovate_sim.oracles.unit_availability`), and because an outage falls
at a time independent of demand, the same fraction of requests would be lost
on top of those the simulation loses.
"""

from __future__ import annotations

import pandas as pd

from innovate_sim.oracles import downtime_minutes_per_year, unit_availability
from innovate_sim.scenario import Scenario
from innovate_sim.units import HOURS_PER_YEAR

__all__ = ["EXCLUDED_RISK_COLUMNS", "excluded_risks"]

EXCLUDED_RISK_COLUMNS = [
    "environment",
    "risk",
    "rate_per_year",
    "mean_duration_h",
    "downtime_min_per_year",
    "availability_factor",
]


def excluded_risks(scenario: Scenario, environments: list[str]) -> pd.DataFrame:
    """One row per environment and risk the simulation excludes.

    Args:
        scenario: the simulated scenario.
        environments: the environments whose availability is reported.

    Returns:
        Columns ``environment``, ``risk``, ``rate_per_year``,
        ``mean_duration_h``, ``downtime_min_per_year`` (what the risk would
        add) and ``availability_factor`` (multiply a simulated availability
        by it to include the risk). Empty when nothing is excluded.
    """
    outage = scenario.failures.region_outage
    if outage.enabled or outage.rate <= 0 or not environments:
        return pd.DataFrame(columns=EXCLUDED_RISK_COLUMNS)
    duration_h = outage.duration.mean
    availability = unit_availability(1.0 / outage.rate, duration_h)
    rows = [
        {
            "environment": env,
            "risk": "region-outage",
            "rate_per_year": outage.rate * HOURS_PER_YEAR,
            "mean_duration_h": duration_h,
            "downtime_min_per_year": downtime_minutes_per_year(availability),
            "availability_factor": availability,
        }
        for env in environments
    ]
    return pd.DataFrame(rows, columns=EXCLUDED_RISK_COLUMNS)
