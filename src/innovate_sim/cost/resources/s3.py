"""Amazon S3 Standard: storage and requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog

__all__ = ["S3Bucket"]


@dataclass(frozen=True)
class S3Bucket(Resource):
    """S3 Standard buckets of an environment (storage priced at the first 50 TB tier).

    Attributes:
        standard_gb: GB stored.
        put_requests: PUT, COPY, POST and LIST requests in the month.
        get_requests: GET, SELECT and other requests in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("object_storage",)

    standard_gb: float
    put_requests: float = 0.0
    get_requests: float = 0.0

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Storage GB-months; request lines only when requests are stated."""
        resource = f"{self.environment}/s3"
        lines = [
            self.line(
                "S3",
                resource,
                "Standard storage (GB-month)",
                self.standard_gb,
                "GB-month",
                catalog.price("S3", "Standard storage (first 50 TB)"),
            )
        ]
        if self.put_requests:
            lines.append(
                self.line(
                    "S3",
                    resource,
                    "PUT, COPY, POST, LIST requests (1k requests)",
                    self.put_requests / 1000.0,
                    "1k requests",
                    catalog.price("S3", "Standard PUT, COPY, POST, LIST requests"),
                )
            )
        if self.get_requests:
            lines.append(
                self.line(
                    "S3",
                    resource,
                    "GET, SELECT and other requests (1k requests)",
                    self.get_requests / 1000.0,
                    "1k requests",
                    catalog.price("S3", "Standard GET, SELECT and all other requests"),
                )
            )
        return lines
