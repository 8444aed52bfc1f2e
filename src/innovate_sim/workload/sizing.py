"""Static cluster sizing: the nodes a cluster runs at a steady demand.

The static estimate and the simulation's initial cluster both come from
:func:`plan_cluster`: managed node groups at their desired size, the steady
HPA replica count of every workload, placed as kube-scheduler would on the
managed nodes, and Karpenter NodeClaims (cheapest fitting type, through the
same :func:`innovate_sim.workload.packing.plan` the simulated Karpenter uses) for
the pods left over.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

from innovate_sim.pricing import CapacityType, InstanceType, PriceCatalog
from innovate_sim.scenario.catalog_checks import pool_instance_types
from innovate_sim.scenario.cluster import Workload
from innovate_sim.scenario.environment import Environment
from innovate_sim.workload.packing import NodeRoom, PodRequest, PoolOffer, plan
from innovate_sim.workload.topology import pool_zones

__all__ = ["ClusterPlan", "PlannedNode", "plan_cluster", "steady_replicas"]

#: Slack for ``ceil`` so that 300 rps / 150 rps-per-replica is 2 replicas, not 3
#: after floating-point noise.
_CEIL_SLACK = 1e-9


@dataclass(frozen=True)
class PlannedNode:
    """A node of the steady-state cluster.

    Attributes:
        pool: node pool name.
        zone: 0-based AZ index.
        instance_type: the EC2 type (with its prices in effect).
        capacity_type: ``"on-demand"`` or ``"spot"``.
        price_usd_per_hour: the price in effect of that type and capacity type.
        pods: pods placed on the node, by workload.
        managed: True for a managed node group node, False for a Karpenter NodeClaim.
    """

    pool: str
    zone: int
    instance_type: InstanceType
    capacity_type: CapacityType
    price_usd_per_hour: float
    pods: dict[str, int] = field(default_factory=dict)
    managed: bool = False


@dataclass(frozen=True)
class ClusterPlan:
    """The nodes and replicas of a cluster at one steady demand.

    Attributes:
        nodes: managed nodes first (pool order, round-robin zones), then
            Karpenter NodeClaims in the order the packer opened them.
        replicas: steady replica count by workload.
        unschedulable: pods that fit nowhere (pool limits, spread), by workload.
    """

    nodes: tuple[PlannedNode, ...]
    replicas: dict[str, int]
    unschedulable: dict[str, int]

    @property
    def price_usd_per_hour(self) -> float:
        """Hourly price of every planned node together."""
        return sum(node.price_usd_per_hour for node in self.nodes)


def steady_replicas(workload: Workload, demand_rps: float) -> int:
    """Replicas the HPA holds at a steady demand.

    ``ceil(demand_rps × traffic_share / rps_per_replica)`` clipped to
    ``[replicas.min, replicas.max]``; ``replicas.min`` for a workload that
    serves no requests. The arm64 performance factor is ignored here: sizing
    does not know which architecture the pods will land on, and the factor
    acts through the node's architecture in the simulation.

    Args:
        workload: the Deployment.
        demand_rps: requests per second arriving at the environment.
    """
    if not workload.rps_per_replica:
        return workload.replicas.min
    wanted = demand_rps * workload.traffic_share / workload.rps_per_replica
    count = math.ceil(wanted - _CEIL_SLACK) if wanted > 0 else 0
    return min(workload.replicas.max, max(workload.replicas.min, count))


def _managed_nodes(env: Environment, catalog: PriceCatalog) -> list[PlannedNode]:
    """Managed node groups at min_nodes, round-robin over their zones."""
    assert env.cluster is not None
    nodes: list[PlannedNode] = []
    for name, pool in env.cluster.node_pools.items():
        if pool.provisioner != "managed":
            continue
        itype = pool_instance_types(catalog, env, name)[0]  # cheapest on-demand, then name
        capacity: CapacityType = "spot" if pool.capacity_type == ["spot"] else "on-demand"
        price = catalog.ec2_price(itype.name, capacity).usd
        zones = pool_zones(env, name)
        for index in range(pool.min_nodes):
            nodes.append(
                PlannedNode(name, zones[index % len(zones)], itype, capacity, price, {}, True)
            )
    return nodes


def _karpenter_offers(env: Environment, catalog: PriceCatalog) -> list[PoolOffer]:
    assert env.cluster is not None
    overhead = env.cluster.daemonset_overhead
    return [
        PoolOffer(
            name=name,
            weight=pool.weight,
            instance_types=tuple(pool_instance_types(catalog, env, name)),
            capacity_types=tuple(pool.capacity_type),
            zones=pool_zones(env, name),
            overhead_cpu=overhead.cpu,
            overhead_memory_gib=overhead.memory,
            cpu_left=pool.limits.cpu,
            memory_left_gib=pool.limits.memory,
            nodes_left=pool.max_nodes,
        )
        for name, pool in env.cluster.node_pools.items()
        if pool.provisioner == "karpenter" and env.cluster.karpenter.enabled
    ]


def plan_cluster(env: Environment, catalog: PriceCatalog, demand_rps: float) -> ClusterPlan:
    """Size an environment's cluster for a steady demand.

    1. Managed node groups run ``min_nodes`` nodes each, round-robin over the
       pool's zones (``pool.zones`` or every AZ) in order a, b, c…; the type is
       the pool's cheapest (on-demand price, then name); capacity on-demand,
       or Spot when the pool allows Spot only.
    2. Every workload runs :func:`steady_replicas` pods. They are placed
       first onto the managed nodes (free room = allocatable − DaemonSet
       overhead) as kube-scheduler would, then the leftovers go to Karpenter's
       packer with the Karpenter NodePools (limits, capacity types, zones,
       overhead), which opens NodeClaims of the cheapest fitting type.

    A NodePool's ``max_nodes`` and CPU/memory ``limits`` hold here as in the
    simulation. Simplification: DaemonSet pods take CPU and memory but no pod
    slots.

    Args:
        env: the environment (no cluster: an empty plan).
        catalog: prices and instance types in effect.
        demand_rps: steady requests per second arriving at the environment.
    """
    if env.cluster is None:
        return ClusterPlan((), {}, {})
    managed = _managed_nodes(env, catalog)
    replicas = {name: steady_replicas(w, demand_rps) for name, w in env.workloads.items()}
    pods: list[PodRequest] = []
    for name, workload in env.workloads.items():
        spread = workload.topology_spread
        for _ in range(replicas[name]):
            pods.append(
                PodRequest(
                    workload=name,
                    cpu=workload.requests.cpu,
                    memory_gib=workload.requests.memory,
                    pools=tuple(env.pools_for(name)),
                    max_skew=spread.max_skew,
                    hard_spread=spread.when_unsatisfiable == "do-not-schedule",
                    uid=len(pods),
                )
            )
    overhead = env.cluster.daemonset_overhead
    rooms = [
        NodeRoom(
            node_id=index,
            pool=node.pool,
            zone=node.zone,
            free_cpu=node.instance_type.allocatable_cpu - overhead.cpu,
            free_memory_gib=node.instance_type.allocatable_memory_gib - overhead.memory,
            free_pods=node.instance_type.max_pods,
        )
        for index, node in enumerate(managed)
    ]
    zones = tuple(range(env.availability_zones))
    zone_counts: dict[str, list[int]] = {}
    on_managed = plan(pods, rooms, [], zone_counts, zones)
    placed: list[Counter[str]] = [Counter() for _ in managed]
    for pod, node_id in on_managed.bindings:
        placed[node_id][pod.workload] += 1
    launched = plan(
        on_managed.unschedulable, rooms, _karpenter_offers(env, catalog), zone_counts, zones
    )
    for pod, node_id in launched.bindings:
        placed[node_id][pod.workload] += 1
    nodes = [
        PlannedNode(
            node.pool,
            node.zone,
            node.instance_type,
            node.capacity_type,
            node.price_usd_per_hour,
            dict(placed[index]),
            True,
        )
        for index, node in enumerate(managed)
    ]
    for claim in launched.claims:
        assert claim.instance_type is not None
        nodes.append(
            PlannedNode(
                claim.pool,
                claim.zone,
                claim.instance_type,
                cast(CapacityType, claim.capacity_type),
                claim.price_usd_per_hour,
                dict(Counter(p.workload for p in claim.pods)),
                False,
            )
        )
    return ClusterPlan(
        nodes=tuple(nodes),
        replicas=replicas,
        unschedulable=dict(Counter(p.workload for p in launched.unschedulable)),
    )
