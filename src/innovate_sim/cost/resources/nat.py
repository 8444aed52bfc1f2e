"""NAT Gateways: hours and data processed (Infracost ``nat_gateway.go``)."""

from __future__ import annotations

from dataclasses import dataclass

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog
from innovate_sim.units import HOURS_PER_MONTH
from innovate_sim.workload.topology import nat_gateway_name

__all__ = ["NatGateway"]


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
            self.line(
                "VPC",
                resource,
                "Data processed (GB)",
                self.data_processed_gb,
                "GB",
                catalog.price("VPC", "NAT Gateway data processed"),
            ),
        ]
