"""NAT Gateways: hours and data processed (Infracost ``nat_gateway.go``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog
from innovate_sim.units import HOURS_PER_MONTH
from innovate_sim.workload.topology import nat_gateway_name

__all__ = ["DATA_PROCESSED_SKU", "NatGateway"]

#: The catalog SKU (service ``VPC``) of GB processed by a NAT Gateway.
DATA_PROCESSED_SKU = "NAT Gateway data processed"


@dataclass(frozen=True)
class NatGateway(Resource):
    """One NAT Gateway in an AZ.

    Its Elastic IP is billed by :class:`~innovate_sim.cost.resources.public_ipv4.PublicIpv4`,
    and cross-AZ traffic to reach it by
    :class:`~innovate_sim.cost.resources.data_transfer.InterAzTransfer`.

    Attributes:
        zone: 0-based AZ index.
        data_processed_gb: GB processed in the month (both directions).
        hours: hours the gateway exists in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("network", "nat_gateways")

    zone: int
    data_processed_gb: float = 0.0
    hours: float = HOURS_PER_MONTH

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Gateway-hours and GB processed."""
        resource = nat_gateway_name(self.environment, self.zone)
        return [
            self.line(
                "VPC",
                resource,
                "NAT Gateway (hours)",
                self.hours,
                "hours",
                catalog.price("VPC", "NAT Gateway"),
            ),
            self.data_processed(
                resource, self.data_processed_gb, catalog.price("VPC", DATA_PROCESSED_SKU)
            ),
        ]
