"""Print a cost estimate: rich tables, CSV or JSON (used by ``innovate-sim cost``)."""

from __future__ import annotations

import io
import json
from itertools import groupby
from typing import Literal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from innovate_sim.cost.components import CostComponent, CostEstimate
from innovate_sim.formatting import format_unit_price, format_usd

__all__ = ["render_estimate"]

Format = Literal["table", "csv", "json"]


def _quantity(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.2f}"


def _account_table(account: str, lines: list[CostComponent]) -> Table:
    table = Table(title=f"account [bold]{escape(account)}[/bold]", title_justify="left")
    table.add_column("service")
    table.add_column("resource")
    table.add_column("component")
    table.add_column("quantity", justify="right")
    table.add_column("unit")
    table.add_column("unit price", justify="right")
    table.add_column("monthly", justify="right")
    ordered = sorted(lines, key=lambda c: c.service)  # stable: resource order kept within
    for index, (service, group) in enumerate(groupby(ordered, key=lambda c: c.service)):
        items = list(group)
        if index:
            table.add_section()
        for row, line in enumerate(items):
            table.add_row(
                escape(service) if row == 0 else "",
                escape(line.resource),
                escape(line.component),
                _quantity(line.quantity),
                escape(line.unit),
                format_unit_price(line.price.usd),
                format_usd(line.monthly_usd),
            )
        subtotal = sum(line.monthly_usd for line in items)
        table.add_row(
            "",
            "",
            f"[italic]{escape(service)} subtotal[/italic]",
            "",
            "",
            "",
            f"[italic]{format_usd(subtotal)}[/italic]",
        )
    table.add_section()
    total = sum(line.monthly_usd for line in lines)
    table.add_row("[bold]total[/bold]", "", "", "", "", "", f"[bold]{format_usd(total)}[/bold]")
    return table


def _print_tables(estimate: CostEstimate, console: Console) -> None:
    console.print(
        f"[bold]Monthly cost estimate[/bold] scenario [cyan]{escape(estimate.scenario_name)}"
        f"[/cyan], month {estimate.month} (730 h), prices [cyan]{estimate.catalog_version}[/cyan]"
    )
    console.print(
        "Quantities are steady state: the cluster sized at the month's mean demand runs all "
        "730 hours; traffic integrates the demand curve over the month. List prices, USD.",
        highlight=False,
    )
    by_account = sorted(estimate.components, key=lambda c: c.account)
    for account, group in groupby(by_account, key=lambda c: c.account):
        console.print(_account_table(account, list(group)))
    console.print(f"[bold]Grand total: {format_usd(estimate.total_usd)} per month[/bold]")


def _json(estimate: CostEstimate) -> str:
    frame = estimate.to_frame()
    payload = {
        "scenario": estimate.scenario_name,
        "month": estimate.month,
        "catalog_version": estimate.catalog_version,
        "total_usd": estimate.total_usd,
        "by_account": {
            row["account"]: row["monthly_usd"] for row in estimate.by("account").to_dict("records")
        },
        "by_service": {
            row["service"]: row["monthly_usd"] for row in estimate.by("service").to_dict("records")
        },
        "components": frame.to_dict("records"),
    }
    return json.dumps(payload, indent=2, default=str)


def render_estimate(
    estimate: CostEstimate, format: Format = "table", console: Console | None = None
) -> str | None:
    """Render a cost estimate.

    Args:
        estimate: the bill.
        format: ``"table"`` (rich tables per account, grouped by service with
            subtotals and a grand total), ``"csv"`` (one row per component,
            the columns of :meth:`CostEstimate.to_frame`) or ``"json"``
            (totals by account and service, and the component records).
        console: print there and return None; without one, return the text.

    Raises:
        ValueError: unknown format.
    """
    if format == "csv":
        text = estimate.to_frame().to_csv(index=False)
    elif format == "json":
        text = _json(estimate)
    elif format == "table":
        if console is not None:
            _print_tables(estimate, console)
            return None
        buffer = io.StringIO()
        _print_tables(estimate, Console(file=buffer, width=160, color_system=None))
        return buffer.getvalue()
    else:
        raise ValueError(f"format must be 'table', 'csv' or 'json', got {format!r}")
    if console is not None:
        console.print(text, markup=False, highlight=False, soft_wrap=True, end="")
        return None
    return text
