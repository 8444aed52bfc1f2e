"""Plots of assumption uncertainty: tornado charts and the split of forecast intervals.

Same "Display" contract as every plot here: results in, an optional Axes,
the Axes back; nothing is simulated.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from innovate_sim.reporting.plots_common import NothingToPlotError, new_axes

__all__ = ["plot_interval_split", "plot_tornado"]


def plot_tornado(result: Any, output: str, ax: Axes | None = None, *, top: int = 8) -> Axes:
    """Tornado chart of one forecast: inputs ranked by Sobol' total index, first-order inside.

    Args:
        result: a :class:`~innovate_sim.uncertainty.SensitivityResult`.
        output: the output key, e.g. ``prod.downtime_min_per_year``.
        ax: where to draw (a new figure if None).
        top: at most this many inputs, most influential first.
    """
    ranking = result.ranking(output, top)
    ranking = ranking[~ranking["screened_out"]]
    if ranking.empty:
        raise NothingToPlotError(f"no Sobol' indices for {output}")
    ax = new_axes(ax, (7.5, 0.45 * len(ranking) + 1.4))
    names = list(ranking["input"])[::-1]
    y = np.arange(len(names))
    st, s1 = ranking["ST"].to_numpy()[::-1], ranking["S1"].to_numpy()[::-1]
    st_err = np.vstack(
        [st - ranking["ST_low"].to_numpy()[::-1], ranking["ST_high"].to_numpy()[::-1] - st]
    )
    ax.barh(y, np.clip(st, 0, None), color="#9ecae1", label="total index ST", height=0.7)
    ax.barh(y, np.clip(s1, 0, None), color="#3182bd", label="first-order S1", height=0.35)
    ax.errorbar(
        np.clip(st, 0, None), y, xerr=np.clip(st_err, 0, None), fmt="none", ecolor="#444", lw=1
    )
    ax.set_yticks(y, names)
    ax.set_xlim(0, max(1.0, float(np.nanmax(ranking["ST_high"])) * 1.05))
    label = next((o.label for o in result.outputs if o.key == output), output)
    ax.set_xlabel("share of the forecast's variance (Sobol' index, bootstrap CI)")
    ax.set_title(f"What {label} depends on")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_interval_split(result: Any, ax: Axes | None = None) -> Axes:
    """Each forecast's spread split into its input and Monte Carlo parts (standard deviations).

    Args:
        result: an :class:`~innovate_sim.uncertainty.total.UncertaintyResult`.
        ax: where to draw.
    """
    split = result.summary()
    split = split[
        split["input_share"].notna() & ((split["input_sd"] > 0) | (split["monte_carlo_sd"] > 0))
    ]
    if split.empty:
        raise NothingToPlotError("no forecast varies, or one replication per input set")
    ax = new_axes(ax, (7.5, 0.5 * len(split) + 1.4))
    y = np.arange(len(split))
    variance = split["input_sd"] ** 2 + split["monte_carlo_sd"].fillna(0.0) ** 2
    share = (split["input_sd"] ** 2 / variance).to_numpy()
    ax.barh(y, share, color="#3182bd", label="input assumptions")
    ax.barh(y, 1 - share, left=share, color="#fdae6b", label="Monte Carlo noise")
    ax.set_yticks(y, list(split["label"]))
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the variance of the forecast over input sets")
    ax.set_title("Where each forecast's uncertainty comes from")
    ax.legend(loc="lower right", fontsize="small")
    return ax
