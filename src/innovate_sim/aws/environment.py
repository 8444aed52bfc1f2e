"""One environment in a replication: its components and its service state.

The environment listens to its zones, NAT Gateways, database and cluster.
Whenever one of them changes it recomputes, once per simulated instant, what
the request path offers (:class:`~innovate_sim.metrics.ServiceState`) and
hands it to the availability recorder, then asks the demand curve when
demand next crosses the saturation level — the only other moment the success
fraction can change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from innovate_sim.aws.cluster import READY, RUNNING, Cluster, WorkloadState
from innovate_sim.aws.demand import DemandCurve
from innovate_sim.aws.hpa import Hpa
from innovate_sim.aws.infrastructure import ControlPlane, Egress, NatGateway, Zone
from innovate_sim.aws.karpenter import Karpenter
from innovate_sim.aws.rds import Database
from innovate_sim.engine import Simulation, Timer
from innovate_sim.metrics import AvailabilityRecorder, ServiceState, WorkloadService

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
    """The simulated components of one environment."""

    name: str
    account: str
    sim: Simulation
    zones: list[Zone]
    nats: list[NatGateway]
    egress: Egress
    control_plane: ControlPlane
    curve: DemandCurve | None = None
    recorder: AvailabilityRecorder | None = None
    database: Database | None = None
    cluster: Cluster | None = None
    karpenter: Karpenter | None = None
    hpas: list[Hpa] = field(default_factory=list)
    serving: list[WorkloadState] = field(default_factory=list)
    timeline: list[tuple[Any, ...]] | None = None
    egress_up_h: float = 0.0
    database_up_h: float = 0.0
    _flush: Timer | None = None
    _crossing: Timer | None = None
    _crossing_level: float = _INF
    _last_change_h: float = 0.0
    _egress_any: bool = True
    _db_up: bool = True

    # -- change propagation ---------------------------------------------------------------------

    def invalidate(self) -> None:
        """Something on the request path changed: recompute at the end of this instant."""
        if self._flush is None:
            self._flush = self.sim.after(0.0, self.flush)

    def flush(self) -> None:
        """Recompute the service state and schedule the next demand crossing."""
        self._flush = None
        now = self.sim.now
        self._account_uptime(now)
        if self.recorder is None or self.curve is None:
            return
        state = self.service_state()
        self.recorder.update(now, state)
        if self.timeline is not None:
            self._sample(now, state)
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

    def _sample(self, now: float, state: ServiceState) -> None:
        assert self.curve is not None
        demand = self.curve.rps(now)
        capacity = min(
            (w.capacity_rps / w.share for w in state.workloads if w.share > 0), default=0.0
        )
        ready = sum(1 for w in self.serving for p in w.pods if p.state == READY)
        nodes = spot = 0
        rate = 0.0
        pending = 0
        kinds: dict[tuple[str, str, str], int] = {}
        if self.cluster is not None:
            pending = len(self.cluster.pending)
            for node in self.cluster.nodes:
                nodes += 1
                spot += node.capacity_type == "spot"
                rate += node.price_usd_per_hour
                kind = (node.itype.name, node.zone.name, node.capacity_type)
                kinds[kind] = kinds.get(kind, 0) + 1
        self.timeline.append(  # type: ignore[union-attr]
            (
                now,
                demand,
                capacity,
                state.success(demand),
                ready,
                pending,
                nodes,
                spot,
                nodes - spot,
                rate,
                tuple(sorted(kinds.items())),
            )
        )

    def _account_uptime(self, now: float) -> None:
        span = now - self._last_change_h
        if self._egress_any:
            self.egress_up_h += span
        if self._db_up:
            self.database_up_h += span
        self._last_change_h = now
        self._egress_any = any(self.egress.ok(z.index) for z in self.zones) if self.nats else False
        self._db_up = self.database is None or self.database.writable

    def finish(self) -> None:
        """Close recorders at the horizon."""
        self._account_uptime(self.sim.horizon_h)
        if self.recorder is not None:
            self.recorder.close()

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
        # with every zone up and no dead node, a ready replica works unless a dependency is out
        healthy = all(zone.up for zone in self.zones) and (
            self.cluster is None or not self.cluster.failed_nodes
        )
        services = []
        for workload in self.serving:
            needs = workload.spec.needs
            if (
                healthy
                and (db_ok or "database" not in needs)
                and (all(egress_ok) or "egress" not in needs)
            ):
                services.append(self._all_working(workload))
                continue
            routed = 0
            working = 0
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
                elif "egress" in needs and not egress_ok[node.zone.index]:
                    cause = self.egress.cause(node.zone.index)
                else:
                    working += ready
                    per_pod = workload.pod_capacity_rps(node)
                    working_by_capacity[per_pod] = working_by_capacity.get(per_pod, 0) + ready
                    continue
                losses[cause] = losses.get(cause, 0.0) + ready
            capacity = 0.0
            for per_pod, count in working_by_capacity.items():
                capacity += _repeated_sum(per_pod, count)
            missing = self._missing_cause(workload)
            if routed:
                loss_causes = tuple((c, n / routed) for c, n in losses.items())
                fraction = working / routed
            else:
                loss_causes = ((missing, 1.0),)
                fraction = 0.0
            services.append(
                WorkloadService(
                    share=workload.spec.traffic_share,
                    working_fraction=fraction,
                    capacity_rps=capacity,
                    loss_causes=loss_causes,
                    shortfall_cause=missing,
                )
            )
        return ServiceState(True, "", tuple(services))

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
            share=workload.spec.traffic_share,
            working_fraction=1.0 if ready else 0.0,
            capacity_rps=capacity,
            loss_causes=() if ready else ((missing, 1.0),),
            shortfall_cause=missing,
        )

    def _missing_cause(self, workload: WorkloadState) -> str:
        """Why a workload has less capacity than it wants: the commonest replacement cause."""
        counts = dict(workload.replacing)
        for zone in self.zones:
            if not zone.up:
                counts[zone.cause] = counts.get(zone.cause, 0) + 1
        if not counts:
            # nothing was lost: the replicas are just too few — because nothing can scale
            # while the control plane is down, or because scaling lags demand
            return "eks-control-plane" if not self.control_plane.up else "capacity-shortfall"
        return max(counts.items(), key=lambda item: (item[1], item[0]))[0]
