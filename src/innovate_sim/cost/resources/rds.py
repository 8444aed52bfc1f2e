"""Amazon RDS for PostgreSQL: instance, storage, IOPS, backups, exports, replica.

Pricing rules (reference PRICES.md):

* the instance-hour depends on class and deployment; a Multi-AZ DB instance
  row prices primary and standby together;
* storage and provisioned IOPS of a Multi-AZ instance are billed at the
  Multi-AZ rate (2× Single-AZ); a Multi-AZ DB *cluster* is not in the catalog,
  its storage is approximated as one Single-AZ copy per instance (3 copies),
  and its instance-hour must come from a scenario override;
* gp3 includes 3,000 IOPS below 400 GB and 12,000 from 400 GB: only IOPS
  above that baseline are billed;
* backup storage is free up to 100 % of the provisioned storage; only the
  excess is billed;
* a cross-region read replica is priced at the **home region's** catalog
  rate (the only catalog shipped), which the line says;
* an engine version past RDS standard support (PostgreSQL 11, 12, 13) bills
  RDS Extended Support per vCPU-hour of every instance, at the rate of its
  year on the catalog's date (years 1-2 one rate, year 3 twice it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.errors import PriceNotFound
from innovate_sim.pricing import Price, PriceCatalog
from innovate_sim.scenario.database import Database
from innovate_sim.scenario.defaults import default
from innovate_sim.units import HOURS_PER_MONTH

__all__ = [
    "EXTENDED_SUPPORT_SKU",
    "RdsInstance",
    "RdsReplica",
    "RdsSnapshotExport",
    "extended_support_year",
    "rds_vcpus",
]

_DEPLOYMENT_LABEL = {
    "single-az": "Single-AZ",
    "multi-az": "Multi-AZ",
    "multi-az-cluster": "Multi-AZ DB cluster",
}


def _purchase(catalog: PriceCatalog) -> str:
    return "reserved" if catalog.discounts.rds_reserved > 0 else "on-demand"


def _storage_price(
    catalog: PriceCatalog, sku_stem: str, deployment: str, instances: int
) -> tuple[Price, float, str]:
    """Price of a storage-like row for a deployment: (price, copies billed, label).

    Single-AZ and Multi-AZ instance have catalog rows; a Multi-AZ DB cluster
    is billed as ``instances`` Single-AZ copies (approximation, no catalog row).
    """
    if deployment == "multi-az-cluster":
        return (
            catalog.price("RDS", f"{sku_stem} Single-AZ"),
            float(instances),
            f"Multi-AZ DB cluster ≈ {instances} × Single-AZ rate",
        )
    label = _DEPLOYMENT_LABEL[deployment]
    return catalog.price("RDS", f"{sku_stem} {label}"), 1.0, label


@dataclass(frozen=True)
class RdsInstance(Resource):
    """The RDS for PostgreSQL DB instance (or Multi-AZ pair or cluster) of an environment.

    Attributes:
        database: the database settings.
        storage_gb: allocated storage in the month (grown), GB.
        hours: hours the instance exists in the month.
    """

    database: Database
    storage_gb: float
    hours: float = HOURS_PER_MONTH

    def scenario_field(self) -> tuple[str | int, ...]:
        """The deployment (what is priced per class and deployment)."""
        return ("environments", self.environment, "database", "deployment")

    @property
    def resource(self) -> str:
        """Resource name, e.g. ``"prod/rds/postgres"``."""
        return f"{self.environment}/rds/{self.database.engine}"

    @property
    def baseline_iops(self) -> int:
        """gp3 IOPS included at the grown storage size."""
        grown = self.database.storage.model_copy(update={"allocated_gb": self.storage_gb})
        return grown.baseline_iops

    @property
    def backup_gb(self) -> float:
        """Backup storage used: retention × daily change (PITR included) + manual snapshots."""
        backups = self.database.backups
        return backups.retention_days * backups.daily_change_gb + backups.manual_snapshots_gb

    @property
    def billable_backup_gb(self) -> float:
        """Backup storage beyond the free 100 % of provisioned storage."""
        return max(0.0, self.backup_gb - self.storage_gb)

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Instance-hours, storage, IOPS above the gp3 baseline, backup beyond free."""
        db = self.database
        storage = db.storage
        label = _DEPLOYMENT_LABEL[db.deployment]
        months = self.hours / HOURS_PER_MONTH
        lines = [
            self.line(
                "RDS",
                self.resource,
                f"Database instance ({_purchase(catalog)}, {label}, {db.instance_class})",
                self.hours,
                "hours",
                catalog.rds_instance_price(db.instance_class, db.deployment),
            )
        ]
        price, copies, storage_label = _storage_price(
            catalog, f"{storage.type} storage", db.deployment, db.instances
        )
        lines.append(
            self.line(
                "RDS",
                self.resource,
                f"Storage ({storage.type}, {storage_label}) (GB-month)",
                self.storage_gb * copies * months,
                "GB-month",
                price,
            )
        )
        if storage.type == "gp3" and storage.iops is not None:
            extra = max(0, storage.iops - self.baseline_iops)
            price, copies, iops_label = _storage_price(
                catalog, "gp3 IOPS above baseline", db.deployment, db.instances
            )
            lines.append(
                self.line(
                    "RDS",
                    self.resource,
                    f"Provisioned IOPS above the gp3 baseline of {self.baseline_iops:,} "
                    f"({iops_label}) (IOPS-month)",
                    extra * copies * months,
                    "IOPS-month",
                    price,
                )
            )
        lines.extend(self._extended_support(catalog))
        lines.append(
            self.line(
                "RDS",
                self.resource,
                f"Backup storage beyond the free 100 % of {self.storage_gb:g} GB (GB-month)",
                self.billable_backup_gb * months,
                "GB-month",
                catalog.price("RDS", "backup storage beyond free"),
            )
        )
        return lines

    def _extended_support(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Extended Support of a version past RDS standard support, on the catalog's date."""
        db = self.database
        year = extended_support_year(db.engine_version, catalog.as_of)
        if year is None:
            return []
        vcpus = rds_vcpus(db.instance_class) * db.instances
        return [
            self.line(
                "RDS",
                self.resource,
                f"Extended Support, PostgreSQL {db.engine_version} year {year} "
                f"({vcpus} vCPU × hours) (vCPU-hours)",
                vcpus * self.hours,
                "vCPU-hours",
                catalog.price("RDS", EXTENDED_SUPPORT_SKU[min(year, 3)]),
            )
        ]


#: Extended Support year → catalog SKU of its vCPU-hour rate (year 3 onwards at the year-3 rate).
EXTENDED_SUPPORT_SKU = {
    1: "extended support year 1 (PostgreSQL 11/12)",
    2: "extended support year 2 (PostgreSQL)",
    3: "extended support year 3 (PostgreSQL)",
}


def extended_support_year(engine_version: str, on: datetime.date) -> int | None:
    """Year (1, 2, 3 …) of RDS Extended Support of a PostgreSQL major version on a day, or None.

    Dates from ``billing.rds_postgres_extended_support_start`` (package data, sourced).
    """
    starts = default("billing.rds_postgres_extended_support_start")
    start = starts.get(engine_version.split(".")[0])
    if start is None:
        return None
    begun = datetime.date.fromisoformat(start)
    if on < begun:
        return None
    months = (on.year - begun.year) * 12 + on.month - begun.month - (on.day < begun.day)
    return months // 12 + 1


def rds_vcpus(instance_class: str) -> int:
    """vCPUs of an RDS DB instance class (package data, sourced).

    Raises:
        PriceNotFound: the class has no vCPU count (Extended Support cannot be billed).
    """
    vcpus = default("billing.rds_instance_vcpus")
    if instance_class not in vcpus:
        raise PriceNotFound(
            f"no vCPU count for {instance_class!r} to bill RDS Extended Support; "
            f"known: {', '.join(sorted(vcpus))}"
        )
    return int(vcpus[instance_class])


@dataclass(frozen=True)
class RdsSnapshotExport(Resource):
    """Snapshot exports to S3 (Parquet) and the S3 storage the exports occupy.

    Attributes:
        exports_per_month: exports in the month.
        exported_gb: snapshot size billed per export, GB.
        s3_retained_gb: exported data kept in S3 Standard, GB.
    """

    field_path: ClassVar[tuple[str, ...]] = ("database", "backups", "export_to_s3")

    exports_per_month: float
    exported_gb: float
    s3_retained_gb: float

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """GB of snapshot exported, and S3 GB-months of retained exports."""
        return [
            self.line(
                "RDS",
                f"{self.environment}/rds/snapshot-export",
                f"Snapshot export to S3 ({self.exports_per_month:g} × {self.exported_gb:g} GB) "
                "(GB)",
                self.exports_per_month * self.exported_gb,
                "GB",
                catalog.price("RDS", "snapshot export to S3"),
            ),
            self.line(
                "S3",
                f"{self.environment}/s3/rds-exports",
                "Standard storage of snapshot exports (GB-month)",
                self.s3_retained_gb,
                "GB-month",
                catalog.price("S3", "Standard storage (first 50 TB)"),
            ),
        ]


@dataclass(frozen=True)
class RdsReplica(Resource):
    """A cross-region read replica (Single-AZ) in another region.

    Priced at the home region's catalog rate: the line says so. Its storage
    mirrors the primary's allocation at the Single-AZ rate. The replication
    traffic is billed by
    :class:`~innovate_sim.cost.resources.data_transfer.InterRegionTransfer`.

    Attributes:
        region: the replica's region.
        instance_class: the replica's DB instance class.
        storage_type: ``"gp3"`` or ``"gp2"``.
        storage_gb: allocated storage, GB.
        hours: hours the replica exists in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("database", "cross_region_replica")

    region: str
    instance_class: str
    storage_type: str
    storage_gb: float
    hours: float = HOURS_PER_MONTH

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Replica instance-hours and storage at the home-region rate."""
        resource = f"{self.environment}/rds/replica-{self.region}"
        note = f"{self.region}, priced at the {catalog.region} rate"
        return [
            self.line(
                "RDS",
                resource,
                f"Cross-region replica instance ({_purchase(catalog)}, Single-AZ, "
                f"{self.instance_class}; {note})",
                self.hours,
                "hours",
                catalog.rds_instance_price(self.instance_class, "single-az"),
            ),
            self.line(
                "RDS",
                resource,
                f"Cross-region replica storage ({self.storage_type}, Single-AZ; {note}) (GB-month)",
                self.storage_gb * self.hours / HOURS_PER_MONTH,
                "GB-month",
                catalog.price("RDS", f"{self.storage_type} storage Single-AZ"),
            ),
        ]
