"""The difference between two bills, line by line (Infracost's ``diff``).

Lines are matched on (account, service, resource, component): a line in only
one bill appears with zero on the other side, so every dollar of the change is
attributed to a named resource. Used by ``innovate-sim cost A.yaml B.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from innovate_sim.cost.components import CostComponent, CostEstimate

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DIFF_COLUMNS", "CostDiff", "LineChange", "diff_estimates"]

#: Columns of :meth:`CostDiff.to_frame`, in order.
DIFF_COLUMNS = (
    "account",
    "service",
    "resource",
    "component",
    "unit",
    "base_quantity",
    "head_quantity",
    "base_usd",
    "head_usd",
    "change_usd",
)

_Key = tuple[str, str, str, str]


def _key(line: CostComponent) -> _Key:
    return (line.account, line.service, line.resource, line.component)


@dataclass(frozen=True)
class LineChange:
    """One bill line in the base and head bills (zero where a bill lacks it).

    Attributes:
        account, service, resource, component: the line's identity.
        unit: the unit of the quantities.
        base_quantity, head_quantity: monthly quantities.
        base_usd, head_usd: monthly cost in USD.
    """

    account: str
    service: str
    resource: str
    component: str
    unit: str
    base_quantity: float
    head_quantity: float
    base_usd: float
    head_usd: float

    @property
    def change_usd(self) -> float:
        """Head minus base, USD per month."""
        return self.head_usd - self.base_usd

    @property
    def status(self) -> str:
        """``"added"``, ``"removed"``, ``"changed"`` or ``"unchanged"`` (to the cent)."""
        if self.base_quantity == 0 and self.base_usd == 0 and self.head_usd != 0:
            return "added"
        if self.head_quantity == 0 and self.head_usd == 0 and self.base_usd != 0:
            return "removed"
        return "changed" if round(self.change_usd, 2) != 0 else "unchanged"


@dataclass(frozen=True)
class CostDiff:
    """Two bills side by side; ``head − base`` per line, per service and in total.

    Attributes:
        base, head: the two estimates (same month).
        lines: every line of either bill, in base order then head-only lines.
    """

    base: CostEstimate
    head: CostEstimate
    lines: tuple[LineChange, ...]

    @property
    def change_usd(self) -> float:
        """Total monthly change in USD (head − base)."""
        return self.head.total_usd - self.base.total_usd

    def changed(self) -> tuple[LineChange, ...]:
        """The lines whose monthly cost moved by at least one cent."""
        return tuple(line for line in self.lines if line.status != "unchanged")

    def to_frame(self) -> pd.DataFrame:
        """Every line with the columns of :data:`DIFF_COLUMNS`."""
        import pandas as pd

        rows = [{c: getattr(line, c) for c in DIFF_COLUMNS} for line in self.lines]
        return pd.DataFrame(rows, columns=list(DIFF_COLUMNS))

    def by_service(self) -> list[tuple[str, float, float]]:
        """``(service, base_usd, head_usd)`` per service, sorted by service."""
        totals: dict[str, list[float]] = {}
        for line in self.lines:
            pair = totals.setdefault(line.service, [0.0, 0.0])
            pair[0] += line.base_usd
            pair[1] += line.head_usd
        return [(s, b, h) for s, (b, h) in sorted(totals.items())]

    def _repr_html_(self) -> str:
        """Jupyter: the change in total, then the lines that moved, largest first."""
        frame = self.to_frame()
        frame = frame[frame["change_usd"].round(2) != 0]
        frame = frame.reindex(frame["change_usd"].abs().sort_values(ascending=False).index)
        table = frame.drop(columns=["base_quantity", "head_quantity"]).to_html(
            index=False, float_format=lambda usd: f"{usd:,.2f}", border=0
        )
        return (
            f"<p><b>{self.head.scenario_name}</b> vs <b>{self.base.scenario_name}</b>: "
            f"{self.change_usd:+,.2f} USD per month (month {self.base.month}; prices "
            f"{self.base.catalog_version})</p>{table}"
        )

    def __repr__(self) -> str:
        return (
            f"CostDiff(base={self.base.scenario_name!r}, head={self.head.scenario_name!r}, "
            f"month={self.base.month}, lines_changed={len(self.changed())}, "
            f"change_usd={self.change_usd:+,.2f})"
        )


def diff_estimates(base: CostEstimate, head: CostEstimate) -> CostDiff:
    """Match two bills line by line.

    Args:
        base: the bill before the change.
        head: the bill after it.

    Raises:
        ValueError: the bills are for different months or price catalogs, so a
            difference would mix a design change with a price or growth change.
    """
    if base.month != head.month:
        raise ValueError(f"bills are for months {base.month} and {head.month}; diff one month")
    if base.catalog_version != head.catalog_version:
        raise ValueError(
            f"bills use different price catalogs ({base.catalog_version} and "
            f"{head.catalog_version}); a diff would mix design and price changes"
        )
    merged: dict[_Key, list[CostComponent | None]] = {}
    for side, estimate in enumerate((base, head)):
        for line in estimate.components:
            pair = merged.setdefault(_key(line), [None, None])
            if pair[side] is not None:  # the same key twice in one bill: sum, never drop
                raise ValueError(f"bill {estimate.scenario_name!r} has line {_key(line)} twice")
            pair[side] = line
    lines = []
    for (account, service, resource, component), (old, new) in merged.items():
        unit = (old or new).unit  # type: ignore[union-attr]
        lines.append(
            LineChange(
                account=account,
                service=service,
                resource=resource,
                component=component,
                unit=unit,
                base_quantity=old.quantity if old else 0.0,
                head_quantity=new.quantity if new else 0.0,
                base_usd=old.monthly_usd if old else 0.0,
                head_usd=new.monthly_usd if new else 0.0,
            )
        )
    return CostDiff(base=base, head=head, lines=tuple(lines))
