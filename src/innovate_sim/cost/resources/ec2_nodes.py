"""EKS worker nodes: EC2 instance-hours and their EBS root volumes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import CapacityType, PriceCatalog
from innovate_sim.scenario.cluster import RootVolume
from innovate_sim.units import HOURS_PER_MONTH, zone_name
from innovate_sim.workload.sizing import PlannedNode

__all__ = ["NodeGroup", "NodeLine", "node_groups", "node_lines", "node_resource_name"]


def node_resource_name(
    environment: str, pool: str, instance_type: str, zone: int, capacity_type: str
) -> str:
    """Resource name of a kind of node, e.g. ``"prod/node/baseline/m7g.large/az-b"``."""
    spot = "/spot" if capacity_type == "spot" else ""
    return f"{environment}/node/{pool}/{instance_type}/{zone_name(zone)}{spot}"


@dataclass(frozen=True)
class NodeLine:
    """An unpriced bill line of nodes: what is billed and how much of it."""

    service: str
    resource: str
    component: str
    quantity: float
    unit: str


def node_lines(
    environment: str,
    pool: str,
    zone: int,
    instance_type: str,
    capacity_type: str,
    root_volume: RootVolume,
    hours: float,
    count: int | None = None,
) -> tuple[NodeLine, NodeLine]:
    """The instance-hours line and the root-volume line of nodes of one kind.

    The static bill and the accrued bill both write their node lines with it.

    Args:
        environment: the environment name.
        pool: node pool name.
        zone: 0-based AZ index.
        instance_type: EC2 type, e.g. ``"m7g.large"``.
        capacity_type: ``"on-demand"`` or ``"spot"``.
        root_volume: the EBS root volume of each node.
        hours: hours each node runs (with ``count``), or node-hours of however
            many nodes ran (without).
        count: number of identical nodes, or ``None`` for simulated node-hours.
    """
    nodes = 1 if count is None else count
    many = "" if count is None else f"{count} node{'s' if count != 1 else ''}"
    label = f", {many}" if many else ""
    times = f" × {many}" if many else ""
    name = node_resource_name(environment, pool, instance_type, zone, capacity_type)
    volume = root_volume
    return (
        NodeLine(
            "EC2",
            name,
            f"Instance usage (Linux, {capacity_type}, {instance_type}{label})",
            nodes * hours,
            "hours",
        ),
        NodeLine(
            "EBS",
            name,
            f"Root volume storage ({volume.type}, {volume.size_gb} GB{times})",
            nodes * volume.size_gb * hours / HOURS_PER_MONTH,
            "GB-month",
        ),
    )


@dataclass(frozen=True)
class NodeGroup(Resource):
    """Identical nodes (same pool, AZ, type and capacity type) running all month.

    Attributes:
        pool: node pool name.
        zone: 0-based AZ index.
        instance_type: EC2 type, e.g. ``"m7g.large"``.
        capacity_type: ``"on-demand"`` (the Compute Savings Plan discount applies
            through the catalog) or ``"spot"``.
        count: number of nodes.
        root_volume: the EBS root volume of each node.
        hours: hours each node runs in the month.
    """

    pool: str
    zone: int
    instance_type: str
    capacity_type: CapacityType
    count: int
    root_volume: RootVolume
    hours: float = HOURS_PER_MONTH

    def scenario_field(self) -> tuple[str | int, ...]:
        """The node pool that launches these nodes."""
        return ("environments", self.environment, "cluster", "node_pools", self.pool)

    @property
    def name(self) -> str:
        """Resource name, e.g. ``"prod/node/baseline/m7g.large/az-b"``."""
        return node_resource_name(
            self.environment, self.pool, self.instance_type, self.zone, self.capacity_type
        )

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Instance-hours at the capacity type's price, and root-volume GB-months."""
        instance, volume = node_lines(
            self.environment,
            self.pool,
            self.zone,
            self.instance_type,
            self.capacity_type,
            self.root_volume,
            self.hours,
            self.count,
        )
        prices = (
            catalog.ec2_price(self.instance_type, self.capacity_type),
            catalog.price("EBS", f"{self.root_volume.type} storage"),
        )
        return [
            self.line(line.service, line.resource, line.component, line.quantity, line.unit, price)
            for line, price in zip((instance, volume), prices, strict=True)
        ]


def node_groups(
    account: str,
    environment: str,
    nodes: Iterable[PlannedNode],
    root_volumes: dict[str, RootVolume],
) -> list[NodeGroup]:
    """Group planned nodes into :class:`NodeGroup` resources, in first-seen order.

    Args:
        account: the paying account.
        environment: the environment name.
        nodes: the planned nodes (see :func:`innovate_sim.workload.sizing.plan_cluster`).
        root_volumes: root volume of each pool.
    """
    counts: Counter[tuple[str, int, str, CapacityType]] = Counter(
        (n.pool, n.zone, n.instance_type.name, n.capacity_type) for n in nodes
    )
    return [
        NodeGroup(account, environment, pool, zone, itype, capacity, count, root_volumes[pool])
        for (pool, zone, itype, capacity), count in counts.items()
    ]
