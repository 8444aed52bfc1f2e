"""Helpers every plot shares: reading a results table, checking it, making Axes.

Plots follow the "Display" contract: they take results (a DataFrame, or the
object that carries it) and an optional matplotlib ``Axes``, draw, and return
the ``Axes``. They never simulate and never call ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from innovate_sim.errors import InnovateSimError

__all__ = [
    "NothingToPlotError",
    "as_frame",
    "filter_rows",
    "finite_or_zero",
    "new_axes",
    "require_columns",
]


class NothingToPlotError(InnovateSimError, ValueError):
    """A plot was asked for but the results hold no rows to draw.

    Raised instead of letting matplotlib fail on empty arrays; a report
    writer may catch it and skip the figure.
    """


def as_frame(results: Any, attribute: str, what: str) -> pd.DataFrame:
    """Return the DataFrame a plot draws from.

    Args:
        results: the DataFrame itself; or an object carrying it as
            ``attribute`` (a property, or a method called with no arguments,
            e.g. ``SimulationResult.timeline``); or an object with
            ``to_frame()`` (e.g. ``CostEstimate``).
        attribute: name of the attribute to look for on a results object.
        what: the table's name for error messages (``"availability"``).

    Raises:
        TypeError: ``results`` is none of the above.
    """
    if isinstance(results, pd.DataFrame):
        return results
    value = getattr(results, attribute, None)
    if value is None and hasattr(results, "to_frame"):
        value = results.to_frame
    if callable(value):
        value = value()
    if isinstance(value, pd.DataFrame):
        return value
    raise TypeError(
        f"expected the {what} table as a pandas DataFrame or an object with a "
        f"'.{attribute}' DataFrame; got {type(results).__name__}"
    )


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Check that ``frame`` has ``columns`` and at least one row.

    Raises:
        ValueError: a column is missing (named in the message).
        NothingToPlotError: the table is empty.
    """
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"the {what} table lacks column(s) {missing}; it has {list(frame.columns)}"
        )
    if frame.empty:
        raise NothingToPlotError(f"the {what} table is empty: there is nothing to plot")


def filter_rows(frame: pd.DataFrame, what: str, **equal_to: object) -> pd.DataFrame:
    """Keep the rows whose columns equal the given values (``None`` keeps all).

    Raises:
        NothingToPlotError: no row matches; the message lists the values present.
    """
    for column, value in equal_to.items():
        if value is None:
            continue
        if column not in frame.columns:
            raise ValueError(f"the {what} table has no '{column}' column to filter on")
        kept = frame[frame[column] == value]
        if kept.empty:
            present = sorted(map(str, frame[column].unique()))
            raise NothingToPlotError(
                f"the {what} table has no rows with {column}={value!r}; values present: {present}"
            )
        frame = kept
    return frame


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (8.0, 4.5)) -> Axes:
    """Return ``ax``, or the Axes of a new figure when ``ax`` is ``None``."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # only when we must create a figure

    _fig, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def finite_or_zero(values: Iterable[float]) -> np.ndarray:
    """Array of ``values`` with NaN replaced by 0 (for error-bar lengths)."""
    array = np.asarray(list(values), float)
    return np.where(np.isfinite(array), array, 0.0)
