"""Operational services beside compute: KMS keys, CloudWatch metrics and alarms, Route 53,
and image scanning of the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog

__all__ = ["CloudWatchMonitoring", "ImageScanning", "KmsKeys", "Route53Zone"]

#: Catalog key an override adds to price enhanced (Amazon Inspector) scanning.
INSPECTOR_SCAN_SKU = "ECR enhanced image scan"


@dataclass(frozen=True)
class KmsKeys(Resource):
    """Customer managed KMS keys and the requests made with them.

    Attributes:
        keys: customer managed keys.
        requests: API requests in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("encryption",)

    keys: int
    requests: float

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Key-months and requests (per 10,000)."""
        resource = f"{self.environment}/kms"
        return [
            self.line(
                "KMS",
                resource,
                "Customer managed keys (encryption at rest) (key-months)",
                self.keys,
                "key-months",
                catalog.price("KMS", "customer managed key"),
            ),
            self.line(
                "KMS",
                resource,
                "Requests (10k requests)",
                self.requests / 10_000.0,
                "10k requests",
                catalog.price("KMS", "symmetric requests"),
            ),
        ]


@dataclass(frozen=True)
class CloudWatchMonitoring(Resource):
    """CloudWatch custom metrics and standard-resolution alarms.

    Attributes:
        metrics: custom metrics published (priced at the first-10,000 tier).
        alarms: alarms.
    """

    field_path: ClassVar[tuple[str, ...]] = ("monitoring",)

    metrics: int
    alarms: int

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Metric-months and alarm-months."""
        resource = f"{self.environment}/cloudwatch-monitoring"
        return [
            self.line(
                "CloudWatch",
                resource,
                "Custom metrics (metric-months)",
                self.metrics,
                "metric-months",
                catalog.price("CloudWatch", "custom metrics (first 10K)"),
            ),
            self.line(
                "CloudWatch",
                resource,
                "Alarms, standard resolution (alarm-months)",
                self.alarms,
                "alarm-months",
                catalog.price("CloudWatch", "alarm (standard resolution)"),
            ),
        ]


@dataclass(frozen=True)
class Route53Zone(Resource):
    """Route 53 hosted zones and their standard queries (alias queries to the ALB are free).

    Attributes:
        zones: hosted zones.
        queries: standard queries in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("dns",)

    zones: int
    queries: float

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Zone-months and queries (per million)."""
        resource = f"{self.environment}/route53"
        return [
            self.line(
                "Route53",
                resource,
                "Hosted zones (months)",
                self.zones,
                "zone-months",
                catalog.price("Route53", "hosted zone"),
            ),
            self.line(
                "Route53",
                resource,
                "Standard queries, alias queries to the load balancer not billed (1M queries)",
                self.queries / 1e6,
                "1M queries",
                catalog.price("Route53", "standard queries (first 1B)"),
            ),
        ]


@dataclass(frozen=True)
class ImageScanning(Resource):
    """Vulnerability scanning of the images pushed to ECR.

    Basic scanning is part of ECR (a $0 catalog row); enhanced scanning is
    billed by Amazon Inspector per image, a price the catalog does not hold:
    a scenario adds it as ``pricing.overrides['Inspector/ECR enhanced image scan']``.

    Attributes:
        mode: ``"basic"`` or ``"enhanced"``.
        images: images scanned in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("registry", "scanning")

    mode: str
    images: float

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """One line: the month of basic scanning, or the images Inspector scanned."""
        resource = f"{self.environment}/ecr/scanning"
        if self.mode == "basic":
            return [
                self.line(
                    "ECR",
                    resource,
                    f"Basic image scanning on push ({self.images:g} images) (months)",
                    1.0,
                    "months",
                    catalog.price("ECR", "basic image scanning"),
                )
            ]
        return [
            self.line(
                "Inspector",
                resource,
                "Enhanced image scanning, Amazon Inspector (images)",
                self.images,
                "images",
                catalog.price("Inspector", INSPECTOR_SCAN_SKU),
            )
        ]
