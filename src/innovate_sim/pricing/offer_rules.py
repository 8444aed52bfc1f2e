"""Rules that read an offer file's price dimensions as rows of the package's catalog.

A rule matches product attributes (normalised names, see
:func:`~innovate_sim.pricing.offer_files.normalise`) and the usage type with
its region prefix removed (``EU-NatGateway-Hours`` → ``NatGateway-Hours``), and
names the catalog key, the catalog unit and the factor from AWS's unit (a WAF
price per request becomes a price per million requests). Linux on-demand
shared-tenancy EC2 instances and RDS for PostgreSQL Single-AZ/Multi-AZ instances
are matched by attributes; everything else by usage type, tiered prices by
their begin range. Route 53 is a global offer: its products carry the location
``Global`` and are read for every region.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from innovate_sim.pricing.offer_files import OfferRow

__all__ = ["GLOBAL_LOCATION", "LOCATIONS", "Target", "is_relevant", "match_row", "usage_type"]

_USAGE_PREFIX = re.compile(r"^(?:[A-Z]{2,4}[0-9]?|[a-z]{2}-[a-z]+-[0-9])-(?=[A-Z])")

#: The ``Location`` of global offers' products (Route 53): priced alike in every region.
GLOBAL_LOCATION = "Global"

#: ``Location`` names of common regions, for offer files whose rows carry no region code.
LOCATIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-north-1": "EU (Stockholm)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ca-central-1": "Canada (Central)",
    "sa-east-1": "South America (Sao Paulo)",
}


@dataclass(frozen=True)
class Target:
    """Where a matched price dimension goes: catalog key, unit, factor to the catalog unit."""

    service: str
    sku: str
    unit: str
    scale: float = 1.0


def usage_type(attributes: Mapping[str, str]) -> str:
    """The ``usagetype`` without its region prefix (``EU-NatGateway-Hours`` → ``NatGateway-…``)."""
    return _USAGE_PREFIX.sub("", attributes.get("usagetype", ""))


def _usage_types(attributes: Mapping[str, str]) -> tuple[str, str]:
    """The ``usagetype`` as written, then without a region prefix.

    A global offer's usage types have no prefix, and some begin like one
    (Route 53's ``DNS-Queries``), so the written form is looked up first.
    """
    return attributes.get("usagetype", ""), usage_type(attributes)


def _ec2_instance(a: Mapping[str, str]) -> Target | None:
    linux = (
        a.get("productfamily") == "Compute Instance"
        and a.get("operatingsystem") == "Linux"
        and a.get("tenancy", "Shared") == "Shared"
        and a.get("preinstalledsw", "NA") == "NA"
        and a.get("capacitystatus", "Used") == "Used"
        and a.get("licensemodel", "No License required") == "No License required"
        and a.get("operation", "RunInstances") == "RunInstances"
    )
    return Target("EC2", a["instancetype"], "hour") if linux and "instancetype" in a else None


def _rds_instance(a: Mapping[str, str]) -> Target | None:
    deployment = a.get("deploymentoption")
    if (
        a.get("productfamily") == "Database Instance"
        and a.get("databaseengine") == "PostgreSQL"
        and deployment in ("Single-AZ", "Multi-AZ")
        and "instancetype" in a
    ):
        return Target("RDS-PostgreSQL", f"{a['instancetype']} {deployment}", "hour")
    return None


def _tiered(
    tiers: Mapping[float, str],
    service: str,
    unit: str,
    scale: float = 1.0,
    free_up_to: float = 100,
) -> Callable[[OfferRow], Target | None]:
    """Tiers by begin range; the first tier may begin after a free allowance ≤ ``free_up_to``."""

    def pick(row: OfferRow) -> Target | None:
        for begin, sku in tiers.items():
            if row.begin_range == begin or (
                begin == 0 and row.begin_range <= free_up_to and row.price > 0
            ):
                return Target(service, sku, unit, scale)
        return None

    return pick


def _standard_alarm(row: OfferRow) -> Target | None:
    """A standard-resolution metric alarm (high-resolution alarms carry ``alarmType``)."""
    if row.attributes.get("alarmtype", "Standard") != "Standard":
        return None
    return Target("CloudWatch", "alarm (standard resolution)", "alarm-month")


#: (offer code or "*", usage type without prefix) → the catalog target of its dimension.
_BY_USAGE: dict[tuple[str, str], Target | Callable[[OfferRow], Target | None]] = {
    ("*", "NatGateway-Hours"): Target("VPC", "NAT Gateway", "hour"),
    ("*", "NatGateway-Bytes"): Target("VPC", "NAT Gateway data processed", "GB"),
    ("*", "PublicIPv4:InUseAddress"): Target("VPC", "public IPv4 address (in-use or idle)", "hour"),
    ("*", "VpcEndpoint-Hours"): Target("VPC", "Interface VPC endpoint", "endpoint-AZ-hour"),
    ("*", "VpcEndpoint-Bytes"): _tiered(
        {
            0: "Interface VPC endpoint data processed (first 1 PB)",
            1048576: "Interface VPC endpoint data processed (next 4 PB)",
            5242880: "Interface VPC endpoint data processed (over 5 PB)",
        },
        "VPC",
        "GB",
    ),
    ("*", "EBS:VolumeUsage.gp3"): Target("EBS", "gp3 storage", "GB-month"),
    ("*", "EBS:VolumeUsage.gp2"): Target("EBS", "gp2 storage", "GB-month"),
    ("*", "EBS:VolumeP-IOPS.gp3"): Target("EBS", "gp3 IOPS above 3,000", "IOPS-month"),
    ("*", "EBS:SnapshotUsage"): Target("EBS", "snapshot storage", "GB-month"),
    ("*", "CPUCredits:t3"): Target("EC2", "T3/T4g unlimited CPU credits", "vCPU-hour"),
    ("*", "DataTransfer-Regional-Bytes"): Target(
        "DataTransfer", "inter-AZ same region", "GB each direction"
    ),
    ("*", "DataTransfer-Out-Bytes"): _tiered(
        {
            0: "out to internet first 10 TB",
            10240: "out to internet next 40 TB",
            51200: "out to internet next 100 TB",
        },
        "DataTransfer",
        "GB",
    ),
    ("AWSELB", "LoadBalancerUsage"): Target("ELB", "Application Load Balancer", "hour"),
    ("AWSELB", "LCUUsage"): Target("ELB", "ALB LCU", "LCU-hour"),
    ("AmazonEKS", "AmazonEKS-Hours:perCluster"): Target("EKS", "cluster standard support", "hour"),
    ("AmazonEKS", "AmazonEKS-Hours:extendedSupport"): Target(
        "EKS", "cluster extended support", "hour"
    ),
    ("AmazonRDS", "RDS:GP3-Storage"): Target("RDS", "gp3 storage Single-AZ", "GB-month"),
    ("AmazonRDS", "RDS:Multi-AZ-GP3-Storage"): Target("RDS", "gp3 storage Multi-AZ", "GB-month"),
    ("AmazonRDS", "RDS:GP2-Storage"): Target("RDS", "gp2 storage Single-AZ", "GB-month"),
    ("AmazonRDS", "RDS:Multi-AZ-GP2-Storage"): Target("RDS", "gp2 storage Multi-AZ", "GB-month"),
    ("AmazonRDS", "RDS:GP3-PIOPS"): Target(
        "RDS", "gp3 IOPS above baseline Single-AZ", "IOPS-month"
    ),
    ("AmazonRDS", "RDS:Multi-AZ-GP3-PIOPS"): Target(
        "RDS", "gp3 IOPS above baseline Multi-AZ", "IOPS-month"
    ),
    ("AmazonRDS", "RDS:ChargedBackupUsage"): Target(
        "RDS", "backup storage beyond free", "GB-month"
    ),
    ("AmazonRDS", "RDS:SnapshotExportToS3"): Target(
        "RDS", "snapshot export to S3", "GB of snapshot"
    ),
    ("awswaf", "WebACL"): Target("WAF", "web ACL", "month"),
    ("awswaf", "Rule"): Target(
        "WAF", "rule (incl. each rule inside rule groups per Infracost usage)", "rule-month"
    ),
    ("awswaf", "Request"): Target("WAF", "requests", "1M requests", scale=1e6),
    ("AmazonECR", "TimedStorage-ByteHrs"): Target("ECR", "storage", "GB-month"),
    ("AmazonCloudWatch", "DataProcessing-Bytes"): Target(
        "CloudWatch", "Logs ingestion (standard)", "GB"
    ),
    ("AmazonCloudWatch", "TimedStorage-ByteHrs"): Target(
        "CloudWatch", "Logs storage (archival)", "GB-month"
    ),
    ("AmazonCloudWatch", "DataScanned-Bytes"): Target(
        "CloudWatch", "Logs Insights queries data scanned", "GB"
    ),
    ("AmazonS3", "TimedStorage-ByteHrs"): _tiered(
        {0: "Standard storage (first 50 TB)"}, "S3", "GB-month"
    ),
    ("AmazonS3", "Requests-Tier1"): Target(
        "S3", "Standard PUT, COPY, POST, LIST requests", "1k requests", scale=1e3
    ),
    ("AmazonS3", "Requests-Tier2"): Target(
        "S3", "Standard GET, SELECT and all other requests", "1k requests", scale=1e3
    ),
    ("AmazonCloudWatch", "CW:MetricMonitorUsage"): _tiered(
        {0: "custom metrics (first 10K)"}, "CloudWatch", "metric-month"
    ),
    ("AmazonCloudWatch", "CW:AlarmMonitorUsage"): _standard_alarm,
    ("AmazonRoute53", "HostedZone"): _tiered(  # the 26th zone on is a cheaper tier
        {0: "hosted zone"}, "Route53", "month", free_up_to=0
    ),
    ("AmazonRoute53", "DNS-Queries"): _tiered(
        {0: "standard queries (first 1B)"}, "Route53", "1M queries", scale=1e6
    ),
    ("awskms", "KMS-Keys"): Target("KMS", "customer managed key", "month"),
    ("awskms", "KMS-Requests"): Target("KMS", "symmetric requests", "10k requests", scale=1e4),
    ("AWSBackup", "WarmStorage-ByteHrs-RDS"): Target(
        "Backup", "AWS Backup RDS snapshot storage", "GB-month"
    ),
}
_NETWORK_LB_LCU = Target("ELB", "NLB LCU", "NLCU-hour")


def match_row(offer_code: str, row: OfferRow) -> Target | None:
    """The catalog target of an on-demand price dimension, or None when no rule reads it."""
    attributes = row.attributes
    for rule in (_ec2_instance, _rds_instance):
        found = rule(attributes)
        if found is not None:
            return found
    code = attributes.get("servicecode", offer_code)
    written, usage = _usage_types(attributes)
    if (
        code == "AWSELB"
        and usage == "LCUUsage"
        and "Network" in attributes.get("productfamily", "")
    ):
        return _NETWORK_LB_LCU
    if code == "AWSELB" and "Application" not in attributes.get("productfamily", "Application"):
        return None
    by_usage = (
        _BY_USAGE.get((code, written))
        or _BY_USAGE.get((code, usage))
        or _BY_USAGE.get(("*", usage))
    )
    if isinstance(by_usage, Target) or by_usage is None:
        return by_usage
    return by_usage(row)


def is_relevant(attributes: Mapping[str, str]) -> bool:
    """Whether some rule may read a product (decided on its attributes alone).

    Reading keeps only these products of a JSON file until their terms arrive,
    which bounds memory by what the catalog needs, not by the file's size.
    """
    if _ec2_instance(attributes) is not None or _rds_instance(attributes) is not None:
        return True
    return not _RULE_USAGES.isdisjoint(_usage_types(attributes))


_RULE_USAGES = frozenset(usage for _, usage in _BY_USAGE) | {"LCUUsage"}
