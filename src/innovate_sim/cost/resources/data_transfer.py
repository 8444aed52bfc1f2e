"""Data transfer: inter-AZ, out to the internet (tiered, free 100 GB), inter-region.

Rules (reference PRICES.md, ``DataTransfer`` rows):

* inter-AZ traffic is billed in each direction, so a GB moved between AZs
  appears as one GB out and one GB in;
* data transfer out to the internet is tiered per month (first 10 TB, next
  40 TB, next 100 TB, over 150 TB; 1 TB = 1,024 GB as the Infracost golden
  bills it), and
  the first 100 GB a month are free. Consolidated billing aggregates usage
  of the organisation, so the tiers apply to the organisation's total, each
  environment paying its share of every tier, and the free 100 GB are
  deducted once, in the environment with the most traffic out;
* inter-region traffic is billed out of the source region.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.errors import PriceNotFound
from innovate_sim.pricing import PriceCatalog
from innovate_sim.scenario.defaults import default

__all__ = [
    "FREE_INTERNET_OUT_GB",
    "INTERNET_OUT_TIERS",
    "InterAzTransfer",
    "InterRegionTransfer",
    "InternetDataTransferOut",
    "internet_egress",
]

#: First GB a month of data out to the internet that AWS does not bill, organisation-wide.
FREE_INTERNET_OUT_GB = float(default("billing.free_internet_out_gb_per_month"))

_TIER_GB = [float(gb) for gb in default("billing.internet_out_tier_gb")]

#: ``(catalog SKU, GB in the tier)`` in order (sizes from package data, with their source).
INTERNET_OUT_TIERS: tuple[tuple[str, float], ...] = (
    ("out to internet first 10 TB", _TIER_GB[0]),
    ("out to internet next 40 TB", _TIER_GB[1]),
    ("out to internet next 100 TB", _TIER_GB[2]),
    ("out to internet over 150 TB", math.inf),
)


def tier_split(total_gb: float) -> list[tuple[str, float]]:
    """Split a month's billable GB out to the internet into ``(sku, GB)`` tiers."""
    parts: list[tuple[str, float]] = []
    left = total_gb
    for sku, size in INTERNET_OUT_TIERS:
        if left <= 0:
            break
        take = min(left, size)
        parts.append((sku, take))
        left -= take
    return parts


@dataclass(frozen=True)
class InterAzTransfer(Resource):
    """Traffic between AZs of one environment, billed out and in.

    Attributes:
        purpose: what the traffic is, e.g. ``"service-to-service"``.
        gb: GB moved between AZs in the month (each GB is billed twice).
    """

    field_path: ClassVar[tuple[str, ...]] = ("network", "traffic")

    purpose: str
    gb: float

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """GB out of the source AZ and GB into the destination AZ."""
        price = catalog.price("DataTransfer", "inter-AZ same region")
        resource = f"{self.environment}/inter-az/{self.purpose}"
        return [
            self.line(
                "DataTransfer", resource, f"Inter-AZ transfer {way} (GB)", self.gb, "GB", price
            )
            for way in ("out", "in")
        ]


@dataclass(frozen=True)
class InternetDataTransferOut(Resource):
    """An environment's data transfer out to the internet, priced in the organisation's tiers.

    Attributes:
        gb: GB the environment sends to the internet in the month.
        free_gb: GB of the organisation's free allowance deducted here.
        organisation_billable_gb: billable GB of the whole organisation (after
            the free allowance); the tiers apply to it and this environment
            pays its share of each. Defaults to this environment's billable GB.
    """

    field_path: ClassVar[tuple[str, ...]] = ("network", "traffic")

    gb: float
    free_gb: float = 0.0
    organisation_billable_gb: float | None = None

    @property
    def billable_gb(self) -> float:
        """GB billed to this environment: its traffic less the free allowance deducted here."""
        return max(0.0, self.gb - self.free_gb)

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """One line per tier the organisation's volume reaches."""
        total = (
            self.billable_gb
            if self.organisation_billable_gb is None
            else self.organisation_billable_gb
        )
        share = self.billable_gb / total if total > 0 else 0.0
        resource = f"{self.environment}/internet-egress"
        free = f", after the organisation's free {self.free_gb:g} GB" if self.free_gb > 0 else ""
        tiers = tier_split(total) or [(INTERNET_OUT_TIERS[0][0], 0.0)]
        lines = []
        for sku, tier_gb in tiers:
            lines.append(
                self.line(
                    "DataTransfer",
                    resource,
                    f"Data transfer out to the internet ({sku.removeprefix('out to internet ')}"
                    f"{free}) (GB)",
                    tier_gb * share,
                    "GB",
                    catalog.price("DataTransfer", sku),
                )
            )
        return lines


def internet_egress(
    volumes: Sequence[tuple[str, str, float]], *, free_tier: bool = True
) -> list[InternetDataTransferOut]:
    """Resources for the organisation's data transfer out to the internet.

    Args:
        volumes: ``(account, environment, GB out in the month)`` per environment.
        free_tier: deduct the first :data:`FREE_INTERNET_OUT_GB` a month, once,
            from the environment with the most traffic out (first listed on a tie).
    """
    if not volumes:
        return []
    total = sum(gb for _, _, gb in volumes)
    free = min(FREE_INTERNET_OUT_GB, total) if free_tier else 0.0
    top = max(range(len(volumes)), key=lambda i: (volumes[i][2], -i))
    billable = total - free
    return [
        InternetDataTransferOut(account, environment, gb, free if index == top else 0.0, billable)
        for index, (account, environment, gb) in enumerate(volumes)
    ]


@dataclass(frozen=True)
class InterRegionTransfer(Resource):
    """Traffic from the catalog's region to another region (e.g. replication).

    Attributes:
        purpose: what the traffic is, e.g. ``"rds-replica"``.
        destination_region: e.g. ``"us-west-2"``.
        gb: GB sent in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("database", "cross_region_replica")

    purpose: str
    destination_region: str
    gb: float

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """GB out to the destination region, at its pair price or the catalog's
        "to other regions" price."""
        try:
            price = catalog.price(
                "DataTransfer", f"inter-region {catalog.region} to {self.destination_region}"
            )
        except PriceNotFound:
            price = catalog.price("DataTransfer", f"inter-region {catalog.region} to other regions")
        return [
            self.line(
                "DataTransfer",
                f"{self.environment}/inter-region/{self.purpose}",
                f"Inter-region transfer to {self.destination_region} (GB)",
                self.gb,
                "GB",
                price,
            )
        ]
