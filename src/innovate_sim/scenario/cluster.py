"""EKS cluster: node pools (managed node groups and Karpenter NodePools) and workloads."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from innovate_sim import units
from innovate_sim.scenario.base import ScenarioModel
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.distributions import Distribution
from innovate_sim.scenario.types import (
    Cpu,
    Duration,
    Fraction,
    MemoryGiB,
    Name,
    Percent,
    ZoneRef,
)

__all__ = [
    "Cluster",
    "Hpa",
    "Karpenter",
    "NodePool",
    "Replicas",
    "Resources",
    "RootVolume",
    "TopologySpread",
    "Workload",
    "default_grace_period_h",
]

CapacityType = Literal["on-demand", "spot"]
Arch = Literal["arm64", "amd64"]
_ON_DEMAND: tuple[CapacityType, ...] = ("on-demand",)
_ARM64: tuple[Arch, ...] = ("arm64",)


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


class RootVolume(ScenarioModel):
    """The EBS root volume of every node in a pool."""

    type: Literal["gp3", "gp2"] = default("node_pools.*.root_volume")["type"]
    """EBS volume type."""
    size_gb: int = Field(default=default("node_pools.*.root_volume")["size_gb"], ge=1, le=16384)
    """Volume size."""


class Limits(ScenarioModel):
    """Karpenter NodePool limits: no new node once the pool's total would exceed them."""

    cpu: Cpu | None = None
    """Total vCPU of the pool's nodes above which Karpenter launches no node."""
    memory: MemoryGiB | None = None
    """Total memory of the pool's nodes above which Karpenter launches no node."""


class NodePool(ScenarioModel):
    """A group of worker nodes: an EKS managed node group or a Karpenter NodePool."""

    provisioner: Literal["managed", "karpenter"] = "karpenter"
    """'managed': a fixed-size managed node group that replaces failed nodes;
    'karpenter': nodes launched and removed by Karpenter for pending pods."""
    capacity_type: list[CapacityType] = Field(default_factory=lambda: list(_ON_DEMAND))
    """Capacity types allowed; with several, Karpenter prefers spot and falls back."""
    arch: list[Arch] = Field(default_factory=lambda: list(_ARM64))
    """CPU architectures allowed: arm64 (Graviton) and/or amd64 (x86)."""
    families: list[str] | None = None
    """Instance families allowed (e.g. m7g, m6g); all families of the catalog if omitted."""
    instance_types: list[str] | None = None
    """Explicit instance types; overrides families."""
    min_nodes: int = Field(default=0, ge=0, le=1000)
    """Managed node groups: the nodes always running (desired size)."""
    max_nodes: int | None = Field(default=None, ge=0, le=5000)
    """Largest number of nodes (not enforced by the model yet)."""
    zones: list[ZoneRef] | None = None
    """AZs the pool may use; all AZs of the environment if omitted."""
    root_volume: RootVolume = Field(default_factory=RootVolume)
    weight: int = Field(default=0, ge=0, le=100)
    """Karpenter tries pools of higher weight first."""
    limits: Limits = Field(default_factory=Limits)
    taints: list[str] = Field(default_factory=list)
    """Taints on the pool's nodes; only workloads tolerating all of them run there."""
    consolidation_policy: Literal["when-empty", "when-empty-or-underutilized", "never"] = default(
        "node_pools.*.consolidation_policy"
    )
    """Karpenter's consolidationPolicy (`never` turns it off)."""
    consolidate_after: Duration = default("node_pools.*.consolidate_after")
    """How long a node's pods must stay unchanged before consolidation may remove it."""
    budget: Fraction = default("node_pools.*.budget")
    """Share of the pool's nodes that voluntary disruption may take at once (rounded up)."""
    expire_after: Duration | None = default("node_pools.*.expire_after")
    """Karpenter replaces a node this long after launch (forceful); null: never."""
    launch_latency: Distribution | None = None
    """Launch to node Ready; default: Karpenter's latency, or managed-group replacement latency."""

    # A single value stands for a one-item list; json_schema_input_type lets the
    # JSON Schema accept that shorthand too.
    _capacity_type_list = field_validator(
        "capacity_type", mode="before", json_schema_input_type=CapacityType | list[CapacityType]
    )(classmethod(lambda cls, v: _as_list(v)))
    _arch_list = field_validator("arch", mode="before", json_schema_input_type=Arch | list[Arch])(
        classmethod(lambda cls, v: _as_list(v))
    )
    _names_list = field_validator(
        "families", "instance_types", mode="before", json_schema_input_type=str | list[str] | None
    )(classmethod(lambda cls, v: _as_list(v)))

    @model_validator(mode="after")
    def _consistent(self) -> NodePool:
        if len(set(self.capacity_type)) != len(self.capacity_type) or not self.capacity_type:
            raise ValueError("capacity_type must list on-demand and/or spot, each once")
        if self.max_nodes is not None and self.min_nodes > self.max_nodes:
            raise ValueError(f"min_nodes ({self.min_nodes}) exceeds max_nodes ({self.max_nodes})")
        if self.provisioner == "karpenter" and self.min_nodes:
            raise ValueError(
                "Karpenter NodePools have no minimum size; put always-on nodes in a pool "
                "with provisioner: managed"
            )
        if self.provisioner == "managed" and self.min_nodes == 0:
            raise ValueError("a managed node group needs min_nodes >= 1")
        return self

    @property
    def uses_spot(self) -> bool:
        """Whether the pool may run Spot capacity."""
        return "spot" in self.capacity_type


class Karpenter(ScenarioModel):
    """Cluster-wide Karpenter settings (defaults from the Karpenter source)."""

    enabled: bool = True
    """Run Karpenter; with false, every pool must be `provisioner: managed`."""
    batch_idle: Duration = default("cluster.karpenter.batch_idle")
    """The batch of pending pods closes this long after the last one…"""
    batch_max: Duration = default("cluster.karpenter.batch_max")
    """…or this long after the first, whichever is earlier."""
    launch_latency: Distribution = default("cluster.karpenter.launch_latency")
    """NodeClaim created to node Ready."""
    registration_timeout: Duration = default("cluster.karpenter.registration_timeout")
    """A NodeClaim whose node has not registered this long after launch is deleted and retried
    (a launch EC2 accepts in a failed AZ never registers)."""
    capacity_error_probability: Fraction = default("cluster.karpenter.capacity_error_probability")
    """Probability that a launch of an offering (type, zone, capacity type) fails for capacity."""
    unavailable_offering_ttl: Duration = default("cluster.karpenter.unavailable_offering_ttl")
    """How long an offering (type, zone, capacity type) is skipped after a capacity error or a
    Spot notice.
    """
    consolidation_poll: Duration = default("cluster.karpenter.consolidation_poll")
    """Period of consolidation passes."""
    interruption_queue: bool = True
    """Karpenter watches the SQS interruption queue (Spot notices, instance state changes)."""
    instance_status_checks: bool = default("cluster.karpenter.instance_status_checks")
    """Karpenter replaces nodes whose EC2 status checks fail (polls DescribeInstanceStatus)."""
    instance_status_poll: Duration = default("cluster.karpenter.instance_status_poll")
    """Period of Karpenter's DescribeInstanceStatus poll."""
    instance_unhealthy_after: Duration = default("cluster.karpenter.instance_unhealthy_after")
    """How long a status check must have failed before Karpenter acts on it."""
    ec2_status_check_interval: Duration = default("cluster.karpenter.ec2_status_check_interval")
    """Period of EC2's own instance and system status checks."""

    @model_validator(mode="after")
    def _windows(self) -> Karpenter:
        if self.batch_idle <= 0 or self.batch_max < self.batch_idle:
            raise ValueError("need 0 < batch_idle <= batch_max")
        return self


class Cluster(ScenarioModel):
    """One EKS cluster per environment."""

    kubernetes_version: str = Field(default="1.33", json_schema_extra={"pattern": r"^\d+\.\d+$"})
    """Kubernetes minor version, as text; decides standard or extended EKS support pricing."""
    support: Literal["auto", "standard", "extended"] = "auto"
    """EKS support tier; 'auto' decides from the version calendar on the price catalog's date."""
    node_pools: dict[Name, NodePool] = Field(min_length=1)
    """Node pools by name (at least one)."""
    karpenter: Karpenter = Field(default_factory=Karpenter)
    daemonset_overhead: Resources = Field(
        default_factory=lambda: Resources.model_validate(default("cluster.daemonset_overhead"))
    )
    """CPU and memory every node reserves for DaemonSets."""
    node_monitor_grace_period: Duration | None = None
    """Time after a node stops answering before Kubernetes marks it NotReady; default 40 s up to
    Kubernetes 1.31 and 50 s from 1.32 (the kube-controller-manager default of the version)."""
    pod_eviction_timeout: Duration = default("cluster.pod_eviction_timeout")
    """Time a NotReady node's pods wait before they are evicted and recreated elsewhere."""

    @field_validator("kubernetes_version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        # A number is read as the version it spells (1.34 → '1.34'), like engine_version: 16.
        # YAML reads 1.30 as the number 1.3, so a one-decimal number is refused with a hint.
        if isinstance(value, float):
            text = repr(value)
            if not re.fullmatch(r"\d+\.\d\d", text):
                raise ValueError(
                    f"{value!r} reads as the number {value!r} (YAML drops trailing zeros); "
                    f"quote the version, e.g. '{value:.2f}'"
                )
            return text
        return value

    @field_validator("kubernetes_version")
    @classmethod
    def _version_shape(cls, value: str) -> str:
        parts = value.split(".")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"Kubernetes version must look like '1.33', got {value!r}")
        return value

    @model_validator(mode="after")
    def _grace_period_of_version(self) -> Cluster:
        if self.node_monitor_grace_period is None:
            object.__setattr__(
                self,
                "node_monitor_grace_period",
                default_grace_period_h(self.kubernetes_version),
            )
        return self

    @property
    def not_ready_after_h(self) -> float:
        """The node-monitor grace period in hours (always set once validated)."""
        assert self.node_monitor_grace_period is not None
        return self.node_monitor_grace_period

    @model_validator(mode="after")
    def _karpenter_pools(self) -> Cluster:
        for name, pool in self.node_pools.items():
            if pool.provisioner == "karpenter" and not self.karpenter.enabled:
                raise ValueError(
                    f"node pool {name!r} is a Karpenter NodePool but karpenter.enabled is false"
                )
        return self


def default_grace_period_h(kubernetes_version: str) -> float:
    """kube-controller-manager's default node-monitor-grace-period for a version (hours).

    Kubernetes 1.32 raised it from 40 s to 50 s (kubernetes/kubernetes#126287).
    """
    periods = default("cluster.node_monitor_grace_period")
    major, minor = (int(part) for part in kubernetes_version.split("."))
    text = periods["from_1_32"] if (major, minor) >= (1, 32) else periods["before_1_32"]
    return units.parse_duration(text)


class Resources(ScenarioModel):
    """CPU and memory requests."""

    cpu: Cpu
    """CPU request of one pod."""
    memory: MemoryGiB
    """Memory request of one pod."""

    @model_validator(mode="after")
    def _positive(self) -> Resources:
        if self.cpu <= 0 and self.memory <= 0:
            raise ValueError("request some CPU or memory")
        return self


class Replicas(ScenarioModel):
    """Replica bounds of a Deployment (the HPA's minReplicas and maxReplicas)."""

    min: int = Field(ge=0, le=10000)
    """Fewest replicas (the HPA's minReplicas)."""
    max: int = Field(ge=1, le=10000)
    """Most replicas (the HPA's maxReplicas)."""

    @model_validator(mode="before")
    @classmethod
    def _fixed(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return {"min": value, "max": value}
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        # The schema also accepts the shorthand: a number means min = max.
        return {
            "anyOf": [handler(core_schema), {"type": "integer", "minimum": 1, "maximum": 10000}]
        }

    @model_validator(mode="after")
    def _ordered(self) -> Replicas:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) exceeds max ({self.max})")
        return self


_HPA = default("workloads.*.hpa")


class Hpa(ScenarioModel):
    """Horizontal Pod Autoscaler on CPU, with the Kubernetes defaults."""

    target_utilization: Fraction = _HPA["target_utilization"]
    """CPU utilisation the HPA holds; a replica at this level serves rps_per_replica."""
    tolerance: float = Field(default=_HPA["tolerance"], ge=0, lt=1)
    """No scaling while |utilisation / target − 1| is within this tolerance."""
    sync_period: Duration = _HPA["sync_period"]
    """Time between two HPA evaluations."""
    metrics_delay: Duration = _HPA["metrics_delay"]
    """Age of the metric the HPA acts on (metrics-server resolution)."""
    scale_up_pods: int = Field(default=_HPA["scale_up_pods"], ge=1)
    """Scale-up adds at most max(scale_up_pods, scale_up_percent) per sync."""
    scale_up_percent: Percent = _HPA["scale_up_percent"]
    """See scale_up_pods."""
    scale_down_percent: Percent = _HPA["scale_down_percent"]
    """Scale-down removes at most this share of replicas per sync."""
    scale_down_stabilization: Duration = _HPA["scale_down_stabilization"]
    """Scale-down follows the highest recommendation of this last window."""

    @model_validator(mode="after")
    def _sane(self) -> Hpa:
        if self.target_utilization <= 0:
            raise ValueError("target_utilization must be above 0%")
        if self.sync_period <= 0:
            raise ValueError("sync_period must be greater than zero")
        return self


_SPREAD = default("workloads.*.topology_spread")


class TopologySpread(ScenarioModel):
    """Zone topology spread constraint of a workload's pods."""

    max_skew: int = Field(default=_SPREAD["max_skew"], ge=1)
    """Largest allowed difference of pod counts between zones."""
    when_unsatisfiable: Literal["do-not-schedule", "schedule-anyway"] = _SPREAD[
        "when_unsatisfiable"
    ]
    """`do-not-schedule` (hard: pods stay pending) or `schedule-anyway` (soft preference)."""


class Workload(ScenarioModel):
    """A Deployment: its pods' requests, replica bounds, HPA and dependencies."""

    requests: Resources
    replicas: Replicas
    rps_per_replica: float | None = Field(default=None, gt=0)
    """Requests per second one replica serves at the HPA target; omit for background workloads."""
    traffic_share: Fraction = 1.0
    """Share of the environment's requests that pass through this workload."""
    hpa: Hpa | None = None
    """HPA settings; defaults apply when replicas.min < replicas.max and rps_per_replica is set."""
    startup: Distribution = default("workloads.*.startup")
    """Pod scheduled on a Ready node to pod Ready (image pull, application start)."""
    needs: list[Literal["database", "egress"]] = Field(default_factory=list)
    """Dependencies a request needs: the RDS primary, and/or internet egress from the pod's AZ."""
    egress_share: Fraction | None = None
    """With `needs: [egress]`: the share of requests that need egress (default 100%); a pod in
    an AZ without egress still serves the others."""
    topology_spread: TopologySpread = Field(default_factory=TopologySpread)
    arm64_performance_factor: float = Field(
        default=default("workloads.*.arm64_performance_factor"), gt=0, le=10
    )
    """Requests served on arm64 (Graviton) relative to amd64 per replica."""
    node_pools: list[Name] | None = None
    """Pools the pods may run on (node affinity); all pools they tolerate if omitted."""
    tolerations: list[str] = Field(default_factory=list)
    """Taints the pods tolerate (e.g. 'spot')."""

    @model_validator(mode="after")
    def _hpa_default(self) -> Workload:
        if self.hpa is None and self.rps_per_replica and self.replicas.min < self.replicas.max:
            object.__setattr__(self, "hpa", Hpa())
        if self.hpa is not None and not self.rps_per_replica:
            raise ValueError("an HPA needs rps_per_replica to relate demand to CPU utilisation")
        if self.replicas.min == 0 and self.rps_per_replica:
            raise ValueError("a workload that serves requests needs replicas.min >= 1")
        if self.egress_share is not None and "egress" not in self.needs:
            raise ValueError("egress_share applies only to a workload with needs: [egress]")
        return self

    @property
    def egress_fraction(self) -> float:
        """Share of requests that need internet egress (0 without the dependency)."""
        if "egress" not in self.needs:
            return 0.0
        return 1.0 if self.egress_share is None else self.egress_share

    @property
    def serves_requests(self) -> bool:
        """Whether the workload is on the request path."""
        return self.rps_per_replica is not None


Cluster.model_rebuild()
