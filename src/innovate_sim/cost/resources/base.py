"""What every priced resource shares: its owner, and how it writes a bill line."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import ORGANISATION, CostComponent
from innovate_sim.pricing import Price, PriceCatalog

__all__ = ["KB_PER_GB", "Resource", "gb_from_kb"]

#: Traffic sizes follow the scenario's convention (``Traffic`` docstring):
#: 1 KB = 1,024 bytes and 1 GB = 2^30 bytes, so a GB holds 2^20 KB.
KB_PER_GB = 1024.0 * 1024.0


def gb_from_kb(kb: float) -> float:
    """Convert KB (1,024 bytes) to GB (2^30 bytes)."""
    return kb / KB_PER_GB


@dataclass(frozen=True)
class Resource(ABC):
    """An AWS resource that yields cost components (Infracost's resource).

    Attributes:
        account: the AWS account that pays for it.
        environment: the environment it belongs to (``"-"`` for organisation-wide).
    """

    account: str
    environment: str

    #: The scenario field, below the resource's environment, that puts it on the bill
    #: (where a missing price is reported).
    field_path: ClassVar[tuple[str, ...]] = ()

    def scenario_field(self) -> tuple[str | int, ...]:
        """Path of the scenario field that brings this resource into the bill."""
        if self.environment == ORGANISATION:
            return ("accounts",)
        return ("environments", self.environment, *self.field_path)

    @abstractmethod
    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """The resource's bill lines for one month, priced from ``catalog``.

        Raises:
            PriceNotFound: the catalog lacks a price the resource needs.
        """

    def data_processed(self, resource: str, gb: float, price: Price) -> CostComponent:
        """The "Data processed (GB)" line of a gateway or an endpoint."""
        return self.line("VPC", resource, "Data processed (GB)", gb, "GB", price)

    def line(
        self,
        service: str,
        resource: str,
        component: str,
        quantity: float,
        unit: str,
        price: Price,
    ) -> CostComponent:
        """A bill line owned by this resource's account and environment."""
        return CostComponent(
            account=self.account,
            environment=self.environment,
            service=service,
            resource=resource,
            component=component,
            quantity=float(quantity),
            unit=unit,
            price=price,
        )
