"""Public IPv4 addresses: every address is billed per hour, in use or idle (since 2024-02-01)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog
from innovate_sim.units import HOURS_PER_MONTH

__all__ = ["PublicIpv4"]


@dataclass(frozen=True)
class PublicIpv4(Resource):
    """Public IPv4 addresses of one purpose (NAT Gateway EIPs, ALB addresses).

    Unlike Infracost, which charges only unattached EIPs, in-use addresses are
    billed too, as AWS has done since 2024-02-01 (reference PRICES.md).

    Attributes:
        purpose: what holds the addresses, e.g. ``"nat-gateway"`` or ``"alb"``.
        count: number of addresses.
        hours: hours each address exists in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("network",)

    purpose: str
    count: int
    hours: float = HOURS_PER_MONTH

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Address-hours."""
        return [
            self.line(
                "VPC",
                f"{self.environment}/public-ipv4/{self.purpose}",
                f"Public IPv4 addresses ({self.purpose}, {self.count}) (hours)",
                self.count * self.hours,
                "hours",
                catalog.price("VPC", "public IPv4 address (in-use or idle)"),
            )
        ]
