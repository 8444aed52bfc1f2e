"""Failure processes (rates and durations, defaults with sources) and scheduled chaos events."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_serializer, field_validator

from innovate_sim.scenario.base import ScenarioModel
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.distributions import Distribution
from innovate_sim.scenario.types import Duration, Name, Rate, ZoneRef
from innovate_sim.scenario.types import _rate_text as rate_text

__all__ = [
    "AzOutage",
    "ChaosEvent",
    "FailureProcess",
    "Failures",
    "NodeFailures",
    "RdsFailover",
    "RdsInstanceFailures",
    "RegionOutage",
    "SpotInterruptions",
]


class FailureProcess(ScenarioModel):
    """Outages arriving as a Poisson process, each lasting a random duration."""

    rate: Rate
    """Outages per unit of time per component (e.g. per AZ); 0 disables."""
    duration: Distribution
    """How long each outage lasts."""


def _process(name: str) -> FailureProcess:
    return FailureProcess.model_validate(
        {"rate": default(f"failures.{name}.rate"), "duration": default(f"failures.{name}.duration")}
    )


class AzOutage(FailureProcess):
    """Outages of an Availability Zone: everything in it fails at once."""

    launches: Literal["never-register", "insufficient-capacity"] = default(
        "failures.az_outage.launches"
    )
    """What EC2 does with a launch into the failed AZ: accept it (the node never registers and
    Karpenter's registration timeout applies) or refuse it as insufficient capacity."""


class RegionOutage(FailureProcess):
    """Region-wide common-cause event taking every AZ down (off by default: out of scope)."""

    enabled: bool = False
    """Simulate region-wide events (off: they are out of scope)."""


class NodeFailures(ScenarioModel):
    """EC2 instance failures (hardware, retirement), per node."""

    rate: Rate = default("failures.node.rate")
    """EC2 instance failures per running node."""


class SpotInterruptions(ScenarioModel):
    """Spot reclaims, per Spot node."""

    rate: Rate | Literal["advisor"] = default("failures.spot_interruption.rate")
    """'advisor': the Spot Instance Advisor band midpoint of each instance type, per month."""
    notice: Duration = default("failures.spot_interruption.notice")
    """Warning time between a Spot notice and the reclaim."""

    @field_serializer("rate")
    def _rate_text(self, value: float | str) -> str:
        # Without this the float serializer of Rate also formats 'advisor' ("'advisor'/h").
        return value if isinstance(value, str) else rate_text(value)


class RdsInstanceFailures(ScenarioModel):
    """Failures of an RDS DB instance (primary or standby)."""

    rate: Rate = default("failures.rds_instance.rate")
    """Failures per DB instance (primary and standbys alike)."""


class RdsFailover(ScenarioModel):
    """Time from primary failure to the standby accepting writes."""

    multi_az: Distribution = default("failures.rds_failover.multi_az")
    """Failover time of a Multi-AZ DB instance."""
    multi_az_cluster: Distribution = default("failures.rds_failover.multi_az_cluster")
    """Failover time of a Multi-AZ DB cluster."""


class Failures(ScenarioModel):
    """Every failure process of the model; each field overrides its default."""

    az_outage: AzOutage = Field(
        default_factory=lambda: AzOutage.model_validate(_process("az_outage").model_dump())
    )
    region_outage: RegionOutage = Field(
        default_factory=lambda: RegionOutage.model_validate(
            {
                "rate": default("failures.region_outage.rate"),
                "duration": default("failures.region_outage.duration"),
            }
        )
    )
    nat_gateway: FailureProcess = Field(default_factory=lambda: _process("nat_gateway"))
    node: NodeFailures = Field(default_factory=NodeFailures)
    spot_interruption: SpotInterruptions = Field(default_factory=SpotInterruptions)
    eks_control_plane: FailureProcess = Field(default_factory=lambda: _process("eks_control_plane"))
    rds_instance: RdsInstanceFailures = Field(default_factory=RdsInstanceFailures)
    rds_failover: RdsFailover = Field(default_factory=RdsFailover)

    #: Processes a scenario may override in part (only the rate, or only the duration).
    PARTIAL: ClassVar[tuple[str, ...]] = ("az_outage", "nat_gateway", "eks_control_plane")

    @field_validator(*PARTIAL, mode="before")
    @classmethod
    def _partial_override(cls, value: object, info: object) -> object:
        """Allow overriding only the rate or only the duration of a default process."""
        if isinstance(value, dict):
            name = getattr(info, "field_name", "")
            merged = {
                "rate": default(f"failures.{name}.rate"),
                "duration": default(f"failures.{name}.duration"),
            }
            merged.update(value)
            return merged
        return value


class ChaosEvent(ScenarioModel):
    """A failure injected at a fixed time in every replication."""

    at: Duration
    """When the failure happens, from the start of the horizon."""
    environment: Name
    """The environment it hits."""
    fail: Literal[
        "az",
        "nat-gateway",
        "rds-primary",
        "rds-reboot-failover",
        "eks-control-plane",
        "node",
        "spot-interruption",
        "region",
    ]
    """What fails: an AZ (for every environment), a NAT Gateway, the RDS primary, a reboot with
    failover, the EKS control plane, a node, a Spot interruption, or the region.
    """
    az: ZoneRef | None = None
    """The AZ (for az, nat-gateway, node); default the first."""
    duration: Duration | None = Field(default=None, alias="for")
    """How long the failure lasts (az, nat-gateway, eks-control-plane, region)."""

    @field_validator("duration")
    @classmethod
    def _positive(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError("'for' must be greater than zero")
        return value
