"""The EKS data plane: nodes, pods and kube-scheduler.

A node is an EC2 instance of a type in a zone. It is *alive* while its
instance runs and its zone is up; Kubernetes marks it NotReady
``node_monitor_grace_period`` (40 s, 50 s from Kubernetes 1.32) after it stops
answering and evicts its pods ``pod_eviction_timeout`` (300 s) later. The ALB
keeps sending requests to pods on a dead node until its health check notices
(interval × threshold). Nobody learns of a hardware failure sooner: Karpenter
sees it through EC2 status checks (:mod:`innovate_sim.aws.karpenter`), a
managed node group through its Auto Scaling replacement.

A pod is pending until kube-scheduler binds it to a Ready node with room
(zone topology spread honoured, least-allocated node preferred), then starts
(image pull — through ECR endpoints or NAT — plus application start) and
serves. Pods that fit nowhere wait for Karpenter.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from innovate_sim.aws.cluster_state import (
    GONE,
    LAUNCHING,
    READY,
    RUNNING,
    STARTING,
    TERMINATED,
    Node,
    OrderedSet,
    Pod,
    PoolState,
    WorkloadState,
)
from innovate_sim.aws.infrastructure import ControlPlane, Zone
from innovate_sim.engine import Simulation, Timer
from innovate_sim.pricing import InstanceType
from innovate_sim.workload.sizing import ClusterPlan

__all__ = ["Cluster"]

_EPS = 1e-9


class Cluster:
    """Nodes, pods and the scheduler of one environment's EKS cluster.

    Args:
        sim: the simulation.
        zones: the environment's zones.
        control_plane: the EKS control plane (no scheduling while it is down).
        overhead_cpu: DaemonSet CPU per node (cores).
        overhead_memory_gib: DaemonSet memory per node (GiB).
        not_ready_after_h: node-monitor grace period (hours).
        evict_after_h: pod eviction timeout after NotReady (hours).
        image_ok: whether a pod in a zone can pull its image.
        alb_detection: draws how long the ALB keeps routing to a dead node (hours).
        on_change: called when serving capacity may have changed.

    Controllers and recorders subscribe to what happens by appending to the
    callback lists ``on_unschedulable``, ``on_node_added``, ``on_node_running``,
    ``on_node_change``, ``on_node_removed``, ``on_pod_bound``, ``on_pod_ready``,
    ``on_pod_unbound``, ``on_instance_failed`` and ``on_stranded``; the cluster
    only changes state and calls them, in subscription order.
    """

    def __init__(
        self,
        sim: Simulation,
        zones: list[Zone],
        control_plane: ControlPlane,
        overhead_cpu: float,
        overhead_memory_gib: float,
        not_ready_after_h: float,
        evict_after_h: float,
        image_ok: Callable[[int], bool],
        alb_detection: Callable[[], float],
        on_change: Callable[[], None],
    ) -> None:
        self.sim = sim
        self.zones = zones
        self.control_plane = control_plane
        self.overhead_cpu = overhead_cpu
        self.overhead_memory_gib = overhead_memory_gib
        self.not_ready_after_h = not_ready_after_h
        self.evict_after_h = evict_after_h
        self.image_ok = image_ok
        self.alb_detection = alb_detection
        self.on_change = on_change
        self.pools: dict[str, PoolState] = {}
        self.workloads: dict[str, WorkloadState] = {}
        self.nodes: OrderedSet = OrderedSet()
        #: nodes whose instance died and that are not removed yet
        self.failed_nodes: OrderedSet = OrderedSet()
        self.pending: list[Pod] = []
        self._next_id = 0
        self._schedule_timer: Timer | None = None
        self._evictions_waiting: list[Node] = []
        #: pods stay unschedulable (Karpenter's trigger)
        self.on_unschedulable: list[Callable[[], None]] = []
        #: a node was created (launching, or running at once)
        self.on_node_added: list[Callable[[Node], None]] = []
        #: a node starts running
        self.on_node_running: list[Callable[[Node], None]] = []
        #: a node's pods or state changed (consolidation's trigger)
        self.on_node_change: list[Callable[[Node], None]] = []
        #: a node was removed for good
        self.on_node_removed: list[Callable[[Node], None]] = []
        #: a pod was bound to a node
        self.on_pod_bound: list[Callable[[Pod, Node], None]] = []
        #: a pod's startup finished: it turned Ready
        self.on_pod_ready: list[Callable[[Pod], None]] = []
        #: a pod is about to leave its node (still bound to it)
        self.on_pod_unbound: list[Callable[[Pod, Node], None]] = []
        #: the instance of a node not in a managed node group failed (Karpenter's status checks)
        self.on_instance_failed: list[Callable[[Node], None]] = []
        #: a launching node will never register (its zone failed); none: it is removed at once
        self.on_stranded: list[Callable[[Node], None]] = []
        self.events: list[tuple[float, str]] | None = None
        control_plane.on_recover.append(self._control_plane_back)
        for zone in zones:
            zone.listeners.append(partial(self._zone_changed, zone))

    def _log(self, what: str) -> None:
        if self.events is not None:
            self.events.append((self.sim.now, what))

    def _node_changed(self, node: Node) -> None:
        for callback in self.on_node_change:
            callback(node)

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- nodes -----------------------------------------------------------------------------------

    def add_node(
        self,
        pool: PoolState,
        itype: InstanceType,
        zone: int,
        capacity_type: str,
        price_usd_per_hour: float,
        *,
        ready_in_h: float | None,
    ) -> Node:
        """Create a node; it runs after ``ready_in_h`` hours (``None``: running now)."""
        node = Node(
            self.new_id(),
            pool,
            itype,
            self.zones[zone],
            capacity_type,
            price_usd_per_hour,
            launched_h=self.sim.now,
        )
        node.free_cpu = itype.allocatable_cpu - self.overhead_cpu
        node.free_memory_gib = itype.allocatable_memory_gib - self.overhead_memory_gib
        node.free_pods = itype.max_pods
        node.last_pod_change_h = self.sim.now
        self.nodes.add(node)
        pool.nodes.add(node)
        for callback in self.on_node_added:
            callback(node)
        self._log(f"node-launch:{node.id}:{itype.name}:{node.zone.name}:{capacity_type}")
        if ready_in_h is None:
            self._node_running(node)
        else:
            node.timers.append(self.sim.after(ready_in_h, lambda: self._node_running(node)))
        return node

    def _node_running(self, node: Node) -> None:
        if node.state != LAUNCHING:
            return
        node.state = RUNNING
        node.last_pod_change_h = self.sim.now
        self._log(f"node-ready:{node.id}")
        for callback in self.on_node_running:
            callback(node)
        for pod in list(node.pods):  # pods bound while launching (static plan)
            self._start_pod(pod)
        self.request_scheduling()

    def remove_node(self, node: Node, cause: str = "") -> None:
        """Terminate a node: its remaining pods are deleted and replaced (if still wanted)."""
        if node.state == TERMINATED:
            return
        node.cancel_timers()
        node.state = TERMINATED
        self.nodes.discard(node)
        self.failed_nodes.discard(node)
        node.pool.nodes.discard(node)
        self._log(f"node-terminated:{node.id}")
        for pod in list(node.pods):
            self.delete_pod(pod, lost=True, cause=cause or node.death_cause or "node-removed")
        for pod in self.pending:
            if pod.nominated is node:
                pod.nominated = None
        for callback in self.on_node_removed:
            callback(node)
        self.on_change()
        self.request_scheduling()

    def strand(self, node: Node) -> None:
        """A launching node whose zone is down will never register (its instance is lost)."""
        if node.state != LAUNCHING:
            return
        node.cancel_timers()
        node.death_cause = node.zone.cause or "az-outage"
        self._log(f"node-stranded:{node.id}")
        if not self.on_stranded:
            self.remove_node(node, node.death_cause)
        for callback in self.on_stranded:
            callback(node)

    def fail_node(self, node: Node, cause: str) -> None:
        """The node's instance dies (hardware failure, Spot reclaim without notice handling).

        Its pods stop serving at once; the ALB stops routing to them after its
        health check notices, Kubernetes marks the node NotReady after the grace
        period and evicts the pods later. A node still launching is removed.
        """
        if node.state == TERMINATED or node.failed:
            return
        node.failed = True
        self.failed_nodes.add(node)
        node.death_cause = cause
        self._log(f"node-failed:{node.id}:{cause}")
        self._node_died(node)
        if node.state == LAUNCHING:
            self.remove_node(node, cause)

    def fail_instance(self, node: Node) -> None:
        """A running node's EC2 instance fails (hardware): no notice reaches anyone.

        The pods stop serving at once and every observer notices on its own
        schedule: the ALB health check, the kubelet heartbeat, and the node's
        owner — the managed node group replaces the instance; Karpenter
        (``on_instance_failed``) terminates it once its failed EC2 status check
        is seen, with or without the interruption queue, which carries no
        hardware-failure event.
        """
        self.fail_node(node, "node-failure")
        if node.pool.managed:
            self.replace_managed_node(node)
            return
        for callback in self.on_instance_failed:
            callback(node)

    def replace_managed_node(self, node: Node) -> None:
        """A managed node group replaces a failed instance after the pool's launch latency.

        The replacement has the same type and runs at once (a node group keeps
        its desired size); it goes to the failed node's AZ, or to the pool's
        first AZ that is up when that one is down.
        """
        latency = node.pool.launch_latency()
        node.timers.append(self.sim.after(latency, lambda: self._replace_managed(node)))

    def _replace_managed(self, node: Node) -> None:
        zone = node.zone.index
        if not self.zones[zone].up:
            up = [z for z in node.pool.zones if self.zones[z].up]
            zone = up[0] if up else zone
        self.remove_node(node, "node-failure")
        self.add_node(
            node.pool,
            node.itype,
            zone,
            node.capacity_type,
            node.price_usd_per_hour,
            ready_in_h=0.0,
        )

    def _node_died(self, node: Node) -> None:
        """Pods on the node stop serving; the ALB and Kubernetes notice in time."""
        if node.state != RUNNING:
            return
        node.routed = True
        detection = self.alb_detection()
        node.timers.append(self.sim.after(detection, lambda: self._unroute(node)))
        node.timers.append(self.sim.after(self.not_ready_after_h, lambda: self._not_ready(node)))
        self.on_change()

    def _unroute(self, node: Node) -> None:
        if not node.alive:
            node.routed = False
            self.on_change()

    def _not_ready(self, node: Node) -> None:
        if node.alive or node.state != RUNNING:
            return
        node.not_ready = True
        self._log(f"node-notready:{node.id}")
        node.timers.append(self.sim.after(self.evict_after_h, lambda: self._evict_all(node)))
        self._node_changed(node)

    def _evict_all(self, node: Node) -> None:
        if node.alive or node.state != RUNNING:
            return
        if not self.control_plane.up:
            self._evictions_waiting.append(node)  # the controller evicts once it is back
            return
        self._log(f"node-evicted:{node.id}")
        for pod in list(node.pods):
            self.delete_pod(pod, lost=True, cause=node.death_cause)
        if node.failed and node.pool.managed:
            return  # the node group replaces the instance
        self._node_changed(node)

    def _zone_changed(self, zone: Zone) -> None:
        for node in [n for n in self.nodes if n.zone is zone]:
            if zone.up:
                if node.state == RUNNING and not node.failed:
                    node.not_ready = False
                    node.routed = True
                    node.death_cause = ""
                    node.cancel_timers()
                    self._log(f"node-back:{node.id}")
                    for pod in list(node.pods):
                        if pod.state == STARTING and pod.timer is None:
                            self._start_pod(pod)
                    self._node_changed(node)
            elif node.state == RUNNING:
                node.death_cause = zone.cause
                self._node_died(node)
            elif node.state == LAUNCHING:
                self.strand(node)
        self.on_change()
        self.request_scheduling()

    def start_from(self, plan: ClusterPlan) -> None:
        """Start in a planned steady state: its nodes running, its pods Ready on them."""
        for planned in plan.nodes:
            node = self.add_node(
                self.pools[planned.pool],
                planned.instance_type,
                planned.zone,
                planned.capacity_type,
                planned.price_usd_per_hour,
                ready_in_h=None,
            )
            for workload_name, count in planned.pods.items():
                state = self.workloads[workload_name]
                for _ in range(count):
                    self.place_ready(self.create_pod(state), node)
        for workload_name, count in plan.unschedulable.items():
            for _ in range(count):
                self.create_pod(self.workloads[workload_name])
        for workload_name, replicas in plan.replicas.items():
            self.workloads[workload_name].replicas = replicas
        for node in self.nodes:
            node.last_pod_change_h = 0.0
        assert all(n.state == RUNNING for n in self.nodes)

    # -- pods ------------------------------------------------------------------------------------

    def create_pod(self, workload: WorkloadState, cause: str = "") -> Pod:
        """A new pending pod of ``workload``."""
        pod = Pod(self.new_id(), workload, self.sim.now, cause=cause)
        workload.pods.add(pod)
        workload.count_replacing(cause, +1)
        self.pending.append(pod)
        self.request_scheduling()
        return pod

    def delete_pod(self, pod: Pod, *, lost: bool = False, cause: str = "") -> None:
        """Delete a pod; a pod ``lost`` involuntarily is replaced by its ReplicaSet."""
        if pod.state == GONE:
            return
        if pod.timer is not None:
            pod.timer.cancel()
        was = pod.state
        pod.state = GONE
        pod.workload.pods.discard(pod)
        if was == READY:
            assert pod.node is not None
            pod.workload.count_ready(pod.node, -1)
        else:
            pod.workload.count_replacing(pod.cause, -1)
        if pod.node is not None:
            self._unbind(pod)
        elif pod in self.pending:
            self.pending.remove(pod)
        if was == READY:
            self.on_change()
        if lost:
            self.create_pod(pod.workload, cause)

    def bind(self, pod: Pod, node: Node) -> None:
        """Bind a pending pod to a node (room is consumed)."""
        if pod in self.pending:
            self.pending.remove(pod)
        pod.node = node
        pod.nominated = None
        pod.bound_h = self.sim.now
        node.pods.add(pod)
        node.free_cpu -= pod.workload.cpu
        node.free_memory_gib -= pod.workload.memory_gib
        node.free_pods -= 1
        node.last_pod_change_h = self.sim.now
        counts = pod.workload.zone_counts
        counts[node.zone.index] += 1
        pod.workload.placements += 1
        pod.state = STARTING
        if node.state == RUNNING:
            self._start_pod(pod)
        self._node_changed(node)
        for callback in self.on_pod_bound:
            callback(pod, node)

    def _unbind(self, pod: Pod) -> None:
        node = pod.node
        assert node is not None
        for callback in self.on_pod_unbound:
            callback(pod, node)
        node.pods.discard(pod)
        node.free_cpu += pod.workload.cpu
        node.free_memory_gib += pod.workload.memory_gib
        node.free_pods += 1
        node.last_pod_change_h = self.sim.now
        pod.workload.zone_counts[node.zone.index] -= 1
        pod.workload.placements += 1
        pod.node = None
        self._node_changed(node)
        self.request_scheduling()

    def _start_pod(self, pod: Pod) -> None:
        node = pod.node
        if node is None or pod.state != STARTING or not node.alive:
            return
        if not self.image_ok(node.zone.index):
            pod.waiting_image = True
            return
        pod.waiting_image = False
        pod.timer = self.sim.after(pod.workload.startup(), lambda: self._pod_ready(pod))

    def retry_image_pulls(self) -> None:
        """Egress came back somewhere: pods waiting for their image try again."""
        for workload in self.workloads.values():
            for pod in workload.pods:
                if pod.waiting_image:
                    self._start_pod(pod)

    def _pod_ready(self, pod: Pod) -> None:
        pod.timer = None
        if pod.state != STARTING or pod.node is None or not pod.node.alive:
            return
        pod.state = READY
        pod.workload.count_replacing(pod.cause, -1)
        pod.workload.count_ready(pod.node, +1)
        pod.cause = ""
        self.on_change()
        for callback in self.on_pod_ready:
            callback(pod)

    def place_ready(self, pod: Pod, node: Node) -> None:
        """Put a pod straight into the Ready state on a node (initial steady state)."""
        self.bind(pod, node)
        if pod.timer is not None:
            pod.timer.cancel()
            pod.timer = None
        pod.workload.count_replacing(pod.cause, -1)
        pod.workload.count_ready(node, +1)
        pod.cause = ""
        pod.state = READY

    # -- kube-scheduler --------------------------------------------------------------------------

    def request_scheduling(self) -> None:
        """Run the scheduler once, after the current event's other changes."""
        if self._schedule_timer is None and self.pending:
            self._schedule_timer = self.sim.after(0.0, self._schedule)

    def _control_plane_back(self) -> None:
        waiting, self._evictions_waiting = self._evictions_waiting, []
        for node in waiting:
            self._evict_all(node)
        self.request_scheduling()

    def _schedule(self) -> None:
        self._schedule_timer = None
        if not self.control_plane.up or not self.pending:
            return
        unschedulable = False
        # the node set does not change while binding: each workload's nodes and domains once
        placement: dict[str, tuple[list[Node], list[int]]] = {}
        for pod in list(self.pending):
            workload = pod.workload
            if workload.name not in placement:
                nodes = self._pool_nodes(workload)
                placement[workload.name] = (nodes, _spread_domains(nodes))
            node = self._pick_node(pod, *placement[workload.name])
            if node is not None:
                self.bind(pod, node)
            elif pod.nominated is None or pod.nominated.state == TERMINATED:
                pod.nominated = None
                unschedulable = True
        if unschedulable:
            for callback in self.on_unschedulable:
                callback()

    def _pool_nodes(self, workload: WorkloadState) -> list[Node]:
        """The nodes of the pools the workload may run on."""
        return [n for p in workload.pools if p in self.pools for n in self.pools[p].nodes]

    def _pick_node(self, pod: Pod, nodes: list[Node], domains: list[int]) -> Node | None:
        """kube-scheduler: filter nodes with room, honour zone spread, prefer least allocated.

        Args:
            pod: the pending pod.
            nodes: the nodes of the pools its workload may run on (:meth:`_pool_nodes`);
                ties go to the lowest node id, so their order does not matter.
            domains: the zones holding those nodes (its topology spread domains).
        """
        workload = pod.workload
        cpu, memory = workload.cpu, workload.memory_gib
        spread = workload.spec.topology_spread
        max_skew = spread.max_skew
        hard = spread.when_unsatisfiable == "do-not-schedule"
        counts = workload.zone_counts
        low = min(counts[z] for z in domains) if domains else 0
        # the least (skew penalty, CPU allocated, id) of the feasible nodes, in one pass
        best: Node | None = None
        best_penalty, best_used, best_id = 0, 0.0, 0
        for n in nodes:
            if not (
                n.free_pods >= 1
                and n.free_cpu + _EPS >= cpu
                and n.free_memory_gib + _EPS >= memory
                and n.schedulable
            ):
                continue
            skew = counts[n.zone.index] + 1 - low
            if hard and skew > max_skew:
                continue
            penalty = max(0, skew - max_skew)
            used = 1.0 - n.free_cpu / max(n.itype.allocatable_cpu, _EPS)
            if (
                best is None
                or penalty < best_penalty
                or (
                    penalty == best_penalty
                    and (used < best_used or (used == best_used and n.id < best_id))
                )
            ):
                best, best_penalty, best_used, best_id = n, penalty, used, n.id
        return best


def _spread_domains(nodes: list[Node]) -> list[int]:
    """Zones holding ``nodes`` (a workload's topology spread domains)."""
    return sorted({n.zone.index for n in nodes})
