"""How results show themselves: ``.plot()`` through a registry, ``_repr_html_`` as tables.

The figures live in :mod:`innovate_sim.reporting`, which is built on this
package; ``experiments`` may not import it, not even lazily (the layer table,
``tests/test_layering.py``). So the dependency is turned around: reporting
registers a plotter per kind of result when it is imported
(``innovate_sim.reporting.accessors``), and the package root imports
reporting before it hands out a result class or function. A result's
``.plot()`` asks this registry for its plotter.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from innovate_sim.errors import InnovateSimError
from innovate_sim.formatting import display_unit, format_interval, format_value

__all__ = ["differences_html", "draw", "html_table", "register_plotter", "summary_html"]

Plotter = Callable[..., Any]

_PLOTTERS: dict[str, Plotter] = {}


def register_plotter(kind: str, plotter: Plotter) -> None:
    """Make ``plotter(subject, **options)`` draw results of ``kind`` (``result``, ``sweep``…)."""
    _PLOTTERS[kind] = plotter


def draw(kind: str, subject: object, **options: Any) -> Any:
    """Draw ``subject`` with the plotter registered for ``kind``; return its matplotlib Axes."""
    plotter = _PLOTTERS.get(kind)
    if plotter is None:
        raise InnovateSimError(
            f"no plotter for {kind} results: import innovate_sim.reporting (or use "
            "'import innovate_sim as isim', which does) before calling .plot()"
        )
    return plotter(subject, **options)


def html_table(caption: str, frame: pd.DataFrame, formatters: dict[str, Any] | None = None) -> str:
    """``frame`` as an HTML table under a bold caption (for ``_repr_html_``)."""
    table = frame.to_html(index=False, border=0, formatters=formatters, na_rep="n/a")
    return f"<p><b>{html.escape(caption)}</b></p>{table}"


def _interval(low: float, high: float, unit: str) -> str:
    return format_interval(low, high, lambda v: format_value(v, unit), "undefined (n=1)")


def summary_html(caption: str, summary: pd.DataFrame, confidence: float) -> str:
    """A result's summary (mean, CI, p5–p95 in each metric's unit) as an HTML table."""
    level = f"{confidence * 100:g}% CI"
    rows = [
        {
            "environment": row["environment"],
            "metric": f"{row['metric']} ({display_unit(row['unit'])})",
            "mean": format_value(row["mean"], row["unit"]),
            level: _interval(row["ci_low"], row["ci_high"], row["unit"]),
            "p5 – p95": _interval(row["p5"], row["p95"], row["unit"]),
        }
        for row in summary.to_dict(orient="records")
    ]
    return html_table(caption, pd.DataFrame(rows))


def differences_html(caption: str, differences: pd.DataFrame, confidence: float) -> str:
    """Paired differences B − A with their intervals, in each metric's unit, as HTML."""
    level = f"{confidence * 100:g}% CI"
    rows = [
        {
            "environment": row["environment"],
            "metric": f"{row['metric']} ({display_unit(row['unit'])})",
            "A": format_value(row["mean_a"], row["unit"]),
            "B": format_value(row["mean_b"], row["unit"]),
            "B − A": format_value(row["mean_difference"], row["unit"]),
            level: _interval(row["ci_low"], row["ci_high"], row["unit"]),
        }
        for row in differences.to_dict(orient="records")
    ]
    return html_table(caption, pd.DataFrame(rows))
