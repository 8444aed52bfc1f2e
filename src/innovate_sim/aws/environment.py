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

from innovate_sim.aws.cluster import READY, RUNNING, Cluster, WorkloadState
from innovate_sim.aws.hpa import Hpa
from innovate_sim.aws.infrastructure import ControlPlane, Egress, NatGateway, Zone
from innovate_sim.aws.karpenter import Karpenter
from innovate_sim.aws.rds import Database
from innovate_sim.aws.service import ServiceState, WorkloadService
from innovate_sim.engine import Simulation, Timer
from innovate_sim.workload.demand import DemandCurve
from innovate_sim.workload.topology import Topology

__all__ = ["EnvironmentModel"]

_INF = math.inf


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
        return any(self.egress.ok(z.index) for z in self.zones) if self.nats else False

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
        else:
            queue = karpenter is not None and karpenter.spec.interruption_queue
            cluster.fail_instance(node, interruption_queue=queue)

    # -- the request path -----------------------------------------------------------------------

    def service_state(self) -> ServiceState:
        """What the request path offers now."""
        alb_up = any(zone.up for zone in self.zones)
        if not alb_up:
            return ServiceState(False, self.zones[0].cause or "az-outage")
        db = self.database
        db_ok = db is None or db.writable
        db_cause = "" if db is None or db.writable else db.cause
        egress_ok = [self.egress.ok(z.index) for z in self.zones]
        services = []
        for workload in self.serving:
            needs = workload.spec.needs
            routed = 0
            working = 0
            capacity = 0.0
            losses: dict[str, float] = {}
            for pod in workload.pods:
                if pod.state != READY:
                    continue
                node = pod.node
                if node is None or node.state != RUNNING:
                    continue
                alive = not node.failed and node.zone.up
                if not alive and not node.routed:
                    continue
                routed += 1
                if not alive:
                    cause = node.death_cause or "node-failure"
                elif "database" in needs and not db_ok:
                    cause = db_cause
                elif "egress" in needs and not egress_ok[node.zone.index]:
                    cause = self.egress.cause(node.zone.index)
                else:
                    working += 1
                    capacity += workload.pod_capacity_rps(node)
                    continue
                losses[cause] = losses.get(cause, 0.0) + 1.0
            if routed:
                loss_causes = tuple((c, n / routed) for c, n in losses.items())
                fraction = working / routed
            else:
                loss_causes = ((self._missing_cause(workload), 1.0),)
                fraction = 0.0
            services.append(
                WorkloadService(
                    share=workload.spec.traffic_share,
                    working_fraction=fraction,
                    capacity_rps=capacity,
                    loss_causes=loss_causes,
                    shortfall_cause=self._missing_cause(workload),
                )
            )
        return ServiceState(True, "", tuple(services))

    def _missing_cause(self, workload: WorkloadState) -> str:
        """Why a workload has less capacity than it wants: the commonest replacement cause."""
        counts: dict[str, int] = {}
        for pod in workload.pods:
            if pod.state != READY and pod.cause:
                counts[pod.cause] = counts.get(pod.cause, 0) + 1
        for zone in self.zones:
            if not zone.up:
                counts[zone.cause] = counts.get(zone.cause, 0) + 1
        if not counts:
            # nothing was lost: the replicas are just too few — because nothing can scale
            # while the control plane is down, or because scaling lags demand
            return "eks-control-plane" if not self.control_plane.up else "capacity-shortfall"
        return max(counts.items(), key=lambda item: (item[1], item[0]))[0]
