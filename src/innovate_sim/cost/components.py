"""Cost components and the estimate that collects them (the Infracost shape).

A *resource* (a NAT Gateway, a node group, an RDS instance) yields a short
list of :class:`CostComponent` lines, each a quantity per month times a unit
price taken from the catalog. A :class:`CostEstimate` is the bill: every
component of every resource, with totals and DataFrame views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from innovate_sim.pricing import Price

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FRAME_COLUMNS", "ORGANISATION", "CostComponent", "CostEstimate"]

#: Columns of :meth:`CostEstimate.to_frame`, in order.
FRAME_COLUMNS = (
    "account",
    "environment",
    "service",
    "resource",
    "component",
    "quantity",
    "unit",
    "unit_price_usd",
    "monthly_usd",
    "price_key",
    "price_source",
    "price_as_of",
    "price_verified",
)

#: ``environment`` of components that belong to the organisation, not an environment
#: (the management account's free services, for example).
ORGANISATION = "-"


@dataclass(frozen=True)
class CostComponent:
    """One line of the bill: a monthly quantity of one priced item.

    Attributes:
        account: AWS account that pays, e.g. ``"prod"``.
        environment: environment the resource belongs to, or ``"-"`` for
            organisation-wide items.
        service: AWS billing family, e.g. ``"EC2"``, ``"VPC"``, ``"RDS"``.
        resource: what is billed, e.g. ``"prod/nat-gateway/az-a"``.
        component: the line as a bill reads it, e.g. ``"NAT Gateway (hours)"``.
        quantity: units consumed in the month (``quantity × price.usd`` is the cost).
        unit: the unit of ``quantity``, e.g. ``"hours"``, ``"GB"``, ``"GB-month"``.
        price: the catalog price per unit (with its key, source and date).
    """

    account: str
    environment: str
    service: str
    resource: str
    component: str
    quantity: float
    unit: str
    price: Price

    @property
    def monthly_usd(self) -> float:
        """Cost of the line in USD for the month: quantity × effective unit price."""
        return self.quantity * self.price.usd

    def as_row(self) -> dict[str, object]:
        """The line as a mapping with the columns of :data:`FRAME_COLUMNS`."""
        return {
            "account": self.account,
            "environment": self.environment,
            "service": self.service,
            "resource": self.resource,
            "component": self.component,
            "quantity": self.quantity,
            "unit": self.unit,
            "unit_price_usd": self.price.usd,
            "monthly_usd": self.monthly_usd,
            "price_key": self.price.key,
            "price_source": self.price.source,
            "price_as_of": self.price.as_of.isoformat() if self.price.as_of else "",
            "price_verified": self.price.verified,
        }


@dataclass(frozen=True)
class CostEstimate:
    """The static monthly bill of a scenario (see :func:`innovate_sim.cost.estimate_cost`).

    Attributes:
        components: every line of the bill, in resource order.
        catalog_version: the price catalog used, e.g. ``"aws-us-east-1@2026-09-20"``.
        scenario_name: name of the scenario estimated.
        month: the 730-hour month (1-based) the quantities are for.
    """

    components: tuple[CostComponent, ...]
    catalog_version: str
    scenario_name: str
    month: int = 1

    @property
    def total_usd(self) -> float:
        """Sum of every line's monthly cost in USD."""
        return sum((c.monthly_usd for c in self.components), 0.0)

    @property
    def unverified(self) -> tuple[CostComponent, ...]:
        """Lines priced from a row whose source a reader cannot check (``Price.verified``)."""
        return tuple(c for c in self.components if not c.price.verified)

    @property
    def unverified_usd(self) -> float:
        """Monthly USD of the :attr:`unverified` lines."""
        return sum((c.monthly_usd for c in self.unverified), 0.0)

    def to_frame(self) -> pd.DataFrame:
        """Every line as a DataFrame with the columns of :data:`FRAME_COLUMNS`."""
        import pandas as pd  # deferred: the cost model must not import pandas eagerly

        return pd.DataFrame([c.as_row() for c in self.components], columns=list(FRAME_COLUMNS))

    def by(self, *columns: str) -> pd.DataFrame:
        """Monthly USD summed by the given columns (e.g. ``"account", "service"``).

        Returns:
            A DataFrame with the grouping columns and ``monthly_usd``, sorted
            by the grouping columns. With no columns: one row, the total.
        """
        import pandas as pd

        frame = self.to_frame()
        unknown = [c for c in columns if c not in FRAME_COLUMNS]
        if unknown:
            raise KeyError(f"unknown column(s) {unknown}; columns: {', '.join(FRAME_COLUMNS)}")
        if not columns:
            return pd.DataFrame({"monthly_usd": [float(frame["monthly_usd"].sum())]})
        return frame.groupby(list(columns), sort=True)["monthly_usd"].sum().reset_index()

    def _repr_html_(self) -> str:
        """Jupyter: the total, then monthly USD by account and service."""
        table = self.by("account", "service").to_html(
            index=False, float_format=lambda usd: f"${usd:,.2f}", border=0
        )
        return (
            f"<p><b>{self.scenario_name}</b>: ${self.total_usd:,.2f} per month "
            f"(month {self.month}, 730 h; prices {self.catalog_version})</p>{table}"
        )

    def __repr__(self) -> str:
        return (
            f"CostEstimate(scenario={self.scenario_name!r}, month={self.month}, "
            f"catalog={self.catalog_version!r}, components={len(self.components)}, "
            f"total_usd={self.total_usd:,.2f})"
        )
