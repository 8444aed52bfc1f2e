"""Target verdicts as text: the console table of ``innovate-sim check`` and the report's rows.

The verdicts themselves are computed in :mod:`innovate_sim.experiments.judging`;
this module only formats them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from rich.console import Console

    from innovate_sim.experiments.judging import TargetReport

__all__ = ["display_rows", "format_value", "render"]

_VERDICT_STYLE = {"pass": "bold green", "fail": "bold red", "uncertain": "bold yellow"}


def format_value(value: float, unit: str) -> str:
    """Format a threshold or statistic in its unit (``99.9500%``, ``$3,000.00``, ``12.30``)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if unit == "fraction":
        return f"{value * 100:.4f}%"
    if unit.startswith("USD"):
        return f"${value:,.2f}"
    return f"{value:,.2f}"


def _with_unit(value: float, unit: str) -> str:
    text = format_value(value, unit)
    if unit in ("fraction", "USD/month") or text == "n/a":
        return text
    if unit.startswith("USD/"):
        return f"{text}/{unit.removeprefix('USD/')}"
    return f"{text} {unit}"


def _interval(row: dict[str, Any]) -> str:
    """The interval as text; an unbounded side says so, never "n/a – n/a"."""
    unit = str(row["unit"])
    n = int(row["n"])
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if n < 2 or math.isnan(low) or math.isnan(high):
        return f"undefined (n={n})"
    if math.isinf(high):
        return f"≥ {format_value(low, unit)} (no upper bound yet)"
    if low == high and "bounds nothing" in str(row["note"]):
        return f"{format_value(low, unit)} (not a bound: see note)"
    return f"{format_value(low, unit)} – {format_value(high, unit)}"


def display_rows(report: TargetReport) -> list[dict[str, str]]:
    """The rows of ``report`` as formatted text (shared by the console table and the report)."""
    level = f"{report.confidence * 100:g}% CI"
    out = []
    for record in report.rows.to_dict(orient="records"):
        row: dict[str, Any] = {str(k): v for k, v in record.items()}
        unit = str(row["unit"])
        op = "≥" if row["higher_is_better"] else "≤"
        settle = row["replications_to_settle"]
        out.append(
            {
                "scope": str(row["scope"]),
                "target": f"{row['target']} {op} {_with_unit(row['threshold'], unit)}",
                "unit": unit,
                "statistic": str(row["statistic"]),
                "judged": str(row["judged"]),
                "forecast": format_value(row["mean"], unit),
                level: _interval(row),
                "verdict": str(row["verdict"]),
                "to settle": "" if pd.isna(settle) else f"n≈{int(settle)}",
                "causes": str(row["causes"]),
                "note": str(row["note"]),
            }
        )
    return out


def render(report: TargetReport, console: Console | None = None) -> None:
    """Print the target table (verdicts coloured) and the summary line."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console()
    rows = display_rows(report)
    level = f"{report.confidence * 100:g}% CI"
    table = Table(title=f"Targets ({level})")
    columns = ["scope", "target", "judged", "forecast", level, "verdict", "causes", "note"]
    for column in columns:
        right = column in ("forecast", level)
        table.add_column(
            column,
            justify="right" if right else "left",
            overflow="fold",
            no_wrap=column in ("scope", "forecast", "verdict"),
        )
    for row in rows:
        cells = [escape(row[c]) for c in columns]
        style = _VERDICT_STYLE[row["verdict"]]
        settle = f" ({row['to settle']})" if row["to settle"] else ""
        cells[columns.index("verdict")] = f"[{style}]{row['verdict']}[/]{settle}"
        table.add_row(*cells)
    console.print(table)
    console.print(report.summary_line(), style=_VERDICT_STYLE[report.worst])
