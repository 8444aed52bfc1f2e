"""One environment in a replication: its components and its service state.

The environment listens to its zones, NAT Gateways, database and cluster.
Whenever one of them changes it recomputes, once per simulated instant, what
the request path offers (:class:`~innovate_sim.aws.service.ServiceState`) and
tells its subscribers, then asks the demand curve when demand next crosses
the saturation level — the only other moment the success fraction can
change. Recorders (availability, uptime, timeline) subscribe from outside
(:mod:`innovate_sim.metrics`); the environment keeps no measurements.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from innovate_sim.aws.alb import LoadBalancerNodes
from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import READY, RUNNING, Pod, WorkloadState
from innovate_sim.aws.hpa import Hpa
from innovate_sim.aws.infrastructure import ControlPlane, Egress, NatGateway, Zone
from innovate_sim.aws.karpenter import Karpenter
from innovate_sim.aws.nat_failover import NatFailover
from innovate_sim.aws.rds import Database
from innovate_sim.aws.service import ServiceState, WorkloadService
from innovate_sim.engine import Simulation, Timer
from innovate_sim.workload.demand import DemandCurve
from innovate_sim.workload.topology import Topology

__all__ = ["EnvironmentModel"]

_INF = math.inf
_PARTIAL_SUMS: dict[float, list[float]] = {}


def _repeated_sum(value: float, count: int) -> float:
    """``value`` added ``count`` times from left to right.

    It rounds exactly as adding the replicas one by one does: with one kind of
    replica (one CPU architecture) the capacity is bit-for-bit what a walk over
    every pod gives, for a table lookup (partial sums are kept per value, a
    few values per scenario); with both kinds the two sums are added
    (a difference of order 1e-16 relative to a walk in pod order).
    """
    sums = _PARTIAL_SUMS.setdefault(value, [0.0])
    while len(sums) <= count:
        sums.append(sums[-1] + value)
    return sums[count]


@dataclass(eq=False)
class EnvironmentModel:
    """The simulated components of one environment.

    Subscribers append to the callback lists: ``on_flush`` (time) at every
    recomputation, ``on_service_state`` (time, state) when the request path
    is evaluated (environments with demand), ``on_data_loss`` (RPO, hours)
    when the database comes back having lost writes, ``on_finish`` (horizon)
    at the end of the run.
    """

    name: str
    account: str
    sim: Simulation
    topology: Topology
    zones: list[Zone]
    nats: list[NatGateway]
    egress: Egress
    control_plane: ControlPlane
    curve: DemandCurve | None = None
    database: Database | None = None
    cluster: Cluster | None = None
    karpenter: Karpenter | None = None
    alb: LoadBalancerNodes | None = None
    nat_failover: NatFailover | None = None
    hpas: list[Hpa] = field(default_factory=list)
    serving: list[WorkloadState] = field(default_factory=list)
    on_flush: list[Callable[[float], None]] = field(default_factory=list)
    on_service_state: list[Callable[[float, ServiceState], None]] = field(default_factory=list)
    on_data_loss: list[Callable[[float], None]] = field(default_factory=list)
    on_finish: list[Callable[[float], None]] = field(default_factory=list)
    _flush: Timer | None = None
    _crossing: Timer | None = None
    _crossing_level: float = _INF

    # -- change propagation ---------------------------------------------------------------------

    def invalidate(self) -> None:
        """Something on the request path changed: recompute at the end of this instant."""
        if self._flush is None:
            self._flush = self.sim.after(0.0, self.flush)

    def flush(self) -> None:
        """Tell the subscribers the state, and schedule the next demand crossing."""
        self._flush = None
        now = self.sim.now
        for recompute in self.on_flush:
            recompute(now)
        if self.curve is None:
            return
        state = self.service_state()
        for observe in self.on_service_state:
            observe(now, state)
        level = state.saturation_rps() if state.alb_up else _INF
        if self._crossing is not None and self._crossing.pending and level == self._crossing_level:
            return  # the scheduled crossing of the same level still stands
        if self._crossing is not None:
            self._crossing.cancel()
            self._crossing = None
        self._crossing_level = level
        if level < _INF:
            upward = self.curve.rps(now) <= level
            when = self.curve.next_crossing(now, level * (1 + 1e-9 if upward else 1 - 1e-9), upward)
            if now < when < self.sim.horizon_h:
                self._crossing = self.sim.at(when, self.invalidate)

    def finish(self) -> None:
        """The run reached the horizon: tell the subscribers."""
        for callback in self.on_finish:
            callback(self.sim.horizon_h)

    def database_changed(self) -> None:
        """The database's writability changed (its ``on_change``)."""
        self.invalidate()
        db = self.database
        if db is not None and db.writable and db.outages and db.outages[-1].rpo_h > 0:
            self.sim.after(0.0, self._data_lost)  # after the flush that closes the incident

    def _data_lost(self) -> None:
        assert self.database is not None
        rpo_h = self.database.outages[-1].rpo_h
        for callback in self.on_data_loss:
            callback(rpo_h)

    # -- state the recorders read ---------------------------------------------------------------

    def has_egress(self) -> bool:
        """Whether some AZ reaches the internet now."""
        return any(self.egress.ok_by_zone()) if self.nats else False

    def egress_share(self) -> float:
        """Share of egress-needing requests now landing in an AZ with a working route out.

        Requests of a workload with ``needs: [egress]`` are spread over its
        routed pods, so an AZ weighs by the traffic share its pods carry; with
        no such pod routed, every AZ of the environment weighs the same.
        """
        ok = self.egress.ok_by_zone()
        if all(ok):
            return 1.0
        weights = [0.0] * len(self.zones)
        for workload in self.serving:
            if "egress" not in workload.needs:
                continue
            zones = [pod.node.zone.index for pod in workload.pods if pod.node and _routed(pod)]
            for zone in zones:
                weights[zone] += workload.traffic_share / len(zones)
        total = sum(weights)
        if total <= 0:
            return sum(ok) / len(ok)
        return sum(w for w, up in zip(weights, ok, strict=True) if up) / total

    def database_writable(self) -> bool:
        """Whether the database accepts writes now (``True`` without a database)."""
        return self.database is None or self.database.writable

    def image_pull_ok(self, zone: int) -> bool:
        """Whether a pod in AZ ``zone`` can pull its image: ECR endpoints, else NAT egress."""
        return (self.topology.image_pulls_in_vpc and self.zones[zone].up) or self.egress.ok(zone)

    def nat_gateway_for(self, zone: int) -> NatGateway | None:
        """The NAT Gateway AZ ``zone`` routes through."""
        return self.egress.gateway_for(zone)

    # -- chaos ----------------------------------------------------------------------------------

    def break_node(self, zone: int, *, spot_only: bool) -> None:
        """Fail the oldest running node in AZ ``zone`` (a Spot node with ``spot_only``).

        A Spot node gets Karpenter's two-minute interruption notice; any other
        fails like an instance failure. Nothing happens if no node matches.
        """
        cluster = self.cluster
        assert cluster is not None
        candidates = sorted(
            (
                n
                for n in cluster.nodes
                if n.zone.index == zone
                and n.state == RUNNING
                and (not spot_only or n.capacity_type == "spot")
            ),
            key=lambda n: n.id,
        )
        if not candidates:
            return
        node = candidates[0]
        karpenter = self.karpenter
        if spot_only and karpenter is not None:
            karpenter.spot_notice(node)
        else:  # as for a random failure
            cluster.fail_instance(node)

    # -- the request path -----------------------------------------------------------------------

    def service_state(self) -> ServiceState:
        """What the request path offers now."""
        alb_up = any(zone.up for zone in self.zones)
        if not alb_up:
            return ServiceState(False, self.zones[0].cause or "az-outage")
        db = self.database
        db_ok = db is None or db.writable
        db_cause = "" if db is None or db.writable else db.cause
        egress_ok = self.egress.ok_by_zone()
        egress_everywhere = all(egress_ok)
        # with every zone up and no dead node, a ready replica works unless a dependency is out
        healthy = all(zone.up for zone in self.zones) and (
            self.cluster is None or not self.cluster.failed_nodes
        )
        services = []
        for workload in self.serving:
            needs = workload.needs
            egress_share = workload.egress_fraction
            if (
                healthy
                and (db_ok or "database" not in needs)
                and (egress_everywhere or egress_share == 0)
            ):
                services.append(self._all_working(workload))
                continue
            routed = 0
            working = 0.0
            partial = 0.0  # capacity of replicas that serve only the requests needing no egress
            losses: dict[str, float] = {}
            working_by_capacity: dict[float, int] = {}  # a replica's capacity → working replicas
            # ready pods grouped by node: the work is per node that serves, not per pod
            for node, ready in workload.ready_on.items():
                if node.state != RUNNING:
                    continue
                alive = not node.failed and node.zone.up
                if not alive and not node.routed:
                    continue
                routed += ready
                if not alive:
                    cause = node.death_cause or "node-failure"
                elif "database" in needs and not db_ok:
                    cause = db_cause
                elif egress_share > 0 and not egress_ok[node.zone.index]:
                    # the pods still serve the requests that need no egress
                    cause = self.egress.cause(node.zone.index)
                    working += (1.0 - egress_share) * ready
                    partial += ready * ((1.0 - egress_share) * workload.pod_capacity_rps(node))
                    losses[cause] = losses.get(cause, 0.0) + egress_share * ready
                    continue
                else:
                    working += ready
                    per_pod = workload.pod_capacity_rps(node)
                    working_by_capacity[per_pod] = working_by_capacity.get(per_pod, 0) + ready
                    continue
                losses[cause] = losses.get(cause, 0.0) + ready
            capacity = 0.0
            for per_pod, count in working_by_capacity.items():
                capacity += _repeated_sum(per_pod, count)
            capacity += partial
            missing = self._missing_cause(workload)
            if routed:
                loss_causes = tuple((c, n / routed) for c, n in losses.items())
                fraction = working / routed
            else:
                loss_causes = ((missing, 1.0),)
                fraction = 0.0
            services.append(
                WorkloadService(
                    share=workload.traffic_share,
                    working_fraction=fraction,
                    capacity_rps=capacity,
                    loss_causes=loss_causes,
                    shortfall_cause=missing,
                )
            )
        front_loss, front_cause = self.alb.dead_share() if self.alb is not None else (0.0, "")
        return ServiceState(True, "", tuple(services), front_loss, front_cause)

    def _all_working(self, workload: WorkloadState) -> WorkloadService:
        """A workload all of whose ready replicas work (the healthy common case).

        Counted from the workload's tallies instead of its nodes; the same
        figures as the walk in :meth:`service_state` would give.
        """
        ready = sum(workload.ready_by_capacity.values())
        capacity = 0.0
        for per_pod, count in workload.ready_by_capacity.items():
            capacity += _repeated_sum(per_pod, count)
        missing = self._missing_cause(workload)
        return WorkloadService(
            share=workload.traffic_share,
            working_fraction=1.0 if ready else 0.0,
            capacity_rps=capacity,
            loss_causes=() if ready else ((missing, 1.0),),
            shortfall_cause=missing,
        )

    def _missing_cause(self, workload: WorkloadState) -> str:
        """Why a workload has less capacity than it wants: the commonest replacement cause."""
        counts = workload.replacing
        down = [zone for zone in self.zones if not zone.up]
        if down:
            counts = dict(counts)
            for zone in down:
                counts[zone.cause] = counts.get(zone.cause, 0) + 1
        if not counts:
            # nothing was lost: the replicas are just too few — because nothing can scale
            # while the control plane is down, or because scaling lags demand
            return "eks-control-plane" if not self.control_plane.up else "capacity-shortfall"
        return max(counts.items(), key=lambda item: (item[1], item[0]))[0]


def _routed(pod: Pod) -> bool:
    """Whether the load balancer sends requests to ``pod``.

    A Ready pod on a running node, unless the node died and the ALB health
    check has already taken it out of rotation.
    """
    node = pod.node
    if pod.state != READY or node is None or node.state != RUNNING:
        return False
    return (not node.failed and node.zone.up) or node.routed
