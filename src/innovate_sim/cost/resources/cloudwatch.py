"""Amazon CloudWatch Logs: ingestion and storage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog

__all__ = ["CloudWatchLogs"]


@dataclass(frozen=True)
class CloudWatchLogs(Resource):
    """Log groups of an environment.

    Attributes:
        ingestion_gb: GB ingested in the month (standard log class).
        storage_gb: GB stored (archival).
    """

    field_path: ClassVar[tuple[str, ...]] = ("observability",)

    ingestion_gb: float
    storage_gb: float

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Ingested GB and stored GB-months."""
        resource = f"{self.environment}/cloudwatch-logs"
        return [
            self.line(
                "CloudWatch",
                resource,
                "Logs ingestion (standard) (GB)",
                self.ingestion_gb,
                "GB",
                catalog.price("CloudWatch", "Logs ingestion (standard)"),
            ),
            self.line(
                "CloudWatch",
                resource,
                "Logs storage (GB-month)",
                self.storage_gb,
                "GB-month",
                catalog.price("CloudWatch", "Logs storage (archival)"),
            ),
        ]
