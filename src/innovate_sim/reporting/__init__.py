"""Reporting: figures (and, later, tables and report files) drawn from results.

This package only reads results; it never simulates.
"""

from __future__ import annotations

from innovate_sim.experiments.stats import mean_ci
from innovate_sim.reporting import accessors as _accessors  # noqa: F401  (registers .plot())
from innovate_sim.reporting.plots import (
    NothingToPlotError,
    plot_availability_distribution,
    plot_cost_growth,
    plot_downtime_by_cause,
    plot_frontier,
    plot_incident_timeline,
    plot_monthly_cost,
    plot_paired_differences,
    plot_static_bill,
    plot_timeline,
)

__all__ = [
    "NothingToPlotError",
    "mean_ci",
    "plot_availability_distribution",
    "plot_cost_growth",
    "plot_downtime_by_cause",
    "plot_frontier",
    "plot_incident_timeline",
    "plot_monthly_cost",
    "plot_paired_differences",
    "plot_static_bill",
    "plot_timeline",
]
