"""One ``--format`` option and one renderer for the simulating commands.

``run``, ``check``, ``compare`` and ``sweep`` describe what they print as a
:class:`Document`: a heading, a few context lines, titled tables (the first is
the command's main table) and the JSON payload. ``table`` keeps each command's
own rich layout; the other formats are written here:

* ``json`` — the payload, one JSON document on stdout (NaN written as ``null``);
* ``csv`` — the main table, raw numbers;
* ``markdown`` — a self-contained pull-request comment: heading, context and
  every table with values in their units, no image links.

Messages about files written go to stderr in these formats, so stdout parses.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, cast

import numpy as np
import pandas as pd
import typer

from innovate_sim.cost.render import FORMATS, Format
from innovate_sim.errors import InnovateSimError
from innovate_sim.formatting import (
    NOT_AVAILABLE,
    display_unit,
    format_percent,
    format_usd,
    format_value,
    markdown_table,
)

__all__ = ["FORMATS", "Document", "Format", "FormatOption", "chosen_format", "emit", "records"]


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table (default), json, csv (the main table) or markdown (a pull-request comment).",
    ),
]


def chosen_format(value: str) -> Format:
    """``value`` as a :data:`Format`, or a bad-input error listing the valid ones."""
    if value not in FORMATS:
        raise InnovateSimError(f"--format must be one of {', '.join(FORMATS)}, not {value!r}")
    return cast(Format, value)


@dataclass(frozen=True)
class Document:
    """What a command reports, in a form every format can write.

    Attributes:
        heading: one line naming what was run (the markdown heading).
        context: lines of context under the heading (scenario, seed, versions).
        tables: titled tables for markdown; a ``unit`` column tells how to
            write the row's numbers (text cells are written as they are).
        csv: the main table with raw numbers (the CSV output).
        payload: the JSON document.
    """

    heading: str
    context: list[str]
    tables: list[tuple[str, pd.DataFrame]]
    csv: pd.DataFrame
    payload: dict[str, Any] = field(default_factory=dict)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as JSON-ready mappings."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _plain(value: Any) -> Any:
    """``value`` with numpy scalars made Python ones and NaN or infinity made ``None``."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NaT:
        return None
    return value


def _cell_writer(column: str, unit: str | None) -> Callable[[Any], str]:
    """How to write a number of ``column`` in markdown (by the row's unit or the column's name)."""
    if unit is not None:
        return lambda v: format_value(v, unit)
    if "usd" in column or column.startswith("monthly_cost"):
        return format_usd
    if "availability" in column:
        return format_percent
    return lambda v: f"{v:,.2f}"


#: Columns that count (replications), whatever the row's unit.
_COUNTS = {"n", "replications", "replications_to_settle"}


def _cell(column: str, value: Any, unit: str | None) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        if not math.isfinite(float(value)):
            return NOT_AVAILABLE
        if isinstance(value, int | np.integer) or column in _COUNTS:
            return f"{value:,.0f}"
        return _cell_writer(column, unit)(float(value))
    return "" if value is None else str(value)


_NUMBER_TEXT = re.compile(r"^[-+]?\$?[\d.,]+")


def _right_aligned(frame: pd.DataFrame) -> set[int]:
    """Columns of numbers, or of text that starts like a number (formatted values)."""
    return {
        i
        for i, column in enumerate(frame.columns)
        if pd.api.types.is_numeric_dtype(frame[column])
        or frame[column].astype(str).str.match(_NUMBER_TEXT).all()
    }


def _markdown_rows(frame: pd.DataFrame) -> tuple[list[str], list[list[str]], set[int]]:
    columns = [str(c) for c in frame.columns]
    rows = []
    for record in frame.to_dict(orient="records"):
        unit = record.get("unit")
        unit = unit if isinstance(unit, str) else None
        cells = [_cell(str(c), v, unit) for c, v in record.items()]
        if unit is not None:
            cells[columns.index("unit")] = display_unit(unit)
        rows.append(cells)
    return columns, rows, _right_aligned(frame)


def to_markdown(document: Document) -> str:
    """The document as a pull-request comment: no images, every table in its units."""
    parts = [f"### {document.heading}", ""]
    if document.context:
        parts += ["<br>".join(document.context), ""]
    for title, frame in document.tables:
        if frame.empty:
            continue
        columns, rows, right = _markdown_rows(frame)
        parts += [f"**{title}**", "", markdown_table(columns, rows, right), ""]
    return "\n".join(parts).rstrip() + "\n"


def emit(document: Document, format: Format) -> None:
    """Write ``document`` on stdout as JSON, CSV or markdown (``table`` is the command's own)."""
    if format == "json":
        text = json.dumps(_plain(document.payload), indent=2, allow_nan=False) + "\n"
    elif format == "csv":
        text = document.csv.to_csv(index=False)
    elif format == "markdown":
        text = to_markdown(document)
    else:
        raise ValueError("the table format is printed by each command itself")
    sys.stdout.write(text)
