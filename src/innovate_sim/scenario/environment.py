"""An environment (dev, prod, shared-services): its VPC, ingress, cluster, demand and database."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from innovate_sim.scenario.base import ScenarioModel, located
from innovate_sim.scenario.cluster import Cluster, Workload
from innovate_sim.scenario.database import Database
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.network import Ingress, NatPlacement, Network
from innovate_sim.scenario.operations import Dns, Encryption, Monitoring
from innovate_sim.scenario.types import Duration, Fraction, Name, Percent
from innovate_sim.scenario.uncertain import UncertainNumber

__all__ = ["Demand", "Environment", "ObjectStorage", "Observability", "Registry", "Spike", "Trace"]


class Spike(ScenarioModel):
    """A scheduled surge of demand (a launch, a campaign), optionally recurring."""

    at: Duration
    """Start of the (first) spike, counted from the start of the horizon."""
    duration: Duration
    """How long demand stays at the full multiplier (ramps not included)."""
    multiplier: float = Field(gt=0, le=1000)
    """Demand during the spike relative to the profile."""
    ramp: Duration = Field(default="0s")  # type: ignore[assignment]  # parsed by validate_default
    """Linear ramp up before and down after the spike."""
    every: Duration | None = None
    """Repeat period (e.g. 7d); once if omitted."""


class Trace(ScenarioModel):
    """Demand read from a CSV file with columns ``timestamp`` (seconds or ISO time) and ``rps``."""

    file: str
    """Path relative to the scenario file."""
    repeat: bool = True
    """Repeat the trace until the horizon ends."""


class Demand(ScenarioModel):
    """Requests per second arriving at the environment's load balancer."""

    profile: Literal["flat", "diurnal", "trace"] = "flat"
    """`flat`: constant `peak_rps`; `diurnal`: a daily cosine between `trough_fraction` ×
    `peak_rps` and `peak_rps`; `trace`: a CSV file. The weekly multipliers, growth and
    spikes apply to every profile.
    """
    peak_rps: UncertainNumber = Field(default=0.0, ge=0, le=1e7)
    """The daily peak (diurnal) or the constant level (flat)."""
    trough_fraction: Fraction = 0.3
    """Diurnal: demand at the daily low relative to the peak."""
    peak_hour: float = Field(default=14.0, ge=0, lt=24)
    """Diurnal: hour of day (UTC) of the peak."""
    weekly: list[float] = Field(default_factory=lambda: [1.0] * 7, min_length=7, max_length=7)
    """Multipliers Monday to Sunday (the clock starts on a Monday at 00:00)."""
    growth_per_month: Percent = 0.0
    """Compounded monthly growth, applied continuously."""
    spikes: list[Spike] = Field(default_factory=list)
    """Scheduled surges multiplying the profile."""
    trace: Trace | None = None
    """The CSV file of `profile: trace`."""

    @model_validator(mode="after")
    def _profile_fields(self) -> Demand:
        if self.profile == "trace" and self.trace is None:
            raise ValueError("profile 'trace' needs a trace: {file: ...}")
        if self.profile != "trace" and self.trace is not None:
            raise ValueError(
                f"a trace is only read with profile: trace (profile is {self.profile!r})"
            )
        if any(w < 0 for w in self.weekly):
            raise ValueError("weekly multipliers must not be negative")
        if self.growth_per_month < -0.5 or self.growth_per_month > 10:
            raise ValueError("growth_per_month must lie between -50% and 1000%")
        return self


class Registry(ScenarioModel):
    """Amazon ECR repositories hosted by the environment's account."""

    storage_gb: float = Field(ge=0)
    """Images stored in ECR."""
    scanning: Literal["basic", "enhanced"] = "basic"
    """Image scanning on push: `basic` (ECR, no charge) or `enhanced` (Amazon Inspector, per
    image; its price is not in the catalog: add it under `pricing.overrides`)."""
    images_scanned_per_month: float = Field(
        default=default("registry.images_scanned_per_month"), ge=0
    )
    """Images pushed and scanned a month."""


class Observability(ScenarioModel):
    """CloudWatch Logs ingestion and storage."""

    log_ingestion_gb_per_month: UncertainNumber = Field(default=0.0, ge=0)
    """CloudWatch Logs ingested."""
    log_storage_gb: float = Field(default=0.0, ge=0)
    """CloudWatch Logs kept."""


class ObjectStorage(ScenarioModel):
    """S3 Standard storage and requests."""

    standard_gb: float = Field(default=0.0, ge=0)
    """Data kept in S3 Standard."""
    put_requests_per_month: float = Field(default=0.0, ge=0)
    """S3 PUT, COPY, POST and LIST requests."""
    get_requests_per_month: float = Field(default=0.0, ge=0)
    """S3 GET and other requests."""


#: Usage fields of an environment: what its workloads move or store (traffic, logs,
#: object storage), zero unless the scenario says otherwise. They are priced after a run and
#: never read by the simulation, so scenarios that differ only in them simulate identically.
USAGE_FIELDS = ("network.traffic", "observability", "object_storage")


class Environment(ScenarioModel):
    """One environment: a VPC over N AZs with its cluster, workloads, demand and database."""

    account: Name
    """The account hosting and paying for the environment (not the management account)."""
    production: bool = False
    """Production environments refuse Spot capacity unless allow_spot is set."""
    allow_spot: bool = False
    """Let a production environment use Spot node pools anyway."""
    availability_zones: int = Field(default=3, ge=1, le=6)
    """AZs the VPC spans: az-a, az-b, … The same AZ of two environments is the same zone (an AZ
    outage hits both).
    """
    network: Network = Field(default_factory=Network)
    ingress: Ingress | None = None
    cluster: Cluster | None = None
    workloads: dict[Name, Workload] = Field(default_factory=dict)
    """Deployments by name."""
    demand: Demand | None = None
    database: Database | None = None
    registry: Registry | None = None
    observability: Observability | None = None
    object_storage: ObjectStorage | None = None
    encryption: Encryption | None = None
    monitoring: Monitoring | None = None
    dns: Dns | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Environment:
        zones = self.availability_zones
        if self.workloads and self.cluster is None:
            raise ValueError("workloads need a cluster")
        if (
            self.cluster is not None
            and self.network.nat_placement is NatPlacement.NONE
            and not self.network.endpoints.has_ecr
        ):
            raise located(
                ("network", "nat_gateways"),
                "with no NAT Gateway the cluster can pull container images only through ECR "
                "endpoints: add endpoints.interface [ecr.api, ecr.dkr] and endpoints.gateway [s3]",
            )
        if self.cluster is not None:
            for name, pool in self.cluster.node_pools.items():
                if pool.uses_spot and self.production and not self.allow_spot:
                    raise located(
                        ("cluster", "node_pools", name, "capacity_type"),
                        f"node pool {name!r} uses Spot capacity in a production environment; "
                        "the design keeps Spot out of production — remove 'spot' from "
                        "capacity_type or set allow_spot: true",
                    )
                for zone in pool.zones or []:
                    if zone >= zones:
                        raise located(
                            ("cluster", "node_pools", name, "zones"),
                            f"node pool {name!r} names AZ {zone + 1} but the environment has "
                            f"{zones} AZs",
                        )
        if self.database is not None:
            if self.database.primary_az >= zones:
                raise located(
                    ("database", "primary_az"),
                    f"database.primary_az is AZ {self.database.primary_az + 1} but the "
                    f"environment has {zones} AZs",
                )
            if self.database.deployment != "single-az" and zones < 2:
                raise ValueError(f"a {self.database.deployment} database needs at least 2 AZs")
            if self.database.deployment == "multi-az-cluster" and zones < 3:
                raise ValueError("a multi-az-cluster database needs 3 AZs")
        for name, workload in self.workloads.items():
            self._check_workload(name, workload)
        return self

    def _check_workload(self, name: str, workload: Workload) -> None:
        assert self.cluster is not None
        where = ("workloads", name)
        if "database" in workload.needs and self.database is None:
            raise located(
                (*where, "needs"),
                f"workload {name!r} needs a database but the environment has none",
            )
        if "egress" in workload.needs and self.network.nat_placement is NatPlacement.NONE:
            raise located(
                (*where, "needs"),
                f"workload {name!r} needs internet egress but network.nat_gateways is 'none'",
            )
        if workload.serves_requests and (self.demand is None or self.ingress is None):
            raise ValueError(
                f"workload {name!r} serves requests (rps_per_replica) so the environment "
                "needs demand and ingress"
            )
        pools = self.cluster.node_pools
        for pool in workload.node_pools or []:
            if pool not in pools:
                raise located(
                    (*where, "node_pools"),
                    f"workload {name!r} names node pool {pool!r}; pools: {', '.join(pools)}",
                )
        if not self.pools_for(name):
            raise ValueError(
                f"workload {name!r} fits no node pool: every allowed pool has a taint it does "
                "not tolerate"
            )

    @property
    def serves_requests(self) -> bool:
        """Whether the environment has demand and a workload serving it (so an availability)."""
        return self.demand is not None and any(w.serves_requests for w in self.workloads.values())

    def pools_for(self, workload: str) -> list[str]:
        """Node pools a workload's pods may run on (affinity and tolerations)."""
        spec = self.workloads[workload]
        assert self.cluster is not None
        allowed = spec.node_pools or list(self.cluster.node_pools)
        return [
            name
            for name in allowed
            if set(self.cluster.node_pools[name].taints) <= set(spec.tolerations)
        ]
