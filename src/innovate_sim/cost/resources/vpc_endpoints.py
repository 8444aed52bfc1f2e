"""Interface VPC endpoints: one ENI per AZ billed per hour, plus GB processed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog
from innovate_sim.units import HOURS_PER_MONTH
from innovate_sim.workload.topology import endpoint_name

__all__ = ["DATA_PROCESSED_SKU", "InterfaceEndpoint"]

#: The catalog SKU (service ``VPC``) of GB processed by an interface endpoint (first tier).
DATA_PROCESSED_SKU = "Interface VPC endpoint data processed (first 1 PB)"


@dataclass(frozen=True)
class InterfaceEndpoint(Resource):
    """An interface endpoint of one AWS service, with an ENI in each of ``zones`` AZs.

    Data processed is priced at the first tier (up to 1 PB a month per region),
    far above any volume of this design.

    Attributes:
        service_name: e.g. ``"ecr.dkr"``.
        zones: AZs (subnets) the endpoint has an ENI in.
        data_processed_gb: GB processed in the month.
        hours: hours the endpoint exists in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("network", "endpoints", "interface")

    service_name: str
    zones: int
    data_processed_gb: float = 0.0
    hours: float = HOURS_PER_MONTH

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Endpoint-AZ-hours and GB processed."""
        resource = endpoint_name(self.environment, self.service_name)
        return [
            self.line(
                "VPC",
                resource,
                f"Interface endpoint ({self.zones} AZs) (endpoint-AZ-hours)",
                self.zones * self.hours,
                "endpoint-AZ-hours",
                catalog.price("VPC", "Interface VPC endpoint"),
            ),
            self.data_processed(
                resource, self.data_processed_gb, catalog.price("VPC", DATA_PROCESSED_SKU)
            ),
        ]
