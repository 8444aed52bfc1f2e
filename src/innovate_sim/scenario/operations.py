"""Operational services an environment pays for beside its compute: KMS keys, CloudWatch
metrics and alarms, and Route 53 DNS.

Each block is optional; written as ``{}`` it bills the sourced or documented
default quantities of ``defaults.yaml``.
"""

from __future__ import annotations

from pydantic import Field

from innovate_sim.scenario.base import ScenarioModel
from innovate_sim.scenario.defaults import default

__all__ = ["Dns", "Encryption", "Monitoring"]


class Encryption(ScenarioModel):
    """AWS KMS customer managed keys encrypting the environment's RDS, EBS and S3 data."""

    customer_managed_keys: int = Field(default=default("encryption.customer_managed_keys"), ge=0)
    """Customer managed KMS keys (each billed per month)."""
    requests_per_month: float = Field(default=default("encryption.requests_per_month"), ge=0)
    """KMS API requests (encrypt, decrypt, generate data key) by the services using the keys."""


class Monitoring(ScenarioModel):
    """CloudWatch custom metrics and alarms of the environment (logs are `observability`)."""

    custom_metrics: int = Field(default=default("monitoring.custom_metrics"), ge=0)
    """Custom metrics published (first-10,000 tier)."""
    alarms: int = Field(default=default("monitoring.alarms"), ge=0)
    """Standard-resolution alarms."""


class Dns(ScenarioModel):
    """Route 53 public hosted zones and the queries they answer."""

    hosted_zones: int = Field(default=default("dns.hosted_zones"), ge=0)
    """Hosted zones (billed per month)."""
    queries_per_month: float = Field(default=default("dns.queries_per_month"), ge=0)
    """Standard (non-alias) queries; alias queries to the load balancer are not billed."""
