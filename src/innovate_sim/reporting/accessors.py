"""``.plot()`` of results: the plotters reporting registers with :mod:`experiments.views`.

Importing this module (``innovate_sim.reporting`` does) makes
``SimulationResult.plot()``, ``Comparison.plot()`` and ``SweepResult.plot()``
draw with the report's own figure functions; ``TargetReport.plot()`` uses
:func:`plot_targets`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from innovate_sim.experiments.views import register_plotter
from innovate_sim.reporting.plots_availability import plot_availability_distribution
from innovate_sim.reporting.plots_common import new_axes
from innovate_sim.reporting.plots_experiments import plot_frontier, plot_paired_differences

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_comparison", "plot_result", "plot_targets"]

_VERDICT_COLOURS = {"pass": "tab:green", "fail": "tab:red", "uncertain": "tab:orange"}


def plot_result(result: Any, ax: Axes | None = None, **options: Any) -> Axes:
    """Request availability per replication with its mean and CI (as in the report)."""
    options.setdefault("confidence", result.confidence)
    return plot_availability_distribution(result, ax=ax, **options)


def plot_comparison(comparison: Any, ax: Axes | None = None) -> Axes:
    """The paired differences B − A with their intervals, one row per environment and metric."""
    diff = comparison.differences
    frame = diff.assign(metric=diff["environment"] + ": " + diff["metric"])
    columns = ["metric", "mean_difference", "ci_low", "ci_high", "unit"]
    return plot_paired_differences(frame[columns], ax=ax)


def _share_of_target(value: float, threshold: float, higher_is_better: bool) -> float:
    """1 at the target, below 1 inside it: unavailability over the allowed one, or value/limit."""
    if higher_is_better:
        allowed = 1.0 - threshold
        return (1.0 - value) / allowed if allowed > 0 else np.nan
    return value / threshold if threshold > 0 else np.nan


def plot_targets(report: Any, ax: Axes | None = None) -> Axes:
    """Each target's mean and CI as a share of what the target allows (1 = at the target).

    A minimum (availability) becomes the unavailability over the allowed
    unavailability; a maximum (RTO, cost) the value over the limit. Left of the
    dashed line at 1 the target is met; the colour is the verdict.
    """
    ax = new_axes(ax, figsize=(8.0, 0.6 * len(report.rows) + 1.5))
    labels = []
    for y, row in enumerate(report.rows.to_dict(orient="records")):
        share = [
            _share_of_target(row[key], row["threshold"], row["higher_is_better"])
            for key in ("mean", "ci_low", "ci_high")
        ]
        low, high = sorted(share[1:])
        colour = _VERDICT_COLOURS[row["verdict"]]
        if np.isfinite(low) and np.isfinite(high):
            ax.plot([low, high], [y, y], color=colour, linewidth=3, alpha=0.5)
        ax.plot([share[0]], [y], "o", color=colour)
        labels.append(f"{row['scope']}: {row['target']} ({row['verdict']})")
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.set_xlabel(
        f"share of the target used (mean, {report.confidence * 100:g}% CI); left of 1 = met"
    )
    return ax


register_plotter("result", plot_result)
register_plotter("comparison", plot_comparison)
register_plotter("targets", plot_targets)
register_plotter("sweep", lambda sweep, ax=None, **options: plot_frontier(sweep, ax=ax, **options))
