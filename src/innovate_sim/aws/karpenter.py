"""Karpenter: batching, provisioning, interruption, expiry and consolidation.

Behaviour and defaults follow the Karpenter source (KARPENTER.md):

* **Batching** — the first unschedulable pod opens a window that closes at
  ``min(first + 10 s, last + 1 s)``; then one scheduling simulation packs all
  pending pods (:func:`innovate_sim.workload.packing.plan`) onto existing and
  in-flight nodes first, then onto new NodeClaims of the cheapest fitting type.
* **Launch** — a NodeClaim becomes a node after a launch-latency draw; with
  probability ``capacity_error_probability`` the launch fails with
  insufficient capacity and the offering is cached as unavailable for 3
  minutes; the pods wait for the next batch. A launch into a failed AZ is
  accepted but never registers: after ``registration_timeout`` (15 min) the
  NodeClaim is deleted and its pods are provisioned again.
* **Interruption** — a Spot notice (2 minutes) makes Karpenter cordon and drain
  the node at once and mark the offering unavailable; pods go pending and are
  re-provisioned while the instance still runs.
* **Status checks** — a hardware failure sends no notice: EC2's status check
  (every minute) marks the instance impaired, and Karpenter, polling
  DescribeInstanceStatus every minute, terminates it once it has been impaired
  for 120 s; its pods are recreated then. The ALB and kubelet heartbeats
  notice on their own schedules (:mod:`innovate_sim.aws.cluster`).
* **Expiry** — nodes are replaced ``expireAfter`` (720 h) after launch.
* **Consolidation** — every 10 s poll, nodes stable for ``consolidateAfter``
  are removed when empty, or when underutilised and all their pods fit on
  other nodes; at most ``budget`` (10 %, rounded up) of a pool's nodes are
  disrupted at once. No scaling happens while the control plane is down.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import (
    LAUNCHING,
    RUNNING,
    TERMINATED,
    Node,
    Pod,
    PoolState,
    WorkloadState,
)
from innovate_sim.aws.infrastructure import ControlPlane
from innovate_sim.engine import Simulation, Timer
from innovate_sim.rng import Stream
from innovate_sim.scenario.cluster import Karpenter as KarpenterSpec
from innovate_sim.workload.packing import NodeRoom, PodRequest, PoolOffer, plan

__all__ = ["Karpenter", "status_check_detection"]

_EPS = 1e-9


class Karpenter:
    """Karpenter's provisioner and disruption controller for one cluster.

    Args:
        sim: the simulation.
        cluster: the cluster.
        spec: Karpenter settings.
        pools: Karpenter NodePools (managed pools are not Karpenter's).
        control_plane: Karpenter stops while it is down.
        stream: random stream for capacity errors.
        spot_notice_h: Spot interruption notice (hours).
    """

    def __init__(
        self,
        sim: Simulation,
        cluster: Cluster,
        spec: KarpenterSpec,
        pools: list[PoolState],
        control_plane: ControlPlane,
        stream: Stream,
        spot_notice_h: float,
    ) -> None:
        self.sim = sim
        self.cluster = cluster
        self.spec = spec
        self.pools = pools
        self.control_plane = control_plane
        self.stream = stream
        self.spot_notice_h = spot_notice_h
        self.unavailable: dict[tuple[str, int, str], float] = {}
        self._batch_first: float | None = None
        self._batch_timer: Timer | None = None
        self._consolidation_timer: Timer | None = None
        self._last_pass_h = -math.inf
        self.launches = 0
        self.capacity_errors = 0
        #: EC2 accepts launches into a failed AZ (they never register) rather than refusing them
        self.failed_zone_accepts_launches = True
        #: draws the time from an instance failure to Karpenter acting on its status check (h)
        self.status_check_detection: Callable[[], float] = partial(
            status_check_detection, spec, stream
        )
        self.consolidations = 0
        self.events: list[tuple[float, str]] | None = None
        cluster.on_unschedulable.append(self.trigger)
        cluster.on_node_change.append(self._node_changed)
        cluster.on_node_removed.append(self._node_removed)
        cluster.on_stranded.append(self.watch_registration)
        cluster.on_instance_failed.append(self.watch_status_checks)
        control_plane.on_recover.append(self._control_plane_back)

    def _log(self, what: str) -> None:
        if self.events is not None:
            self.events.append((self.sim.now, what))

    # -- batching --------------------------------------------------------------------------------

    def trigger(self) -> None:
        """A pod became unschedulable: open the batch window or extend its idle timer."""
        if not self.pools:
            return
        now = self.sim.now
        if self._batch_first is None:
            self._batch_first = now
            self._log("batch-open")
        close = min(self._batch_first + self.spec.batch_max, now + self.spec.batch_idle)
        if self._batch_timer is not None:
            self._batch_timer.cancel()
        self._batch_timer = self.sim.at(close, self._close_batch)

    def _node_removed(self, node: Node) -> None:
        self.mark_dirty()

    def _control_plane_back(self) -> None:
        if any(p.nominated is None for p in self.cluster.pending):
            self.trigger()
        self.mark_dirty()

    def _close_batch(self) -> None:
        self._batch_timer = None
        self._batch_first = None
        self._log("batch-close")
        if not self.control_plane.up:
            return
        self.provision()

    # -- provisioning ----------------------------------------------------------------------------

    def _offers(self) -> list[PoolOffer]:
        now = self.sim.now
        for key in [k for k, until in self.unavailable.items() if until <= now]:
            del self.unavailable[key]
        unavailable = frozenset(self.unavailable)
        offers = []
        for pool in self.pools:
            limits = pool.spec.limits
            offers.append(
                PoolOffer(
                    name=pool.name,
                    weight=pool.spec.weight,
                    instance_types=pool.instance_types,
                    capacity_types=tuple(pool.spec.capacity_type),
                    zones=pool.zones,
                    overhead_cpu=self.cluster.overhead_cpu,
                    overhead_memory_gib=self.cluster.overhead_memory_gib,
                    cpu_left=None if limits.cpu is None else limits.cpu - pool.vcpu(),
                    memory_left_gib=None
                    if limits.memory is None
                    else limits.memory - pool.memory_gib(),
                    unavailable=unavailable,
                    nodes_left=None
                    if pool.spec.max_nodes is None
                    else pool.spec.max_nodes - len(pool.nodes),
                )
            )
        return offers

    def provision(self) -> None:
        """Pack the pending pods onto in-flight capacity and new NodeClaims, and launch them."""
        pending = [p for p in self.cluster.pending if p.nominated is None]
        if not pending:
            return
        requests = [
            PodRequest(
                workload=p.workload.name,
                cpu=p.workload.cpu,
                memory_gib=p.workload.memory_gib,
                pools=p.workload.pools,
                max_skew=p.workload.spec.topology_spread.max_skew,
                hard_spread=p.workload.spec.topology_spread.when_unsatisfiable == "do-not-schedule",
                uid=p.id,
            )
            for p in pending
        ]
        by_uid = {p.id: p for p in pending}
        nominated = self._nominated_pods()
        rooms = [
            NodeRoom(
                n.id,
                n.pool.name,
                n.zone.index,
                n.free_cpu - sum(p.workload.cpu for p in nominated.get(n, ())),
                n.free_memory_gib - sum(p.workload.memory_gib for p in nominated.get(n, ())),
                n.free_pods - len(nominated.get(n, ())),
            )
            for n in sorted(self.cluster.nodes, key=lambda n: (n.state != RUNNING, n.id))
            if (n.state == LAUNCHING or n.schedulable) and not n.cordoned
        ]
        nodes_by_id = {n.id: n for n in self.cluster.nodes}
        counts = {w.name: list(w.zone_counts) for w in self.cluster.workloads.values()}
        for node, pods in nominated.items():
            for pod in pods:
                counts[pod.workload.name][node.zone.index] += 1
        zones = tuple(range(len(self.cluster.zones)))
        result = plan(requests, rooms, self._offers(), counts, zones)
        for request, node_id in result.bindings:
            node = nodes_by_id[node_id]
            if node.state == LAUNCHING:
                by_uid[request.uid].nominated = node
        for claim in result.claims:
            assert claim.instance_type is not None
            pool = next(p for p in self.pools if p.name == claim.pool)
            offering = (claim.instance_type.name, claim.zone, claim.capacity_type)
            zone_up = self.cluster.zones[claim.zone].up
            refused = not zone_up and not self.failed_zone_accepts_launches
            if refused or self.stream.bernoulli(self.spec.capacity_error_probability):
                self.capacity_errors += 1
                self.unavailable[offering] = self.sim.now + self.spec.unavailable_offering_ttl
                self._log(f"capacity-error:{claim.instance_type.name}:{claim.zone}")
                retry = self.sim.now + self.spec.batch_idle
                self.sim.at(retry, self.trigger)
                continue
            self.launches += 1
            latency = pool.launch_latency()
            node = self.cluster.add_node(
                pool,
                claim.instance_type,
                claim.zone,
                claim.capacity_type,
                claim.price_usd_per_hour,
                ready_in_h=latency,
            )
            if not zone_up:
                # EC2 may accept a launch into a failed AZ; the node then never registers
                self.cluster.strand(node)
            elif latency > self.spec.registration_timeout:
                self.watch_registration(node)
            for request in claim.pods:
                by_uid[request.uid].nominated = node
        if result.unschedulable:
            self._log(f"unschedulable:{len(result.unschedulable)}")
            if self.unavailable:
                # nothing else may wake the batcher: retry when a cached offering comes back
                self.sim.at(min(self.unavailable.values()), self.trigger)

    def watch_registration(self, node: Node) -> None:
        """Delete ``node``'s NodeClaim if it has not registered ``registration_timeout`` after
        launch (Karpenter then provisions again, possibly in the same zone)."""
        deadline = node.launched_h + self.spec.registration_timeout
        self.sim.at(max(deadline, self.sim.now), partial(self._expired_claim, node))

    def _expired_claim(self, node: Node) -> None:
        if node.state == LAUNCHING:
            self._log(f"registration-timeout:{node.id}")
            self.cluster.remove_node(node, "registration-timeout")
            self.trigger()

    def _nominated_pods(self) -> dict[Node, list[Pod]]:
        """Pending pods by the in-flight node Karpenter planned them onto, in pending order."""
        nominated: dict[Node, list[Pod]] = {}
        for pod in self.cluster.pending:
            if pod.nominated is not None:
                nominated.setdefault(pod.nominated, []).append(pod)
        return nominated

    # -- interruption and expiry -----------------------------------------------------------------

    def spot_notice(self, node: Node) -> None:
        """A Spot interruption notice for ``node``: drain now, the instance stops in 2 minutes."""
        if node.state == TERMINATED:
            return
        self._log(f"spot-notice:{node.id}")
        self.unavailable[(node.itype.name, node.zone.index, node.capacity_type)] = (
            self.sim.now + self.spec.unavailable_offering_ttl
        )
        if self.spec.interruption_queue:
            node.cordoned = True
            for pod in list(node.pods):
                self.cluster.delete_pod(pod, lost=True, cause="spot-interruption")
            node.timers.append(
                self.sim.after(
                    self.spot_notice_h, lambda: self.cluster.remove_node(node, "spot-interruption")
                )
            )
        else:
            node.timers.append(
                self.sim.after(
                    self.spot_notice_h,
                    lambda: self.cluster.fail_node(node, "spot-interruption"),
                )
            )

    def watch_status_checks(self, node: Node) -> None:
        """``node``'s instance failed: terminate it when its failed status check is seen."""
        if self.spec.instance_status_checks:
            delay = self.status_check_detection()
            node.timers.append(self.sim.after(delay, partial(self._impaired, node)))

    def _impaired(self, node: Node) -> None:
        if node.state == TERMINATED:
            return
        self._log(f"instance-impaired:{node.id}")
        node.cordoned = True
        for pod in list(node.pods):
            self.cluster.delete_pod(pod, lost=True, cause=node.death_cause or "node-failure")
        self.cluster.remove_node(node, node.death_cause or "node-failure")

    def expire(self, node: Node) -> None:
        """expireAfter elapsed: drain and terminate the node (forceful, no budget)."""
        if node.state != RUNNING:
            return
        self._log(f"expire:{node.id}")
        node.cordoned = True
        for pod in list(node.pods):
            self.cluster.delete_pod(pod, lost=True, cause="node-expiry")
        self.cluster.remove_node(node, "node-expiry")

    # -- consolidation ---------------------------------------------------------------------------

    def _node_changed(self, _node: Node) -> None:
        """A node's pods or state changed, on any pool: room freed anywhere may let a candidate go.

        The disruption controller polls every 10 s whatever changed (``pollingPeriod``,
        kubernetes-sigs/karpenter pkg/controllers/disruption/controller.go), and
        its scheduling simulation counts the free room of managed node-group nodes too.
        """
        self.mark_dirty()

    def mark_dirty(self, at_h: float | None = None) -> None:
        """Ask for a consolidation pass at the next poll tick (at or after ``at_h``)."""
        poll = self.spec.consolidation_poll
        when = max(self.sim.now, at_h if at_h is not None else self.sim.now)
        # one pass per poll: a removal in a pass must not start another pass at once
        when = max(when, self._last_pass_h + poll)
        tick = math.ceil(when / poll - 1e-9) * poll
        if self._consolidation_timer is not None:
            if self._consolidation_timer.at <= tick + _EPS:
                return
            self._consolidation_timer.cancel()
        self._consolidation_timer = self.sim.at(tick, self._consolidate)

    def _consolidate(self) -> None:
        self._consolidation_timer = None
        if not self.control_plane.up:
            return
        now = self.sim.now
        self._last_pass_h = now
        later: list[float] = []
        acted = False
        for pool in self.pools:
            policy = pool.spec.consolidation_policy
            if policy == "never":
                continue
            nodes = sorted((n for n in pool.nodes if n.state == RUNNING), key=lambda n: n.id)
            disrupting = sum(1 for n in pool.nodes if n.cordoned or n.not_ready)
            allowed = math.ceil(pool.spec.budget * len(pool.nodes) - _EPS) - disrupting
            nominated = {id(p.nominated) for p in self.cluster.pending if p.nominated is not None}
            consolidate_after = pool.spec.consolidate_after
            candidates = []
            for node in nodes:
                if node.cordoned or not node.alive or node.not_ready:
                    continue
                if id(node) in nominated:
                    continue
                stable_at = node.last_pod_change_h + consolidate_after
                if stable_at > now + _EPS:
                    later.append(stable_at)
                    continue
                candidates.append(node)
            empty = [n for n in candidates if not n.pods]
            for node in empty:
                if allowed <= 0:
                    later.append(now + self.spec.consolidation_poll)
                    break
                allowed -= 1
                acted = True
                self.consolidations += 1
                self._log(f"consolidate-empty:{node.id}")
                self.cluster.remove_node(node, "consolidation")
            if policy != "when-empty-or-underutilized" or allowed <= 0:
                continue
            busy = sorted(
                (n for n in candidates if n.pods and n.state == RUNNING),
                key=lambda n: (len(n.pods), -n.price_usd_per_hour, n.id),
            )
            rooms = _RoomTable(self._free_rooms() if busy else [])
            for node in busy:
                if self._pods_fit_elsewhere(node, rooms):
                    acted = True
                    self.consolidations += 1
                    self._log(f"consolidate-delete:{node.id}")
                    node.cordoned = True
                    for pod in list(node.pods):
                        self.cluster.delete_pod(pod, lost=True, cause="consolidation")
                    self.cluster.remove_node(node, "consolidation")
                    break
        if acted:
            self.mark_dirty(now + self.spec.consolidation_poll)
        elif later:
            self.mark_dirty(min(later))

    def _free_rooms(self) -> list[_Room]:
        """Free room of the schedulable nodes settled for ``consolidateAfter``, in node order.

        Built once per consolidation pass; nodes without room for the smallest
        pod of any workload cannot take anything and are left out.
        """
        now = self.sim.now
        workloads = self.cluster.workloads.values()
        smallest_cpu = min((w.cpu for w in workloads), default=0.0)
        smallest_memory = min((w.memory_gib for w in workloads), default=0.0)
        settle = {name: pool.spec.consolidate_after for name, pool in self.cluster.pools.items()}
        return [
            _Room(n, n.free_cpu, n.free_memory_gib, n.free_pods)
            for n in self.cluster.nodes
            if n.free_pods >= 1
            and n.free_cpu + _EPS >= smallest_cpu
            and n.free_memory_gib + _EPS >= smallest_memory
            and n.schedulable
            and n.state == RUNNING
            and n.last_pod_change_h + settle[n.pool.name] <= now + _EPS
        ]

    def _pods_fit_elsewhere(self, node: Node, rooms: _RoomTable | None = None) -> bool:
        """Whether every pod on ``node`` fits on the free room of other schedulable nodes.

        First fit, largest pod first, over the rooms in node order.

        Args:
            node: the consolidation candidate.
            rooms: the pass's free-room table (:meth:`_free_rooms`); left unchanged.
        """
        if rooms is None:
            rooms = _RoomTable(self._free_rooms())
        left: dict[int, list[float]] = {}  # room index -> [cpu, memory, pods] left in this trial
        pods = list(node.pods)
        if any(pods[i].workload.cpu < pods[i + 1].workload.cpu for i in range(len(pods) - 1)):
            pods.sort(key=lambda p: -p.workload.cpu)  # largest first (a stable sort)
        for pod in pods:
            cpu = pod.workload.cpu
            memory = pod.workload.memory_gib
            # only rooms that could take the pod before this trial can take it during it
            for index, room in rooms.could_take(pod.workload):
                if room.node is node:
                    continue
                free = left.get(index) or [room.cpu, room.memory_gib, room.pods]
                if free[0] + _EPS >= cpu and free[1] + _EPS >= memory and free[2] >= 1:
                    free[0] -= cpu
                    free[1] -= memory
                    free[2] -= 1
                    left[index] = free
                    break
            else:
                return False
        return True


def status_check_detection(spec: KarpenterSpec, stream: Stream) -> float:
    """Failure → Karpenter acts: phase of EC2's check + unhealthy threshold + phase of the poll."""
    return (
        stream.random() * spec.ec2_status_check_interval
        + spec.instance_unhealthy_after
        + stream.random() * spec.instance_status_poll
    )


class _Room:
    """A node's free room at the start of a consolidation pass."""

    def __init__(self, node: Node, cpu: float, memory_gib: float, pods: int) -> None:
        self.node = node
        self.pool = node.pool.name
        self.cpu = cpu
        self.memory_gib = memory_gib
        self.pods = pods


class _RoomTable:
    """The free rooms of a consolidation pass, in node order, and which could take a workload's pod.

    A trial only takes room away, so a room without room for a pod of a
    workload at the start of the pass has none in any trial: first fit may
    skip it without changing its outcome.
    """

    def __init__(self, rooms: list[_Room]) -> None:
        self.rooms = rooms
        self._could_take: dict[str, list[tuple[int, _Room]]] = {}

    def could_take(self, workload: WorkloadState) -> list[tuple[int, _Room]]:
        """(index, room) of the rooms in a pool of ``workload`` with room for one of its pods."""
        found = self._could_take.get(workload.name)
        if found is None:
            cpu, memory, pools = workload.cpu, workload.memory_gib, workload.pools
            found = [
                (index, room)
                for index, room in enumerate(self.rooms)
                if room.pool in pools
                and room.cpu + _EPS >= cpu
                and room.memory_gib + _EPS >= memory
                and room.pods >= 1
            ]
            self._could_take[workload.name] = found
        return found
