"""Plots of experiments: the cost–availability frontier of a sweep, paired differences."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from innovate_sim.reporting.plots_common import (
    as_frame,
    finite_or_zero,
    new_axes,
    require_columns,
)
from innovate_sim.reporting.style import percent_formatter, usd_formatter

__all__ = ["plot_frontier", "plot_paired_differences"]

_PARETO_COLOUR = "#d62728"
_OTHER_COLOUR = "#7f7f7f"
_SIGNIFICANT_COLOUR = "#1f77b4"


def plot_frontier(
    sweep: Any,
    ax: Axes | None = None,
    cost: str = "monthly_cost_usd",
    availability: str = "request_availability",
) -> Axes:
    """Cost against availability per sweep variant, with CIs both ways and the Pareto set.

    Each variant is a point at its mean monthly cost (x) and mean availability
    (y, in percent) with error bars from the ``*_ci_low`` / ``*_ci_high``
    columns. Variants flagged ``pareto`` are drawn in red and joined in order
    of cost; the rest are grey. Missing intervals (one replication) are drawn
    without a bar and noted in the legend.

    Args:
        sweep: the sweep table (one row per variant) or a result with ``.table``.
        cost: column of the mean monthly cost in USD; its interval columns are
            ``{cost}_ci_low``/``{cost}_ci_high``, or ``monthly_cost_ci_*``
            for the default.
        availability: column of the mean availability as a fraction, with
            ``{availability}_ci_low``/``_ci_high``.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes drawn on.
    """
    frame = as_frame(sweep, "table", "sweep")
    cost_prefix = "monthly_cost" if cost == "monthly_cost_usd" else cost
    cost_low, cost_high = f"{cost_prefix}_ci_low", f"{cost_prefix}_ci_high"
    avail_low, avail_high = f"{availability}_ci_low", f"{availability}_ci_high"
    require_columns(
        frame,
        ["variant", cost, cost_low, cost_high, availability, avail_low, avail_high, "pareto"],
        "sweep",
    )
    x = frame[cost].to_numpy(float)
    y = frame[availability].to_numpy(float) * 100.0
    xerr = np.vstack(
        [
            finite_or_zero(x - frame[cost_low].to_numpy(float)),
            finite_or_zero(frame[cost_high].to_numpy(float) - x),
        ]
    )
    yerr = np.vstack(
        [
            finite_or_zero(y - frame[avail_low].to_numpy(float) * 100.0),
            finite_or_zero(frame[avail_high].to_numpy(float) * 100.0 - y),
        ]
    )
    pareto = frame["pareto"].fillna(False).to_numpy(bool)

    ax = new_axes(ax, figsize=(8.0, 5.5))
    ax.errorbar(
        x, y, xerr=xerr, yerr=yerr, fmt="none", ecolor="#999999", capsize=3, linewidth=1, zorder=1
    )
    order = np.argsort(x[pareto])
    ax.plot(
        x[pareto][order],
        y[pareto][order],
        color=_PARETO_COLOUR,
        linewidth=1.2,
        alpha=0.7,
        zorder=2,
    )
    ax.scatter(
        x[~pareto], y[~pareto], color=_OTHER_COLOUR, s=36, zorder=3, label="dominated variant"
    )
    ax.scatter(
        x[pareto],
        y[pareto],
        color=_PARETO_COLOUR,
        marker="D",
        s=48,
        zorder=4,
        label="Pareto-optimal variant",
    )
    # stack the labels of points that sit close together instead of overprinting them
    span_x = float(np.ptp(x[np.isfinite(x)])) if np.isfinite(x).any() else 0.0
    span_y = float(np.ptp(y[np.isfinite(y)])) if np.isfinite(y).any() else 0.0
    placed: list[tuple[float, float]] = []
    for label, x_i, y_i in zip(frame["variant"].astype(str), x, y, strict=True):
        near = sum(
            1
            for px, py in placed
            if abs(px - x_i) <= 0.08 * (span_x or 1.0) and abs(py - y_i) <= 0.08 * (span_y or 1.0)
        )
        placed.append((x_i, y_i))
        ax.annotate(
            label,
            (x_i, y_i),
            xytext=(5, 5 + 11 * near),
            textcoords="offset points",
            fontsize="small",
        )
    missing = ~np.isfinite(frame[[cost_low, cost_high, avail_low, avail_high]].to_numpy(float))
    if missing.any():
        ax.plot([], [], " ", label="no error bar: CI not defined (1 replication)")
    else:
        ax.plot([], [], " ", label="bars: 95% CI of the mean")
    ax.xaxis.set_major_formatter(usd_formatter())
    ax.yaxis.set_major_formatter(percent_formatter())
    ax.margins(x=0.12, y=0.12)
    ax.set_xlabel("Mean monthly cost (USD/month)")
    ax.set_ylabel(f"Mean {availability.replace('_', ' ')} (%)")
    ax.set_title(f"Cost against availability — {len(frame)} variants, {int(pareto.sum())} Pareto")
    ax.legend(fontsize="small", loc="best")
    ax.grid(alpha=0.3)
    return ax


def _number(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def plot_paired_differences(diff_frame: Any, ax: Axes | None = None) -> Axes:
    """Dot-and-whisker chart of paired differences between two scenarios, per metric.

    Each row is a metric: the dot is the mean paired difference, the whisker
    its confidence interval, and a vertical line marks zero (no difference).
    An interval that excludes zero is drawn in blue, one that includes it in
    grey. When all metrics share one unit the x axis is in that unit;
    otherwise each row is scaled by its largest absolute value (so rows in USD
    and in percent can sit together) and the numbers, in their own units, are
    written beside each row.

    Args:
        diff_frame: table with ``metric, mean_difference, ci_low, ci_high,
            unit`` (one row per metric), or a result with ``.differences``.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes drawn on.
    """
    frame = as_frame(diff_frame, "differences", "paired differences")
    require_columns(
        frame, ["metric", "mean_difference", "ci_low", "ci_high", "unit"], "paired differences"
    )
    frame = frame.iloc[::-1]  # first metric at the top
    mean = frame["mean_difference"].to_numpy(float)
    low = frame["ci_low"].to_numpy(float)
    high = frame["ci_high"].to_numpy(float)
    units = frame["unit"].astype(str).to_numpy()
    same_unit = len(set(units)) == 1
    if same_unit:
        scale = np.ones_like(mean)
    else:
        extent = np.nanmax(np.abs(np.vstack([mean, low, high])), axis=0)
        scale = np.where(np.isfinite(extent) & (extent > 0), extent, 1.0)

    defined = np.isfinite(low) & np.isfinite(high)
    significant = defined & ((low > 0) | (high < 0))
    colours = np.where(significant, _SIGNIFICANT_COLOUR, _OTHER_COLOUR)
    positions = np.arange(len(frame))

    ax = new_axes(ax, figsize=(8.0, max(2.5, 0.55 * len(frame) + 1.5)))
    ax.axvline(0.0, color="black", linewidth=1, zorder=1)
    whisker_low = np.where(defined, low, mean) / scale
    whisker_high = np.where(defined, high, mean) / scale
    ax.hlines(positions, whisker_low, whisker_high, colors=list(colours), linewidth=2, zorder=2)
    ax.scatter(
        np.concatenate([whisker_low, whisker_high]),
        np.concatenate([positions, positions]),
        marker="|",
        s=80,
        color=list(colours) * 2,
        zorder=2,
    )
    ax.scatter(
        mean / scale, positions, color=list(colours), s=40, zorder=3, label="mean difference"
    )
    for y, m, lo, hi, unit in zip(positions, mean, low, high, units, strict=True):
        interval = f"[{_number(lo)}, {_number(hi)}]" if math.isfinite(lo) else "[CI n/a]"
        ax.annotate(
            f"{_number(m)} {unit} {interval}",
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    labels = list(frame["metric"].astype(str))
    if not same_unit:
        labels = [f"{label} ({unit})" for label, unit in zip(labels, units, strict=True)]
        ax.set_xlim(-1.15, 1.15)
        ax.set_xlabel("Mean paired difference, scaled per metric (−1 … 1; values at right)")
    else:
        ax.margins(x=0.15)
        ax.set_xlabel(f"Mean paired difference ({units[0]})")
    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.6, len(frame) - 0.4)
    ax.set_ylabel("Metric")
    count = int(significant.sum())
    ax.set_title(
        f"Paired differences: {count} of {len(frame)} metrics differ (blue = interval excludes 0)"
    )
    ax.grid(axis="x", alpha=0.3)
    return ax
