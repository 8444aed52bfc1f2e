"""Plot of one replication's operations over time: demand, capacity, Karpenter and HPA."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, MultipleLocator

from innovate_sim.reporting.plots_common import (
    NothingToPlotError,
    as_frame,
    filter_rows,
    new_axes,
    require_columns,
)
from innovate_sim.reporting.style import hour_of_day_formatter, service_colour
from innovate_sim.units import HOURS_PER_DAY

__all__ = ["plot_timeline"]

_DEMAND_COLOUR = "#222222"
_CAPACITY_COLOUR = "#ff7f0e"
_SHORTFALL_COLOUR = "#d62728"
_REPLICAS_COLOUR = "#2ca02c"
_PENDING_COLOUR = "#9467bd"
_HEADROOM = 1.35


def _window(frame: pd.DataFrame, start_h: float, end_h: float) -> pd.DataFrame:
    """Rows that describe [start_h, end_h]: the state in force at start, then each change.

    Rows are state changes (a value holds until the next row), so the last row
    before the window carries in, and the last row is repeated at ``end_h``
    so that every step reaches the right edge.
    """
    times = frame["t_h"]
    carried = frame[times <= start_h].tail(1)
    inside = frame[(times > start_h) & (times <= end_h)]
    window = pd.concat([carried, inside])
    if window.empty or start_h > float(times.max()):
        raise NothingToPlotError(
            f"the timeline has no rows between {start_h:g} h and {end_h:g} h; "
            f"it covers {float(times.min()):g} h to {float(times.max()):g} h"
        )
    window = window.copy()
    t_h = window["t_h"].to_numpy(float, copy=True)
    t_h[0] = max(start_h, t_h[0])
    window["t_h"] = t_h
    last = window.tail(1).copy()
    last["t_h"] = end_h
    return pd.concat([window, last], ignore_index=True)


def plot_timeline(
    timeline: Any,
    environment: str | None = None,
    start_h: float | None = None,
    hours: float = 24.0,
    ax: Axes | None = None,
) -> Axes:
    """Demand against ready capacity, and the nodes and pods behind it, over a window.

    The left axis shows demand and ready capacity in requests per second, with
    unserved demand shaded. The right axis (a twin Axes, reachable as
    ``ax.figure.axes``) shows nodes, ready replicas and pending pods as steps.
    Each timeline row is a state that holds until the next row.

    Args:
        timeline: the timeline table of one replication, or a result whose
            ``.timeline()`` returns it.
        environment: which environment; by default ``prod`` if present, else
            the first in sorted order (named in the title).
        start_h: start of the window in simulation hours; by default the
            first row.
        hours: length of the window in hours (default a day).
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The main (left) Axes.
    """
    if hours <= 0:
        raise ValueError(f"hours must be positive; got {hours!r}")
    frame = as_frame(timeline, "timeline", "timeline")
    require_columns(
        frame,
        ["t_h", "environment", "demand_rps", "capacity_rps", "ready_replicas", "pending_pods"],
        "timeline",
    )
    require_columns(frame, ["nodes"], "timeline")
    if environment is None:
        present = sorted(map(str, frame["environment"].unique()))
        environment = "prod" if "prod" in present else present[0]
    frame = filter_rows(frame, "timeline", environment=environment).sort_values("t_h")
    start = float(frame["t_h"].min()) if start_h is None else float(start_h)
    window = _window(frame, start, start + hours)
    t = window["t_h"].to_numpy(float)
    demand = window["demand_rps"].to_numpy(float)
    capacity = window["capacity_rps"].to_numpy(float)

    ax = new_axes(ax, figsize=(10.0, 4.8))
    ax.plot(t, demand, drawstyle="steps-post", color=_DEMAND_COLOUR, label="demand (req/s)")
    ax.plot(
        t,
        capacity,
        drawstyle="steps-post",
        color=_CAPACITY_COLOUR,
        linewidth=2.0,
        label="ready capacity (req/s)",
    )
    ax.fill_between(
        t,
        np.minimum(capacity, demand),
        demand,
        where=demand > capacity,
        step="post",
        color=_SHORTFALL_COLOUR,
        alpha=0.3,
        label="demand not served",
    )
    # Headroom above the data keeps the legend off the curves.
    ax.set_ylim(0, _HEADROOM * max(float(np.nanmax(np.r_[demand, capacity])), 1.0))

    right = ax.twinx()
    ax.set_zorder(right.get_zorder() + 1)  # rps curves in front of the count steps
    ax.patch.set_visible(False)
    right.plot(
        t,
        window["nodes"].to_numpy(float),
        drawstyle="steps-post",
        color=service_colour("EC2"),
        linestyle="--",
        label="nodes",
    )
    if "nodes_spot" in window.columns and float(window["nodes_spot"].max()) > 0:
        right.plot(
            t,
            window["nodes_spot"].to_numpy(float),
            drawstyle="steps-post",
            color=service_colour("EC2"),
            linestyle=":",
            label="of which Spot",
        )
    # Capacity is usually ready replicas × rps per replica, so the two curves
    # coincide; a shaded area keeps the replicas visible under the capacity line.
    right.fill_between(
        t,
        window["ready_replicas"].to_numpy(float),
        step="post",
        facecolor=_REPLICAS_COLOUR,
        edgecolor=_REPLICAS_COLOUR,
        alpha=0.18,
        label="ready replicas",
    )
    right.plot(
        t,
        window["pending_pods"].to_numpy(float),
        drawstyle="steps-post",
        color=_PENDING_COLOUR,
        linestyle="-.",
        label="pending pods",
    )
    counts = window[["nodes", "ready_replicas", "pending_pods"]].to_numpy(float)
    right.set_ylim(0, _HEADROOM * max(float(np.nanmax(counts)), 1.0))
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_ylabel("Nodes, replicas, pending pods (count)")

    ax.set_xlim(start, start + hours)
    # about eight ticks whatever the window: 5 minutes up to a day
    steps = (1 / 12, 1 / 6, 0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0, HOURS_PER_DAY)
    step = next((s for s in steps if hours / s <= 8), HOURS_PER_DAY * math.ceil(hours / 192))
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(hour_of_day_formatter())
    ax.set_xlabel("Time of day (hh:mm; day = simulation hours // 24)")
    ax.set_ylabel("Requests per second (req/s)")
    day = int(start // HOURS_PER_DAY)
    ax.set_title(f"Demand, capacity and scaling — {environment}, from day {day}, {hours:g} h")
    handles, labels = ax.get_legend_handles_labels()
    more_handles, more_labels = right.get_legend_handles_labels()
    ax.legend(
        handles + more_handles,
        labels + more_labels,
        fontsize="small",
        loc="upper left",
        ncols=2,
    )
    ax.grid(alpha=0.3)
    return ax
