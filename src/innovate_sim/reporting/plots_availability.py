"""Plots of availability results: the spread over replications, downtime by cause, incidents."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from innovate_sim.experiments.stats import NON_NEGATIVE, PERCENT_RANGE, mean_ci
from innovate_sim.reporting.plots_common import (
    NothingToPlotError,
    as_frame,
    filter_rows,
    new_axes,
    require_columns,
)
from innovate_sim.reporting.style import cause_colour, environment_colour, percent_formatter
from innovate_sim.units import HOURS_PER_DAY, HOURS_PER_YEAR, parse_percent

__all__ = [
    "plot_availability_distribution",
    "plot_downtime_by_cause",
    "plot_incident_timeline",
]

_TARGET_COLOUR = "#d62728"


def _percent_text(value: float, spread: float) -> str:
    """A percentage with enough decimals to show differences of size ``spread``."""
    if not math.isfinite(spread) or spread <= 0:
        digits = 3
    else:
        digits = min(5, max(2, math.ceil(-math.log10(spread)) + 1))
    return f"{value:.{digits}f}%"


def _bin_edges(values: np.ndarray, bins: int | None) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:  # every replication identical (often 100 %)
        return np.array([low - 0.005, high + 0.005])
    if bins is not None:
        return np.linspace(low, high, bins + 1)
    edges = np.histogram_bin_edges(values, bins="auto")
    if edges.size > 41:
        edges = np.linspace(low, high, 41)
    return edges


def plot_availability_distribution(
    availability: Any,
    environment: str | None = None,
    target: float | str | None = None,
    ax: Axes | None = None,
    *,
    bins: int | None = None,
    confidence: float = 0.95,
) -> Axes:
    """Histogram of request availability per replication, with its mean and CI.

    Each replication contributes its request availability (served / demanded
    requests) in percent. The mean over replications is a solid line, its
    confidence interval a shaded band; with one replication the interval is
    undefined and the legend says so. Several environments are overlaid in
    their own colours unless ``environment`` picks one.

    Args:
        availability: the availability table (one row per replication ×
            environment) or a result with ``.availability``.
        environment: plot only this environment.
        target: request-availability target drawn as a dashed line, as a
            fraction (``0.9995``) or a string (``"99.95%"``).
        bins: number of histogram bins (default: numpy's ``"auto"``, ≤ 40).
        confidence: confidence level of the interval on the mean.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes drawn on.

    Raises:
        ValueError: missing columns, an unreadable target, or no rows.
    """
    frame = as_frame(availability, "availability", "availability")
    require_columns(frame, ["replication", "environment", "request_availability"], "availability")
    frame = filter_rows(frame, "availability", environment=environment)
    target_fraction = None if target is None else parse_percent(target)

    ax = new_axes(ax)
    percent = frame["request_availability"].to_numpy(float) * 100.0
    edges = _bin_edges(percent, bins)
    environments = sorted(frame["environment"].unique(), key=str)
    several = len(environments) > 1
    level = f"{confidence:.0%}"
    for env in environments:
        values = frame.loc[frame["environment"] == env, "request_availability"].to_numpy(float)
        values = values * 100.0
        colour = environment_colour(env)
        ax.hist(
            values,
            bins=list(edges),
            color=colour,
            alpha=0.45 if several else 0.75,
            edgecolor="white",
            linewidth=0.6,
            label=f"{env}: {values.size} replications",
        )
        mean, low, high = mean_ci(values, confidence, PERCENT_RANGE)
        spread = high - low if math.isfinite(low) else float(np.ptp(values))
        ax.axvline(mean, color=colour, linewidth=2.0, label=f"mean {_percent_text(mean, spread)}")
        if math.isfinite(low):
            ax.axvspan(
                low,
                high,
                color=colour,
                alpha=0.18,
                label=f"{level} CI of mean "
                f"{_percent_text(low, spread)} – {_percent_text(high, spread)}",
            )
        else:
            ax.plot([], [], " ", label=f"{level} CI not defined (1 replication)")
    if target_fraction is not None:
        met = float(np.mean(frame["request_availability"].to_numpy(float) >= target_fraction))
        ax.axvline(
            target_fraction * 100.0,
            color=_TARGET_COLOUR,
            linestyle="--",
            linewidth=1.8,
            label=f"target {target_fraction * 100:g}% (met in {met:.0%} of replications)",
        )
    ax.xaxis.set_major_formatter(percent_formatter())
    ax.set_xlabel("Request availability per replication (% of requests served)")
    ax.set_ylabel("Replications (count)")
    where = environment if environment is not None else ", ".join(map(str, environments))
    ax.set_title(f"Request availability over replications — {where}")
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    return ax


def _replications_and_horizons(
    incidents: pd.DataFrame, availability: Any, environment: str | None
) -> dict[str, pd.Series]:
    """Per environment: horizon in hours indexed by every replication that ran."""
    if availability is None:
        # Without the availability table the replications with no incident at
        # all are invisible; assume they are numbered 0..max and ran a year.
        count = int(incidents["replication"].max()) + 1
        index = pd.Index(range(count), name="replication")
        return {
            env: pd.Series(HOURS_PER_YEAR, index=index) for env in incidents["environment"].unique()
        }
    frame = as_frame(availability, "availability", "availability")
    require_columns(frame, ["replication", "environment", "horizon_h"], "availability")
    frame = filter_rows(frame, "availability", environment=environment)
    horizons: dict[str, pd.Series] = {}
    for env, rows in frame.groupby("environment", sort=False):
        horizons[str(env)] = rows.groupby("replication")["horizon_h"].first().astype(float)
    return horizons


def plot_downtime_by_cause(
    incidents: Any,
    availability: Any = None,
    environment: str | None = None,
    ax: Axes | None = None,
    *,
    confidence: float = 0.95,
) -> Axes:
    """Horizontal bars of mean incident minutes per year by cause, with CIs.

    For each replication, the ``duration_min`` of its incidents is summed per
    cause and scaled to a year (8,760 h) by that replication's ``horizon_h``.
    Replications without an incident of a cause count as 0 minutes for it.
    The bar is the mean over replications, the whisker its confidence interval
    (clipped at 0 minutes).

    Pass ``availability`` whenever you can: it gives each replication's
    horizon and the full list of replications. Without it the horizon is
    taken as one year and the replications as ``0 .. max(replication)``,
    which overstates the mean if the last replications had no incident.

    Args:
        incidents: the incidents table or a result with ``.incidents``.
        availability: the availability table (or result), for horizons and
            the replication count.
        environment: plot only this environment; otherwise one bar per
            environment and cause.
        confidence: confidence level of the whiskers.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes drawn on.
    """
    frame = as_frame(incidents, "incidents", "incidents")
    require_columns(frame, ["replication", "environment", "cause", "duration_min"], "incidents")
    frame = filter_rows(frame, "incidents", environment=environment)
    horizons = _replications_and_horizons(frame, availability, environment)

    per_replication = frame.groupby(["environment", "cause", "replication"])["duration_min"].sum()
    several = frame["environment"].nunique() > 1
    rows = []
    for key, minutes in per_replication.groupby(level=[0, 1]):
        env, cause = key  # type: ignore[misc,str-unpack]  # a two-level key is a tuple
        horizon = horizons.get(str(env))
        if horizon is None:
            raise ValueError(f"the availability table has no rows for environment {env!r}")
        minutes = minutes.droplevel([0, 1])
        unknown = minutes.index.difference(horizon.index)
        if len(unknown):
            raise ValueError(
                f"incidents of replication(s) {list(unknown)[:5]} in {env!r} are not in the "
                "availability table; pass the availability of the same run"
            )
        per_year = minutes.reindex(horizon.index, fill_value=0.0) * (HOURS_PER_YEAR / horizon)
        mean, low, high = mean_ci(per_year.to_numpy(float), confidence, NON_NEGATIVE)
        label = f"{cause} ({env})" if several else str(cause)
        rows.append((label, str(cause), mean, low, high, len(horizon)))
    rows.sort(key=lambda row: row[2])  # largest at the top of a barh

    ax = new_axes(ax, figsize=(8.0, max(2.5, 0.45 * len(rows) + 1.5)))
    positions = np.arange(len(rows))
    means = np.array([row[2] for row in rows])
    lows = np.array([row[3] for row in rows])
    highs = np.array([row[4] for row in rows])
    defined = np.isfinite(lows)
    xerr = np.vstack(
        [
            np.where(defined, means - np.maximum(lows, 0.0), 0.0),
            np.where(defined, highs - means, 0.0),
        ]
    )
    ax.barh(
        positions,
        means,
        color=[cause_colour(row[1]) for row in rows],
        xerr=xerr if defined.any() else None,
        error_kw={"ecolor": "#333333", "capsize": 3, "linewidth": 1},
    )
    for y, mean, high in zip(positions, means, highs, strict=True):
        end = high if math.isfinite(high) else mean
        ax.annotate(
            f"{mean:,.1f}",
            (end, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    ax.set_yticks(positions, [row[0] for row in rows])
    # Room on the right for the value labels.
    right_end = np.where(np.isfinite(highs), highs, means)
    ax.set_xlim(0, max(float(right_end.max()), 1e-3) * 1.15)
    level = f"{confidence:.0%}"
    n = max(row[5] for row in rows)
    whisker = (
        f"whiskers: {level} CI over {n} replications"
        if defined.any()
        else f"{level} CI not defined (1 replication)"
    )
    ax.set_xlabel(f"Mean incident minutes per year (min/yr); {whisker}")
    ax.set_ylabel("Cause of incident")
    where = environment if environment is not None else "all environments"
    ax.set_title(f"Degraded-service time by cause — {where}")
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_incident_timeline(
    incidents: Any,
    replication: int = 0,
    environment: str | None = None,
    horizon_h: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Incidents of one replication on a calendar: one row per cause, x in days.

    Each incident is a bar from ``start_h`` to ``end_h``; a tick at its start
    keeps incidents of a few minutes visible on a year-long axis.

    Args:
        incidents: the incidents table or a result with ``.incidents``.
        replication: which replication to show.
        environment: show only this environment; otherwise one row per
            environment and cause.
        horizon_h: length of the simulated horizon in hours (x-axis extent);
            by default the end of the last incident.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes drawn on.
    """
    frame = as_frame(incidents, "incidents", "incidents")
    require_columns(frame, ["replication", "environment", "cause", "start_h", "end_h"], "incidents")
    chosen = frame[frame["replication"] == replication]
    if chosen.empty:
        having = sorted(frame["replication"].unique())[:10]
        raise NothingToPlotError(
            f"replication {replication} has no incidents; replications with incidents "
            f"include {[int(r) for r in having]}"
        )
    chosen = filter_rows(chosen, "incidents", environment=environment)
    several = chosen["environment"].nunique() > 1
    groups = sorted(chosen.groupby(["environment", "cause"]), key=lambda item: str(item[0]))

    ax = new_axes(ax, figsize=(10.0, max(2.5, 0.5 * len(groups) + 1.5)))
    labels = []
    for row, ((env, cause), rows) in enumerate(groups):
        colour = cause_colour(cause)
        starts_d = rows["start_h"].to_numpy(float) / HOURS_PER_DAY
        widths_d = (rows["end_h"] - rows["start_h"]).to_numpy(float) / HOURS_PER_DAY
        ax.broken_barh(
            list(zip(starts_d, widths_d, strict=True)), (row - 0.3, 0.6), facecolors=colour
        )
        ax.plot(starts_d, np.full(starts_d.size, row), "|", color=colour, markersize=14)
        labels.append(f"{cause} ({env})" if several else str(cause))
    ax.set_yticks(range(len(groups)), labels)
    ax.set_ylim(-0.6, len(groups) - 0.4)
    end_h = horizon_h if horizon_h is not None else float(chosen["end_h"].max())
    ax.set_xlim(0, max(end_h / HOURS_PER_DAY, 1e-3))
    ax.set_xlabel("Time since start of simulation (days)")
    ax.set_ylabel("Cause of incident")
    total_min = float(((chosen["end_h"] - chosen["start_h"]) * 60.0).sum())
    where = f" — {environment}" if environment is not None else ""
    ax.set_title(
        f"Incidents in replication {replication}{where}: "
        f"{len(chosen)} incidents, {total_min:,.0f} min in total"
    )
    ax.grid(axis="x", alpha=0.3)
    return ax
