"""The report's per-resource bill: what each NAT Gateway, node group or database costs.

The rows are the static bill (the same as ``innovate-sim cost``) of the
forecast's first and last month, per account, service and resource: every
resource the scenario builds, priced from the scenario alone, so a report
rebuilt from a saved folder shows the same section. The accrued cost of the
simulated runs is in the report's "Monthly cost" section, by service.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from innovate_sim.cost import estimate_cost
from innovate_sim.formatting import format_usd
from innovate_sim.reporting.templates import Block, Heading, Paragraph, Table
from innovate_sim.units import HOURS_PER_MONTH

__all__ = ["bill_blocks", "resource_bill"]

_KEYS = ["account", "service", "resource"]


def resource_bill(scenario: Any) -> tuple[pd.DataFrame, list[int]]:
    """Monthly USD per account, service and resource in the horizon's first and last month.

    Returns:
        The table (``account``, ``service``, ``resource``, then one
        ``month_{m}`` column per month), dearest first within each account,
        and the months.
    """
    last = max(1, math.ceil(scenario.horizon / HOURS_PER_MONTH - 1e-9))
    months = list(dict.fromkeys((1, last)))
    bill: pd.DataFrame | None = None
    for month in months:
        frame = estimate_cost(scenario, month=month).by(*_KEYS)
        frame = frame.rename(columns={"monthly_usd": f"month_{month}"})
        bill = frame if bill is None else bill.merge(frame, on=_KEYS, how="outer")
    assert bill is not None
    order = f"month_{months[-1]}"
    bill = bill.sort_values(["account", order], ascending=[True, False]).reset_index(drop=True)
    return bill, months


def bill_blocks(result: Any) -> list[Block]:
    """The section: what the columns are, and one row per resource."""
    bill, months = resource_bill(result.scenario)
    columns = [*_KEYS, *(f"month {m}" for m in months)]
    rows = [
        [
            *(str(row[key]) for key in _KEYS),
            *(
                format_usd(row[f"month_{m}"]) if pd.notna(row[f"month_{m}"]) else "—"
                for m in months
            ),
        ]
        for row in bill.to_dict(orient="records")
    ]
    note = (
        "Monthly USD per resource at list prices: the static estimate (steady-state "
        "quantities, as innovate-sim cost prints them) of the forecast's "
        + ("first and last month (demand and storage growth)" if len(months) > 1 else "month")
        + ". The simulated, accrued cost is under Monthly cost, by service."
    )
    right = frozenset(range(len(_KEYS), len(columns)))
    return [Heading("Bill by resource"), Paragraph(note, "note"), Table(columns, rows, right)]
