"""What the EKS data plane is made of: node pools, workloads, nodes and pods, and their states.

Plain state, changed by :class:`~innovate_sim.aws.cluster.Cluster` (kube-scheduler,
evictions), Karpenter and the HPA.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from innovate_sim.aws.infrastructure import Zone
from innovate_sim.engine import Timer
from innovate_sim.pricing import InstanceType
from innovate_sim.scenario.cluster import NodePool, Workload

__all__ = [
    "GONE",
    "LAUNCHING",
    "PENDING",
    "READY",
    "RUNNING",
    "STARTING",
    "TERMINATED",
    "Node",
    "OrderedSet",
    "Pod",
    "PoolState",
    "WorkloadState",
]

PENDING, STARTING, READY, GONE = "pending", "starting", "ready", "gone"


class OrderedSet(dict):  # type: ignore[type-arg]
    """A set that iterates in insertion order.

    Python's ``set`` of objects iterates in an order that depends on memory
    addresses, which would make a replication's float sums (and so its
    results) differ between runs and processes.
    """

    def add(self, item: object) -> None:
        self[item] = None

    def discard(self, item: object) -> None:
        self.pop(item, None)


LAUNCHING, RUNNING, TERMINATED = "launching", "running", "terminated"


@dataclass(eq=False)
class PoolState:
    """A node pool as the simulation sees it."""

    name: str
    spec: NodePool
    instance_types: tuple[InstanceType, ...]
    zones: tuple[int, ...]
    launch_latency: Callable[[], float]
    nodes: OrderedSet = field(default_factory=OrderedSet)

    @property
    def managed(self) -> bool:
        return self.spec.provisioner == "managed"

    def vcpu(self) -> float:
        """vCPUs of the pool's nodes that count against its limits."""
        return sum(n.itype.vcpu for n in self.nodes)

    def memory_gib(self) -> float:
        return sum(n.itype.memory_gib for n in self.nodes)


def _count(counts: dict[Any, int], key: object, delta: int) -> None:
    """Add ``delta`` to ``counts[key]``, dropping keys that reach zero."""
    left = counts.get(key, 0) + delta
    if left:
        counts[key] = left
    else:
        del counts[key]


@dataclass(eq=False)
class WorkloadState:
    """A Deployment and its pods."""

    name: str
    spec: Workload
    pools: tuple[str, ...]
    startup: Callable[[], float]
    capacity_rps: float
    """Requests per second one replica serves at 100 % CPU on amd64."""
    pods: OrderedSet = field(default_factory=OrderedSet)
    replicas: int = 0
    zone_counts: list[int] = field(default_factory=list)
    ready_on: dict[Node, int] = field(default_factory=dict)
    """Ready pods per node (kept up to date, so the service state need not walk every pod)."""
    ready_by_capacity: dict[float, int] = field(default_factory=dict)
    """Ready pods by the requests per second one of them serves (its node's architecture)."""
    replacing: dict[str, int] = field(default_factory=dict)
    """Pods not yet ready that replace a pod lost to a cause, by cause."""
    placements: int = 0
    """Bindings and unbindings of its pods so far: a figure that depends only on which of
    its pods sit on which nodes holds while this count stays the same."""
    cpu: float = field(init=False)
    """CPU one pod requests (``spec.requests.cpu``, at hand for the scheduling loops)."""
    memory_gib: float = field(init=False)
    """Memory one pod requests in GiB (``spec.requests.memory``)."""
    traffic_share: float = field(init=False)
    """Share of the environment's requests passing through it (``spec.traffic_share``)."""
    needs: frozenset[str] = field(init=False)
    """What its requests depend on (``spec.needs``)."""
    egress_fraction: float = field(init=False)
    """Share of its requests that need internet egress (``spec.egress_fraction``)."""

    def __post_init__(self) -> None:
        self.cpu = self.spec.requests.cpu
        self.memory_gib = self.spec.requests.memory
        self.traffic_share = self.spec.traffic_share
        self.needs = frozenset(self.spec.needs)
        self.egress_fraction = self.spec.egress_fraction

    def count_ready(self, node: Node, delta: int) -> None:
        """A pod on ``node`` became ready (+1) or stopped being ready (-1)."""
        _count(self.ready_on, node, delta)
        _count(self.ready_by_capacity, self.pod_capacity_rps(node), delta)

    def count_replacing(self, cause: str, delta: int) -> None:
        """A not-ready pod replacing a pod lost to ``cause`` appeared (+1) or went (-1)."""
        if cause:
            _count(self.replacing, cause, delta)

    def pod_capacity_rps(self, node: Node) -> float:
        """Requests per second one replica on ``node`` serves at 100 % CPU."""
        return self.capacity_rps * self.arch_factor(node)

    def arch_factor(self, node: Node) -> float:
        """The workload's speed on ``node`` relative to amd64."""
        return self.spec.arm64_performance_factor if node.itype.arch == "arm64" else 1.0

    def rps_at_target(self, pod: Pod) -> float:
        """Requests per second ``pod`` serves at the HPA's target utilisation."""
        assert pod.node is not None
        return (self.spec.rps_per_replica or 1.0) * self.arch_factor(pod.node)


@dataclass(eq=False)
class Node:
    """An EC2 worker node."""

    id: int
    pool: PoolState
    itype: InstanceType
    zone: Zone
    capacity_type: str
    price_usd_per_hour: float
    launched_h: float
    state: str = LAUNCHING
    failed: bool = False
    cordoned: bool = False
    not_ready: bool = False
    routed: bool = True
    """False once the ALB has noticed the node's pods are dead."""
    death_cause: str = ""
    free_cpu: float = 0.0
    free_memory_gib: float = 0.0
    free_pods: int = 0
    pods: OrderedSet = field(default_factory=OrderedSet)
    last_pod_change_h: float = 0.0
    timers: list[Timer] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        """The instance runs and its zone is up."""
        return self.state == RUNNING and not self.failed and self.zone.up

    @property
    def schedulable(self) -> bool:
        """kube-scheduler may bind pods here."""
        return self.state == RUNNING and not self.not_ready and not self.cordoned and self.alive

    def cancel_timers(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()


@dataclass(eq=False, init=False)
class Pod:
    """A pod of a workload, created pending."""

    id: int
    workload: WorkloadState
    created_h: float
    state: str
    node: Node | None
    nominated: Node | None
    """In-flight node Karpenter planned this pod onto."""
    cause: str
    """Why this pod exists: replacement of a pod lost to this cause ('' for scaling)."""
    timer: Timer | None
    waiting_image: bool
    bound_h: float

    # written out: a dataclass's generated __init__ stays interpreted in the compiled build
    def __init__(self, id: int, workload: WorkloadState, created_h: float, cause: str = "") -> None:
        self.id = id
        self.workload = workload
        self.created_h = created_h
        self.state = PENDING
        self.node = None
        self.nominated = None
        self.cause = cause
        self.timer = None
        self.waiting_image = False
        self.bound_h = 0.0
