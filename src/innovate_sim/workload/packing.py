"""Karpenter's bin-packing: first-fit-decreasing onto existing nodes, then new NodeClaims.

This is the scheduling simulation Karpenter runs over a batch of pending pods
(kubernetes-sigs/karpenter ``pkg/controllers/provisioning/scheduling``):

1. pods sorted by CPU request, then memory, descending;
2. each pod tries existing (and in-flight) nodes first, then NodeClaims already
   opened in this batch (fewest pods first), then opens a new NodeClaim from
   the highest-weight NodePool that can take it;
3. a NodeClaim carries the set of instance types that still fit all its pods
   (requests plus DaemonSet overhead) and the pool's remaining limits; when it
   is launched, the cheapest offering of that set is chosen (on-demand
   lowest-price; Spot preferred when the pool allows it, cheapest Spot price).

Zone topology spread is honoured the way kube-scheduler and Karpenter count
it: a zone is eligible when ``count + 1 − min(count) ≤ maxSkew``. Soft
(``ScheduleAnyway``) spreads are tried as hard first, then relaxed.

The module is pure Python (no simpy): the static cost estimate and the
simulated Karpenter call the same :func:`plan`, so a flat-demand simulation
launches the nodes the static bill counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from innovate_sim.pricing import InstanceType

__all__ = ["ClaimPlan", "NodeRoom", "PackingPlan", "PodRequest", "PoolOffer", "plan"]

_EPS = 1e-9


@dataclass(frozen=True)
class PodRequest:
    """A pending pod as the packer sees it.

    Attributes:
        workload: the workload (Deployment) the pod belongs to.
        cpu: CPU request in cores.
        memory_gib: memory request in GiB.
        pools: node pools the pod may run on.
        max_skew: zone topology spread maxSkew.
        hard_spread: True for DoNotSchedule, False for ScheduleAnyway.
        uid: tie-breaker preserving creation order.
    """

    workload: str
    cpu: float
    memory_gib: float
    pools: tuple[str, ...]
    max_skew: int = 1
    hard_spread: bool = False
    uid: int = 0


@dataclass(init=False)
class NodeRoom:
    """Free room on a node that exists or is being launched.

    Attributes:
        node_id: the caller's identifier.
        pool: the node pool.
        zone: 0-based AZ index.
        free_cpu: allocatable CPU left (cores).
        free_memory_gib: allocatable memory left (GiB).
        free_pods: pod slots left.
    """

    node_id: int
    pool: str
    zone: int
    free_cpu: float
    free_memory_gib: float
    free_pods: int

    # written out: a dataclass's generated __init__ stays interpreted in the compiled build
    def __init__(
        self,
        node_id: int,
        pool: str,
        zone: int,
        free_cpu: float,
        free_memory_gib: float,
        free_pods: int,
    ) -> None:
        self.node_id = node_id
        self.pool = pool
        self.zone = zone
        self.free_cpu = free_cpu
        self.free_memory_gib = free_memory_gib
        self.free_pods = free_pods


@dataclass(frozen=True)
class PoolOffer:
    """What a NodePool can launch now.

    Attributes:
        name: pool name.
        weight: higher weights are tried first.
        instance_types: candidate types (any order).
        capacity_types: allowed capacity types, e.g. ("spot", "on-demand").
        zones: AZs the pool may launch in.
        overhead_cpu: DaemonSet CPU per node (cores).
        overhead_memory_gib: DaemonSet memory per node (GiB).
        cpu_left: remaining CPU under the pool's limit (cores), None for no limit.
        memory_left_gib: remaining memory under the limit (GiB), None for no limit.
        unavailable: offerings ``(instance type, zone, capacity type)`` known to be out of capacity.
        nodes_left: more nodes the pool may have (its ``max_nodes``), None for no limit.
    """

    name: str
    weight: int
    instance_types: tuple[InstanceType, ...]
    capacity_types: tuple[str, ...]
    zones: tuple[int, ...]
    overhead_cpu: float = 0.0
    overhead_memory_gib: float = 0.0
    cpu_left: float | None = None
    memory_left_gib: float | None = None
    unavailable: frozenset[tuple[str, int, str]] = frozenset()
    nodes_left: int | None = None
    _preferred: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # asked for every instance type of every claim: the preference order once
        preferred = tuple(c for c in ("spot", "on-demand") if c in self.capacity_types)
        object.__setattr__(self, "_preferred", preferred)

    def offerings(self, itype: InstanceType, zone: int) -> list[str]:
        """Capacity types of ``itype`` in ``zone`` not marked unavailable, preferred first."""
        if not self.unavailable:
            return list(self._preferred)
        return [c for c in self._preferred if (itype.name, zone, c) not in self.unavailable]


@dataclass
class ClaimPlan:
    """A NodeClaim opened by the batch, and the instance it will launch.

    Attributes:
        pool: the node pool.
        zone: the AZ.
        pods: pods assigned to it.
        candidates: instance types that still fit every assigned pod.
        instance_type: the cheapest candidate offering (set by :func:`plan`).
        capacity_type: "spot" or "on-demand" (set by :func:`plan`).
        price_usd_per_hour: the chosen offering's price.
    """

    pool: str
    zone: int
    pods: list[PodRequest] = field(default_factory=list)
    candidates: list[InstanceType] = field(default_factory=list)
    instance_type: InstanceType | None = None
    capacity_type: str = "on-demand"
    price_usd_per_hour: float = 0.0

    @property
    def cpu(self) -> float:
        return sum(p.cpu for p in self.pods)

    @property
    def memory_gib(self) -> float:
        return sum(p.memory_gib for p in self.pods)


@dataclass
class PackingPlan:
    """The outcome of one batch: bindings to existing nodes, new claims, leftovers."""

    bindings: list[tuple[PodRequest, int]] = field(default_factory=list)
    claims: list[ClaimPlan] = field(default_factory=list)
    unschedulable: list[PodRequest] = field(default_factory=list)


def _offer_price(pool: PoolOffer, itype: InstanceType, zone: int) -> tuple[float, str] | None:
    """Cheapest available offering of ``itype`` in ``zone``: (USD/h, capacity type)."""
    best: tuple[float, str] | None = None
    for capacity in pool.offerings(itype, zone):
        price = itype.spot_usd_per_hour if capacity == "spot" else itype.on_demand_usd_per_hour
        if capacity == "spot" and best is None:
            return price, capacity  # Karpenter prefers spot whenever the pool allows it
        if best is None or price < best[0]:
            best = (price, capacity)
    return best


def _fits(itype: InstanceType, pool: PoolOffer, cpu: float, memory: float, pods: int) -> bool:
    return (
        cpu + pool.overhead_cpu <= itype.allocatable_cpu + _EPS
        and memory + pool.overhead_memory_gib <= itype.allocatable_memory_gib + _EPS
        and pods <= itype.max_pods
    )


def _eligible_zones(
    pod: PodRequest, counts: dict[str, list[int]], zones: Sequence[int], strict: bool
) -> list[int]:
    """Zones for the pod, least-loaded first: within maxSkew when ``strict``, else all."""
    per_zone = counts.setdefault(pod.workload, [0] * (max(zones, default=0) + 1))
    while len(per_zone) <= max(zones, default=0):
        per_zone.append(0)
    if not zones:
        return []
    low = min(per_zone[z] for z in zones)
    ranked = sorted(zones, key=lambda z: (per_zone[z], z))
    if not strict:
        return ranked
    return [z for z in ranked if per_zone[z] + 1 - low <= pod.max_skew]


def plan(
    pods: Sequence[PodRequest],
    nodes: Sequence[NodeRoom],
    pools: Sequence[PoolOffer],
    zone_counts: dict[str, list[int]],
    zones: Sequence[int],
) -> PackingPlan:
    """Place a batch of pending pods as Karpenter's scheduling simulation does.

    Args:
        pods: the batch's pending pods.
        nodes: room on existing and in-flight nodes, in the order Karpenter tries
            them (initialised nodes first). Mutated: room is consumed.
        pools: NodePools that may launch nodes.
        zone_counts: pods per zone of each workload (for topology spread).
            Mutated as pods are placed.
        zones: AZs of the environment that are considered (spread domains), each once.

    Returns:
        The bindings to existing nodes, the new NodeClaims with their chosen
        instance types, and the pods that fit nowhere.
    """
    result = PackingPlan()
    ordered = sorted(pods, key=lambda p: (-p.cpu, -p.memory_gib, p.uid))
    by_weight = sorted(pools, key=lambda p: (-p.weight, p.name))
    limits: dict[str, list[float | None]] = {
        p.name: [p.cpu_left, p.memory_left_gib, p.nodes_left] for p in pools
    }
    by_zone: dict[int, list[NodeRoom]] = {}  # each zone's nodes, in the order tried
    for node in nodes:
        by_zone.setdefault(node.zone, []).append(node)
    for pod in ordered:
        for strict in (True,) if pod.hard_spread else (True, False):
            allowed = _eligible_zones(pod, zone_counts, zones, strict)
            placed = _place(pod, allowed, by_zone, by_weight, limits, result)
            if placed is not None:
                zone_counts[pod.workload][placed] += 1
                break
        else:
            result.unschedulable.append(pod)
    for claim in result.claims:
        offer = next(p for p in pools if p.name == claim.pool)
        best: tuple[float, str, InstanceType] | None = None
        for itype in claim.candidates:
            priced = _offer_price(offer, itype, claim.zone)
            if priced is None:
                continue
            key = (priced[0], priced[1], itype)
            if best is None or (key[0], key[2].name) < (best[0], best[2].name):
                best = key
        assert best is not None, "a claim always keeps at least one available candidate"
        claim.price_usd_per_hour, claim.capacity_type, claim.instance_type = best
    return result


def _place(
    pod: PodRequest,
    zones: list[int],
    by_zone: dict[int, list[NodeRoom]],
    pools: Sequence[PoolOffer],
    limits: dict[str, list[float | None]],
    result: PackingPlan,
) -> int | None:
    """Place one pod; return its zone, or None.

    Existing nodes are tried zone by zone in the order of ``zones`` (distinct),
    each zone's in the order the plan was given them.
    """
    zone_rank = {z: i for i, z in enumerate(zones)}
    for zone in zones:
        for node in by_zone.get(zone, ()):
            if (
                node.pool in pod.pools
                and node.free_cpu + _EPS >= pod.cpu
                and node.free_memory_gib + _EPS >= pod.memory_gib
                and node.free_pods >= 1
            ):
                node.free_cpu -= pod.cpu
                node.free_memory_gib -= pod.memory_gib
                node.free_pods -= 1
                result.bindings.append((pod, node.node_id))
                return node.zone
    offers = {p.name: p for p in pools}
    open_claims = sorted(
        (c for c in result.claims if c.zone in zone_rank and c.pool in pod.pools),
        key=lambda c: (zone_rank[c.zone], len(c.pods)),
    )
    for claim in open_claims:
        offer = offers[claim.pool]
        cpu, memory, count = (
            claim.cpu + pod.cpu,
            claim.memory_gib + pod.memory_gib,
            len(claim.pods) + 1,
        )
        still = [t for t in claim.candidates if _fits(t, offer, cpu, memory, count)]
        if still:
            claim.pods.append(pod)
            claim.candidates = still
            return claim.zone
    for offer in pools:
        if offer.name not in pod.pools:
            continue
        cpu_left, memory_left, nodes_left = limits[offer.name]
        if nodes_left is not None and nodes_left < 1:
            continue
        for zone in zones:
            if zone not in offer.zones:
                continue
            candidates = [
                t
                for t in offer.instance_types
                if _fits(t, offer, pod.cpu, pod.memory_gib, 1)
                and (cpu_left is None or t.vcpu <= cpu_left + _EPS)
                and (memory_left is None or t.memory_gib <= memory_left + _EPS)
                and offer.offerings(t, zone)
            ]
            if candidates:
                result.claims.append(ClaimPlan(offer.name, zone, [pod], candidates))
                # subtractMax: reserve the largest candidate against the pool's limits
                if cpu_left is not None:
                    limits[offer.name][0] = cpu_left - max(t.vcpu for t in candidates)
                if memory_left is not None:
                    limits[offer.name][1] = memory_left - max(t.memory_gib for t in candidates)
                if nodes_left is not None:
                    limits[offer.name][2] = nodes_left - 1
                return zone
    return None
