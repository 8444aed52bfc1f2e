"""Plots of cost results: the simulated monthly bill, its growth, the static estimate."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from innovate_sim.experiments.cost_digest import MonthlyCostDigest
from innovate_sim.experiments.stats import NON_NEGATIVE, mean_ci
from innovate_sim.formatting import format_usd
from innovate_sim.reporting.plots_common import as_frame, filter_rows, new_axes, require_columns
from innovate_sim.reporting.style import colour_for, usd_formatter

__all__ = ["plot_cost_growth", "plot_monthly_cost", "plot_static_bill"]

#: Columns a cost breakdown may be grouped by.
_GROUPINGS = ("service", "account", "environment", "resource", "component")
_TOTAL_COLOUR = "#1f3b73"


def _check_by(by: str) -> None:
    if by not in _GROUPINGS:
        raise ValueError(f"by must be one of {list(_GROUPINGS)}; got {by!r}")


def _scope(environment: str | None, account: str | None) -> str:
    parts = []
    if account is not None:
        parts.append(f"account {account}")
    if environment is not None:
        parts.append(str(environment))
    return ", ".join(parts) if parts else "all accounts"


def _check_digest(by: str, environment: str | None, account: str | None) -> None:
    """A digest holds every account's and environment's costs by service, nothing finer."""
    if by != "service" or environment is not None or account is not None:
        raise ValueError(
            "a monthly cost digest is split by service over all accounts; pass the costs "
            "table to split it otherwise or to select an environment or account"
        )


def _monthly_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Total USD per month (rows) and replication (columns); a missing month costs 0."""
    totals = frame.groupby(["month", "replication"])["usd"].sum().unstack("replication")
    return totals.sort_index().fillna(0.0)


def _interval_rows(totals: pd.DataFrame, confidence: float) -> pd.DataFrame:
    rows = [
        mean_ci(totals.loc[month].to_numpy(float), confidence, NON_NEGATIVE)
        for month in totals.index
    ]
    return pd.DataFrame(rows, index=totals.index, columns=["mean", "low", "high"])


def plot_monthly_cost(
    costs: Any,
    by: str = "service",
    ax: Axes | None = None,
    *,
    environment: str | None = None,
    account: str | None = None,
    confidence: float = 0.95,
) -> Axes:
    """Stacked bars of the mean monthly cost, split by service (or account), with a CI on the total.

    Each bar segment is the mean over replications of that group's USD in
    that month (a replication without the group counts 0). The whisker on
    top is the confidence interval of the mean total; with one replication it
    is undefined and the legend says so.

    Args:
        costs: the costs table, a result with ``.costs``, or a
            :class:`~innovate_sim.experiments.cost_digest.MonthlyCostDigest`
            (split by service, for every account and environment).
        by: split the bars by ``"service"``, ``"account"``, ``"environment"``,
            ``"resource"`` or ``"component"``.
        environment: only this environment's costs.
        account: only this account's costs.
        confidence: confidence level of the whisker on the total.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes drawn on.
    """
    _check_by(by)
    if isinstance(costs, MonthlyCostDigest):
        _check_digest(by, environment, account)
        replications, sums, totals = costs.replications, costs.by_service, costs.totals
    else:
        frame = as_frame(costs, "costs", "costs")
        require_columns(frame, ["replication", "month", by, "usd"], "costs")
        frame = filter_rows(frame, "costs", environment=environment, account=account)
        replications = frame["replication"].nunique()
        sums = frame.groupby(["month", by])["usd"].sum().unstack(by)
        totals = _monthly_totals(frame)

    by_group = sums.fillna(0.0) / replications
    by_group = by_group.sort_index()
    order = by_group.sum().sort_values(ascending=False).index  # biggest at the bottom
    intervals = _interval_rows(totals, confidence)

    ax = new_axes(ax, figsize=(9.0, 4.8))
    months = by_group.index.to_numpy()
    bottom = np.zeros(len(months))
    for group in order:
        heights = by_group[group].to_numpy(float)
        ax.bar(
            months,
            heights,
            bottom=bottom,
            color=colour_for(by, group),
            label=str(group),
            width=0.8,
            edgecolor="white",
            linewidth=0.4,
        )
        bottom += heights
    level = f"{confidence:.0%}"
    mean, low, high = (intervals[c].to_numpy(float) for c in ("mean", "low", "high"))
    if np.isfinite(low).all():
        ax.errorbar(
            months,
            mean,
            yerr=np.vstack([mean - low, high - mean]),
            fmt="none",
            ecolor="black",
            capsize=3,
            linewidth=1,
            label=f"total: {level} CI of mean ({replications} replications)",
        )
    else:
        ax.plot([], [], " ", label=f"total: {level} CI not defined (1 replication)")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles[::-1],
        labels[::-1],
        title=by.capitalize(),
        fontsize="small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
    )
    ax.set_xticks(months)
    ax.yaxis.set_major_formatter(usd_formatter())
    ax.set_xlabel("Month of the forecast (730 h each)")
    ax.set_ylabel("Mean cost per month (USD/month)")
    ax.set_title(f"Simulated monthly cost by {by} — {_scope(environment, account)}")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def plot_cost_growth(
    costs: Any,
    ax: Axes | None = None,
    *,
    environment: str | None = None,
    account: str | None = None,
    confidence: float = 0.95,
) -> Axes:
    """Total monthly cost over the forecast: mean, CI of the mean, and p5–p95 spread.

    The narrow band is the confidence interval of the mean over replications
    (how well the simulation pins the expected bill); the wide band holds the
    middle 90 % of replications (how much a single year may vary).

    Args:
        costs: the costs table, a result with ``.costs``, or a
            :class:`~innovate_sim.experiments.cost_digest.MonthlyCostDigest`
            (every account and environment).
        environment: only this environment's costs.
        account: only this account's costs.
        confidence: confidence level of the band on the mean.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes drawn on.
    """
    if isinstance(costs, MonthlyCostDigest):
        _check_digest("service", environment, account)
        totals = costs.totals
    else:
        frame = as_frame(costs, "costs", "costs")
        require_columns(frame, ["replication", "month", "usd"], "costs")
        frame = filter_rows(frame, "costs", environment=environment, account=account)
        totals = _monthly_totals(frame)
    intervals = _interval_rows(totals, confidence)
    months = totals.index.to_numpy()
    replications = totals.shape[1]

    ax = new_axes(ax)
    level = f"{confidence:.0%}"
    if replications > 1:
        p5 = totals.quantile(0.05, axis=1).to_numpy(float)
        p95 = totals.quantile(0.95, axis=1).to_numpy(float)
        ax.fill_between(
            months, p5, p95, color=_TOTAL_COLOUR, alpha=0.12, label="p5–p95 of replications"
        )
        ax.fill_between(
            months,
            intervals["low"].to_numpy(float),
            intervals["high"].to_numpy(float),
            color=_TOTAL_COLOUR,
            alpha=0.35,
            label=f"{level} CI of mean",
        )
    else:
        ax.plot([], [], " ", label=f"{level} CI and p5–p95 not defined (1 replication)")
    mean = intervals["mean"].to_numpy(float)
    ax.plot(months, mean, color=_TOTAL_COLOUR, marker="o", markersize=4, label="mean")
    first, last = mean[0], mean[-1]
    growth = f", month {months[0]}→{months[-1]}: {last / first - 1:+.1%}" if first > 0 else ""
    ax.yaxis.set_major_formatter(usd_formatter())
    ax.set_xlabel("Month of the forecast (730 h each)")
    ax.set_ylabel("Total cost per month (USD/month)")
    ax.set_title(
        f"Monthly cost growth — {_scope(environment, account)} "
        f"({replications} replications{growth})"
    )
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(alpha=0.3)
    if len(months) <= 24:
        ax.set_xticks(months)
    return ax


def plot_static_bill(
    bill_frame: Any,
    by: str = "service",
    ax: Axes | None = None,
    *,
    environment: str | None = None,
    account: str | None = None,
) -> Axes:
    """Horizontal bars of the static monthly bill (``estimate_cost``) by service or account.

    Args:
        bill_frame: ``estimate_cost(...).to_frame()``, or the estimate itself.
        by: ``"service"``, ``"account"``, ``"environment"``, ``"resource"`` or
            ``"component"``.
        environment: only this environment's lines.
        account: only this account's lines.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes drawn on.
    """
    _check_by(by)
    frame = as_frame(bill_frame, "frame", "static bill")
    require_columns(frame, [by, "monthly_usd"], "static bill")
    frame = filter_rows(frame, "static bill", environment=environment, account=account)
    totals = frame.groupby(by)["monthly_usd"].sum().sort_values()

    ax = new_axes(ax, figsize=(8.0, max(2.5, 0.4 * len(totals) + 1.5)))
    positions = np.arange(len(totals))
    values = totals.to_numpy(float)
    ax.barh(positions, values, color=[colour_for(by, name) for name in totals.index])
    for y, value in zip(positions, values, strict=True):
        ax.annotate(
            format_usd(value, decimals=None),
            (max(value, 0.0), y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    ax.set_yticks(positions, [str(name) for name in totals.index])
    ax.xaxis.set_major_formatter(usd_formatter())
    # Room on the right for the value labels.
    ax.set_xlim(min(0.0, float(values.min())), max(float(values.max()), 1.0) * 1.15)
    total = float(values.sum())
    ax.set_xlabel("Monthly cost (USD/month, list price, 730 h)")
    ax.set_ylabel(by.capitalize())
    ax.set_title(
        f"Static monthly bill by {by} — {_scope(environment, account)}: "
        f"{format_usd(total, decimals=None)}/month"
    )
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    return ax
