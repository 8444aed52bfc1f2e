"""Plots of innovate_sim results, one function per figure.

Every function follows the "Display" contract: it takes results (a DataFrame,
or the result object carrying it) and an optional matplotlib ``ax``, draws,
and returns the Axes. None of them simulates or calls ``plt.show()``. Empty
input raises :class:`NothingToPlotError` (a ``ValueError``).

The functions live in modules by subject and are re-exported here.
"""

from __future__ import annotations

from innovate_sim.reporting.plots_availability import (
    plot_availability_distribution,
    plot_downtime_by_cause,
    plot_incident_timeline,
)
from innovate_sim.reporting.plots_common import NothingToPlotError
from innovate_sim.reporting.plots_cost import (
    plot_cost_growth,
    plot_monthly_cost,
    plot_static_bill,
)
from innovate_sim.reporting.plots_experiments import plot_frontier, plot_paired_differences
from innovate_sim.reporting.plots_operations import plot_timeline
from innovate_sim.reporting.plots_sensitivity import plot_interval_split, plot_tornado

__all__ = [
    "NothingToPlotError",
    "plot_availability_distribution",
    "plot_cost_growth",
    "plot_downtime_by_cause",
    "plot_frontier",
    "plot_incident_timeline",
    "plot_interval_split",
    "plot_monthly_cost",
    "plot_paired_differences",
    "plot_static_bill",
    "plot_timeline",
    "plot_tornado",
]
