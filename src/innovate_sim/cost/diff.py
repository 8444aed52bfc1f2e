"""The difference between two monthly bills, line by line (``innovate-sim cost BASE HEAD``).

Lines are matched on account, service, resource and component; a line only in
one bill is an addition or a removal. Unchanged lines are left out of the
rendering, so a pull-request comment shows what the change costs.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from typing import Literal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from innovate_sim.cost.components import CostEstimate

__all__ = ["BillChange", "diff_estimates", "render_diff"]

DiffFormat = Literal["table", "markdown", "csv", "json"]
_CENT = 0.005


@dataclass(frozen=True)
class BillChange:
    """One line of the bill that differs between the base and the head.

    Attributes:
        account, service, resource, component: what the line bills.
        base_usd: its monthly cost in the base bill (0 when added).
        head_usd: its monthly cost in the head bill (0 when removed).
    """

    account: str
    service: str
    resource: str
    component: str
    base_usd: float
    head_usd: float

    @property
    def delta_usd(self) -> float:
        """Head minus base, USD per month."""
        return self.head_usd - self.base_usd


def diff_estimates(base: CostEstimate, head: CostEstimate) -> list[BillChange]:
    """Lines whose monthly cost differs by at least half a cent, base order then new lines."""

    def keyed(estimate: CostEstimate) -> dict[tuple[str, str, str, str], float]:
        lines: dict[tuple[str, str, str, str], float] = {}
        for c in estimate.components:
            key = (c.account, c.service, c.resource, c.component)
            lines[key] = lines.get(key, 0.0) + c.monthly_usd
        return lines

    before, after = keyed(base), keyed(head)
    keys = list(before) + [k for k in after if k not in before]
    changes = [BillChange(*key, before.get(key, 0.0), after.get(key, 0.0)) for key in keys]
    return [c for c in changes if abs(c.delta_usd) >= _CENT]


def _usd(value: float, signed: bool = False) -> str:
    text = f"${abs(value):,.2f}"
    if value < 0:
        return f"-{text}"
    return f"+{text}" if signed else text


def render_diff(
    base: CostEstimate, head: CostEstimate, *, format: DiffFormat = "table", console: Console
) -> str | None:
    """Print (table) or return (markdown, csv, json) the difference of two bills."""
    changes = diff_estimates(base, head)
    total = head.total_usd - base.total_usd
    title = (
        f"Monthly cost: {base.scenario_name} {_usd(base.total_usd)} -> {head.scenario_name} "
        f"{_usd(head.total_usd)} ({_usd(total, signed=True)} per month; month {head.month}, "
        f"prices {head.catalog_version})"
    )
    if format == "json":
        rows = [{**asdict(c), "delta_usd": c.delta_usd} for c in changes]
        return json.dumps({"summary": title, "delta_usd": total, "changes": rows}, indent=2)
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            ["account", "service", "resource", "component", "base_usd", "head_usd", "delta_usd"]
        )
        for c in changes:
            writer.writerow(
                [
                    c.account,
                    c.service,
                    c.resource,
                    c.component,
                    f"{c.base_usd:.2f}",
                    f"{c.head_usd:.2f}",
                    f"{c.delta_usd:.2f}",
                ]
            )
        return buffer.getvalue()
    if format == "markdown":
        lines = [
            f"**{title}**",
            "",
            "| service | resource | component | base | head | change |",
            "|---|---|---|---:|---:|---:|",
        ]
        lines += [
            f"| {c.service} | {c.resource} | {c.component} | {_usd(c.base_usd)} | "
            f"{_usd(c.head_usd)} | {_usd(c.delta_usd, signed=True)} |"
            for c in changes
        ]
        if not changes:
            lines.append("| | | no line changed | | | |")
        return "\n".join(lines) + "\n"
    table = Table(title=escape(title), title_justify="left")
    for name in ("service", "resource", "component"):
        table.add_column(name)
    for name in ("base", "head", "change"):
        table.add_column(name, justify="right")
    for c in changes:
        table.add_row(
            escape(c.service),
            escape(c.resource),
            escape(c.component),
            _usd(c.base_usd),
            _usd(c.head_usd),
            _usd(c.delta_usd, signed=True),
        )
    console.print(table)
    return None
