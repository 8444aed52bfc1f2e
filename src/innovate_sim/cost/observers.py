"""Cost recorded from a simulated cluster, observed from outside the model.

:class:`NodeUsageRecorder` keeps when each node ran (for the accrued bill's
instance-hours and image pulls); :class:`OpenCostLedger` splits the nodes'
cost over the workloads that requested it, the way OpenCost allocates it.
Both subscribe to the cluster's callbacks and take in the nodes it already has;
the cluster keeps no accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from innovate_sim.aws.build import Model
from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import Node, Pod
from innovate_sim.cost.accrual import NodeUsage
from innovate_sim.scenario.defaults import default
from innovate_sim.units import month_of, split_by_month

__all__ = ["ClusterCosts", "NodeUsageRecorder", "OpenCostLedger", "observe_costs"]

#: OpenCost splits a node's price into CPU and RAM in the ratio of its default rates.
CPU_TO_RAM_PRICE_RATIO = default("opencost.cpu_usd_per_core_hour") / default(
    "opencost.ram_usd_per_gib_hour"
)
#: The allocation key of the DaemonSets' share of every node.
SYSTEM = "system (DaemonSets)"


class NodeUsageRecorder:
    """Node lifetimes and launches of one environment's cluster.

    Args:
        environment: the environment's name.
        cluster: its simulated cluster.
    """

    def __init__(self, environment: str, cluster: Cluster) -> None:
        self.environment = environment
        self.cluster = cluster
        #: (node, launched_h, removed_h) of every node removed so far
        self.lifetimes: list[tuple[Node, float, float]] = []
        #: nodes launched by (environment, month, AZ index)
        self.launches: dict[tuple[str, int, int], int] = {}
        for node in cluster.nodes:  # the initial nodes, placed while the model was built
            self._added(node)
        cluster.on_node_added.append(self._added)
        cluster.on_node_removed.append(self._removed)

    def _added(self, node: Node) -> None:
        key = (self.environment, month_of(node.launched_h), node.zone.index)
        self.launches[key] = self.launches.get(key, 0) + 1

    def _removed(self, node: Node) -> None:
        self.lifetimes.append((node, node.launched_h, self.cluster.sim.now))

    def usage(self, horizon_h: float) -> list[NodeUsage]:
        """Node-hours by month and kind up to ``horizon_h`` (nodes still running count too)."""
        running = [(node, node.launched_h, horizon_h) for node in self.cluster.nodes]
        hours: dict[tuple[int, str, int, str, str, float], float] = {}
        for node, start, end in self.lifetimes + running:
            for month, span in split_by_month(start, min(end, horizon_h)):
                key = (
                    month,
                    node.pool.name,
                    node.zone.index,
                    node.itype.name,
                    node.capacity_type,
                    node.price_usd_per_hour,
                )
                hours[key] = hours.get(key, 0.0) + span
        return [
            NodeUsage(month, self.environment, pool, zone, itype, capacity, price, spent)
            for (month, pool, zone, itype, capacity, price), spent in hours.items()
        ]


class OpenCostLedger:
    """Node cost allocated to the workloads that requested it (OpenCost), by 730-hour month.

    A node's hourly price splits into a CPU rate and a RAM rate in the ratio
    of OpenCost's default prices (``GetNodeCost``); a pod pays for its
    requests while bound (OpenCost: max(request, usage), and usage ≤ request
    here); the DaemonSets pay for their overhead on every node.

    Args:
        cluster: the simulated cluster.
    """

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        #: (workload or SYSTEM, month) → USD of node cost requested
        self.allocation: dict[tuple[str, int], float] = {}
        self._rates: dict[Node, tuple[float, float]] = {}
        for node in cluster.nodes:  # the initial nodes, placed while the model was built
            self._added(node)
        cluster.on_node_added.append(self._added)
        cluster.on_pod_unbound.append(self._pod_unbound)
        cluster.on_node_removed.append(self._removed)

    def _added(self, node: Node) -> None:
        # OpenCost GetNodeCost: price = cpu × cpuPrice + ram × ramPrice, cpuPrice = ratio × ramPrice
        itype = node.itype
        ram = node.price_usd_per_hour / (itype.vcpu * CPU_TO_RAM_PRICE_RATIO + itype.memory_gib)
        self._rates[node] = (ram * CPU_TO_RAM_PRICE_RATIO, ram)

    def _charge(self, key: str, start_h: float, end_h: float, usd_per_hour: float) -> None:
        for month, hours in split_by_month(start_h, end_h):
            slot = (key, month)
            self.allocation[slot] = self.allocation.get(slot, 0.0) + usd_per_hour * hours

    def _charge_pod(self, pod: Pod, node: Node, end_h: float) -> None:
        cpu_rate, ram_rate = self._rates[node]
        requests = pod.workload.spec.requests
        rate = requests.cpu * cpu_rate + requests.memory * ram_rate
        self._charge(pod.workload.name, pod.bound_h, end_h, rate)

    def _charge_system(self, node: Node, end_h: float) -> None:
        cpu_rate, ram_rate = self._rates[node]
        cluster = self.cluster
        rate = cluster.overhead_cpu * cpu_rate + cluster.overhead_memory_gib * ram_rate
        self._charge(SYSTEM, node.launched_h, end_h, rate)

    def _pod_unbound(self, pod: Pod, node: Node) -> None:
        self._charge_pod(pod, node, self.cluster.sim.now)

    def _removed(self, node: Node) -> None:
        self._charge_system(node, self.cluster.sim.now)
        del self._rates[node]

    def close(self, end_h: float) -> None:
        """Charge the pods and DaemonSets still running at the end of the run."""
        for node in self.cluster.nodes:
            self._charge_system(node, end_h)
            for pod in node.pods:
                self._charge_pod(pod, node, end_h)


@dataclass(frozen=True)
class ClusterCosts:
    """Node usage, launches and OpenCost allocation of one environment's cluster."""

    environment: str
    usage: NodeUsageRecorder
    ledger: OpenCostLedger

    @classmethod
    def attach(cls, environment: str, cluster: Cluster) -> ClusterCosts:
        """Subscribe both recorders to ``cluster`` of environment ``environment``."""
        return cls(environment, NodeUsageRecorder(environment, cluster), OpenCostLedger(cluster))

    def reduce(
        self, horizon_h: float
    ) -> tuple[list[NodeUsage], dict[tuple[str, int, int], int], list[tuple[str, int, str, float]]]:
        """Close the books at the horizon.

        Returns:
            Node-hours by month and kind; launches by (environment, month, AZ);
            allocation rows ``(environment, month, workload, usd)`` with each
            month's unrequested node cost as workload ``"idle"``.
        """
        nodes = self.usage.usage(horizon_h)
        self.ledger.close(horizon_h)
        node_usd: dict[int, float] = {}
        for use in nodes:
            node_usd[use.month] = node_usd.get(use.month, 0.0) + use.price_usd_per_hour * use.hours
        allocation: list[tuple[str, int, str, float]] = []
        allocated: dict[int, float] = {}
        for (workload, month), usd in sorted(self.ledger.allocation.items()):
            allocation.append((self.environment, month, workload, usd))
            allocated[month] = allocated.get(month, 0.0) + usd
        for month, usd in sorted(node_usd.items()):
            allocation.append((self.environment, month, "idle", usd - allocated.get(month, 0.0)))
        return nodes, dict(self.usage.launches), allocation


def observe_costs(model: Model) -> dict[str, ClusterCosts]:
    """Subscribe the cost recorders to every cluster of ``model`` (before it runs)."""
    return {
        name: ClusterCosts.attach(name, env.cluster)
        for name, env in model.environments.items()
        if env.cluster is not None
    }
