"""What can happen to a running node: instance failure, Spot interruption, expiry.

When a node starts running, :meth:`NodeLifecycle.arm` draws its time to an
instance failure and, for a Spot node, to a Spot interruption, and sets the
NodePool's expiry; each is a timer on the node, cancelled if the node goes
first.
"""

from __future__ import annotations

from dataclasses import dataclass

from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import RUNNING, Node
from innovate_sim.aws.karpenter import Karpenter
from innovate_sim.engine import Simulation
from innovate_sim.rng import Stream

__all__ = ["NodeLifecycle"]


@dataclass(eq=False)
class NodeLifecycle:
    """Arms a running node's failure, Spot interruption and expiry timers.

    Attributes:
        sim: the simulation.
        cluster: the cluster the nodes belong to.
        karpenter: the cluster's Karpenter (``None``: no Spot notices, no expiry).
        failure_stream: draws times to instance failure.
        failure_rate_per_h: instance failures per node-hour (0 disables).
        spot_stream: draws times to Spot interruption.
        spot_rate_per_h: Spot interruptions per node-hour, or ``None`` for the
            instance type's Spot Advisor rate.
    """

    sim: Simulation
    cluster: Cluster
    karpenter: Karpenter | None
    failure_stream: Stream
    failure_rate_per_h: float
    spot_stream: Stream
    spot_rate_per_h: float | None

    def spot_rate(self, node: Node) -> float:
        """Spot interruptions per hour of ``node``."""
        if self.spot_rate_per_h is None:
            return node.itype.spot_interruption_rate_per_hour
        return self.spot_rate_per_h

    def arm(self, node: Node) -> None:
        """Set the timers of a node that has just started running."""
        sim, karpenter = self.sim, self.karpenter
        if self.failure_rate_per_h > 0:
            when = self.failure_stream.exponential(1.0 / self.failure_rate_per_h)
            node.timers.append(sim.after(when, lambda: self.instance_failure(node)))
        if node.capacity_type == "spot" and karpenter is not None:
            rate = self.spot_rate(node)
            if rate > 0:
                when = self.spot_stream.exponential(1.0 / rate)
                node.timers.append(sim.after(when, lambda: karpenter.spot_notice(node)))
        if not node.pool.managed and karpenter is not None and node.pool.spec.expire_after:
            node.timers.append(
                sim.after(node.pool.spec.expire_after, lambda: karpenter.expire(node))
            )

    def instance_failure(self, node: Node) -> None:
        """The node's instance dies: its node group or Karpenter replaces it, when they notice."""
        if node.state != RUNNING:
            return
        self.cluster.fail_instance(node)
