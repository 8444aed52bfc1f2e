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

__all__ = ["NodeGroup", "node_groups"]


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

    @property
    def name(self) -> str:
        """Resource name, e.g. ``"prod/node/baseline/m7g.large/az-b"``."""
        spot = "/spot" if self.capacity_type == "spot" else ""
        return (
            f"{self.environment}/node/{self.pool}/{self.instance_type}/{zone_name(self.zone)}{spot}"
        )

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Instance-hours at the capacity type's price, and root-volume GB-months."""
        instance = catalog.ec2_price(self.instance_type, self.capacity_type)
        volume = catalog.price("EBS", f"{self.root_volume.type} storage")
        nodes = f"{self.count} node" + ("s" if self.count != 1 else "")
        return [
            self.line(
                "EC2",
                self.name,
                f"Instance usage (Linux, {self.capacity_type}, {self.instance_type}, {nodes})",
                self.count * self.hours,
                "hours",
                instance,
            ),
            self.line(
                "EBS",
                self.name,
                f"Root volume storage ({self.root_volume.type}, "
                f"{self.root_volume.size_gb} GB × {nodes})",
                self.count * self.root_volume.size_gb * self.hours / HOURS_PER_MONTH,
                "GB-month",
                volume,
            ),
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
