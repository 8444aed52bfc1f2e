"""Target verdicts as text: the console table of ``innovate-sim check`` and the report's rows.

The verdicts themselves are computed in :mod:`innovate_sim.experiments.judging`;
this module only formats them.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from innovate_sim.formatting import format_value

if TYPE_CHECKING:
    from rich.console import Console

    from innovate_sim.experiments.judging import TargetReport

__all__ = [
    "ASSUMED_MARK",
    "assumed_causes",
    "assumption_note",
    "display_rows",
    "format_value",
    "render",
]

_VERDICT_STYLE = {"pass": "bold green", "fail": "bold red", "uncertain": "bold yellow"}


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
    return f"{format_value(low, unit)} – {_with_unit(high, unit)}"


#: Marks a cause whose failure figures are assumptions with no AWS source.
ASSUMED_MARK = "†"


def assumed_causes(report: TargetReport) -> dict[str, list[str]]:
    """Causes named in the report's rows that rest on assumed default figures (and which)."""
    if report.scenario is None:
        return {}
    from innovate_sim.reporting.disclosures import assumption_driven_causes

    named = " ".join(str(text) for text in report.rows.get("causes", []))
    return {
        cause: keys
        for cause, keys in assumption_driven_causes(report.scenario).items()
        if re.search(rf"(?<![\w-]){re.escape(cause)} \d", named)
    }


def _mark(causes: str, assumed: dict[str, list[str]]) -> str:
    for cause in assumed:
        causes = re.sub(rf"(?<![\w-]){re.escape(cause)}(?= \d)", cause + ASSUMED_MARK, causes)
    return causes


def assumption_note(report: TargetReport) -> str:
    """One sentence naming the assumption-driven causes of the verdicts ("" when none)."""
    assumed = assumed_causes(report)
    if not assumed:
        return ""
    parts = [f"{cause} ({'; '.join(keys)})" for cause, keys in assumed.items()]
    return (
        f"{ASSUMED_MARK} assumption-driven: these causes rest on library figures with no AWS "
        f"source — {'; '.join(parts)}. Override them in failures: / database: to test the verdict."
    )


def display_rows(report: TargetReport) -> list[dict[str, str]]:
    """The rows of ``report`` as formatted text (shared by the console table and the report)."""
    level = f"{report.confidence * 100:g}% CI"
    assumed = assumed_causes(report)
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
                "forecast": _with_unit(row["mean"], unit),
                level: _interval(row),
                "verdict": str(row["verdict"]),
                "to settle": "" if pd.isna(settle) else f"n≈{int(settle)}",
                "causes": _mark(str(row["causes"]), assumed),
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
    note = assumption_note(report)
    if note:
        console.print(note, markup=False, style="yellow")
    console.print(report.summary_line(), style=_VERDICT_STYLE[report.worst])
