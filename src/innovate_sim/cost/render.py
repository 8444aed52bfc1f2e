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
from innovate_sim.cost.diff import DIFF_COLUMNS, CostDiff
from innovate_sim.formatting import format_unit_price, format_usd, markdown_table

__all__ = ["FORMATS", "render_diff", "render_estimate"]

Format = Literal["table", "csv", "json", "markdown"]

#: Output formats of :func:`render_estimate` and :func:`render_diff`.
FORMATS: tuple[Format, ...] = ("table", "csv", "json", "markdown")


def _signed(usd: float) -> str:
    """A change in USD with its sign: ``+$12.39``, ``-$48.21``, ``$0.00``."""
    if round(usd, 2) == 0:
        return "$0.00"
    return f"+${usd:,.2f}" if usd > 0 else f"-${-usd:,.2f}"


def _estimate_markdown(estimate: CostEstimate) -> str:
    parts = [
        f"### Monthly cost: {estimate.scenario_name} — {format_usd(estimate.total_usd)}",
        "",
        f"Month {estimate.month} (730 h), prices `{estimate.catalog_version}`, list prices in "
        "USD. Quantities are steady state (the cluster sized at the month's mean demand).",
        "",
        markdown_table(
            ["account", "service", "monthly"],
            [
                [row["account"], row["service"], format_usd(row["monthly_usd"])]
                for row in estimate.by("account", "service").to_dict("records")
            ]
            + [["**total**", "", f"**{format_usd(estimate.total_usd)}**"]],
            right={2},
        ),
        "",
        "<details><summary>Every line</summary>",
        "",
        markdown_table(
            ["account", "resource", "component", "quantity", "unit", "unit price", "monthly"],
            [
                [
                    c.account,
                    c.resource,
                    c.component,
                    _quantity(c.quantity),
                    c.unit,
                    format_unit_price(c.price.usd),
                    format_usd(c.monthly_usd),
                ]
                for c in estimate.components
            ],
            right={3, 5, 6},
        ),
        "",
        "</details>",
    ]
    return "\n".join(parts) + "\n"


#: Follows the unit price of a line whose price source cannot be checked.
UNVERIFIED_MARK = " †"


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
                format_unit_price(line.price.usd)
                + ("" if line.price.verified else UNVERIFIED_MARK),
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
    unverified = estimate.unverified
    if unverified:
        console.print(
            f"{UNVERIFIED_MARK.strip()} unverified price: {len(unverified)} lines, "
            f"{format_usd(estimate.unverified_usd)} of the total, are priced from a secondary "
            "or derived source (the catalog's `verified` column; `innovate-sim prices`).",
            highlight=False,
        )


def _json(estimate: CostEstimate) -> str:
    frame = estimate.to_frame()
    payload = {
        "scenario": estimate.scenario_name,
        "month": estimate.month,
        "catalog_version": estimate.catalog_version,
        "total_usd": estimate.total_usd,
        "unverified_usd": estimate.unverified_usd,
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
            the columns of :meth:`CostEstimate.to_frame`), ``"json"``
            (totals by account and service, and the component records) or
            ``"markdown"`` (a self-contained pull-request comment).
        console: print there and return None; without one, return the text.

    Raises:
        ValueError: unknown format.
    """
    if format == "csv":
        text = estimate.to_frame().to_csv(index=False, float_format=_csv_float)
    elif format == "json":
        text = _json(estimate)
    elif format == "markdown":
        text = _estimate_markdown(estimate)
    elif format == "table":
        if console is not None:
            _print_tables(estimate, console)
            return None
        buffer = io.StringIO()
        _print_tables(estimate, Console(file=buffer, width=160, color_system=None))
        return buffer.getvalue()
    else:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    if console is not None:
        console.print(text, markup=False, highlight=False, soft_wrap=True, end="")
        return None
    return text


def _csv_float(value: object) -> str:
    """CSV numbers without float noise (``59.568000000000005`` → ``59.568``)."""
    return f"{float(value):.12g}"  # type: ignore[arg-type]


def _diff_rows(diff: CostDiff, everything: bool) -> list[list[str]]:
    lines = diff.lines if everything else diff.changed()
    return [
        [
            line.status,
            line.account,
            line.resource,
            line.component,
            format_usd(line.base_usd),
            format_usd(line.head_usd),
            _signed(line.change_usd),
        ]
        for line in sorted(lines, key=lambda x: -abs(x.change_usd))
    ]


def _diff_heading(diff: CostDiff) -> str:
    base, head = diff.base, diff.head
    return (
        f"{head.scenario_name} vs {base.scenario_name}: {_signed(diff.change_usd)} per month "
        f"({format_usd(base.total_usd)} → {format_usd(head.total_usd)}), "
        f"month {base.month} (730 h), prices {base.catalog_version}"
    )


def _diff_markdown(diff: CostDiff) -> str:
    services = [
        [s, format_usd(b), format_usd(h), _signed(h - b)]
        for s, b, h in diff.by_service()
        if round(h - b, 2) != 0
    ]
    parts = [
        f"### Monthly cost change: {_signed(diff.change_usd)}",
        "",
        f"`{diff.head.scenario_name}` against `{diff.base.scenario_name}`: "
        f"{format_usd(diff.base.total_usd)} → {format_usd(diff.head.total_usd)} per month "
        f"(month {diff.base.month}, 730 h; list prices `{diff.base.catalog_version}`, USD).",
        "",
        markdown_table(["service", "base", "head", "change"], services, right={1, 2, 3})
        if services
        else "No service changes cost by a cent.",
        "",
        "<details><summary>Lines that changed</summary>",
        "",
        markdown_table(
            ["", "account", "resource", "component", "base", "head", "change"],
            _diff_rows(diff, everything=False),
            right={4, 5, 6},
        ),
        "",
        "</details>",
    ]
    return "\n".join(parts) + "\n"


def _diff_json(diff: CostDiff) -> str:
    payload = {
        "base": {"scenario": diff.base.scenario_name, "total_usd": diff.base.total_usd},
        "head": {"scenario": diff.head.scenario_name, "total_usd": diff.head.total_usd},
        "month": diff.base.month,
        "catalog_version": diff.base.catalog_version,
        "change_usd": diff.change_usd,
        "by_service": [
            {"service": s, "base_usd": b, "head_usd": h, "change_usd": h - b}
            for s, b, h in diff.by_service()
        ],
        "lines": [
            {**{c: getattr(line, c) for c in DIFF_COLUMNS}, "status": line.status}
            for line in diff.lines
        ],
    }
    return json.dumps(payload, indent=2)


def _print_diff(diff: CostDiff, console: Console) -> None:
    console.print(f"[bold]Monthly cost change[/bold] {escape(_diff_heading(diff))}")
    table = Table(title="lines that changed", title_justify="left")
    for name, justify in (
        ("", "left"),
        ("account", "left"),
        ("resource", "left"),
        ("component", "left"),
        ("base", "right"),
        ("head", "right"),
        ("change", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in _diff_rows(diff, everything=False):
        table.add_row(*(escape(cell) for cell in row))
    table.add_section()
    table.add_row(
        "[bold]total[/bold]",
        "",
        "",
        "",
        format_usd(diff.base.total_usd),
        format_usd(diff.head.total_usd),
        f"[bold]{_signed(diff.change_usd)}[/bold]",
    )
    console.print(table)


def render_diff(
    diff: CostDiff, format: Format = "table", console: Console | None = None
) -> str | None:
    """Render the difference of two bills (see :func:`render_estimate` for ``format``).

    The table and markdown show the lines that changed by at least a cent,
    largest first; CSV and JSON carry every line of either bill.
    """
    if format == "csv":
        text = diff.to_frame().to_csv(index=False, float_format=_csv_float)
    elif format == "json":
        text = _diff_json(diff)
    elif format == "markdown":
        text = _diff_markdown(diff)
    elif format == "table":
        if console is not None:
            _print_diff(diff, console)
            return None
        buffer = io.StringIO()
        _print_diff(diff, Console(file=buffer, width=160, color_system=None))
        return buffer.getvalue()
    else:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    if console is not None:
        console.print(text, markup=False, highlight=False, soft_wrap=True, end="")
        return None
    return text
