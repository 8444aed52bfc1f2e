"""RDS for PostgreSQL: deployment, storage, backups, maintenance and recovery."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from innovate_sim.scenario.base import ScenarioModel
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.distributions import Distribution
from innovate_sim.scenario.types import Duration, Rate, ZoneRef

__all__ = [
    "AwsBackup",
    "Backups",
    "CrossRegionReplica",
    "Database",
    "Maintenance",
    "Recovery",
    "SnapshotExport",
    "Storage",
]

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Storage(ScenarioModel):
    """Allocated DB storage; gp3 includes 3,000 IOPS below 400 GB and 12,000 from 400 GB."""

    type: Literal["gp3", "gp2"] = "gp3"
    """EBS volume type of the DB storage."""
    allocated_gb: int = Field(ge=20, le=65536)
    """Provisioned storage at the start of the horizon."""
    iops: int | None = Field(default=None, ge=1000, le=80000)
    """Provisioned gp3 IOPS; only IOPS above the included baseline are billed."""
    growth_gb_per_month: float = Field(default=0.0, ge=0)
    """Storage growth (storage autoscaling raises allocation as data grows)."""

    @property
    def baseline_iops(self) -> int:
        """IOPS included with gp3 at this size (Infracost internal/resources/aws/db_instance.go)."""
        rule = default("billing.rds_gp3_included_iops")
        if self.allocated_gb >= rule["threshold_gb"]:
            return int(rule["from_threshold"])
        return int(rule["below_threshold"])

    @model_validator(mode="after")
    def _iops_for_gp3(self) -> Storage:
        if self.iops is not None and self.type != "gp3":
            raise ValueError("iops can only be provisioned for gp3 storage")
        return self


class SnapshotExport(ScenarioModel):
    """Snapshot exports to S3 (Parquet), e.g. scheduled by AWS Backup."""

    exports_per_month: float = Field(default=1.0, ge=0)
    """Snapshot exports to S3 per month."""
    exported_gb: float | None = Field(default=None, ge=0)
    """Snapshot size billed per export; default the allocated storage."""
    s3_retained_gb: float = Field(default=0.0, ge=0)
    """Exported data kept in S3 Standard."""


class AwsBackup(ScenarioModel):
    """AWS Backup of the database: snapshots kept in a backup vault, optionally copied to another
    region for disaster recovery (seed section 4: 'Snapshot exports to S3 via AWS Backup',
    'Optional cross-region replication').
    """

    vault_gb: float | None = Field(default=None, ge=0)
    """Snapshot storage in the vault; default the allocated storage (one full snapshot, later
    ones incremental)."""
    cross_region_copy: bool = False
    """Copy each snapshot to `copy_region` (transfer out, and the copy stored there)."""
    copy_region: str = default("aws_backup.copy_region")
    """Region of the copies (priced at the home region's storage rate)."""


class Backups(ScenarioModel):
    """Automated backups, PITR and snapshots."""

    retention_days: int = Field(default=7, ge=0, le=35)
    """Automated backup retention (0 turns backups and PITR off)."""
    pitr: bool = True
    """Point-in-time recovery (needs retention_days ≥ 1)."""
    daily_change_gb: float = Field(default=0.0, ge=0)
    """Data changed per day; retention × change is the backup storage above the first snapshot."""
    manual_snapshots_gb: float = Field(default=0.0, ge=0)
    """Manual snapshots kept (billed as backup storage)."""
    export_to_s3: SnapshotExport | None = None
    aws_backup: AwsBackup | None = None

    @field_validator(
        "export_to_s3", mode="before", json_schema_input_type=SnapshotExport | bool | None
    )
    @classmethod
    def _enabled_flag(cls, value: object) -> object:
        if value is True:
            return {}
        if value is False:
            return None
        return value

    @model_validator(mode="after")
    def _pitr_needs_retention(self) -> Backups:
        if self.pitr and self.retention_days == 0:
            raise ValueError(
                "pitr needs retention_days >= 1 (retention 0 disables backups and PITR)"
            )
        return self


class CrossRegionReplica(ScenarioModel):
    """An asynchronous read replica in another region for disaster recovery.

    It is priced (instance, storage, inter-region transfer); its promotion is
    not simulated, because a region-wide event also takes down the cluster and
    the load balancer, which have no standby region in this design.
    """

    region: str = "us-west-2"
    """Region of the replica (priced at the home region's rates)."""
    instance_class: str | None = None
    """Default: the primary's class."""
    replication_gb_per_month: float = Field(default=0.0, ge=0)
    """Change data shipped across regions (inter-region transfer)."""


class Maintenance(ScenarioModel):
    """Planned RDS maintenance: OS patching and engine upgrades in the weekly window."""

    os_patch_rate: Rate = default("database.maintenance.os_patch_rate")
    """Required OS patches; each is applied in the next weekly window."""
    single_az_patch_downtime: Distribution = default(
        "database.maintenance.single_az_patch_downtime"
    )
    """Downtime of a Single-AZ instance during a patch."""
    engine_upgrade_rate: Rate = default("database.maintenance.engine_upgrade_rate")
    """Minor engine upgrades; each is applied in the next window."""
    engine_upgrade_duration: Distribution = default("database.maintenance.engine_upgrade_duration")
    """Downtime of a Single-AZ or Multi-AZ instance deployment during an upgrade (for a
    Multi-AZ DB cluster: the time its old writer is upgraded as a reader).
    """
    cluster_upgrade_failover: Distribution = default(
        "database.maintenance.cluster_upgrade_failover"
    )
    """Writes paused when a Multi-AZ DB cluster switches to an upgraded reader."""
    window: str = default("database.maintenance.window")
    """Weekly window start 'ddd:HH:MM' (UTC, the clock's zero is a Monday 00:00)."""

    @field_validator("window")
    @classmethod
    def _window(cls, value: str) -> str:
        parts = value.lower().split(":")
        ok = (
            len(parts) == 3
            and parts[0] in _WEEKDAYS
            and parts[1].isdigit()
            and parts[2].isdigit()
            and int(parts[1]) < 24
            and int(parts[2]) < 60
        )
        if not ok:
            raise ValueError(f"window must look like 'sun:04:00' (ddd:HH:MM), got {value!r}")
        return value.lower()

    @property
    def window_start_h(self) -> float:
        """Hours from Monday 00:00 to the window's start."""
        day, hour, minute = self.window.split(":")
        return _WEEKDAYS.index(day) * 24.0 + int(hour) + int(minute) / 60.0


class Recovery(ScenarioModel):
    """How the database comes back after failures."""

    az_outage_policy: Literal["wait-for-az", "restore-pitr"] = "wait-for-az"
    """Single-AZ after an AZ outage: wait for the AZ, or restore from PITR into another AZ."""
    instance_recovery: Distribution = default("database.recovery.instance_recovery")
    """Time for RDS to replace the failed host of a Single-AZ DB."""
    standby_rebuild: Distribution = default("database.recovery.standby_rebuild")
    """Time to rebuild a lost or resynchronising standby."""
    restore_time: Distribution = default("database.recovery.restore_time")
    """Duration of a point-in-time restore into another AZ."""
    restore_decision: Duration = default("database.recovery.restore_decision")
    """Time before an operator starts the restore (restore-pitr)."""
    log_upload_interval: Duration = default("database.recovery.log_upload_interval")
    """Transaction logs reach S3 this often: the data-loss window of a restore."""


class Database(ScenarioModel):
    """Amazon RDS for PostgreSQL."""

    engine: Literal["postgres"] = "postgres"
    """Database engine; only PostgreSQL."""
    engine_version: str = "16"
    """PostgreSQL major version, as text."""
    instance_class: str
    """DB instance class, e.g. db.m6g.large (must be in the catalog)."""
    deployment: Literal["single-az", "multi-az", "multi-az-cluster"] = "single-az"
    """`single-az`, `multi-az` (one synchronous standby) or `multi-az-cluster` (two readable
    standbys, needs 3 AZs).
    """
    primary_az: ZoneRef = Field(default="a")  # type: ignore[assignment]  # parsed by validate_default
    """AZ of the primary instance (and of a Single-AZ instance)."""
    storage: Storage
    backups: Backups = Field(default_factory=Backups)
    cross_region_replica: CrossRegionReplica | None = None
    maintenance: Maintenance = Field(default_factory=Maintenance)
    recovery: Recovery = Field(default_factory=Recovery)

    @field_validator("engine_version", mode="before", json_schema_input_type=str | int)
    @classmethod
    def _version_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _restore_needs_pitr(self) -> Database:
        if self.recovery.az_outage_policy == "restore-pitr" and not self.backups.pitr:
            raise ValueError("recovery.az_outage_policy 'restore-pitr' needs backups.pitr: true")
        return self

    @property
    def instances(self) -> int:
        """DB instances billed: 1 Single-AZ, 2 Multi-AZ instance, 3 Multi-AZ cluster."""
        return {"single-az": 1, "multi-az": 2, "multi-az-cluster": 3}[self.deployment]
