"""RDS, AWS Backup plans, ECR, CloudWatch log groups and S3 buckets of a plan.

What a plan cannot say (data sizes, change rates, log volumes) is left to the
usage file; the fields are created here with zeros only when the resource
exists, and each zero is listed as an assumption until the usage file sets it.
"""

from __future__ import annotations

import re
from typing import Any

from innovate_sim.importers._context import Context, az_letter
from innovate_sim.importers.plan import TfResource

__all__ = ["map_database", "map_storage_and_logs"]

HOURS_PER_MONTH = 730.0
_HOURS_PER_WEEK = 168.0
_HOURS_PER_DAY = 24.0


def map_database(ctx: Context) -> dict[str, Any] | None:
    """``database:`` from ``aws_db_instance`` or a Multi-AZ DB ``aws_rds_cluster``."""
    instances = [i for i in ctx.plan.of_type("aws_db_instance") if not i.get("replicate_source_db")]
    clusters = ctx.plan.of_type("aws_rds_cluster")
    found = instances + clusters
    if not found:
        return None
    if len(found) > 1:
        raise ctx.fail(
            found[1],
            f"a second database ({found[0].address} is the first); "
            "an environment has one PostgreSQL database",
        )
    db = found[0]
    engine = str(db.get("engine", ""))
    if engine != "postgres":
        raise ctx.fail(
            db,
            f"engine {engine!r} is not modelled; RDS for PostgreSQL ('postgres') is "
            "(Aurora and other engines are not)",
        )
    ctx.came_from(("database",), db)
    if db.type == "aws_rds_cluster":
        instance_class = db.get("db_cluster_instance_class")
        deployment = "multi-az-cluster"
    else:
        instance_class = db.get("instance_class")
        deployment = "multi-az" if db.get("multi_az", False) else "single-az"
    storage = _storage(ctx, db)
    result: dict[str, Any] = {
        "engine": "postgres",
        "engine_version": _major_version(ctx, db),
        "instance_class": instance_class,
        "deployment": deployment,
        "primary_az": _primary_az(ctx, db),
        "storage": storage,
        "backups": _backups(ctx, db),
    }
    return result


def _major_version(ctx: Context, db: TfResource) -> str:
    version = db.get("engine_version")
    if not isinstance(version, str):
        ctx.assume(db.address, "no engine_version: PostgreSQL 16 (the seed's)")
        return "16"
    return version.split(".")[0]


def _primary_az(ctx: Context, db: TfResource) -> str:
    zone = db.get("availability_zone")
    index = ctx.zone_index(str(zone)) if zone else None
    if index is None:
        ctx.assume(db.address, "primary in the VPC's first AZ (availability_zone not set)")
        return "a"
    return az_letter(index)


def _storage(ctx: Context, db: TfResource) -> dict[str, Any]:
    size = db.get("allocated_storage")
    if not isinstance(size, int):
        raise ctx.fail(db, "allocated_storage is unknown; the bill needs the storage size")
    kind = str(db.get("storage_type", "gp2"))
    if kind not in ("gp2", "gp3"):
        raise ctx.fail(db, f"storage_type {kind!r} is not modelled (gp2, gp3)")
    storage: dict[str, Any] = {"type": kind, "allocated_gb": size}
    iops = db.get("iops")
    if kind == "gp3" and isinstance(iops, int) and iops > 0:
        storage["iops"] = iops
    return storage


def _backups(ctx: Context, db: TfResource) -> dict[str, Any]:
    retention = int(db.get("backup_retention_period", 0 if db.type == "aws_db_instance" else 1))
    backups: dict[str, Any] = {"retention_days": retention, "pitr": retention > 0}
    plans = ctx.plan.of_type("aws_backup_plan")
    if plans:
        per_month = sum(_runs_per_month(ctx, plan) for plan in plans)
        backups["export_to_s3"] = {"exports_per_month": per_month}
        ctx.assume(
            "database.backups.export_to_s3",
            f"the AWS Backup plan(s) {', '.join(p.address for p in plans)} export the database's "
            f"snapshot to S3 on their cron schedules: {per_month:g} per month",
        )
    return backups


def _runs_per_month(ctx: Context, plan: TfResource) -> float:
    """Runs per 730-hour month of every rule of a backup plan, from its cron schedule."""
    total = 0.0
    for rule in plan.get("rule", []):
        schedule = str(rule.get("schedule", "")) if isinstance(rule, dict) else ""
        match = re.fullmatch(r"cron\((\S+) (\S+) (\S+) (\S+) (\S+)(?: (\S+))?\)", schedule)
        if not match:
            raise ctx.fail(plan, f"backup rule schedule {schedule!r} is not a cron(...) expression")
        _, _, day_of_month, month, day_of_week, _ = match.groups()
        if month != "*":
            raise ctx.fail(plan, f"schedule {schedule!r}: only every-month schedules are read")
        if day_of_month not in ("*", "?"):
            total += len(day_of_month.split(","))
        elif day_of_week not in ("*", "?"):
            total += len(day_of_week.split(",")) * HOURS_PER_MONTH / _HOURS_PER_WEEK
        else:
            total += HOURS_PER_MONTH / _HOURS_PER_DAY
    return round(total, 4)


def map_storage_and_logs(ctx: Context) -> dict[str, Any]:
    """``registry``, ``observability`` and ``object_storage`` when their resources exist."""
    sections: dict[str, Any] = {}
    for kind, section, default in (
        ("aws_ecr_repository", "registry", {"storage_gb": 0}),
        ("aws_cloudwatch_log_group", "observability", {}),
        ("aws_s3_bucket", "object_storage", {}),
    ):
        found = ctx.plan.of_type(kind)
        if found:
            sections[section] = dict(default)
            ctx.came_from((section,), found[0])
    return sections
