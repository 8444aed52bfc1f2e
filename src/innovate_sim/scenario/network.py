"""Network and ingress of an environment: VPC, NAT Gateways, endpoints, traffic, ALB and WAF."""

from __future__ import annotations

import difflib
from enum import Enum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from innovate_sim.scenario.base import ScenarioModel
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.distributions import Distribution
from innovate_sim.scenario.types import Duration
from innovate_sim.scenario.uncertain import UncertainNumber

__all__ = [
    "INTERFACE_ENDPOINT_SERVICES",
    "Endpoints",
    "HealthCheck",
    "Ingress",
    "NatFailover",
    "NatPlacement",
    "Network",
    "Traffic",
    "Waf",
]

#: AWS services reachable through interface endpoints that a cluster of this design uses.
INTERFACE_ENDPOINT_SERVICES = (
    "autoscaling",
    "ec2",
    "ec2messages",
    "ecr.api",
    "ecr.dkr",
    "eks",
    "eks-auth",
    "elasticloadbalancing",
    "kms",
    "logs",
    "monitoring",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "ssmmessages",
    "sts",
    "xray",
)


class Endpoints(ScenarioModel):
    """VPC endpoints: gateway endpoints are free; interface endpoints bill per AZ-hour and GB."""

    gateway: list[Literal["s3", "dynamodb"]] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )
    """Gateway endpoints (S3, DynamoDB): traffic to them skips NAT processing, at no charge."""
    interface: list[str] = Field(
        default_factory=list,
        json_schema_extra={
            "items": {"type": "string", "enum": list(INTERFACE_ENDPOINT_SERVICES)},
            "uniqueItems": True,
        },
    )
    """Interface endpoints by service name (e.g. ecr.api, ecr.dkr, sts, logs), one ENI per AZ."""

    @field_validator("gateway", "interface")
    @classmethod
    def _unique(cls, names: list[str]) -> list[str]:
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"listed more than once: {', '.join(duplicates)}")
        return names

    @field_validator("interface")
    @classmethod
    def _known_services(cls, names: list[str]) -> list[str]:
        for name in names:
            if name not in INTERFACE_ENDPOINT_SERVICES:
                close = difflib.get_close_matches(name, INTERFACE_ENDPOINT_SERVICES, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ValueError(
                    f"unknown interface endpoint service {name!r}; {hint}"
                    f"valid: {', '.join(INTERFACE_ENDPOINT_SERVICES)}"
                )
        return names

    @property
    def has_ecr(self) -> bool:
        """Whether image pulls stay in the VPC (ecr.api, ecr.dkr endpoints and S3 gateway)."""
        return {"ecr.api", "ecr.dkr"} <= set(self.interface) and "s3" in self.gateway


class Traffic(ScenarioModel):
    """Traffic figures of an environment; all are scenario assumptions, zero unless stated.

    Per-request figures scale with simulated demand; per-month figures are steady.
    Sizes: 1 KB = 1,024 bytes and 1 GB = 2^30 bytes.
    """

    request_kb_per_request: UncertainNumber = Field(default=0.0, ge=0)
    """Bytes a client sends per request (ALB processed bytes; inbound transfer is free)."""
    response_kb_per_request: UncertainNumber = Field(default=0.0, ge=0)
    """Bytes returned per request (ALB processed bytes and data transfer out to the internet)."""
    internet_egress_kb_per_request: UncertainNumber = Field(default=0.0, ge=0)
    """Bytes pods send to the internet through NAT per request (third-party APIs)."""
    inter_az_kb_per_request: UncertainNumber = Field(default=0.0, ge=0)
    """Bytes of service-to-service traffic that cross an AZ boundary per request."""
    internet_egress_gb_per_month: UncertainNumber = Field(default=0.0, ge=0)
    """Steady traffic from private subnets to the internet (updates, telemetry) via NAT."""
    s3_gb_per_month: UncertainNumber = Field(default=0.0, ge=0)
    """Traffic between private subnets and S3: gateway endpoint if present, else NAT."""
    dynamodb_gb_per_month: UncertainNumber = Field(default=0.0, ge=0)
    """Traffic to DynamoDB: gateway endpoint if present, else NAT."""
    aws_api_gb_per_month: UncertainNumber = Field(default=0.0, ge=0)
    """Traffic to AWS APIs other than ECR (logs, STS…): interface endpoints if present, else NAT."""
    image_pull_gb_per_node: UncertainNumber = Field(default=0.0, ge=0)
    """Container image layers pulled when a node starts: ECR endpoints + S3 gateway, else NAT."""


class NatFailover(ScenarioModel):
    """The operator's remedy for a failed NAT Gateway: re-point the AZ's route table."""

    enabled: bool = False
    """Re-route an AZ whose gateway failed to a working gateway in another AZ."""
    after: Duration = default("network.nat_failover.after")
    """Time from the gateway failure to the route change (detection and action); the route
    returns to the AZ's own gateway as soon as it is back."""


class NatPlacement(Enum):
    """Where an environment's NAT Gateways are: the typed form of ``network.nat_gateways``."""

    PER_AZ = "per_az"
    """One NAT Gateway in each AZ; each AZ routes through its own."""
    SINGLE = "single"
    """One NAT Gateway in the first AZ, shared by every AZ."""
    NONE = "none"
    """No NAT Gateway: no internet egress from private subnets."""


class Network(ScenarioModel):
    """The environment's VPC: NAT Gateways, VPC endpoints and traffic figures."""

    nat_gateways: Literal["per_az", "single", "none"] = "per_az"
    """One NAT Gateway per AZ, a single shared one (in the first AZ), or none."""
    endpoints: Endpoints = Field(default_factory=Endpoints)
    traffic: Traffic = Field(default_factory=Traffic)
    nat_failover: NatFailover = Field(default_factory=NatFailover)

    @model_validator(mode="after")
    def _failover_needs_gateways(self) -> Network:
        if self.nat_failover.enabled and self.nat_gateways != "per_az":
            raise ValueError(
                "nat_failover needs a gateway in every AZ to fail over to "
                f"(nat_gateways: per_az), not {self.nat_gateways!r}"
            )
        return self

    @property
    def nat_placement(self) -> NatPlacement:
        """``nat_gateways`` as a :class:`NatPlacement` (the one place the string is read)."""
        return NatPlacement(self.nat_gateways)


class Waf(ScenarioModel):
    """AWS WAF web ACL attached to the ALB."""

    web_acls: int = Field(default=1, ge=0)
    """Web ACLs (billed per month)."""
    rules: int = Field(default=10, ge=0)
    """Rules, counting each rule inside a rule group (as Infracost does)."""
    rule_groups: int = Field(default=0, ge=0)
    """Rule groups of your own (billed per month)."""
    managed_rule_groups: int = Field(default=0, ge=0)
    """AWS managed rule groups (billed per month)."""


class HealthCheck(ScenarioModel):
    """ALB target health check: how long a dead target keeps receiving requests."""

    interval: Duration = default("ingress.health_check")["interval"]
    """Time between two health checks of a target."""
    unhealthy_threshold: int = Field(
        default=default("ingress.health_check")["unhealthy_threshold"], ge=1, le=10
    )
    """Failed checks in a row before the ALB stops routing to a target."""

    @property
    def detection_h(self) -> float:
        """Mean time for the ALB to stop routing to a dead target (hours)."""
        return self.interval * (self.unhealthy_threshold - 0.5)


class Ingress(ScenarioModel):
    """Application Load Balancer (one node per AZ, cross-zone on) with WAF and Shield Standard."""

    load_balancer: Literal["alb"] = "alb"
    """The load balancer; only an Application Load Balancer."""
    waf: Waf | None = Field(default_factory=Waf)
    shield: Literal["standard"] = "standard"
    """Shield Standard is free and always on; Shield Advanced is not modelled."""
    public_ipv4_addresses: int | None = Field(default=None, ge=0)
    """Public IPv4 addresses of the ALB; default one per AZ."""
    requests_per_connection: UncertainNumber = Field(default=10.0, gt=0)
    """Requests carried per client connection (keep-alive); drives the new-connection LCU."""
    connection_duration: Duration = Field(default="10s")  # type: ignore[assignment]  # parsed by validate_default
    """Mean lifetime of a client connection; drives the active-connection LCU."""
    rule_evaluations_per_request: float = Field(default=1.0, ge=0)
    """Listener rules evaluated per request (the first 10 are free)."""
    health_check: HealthCheck = Field(default_factory=HealthCheck)
    dns_removal: Distribution = default("ingress.dns_removal")
    """From an AZ failure until clients stop using the ALB node in that AZ (DNS health check,
    record propagation, client cache TTL); requests sent to it meanwhile fail."""
