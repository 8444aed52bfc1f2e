"""The Horizontal Pod Autoscaler, event-driven.

The controller's algorithm (kube-controller-manager, KARPENTER.md §4): every
sync period (15 s) it compares the average CPU utilisation with the target;
outside the tolerance (10 %) it recommends ``ceil(replicas × ratio)``. Scale-up
is limited to max(4 pods, +100 %) per 15 s; scale-down takes the highest
recommendation of the last 300 s (stabilisation window).

The scale-up and scale-down policies' periods equal the sync period (15 s,
the Kubernetes defaults), so the limits apply at every evaluation.

Utilisation is proportional to load, so with demand D (after the metrics
delay), a replica serving r requests per second at the target, and N
replicas, the ratio is D / (N r) and the recommendation ``ceil(D / r)``.
Instead of waking every 15 s, the controller computes from the demand curve
the first sync tick at which the ratio leaves the tolerance band (an upward
or downward crossing) and sleeps until then (DESIGN §6).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import GONE, PENDING, READY, STARTING, Pod, WorkloadState
from innovate_sim.aws.infrastructure import ControlPlane
from innovate_sim.engine import Simulation, Timer
from innovate_sim.scenario.cluster import Hpa as HpaSpec
from innovate_sim.workload.demand import DemandCurve

__all__ = ["Hpa", "set_replicas"]

_INF = math.inf
#: which pods a scale-down deletes first, by state (pending, then starting, then ready)
_DELETION_RANK = {PENDING: 0, STARTING: 1, READY: 2}


def set_replicas(cluster: Cluster, workload: WorkloadState, replicas: int) -> None:
    """Scale a Deployment: create pods, or delete them in ReplicaSet order.

    Deletion order: pending pods first, then starting ones, then ready pods in
    the zone with the most pods of the workload, newest first.
    """
    current = [p for p in workload.pods if p.state != GONE]
    if replicas > len(current):
        for _ in range(replicas - len(current)):
            cluster.create_pod(workload)
    elif replicas < len(current):
        counts = workload.zone_counts

        def order(pod: Pod) -> tuple[int, int, float]:
            rank = _DELETION_RANK.get(pod.state, 3)
            zone_load = -counts[pod.node.zone.index] if pod.node is not None else 0
            return (rank, zone_load, -pod.created_h)

        for pod in sorted(current, key=order)[: len(current) - replicas]:
            cluster.delete_pod(pod)
    workload.replicas = replicas


class Hpa:
    """The HPA of one workload.

    Args:
        sim: the simulation.
        cluster: the cluster the workload runs in.
        workload: the workload.
        curve: the environment's demand.
        spec: HPA settings.
        control_plane: no scaling while the control plane is down.
        phase_h: offset of this HPA's sync ticks.
        rps_at_target: requests per second one replica serves at the target, given its node.
    """

    def __init__(
        self,
        sim: Simulation,
        cluster: Cluster,
        workload: WorkloadState,
        curve: DemandCurve,
        spec: HpaSpec,
        control_plane: ControlPlane,
        phase_h: float,
        rps_at_target: Callable[[Pod], float],
        default_rps: float,
    ) -> None:
        self.sim = sim
        self.cluster = cluster
        self.workload = workload
        self.curve = curve
        self.spec = spec
        # the settings the control loop reads at every evaluation, at hand
        self.sync_period = spec.sync_period
        self.metrics_delay = spec.metrics_delay
        self.tolerance = spec.tolerance
        self.scale_up_percent = spec.scale_up_percent
        self.scale_up_pods = spec.scale_up_pods
        self.scale_down_percent = spec.scale_down_percent
        self.scale_down_stabilization = spec.scale_down_stabilization
        self.control_plane = control_plane
        self.phase_h = phase_h
        self.rps_at_target = rps_at_target
        self.default_rps = default_rps
        self.share = workload.spec.traffic_share
        self.min = workload.spec.replicas.min
        self.max = workload.spec.replicas.max
        self.timer: Timer | None = None
        self._r_eff: tuple[int, float] = (-1, default_rps)  # (placements it holds for, value)
        self.events: list[tuple[float, str]] | None = None
        self.scalings = 0
        control_plane.on_recover.append(self.wake)

    # -- helpers ---------------------------------------------------------------------------------

    def _tick_at_or_after(self, t_h: float) -> float:
        period = self.sync_period
        k = math.ceil((t_h - self.phase_h) / period - 1e-9)
        return self.phase_h + k * period

    def _lagged(self, t_h: float) -> float:
        """Demand the HPA sees at ``t_h`` (metric age applied), for this workload."""
        return self.curve.rps(t_h - self.metrics_delay) * self.share

    def r_eff(self) -> float:
        """Requests per second per replica at the target (harmonic mean over placed pods).

        Walks the pods only when some were bound or unbound since the last call.
        """
        placements, value = self._r_eff
        if placements == self.workload.placements:
            return value
        inverse = 0.0
        count = 0
        for pod in self.workload.pods:
            if pod.node is not None:
                inverse += 1.0 / self.rps_at_target(pod)
                count += 1
        value = count / inverse if count else self.default_rps
        self._r_eff = (self.workload.placements, value)
        return value

    def _recommendation(self, demand: float, n: int, r: float) -> int:
        ratio = demand / (n * r) if n else _INF
        if abs(ratio - 1.0) <= self.tolerance:
            return n
        return math.ceil(demand / r - 1e-9)

    # -- control loop ----------------------------------------------------------------------------

    def start(self) -> None:
        """Schedule the first evaluation."""
        self.wake()

    def wake(self) -> None:
        """Re-plan from now (after a scaling, a control-plane recovery, a change of capacity)."""
        if self.timer is not None:
            self.timer.cancel()
        self.timer = self.sim.at(self._tick_at_or_after(self.sim.now), self._evaluate)

    def _evaluate(self) -> None:
        self.timer = None
        if not self.control_plane.up:
            return  # woken again by the control plane's recovery
        now = self.sim.now
        n = self.workload.replicas
        r = self.r_eff()
        demand = self._lagged(now)
        recommendation = self._recommendation(demand, n, r)
        if recommendation > n and n < self.max:
            limit = max(n + self.scale_up_pods, math.ceil(n * (1.0 + self.scale_up_percent)))
            self._scale(min(recommendation, limit, self.max))
        elif recommendation < n and n > self.min:
            highest = self._highest_window_recommendation(now, n, r)
            if highest < n:
                floor = math.floor(n * (1.0 - self.scale_down_percent))
                self._scale(max(highest, self.min, floor))
        self._plan_next()

    def _highest_window_recommendation(self, now: float, n: int, r: float) -> int:
        """The highest recommendation of the sync ticks in the stabilisation window.

        A recommendation never falls as demand rises (below the tolerance band it
        is at most ``n``, inside it ``n``, above it at least ``n``; rounding moves
        no figure across ``n`` below a million replicas, and the schema allows at
        most 10,000), so it is the recommendation of the window's highest demand.
        """
        period = self.sync_period
        delay = self.metrics_delay
        ticks = max(1, round(self.scale_down_stabilization / period))
        # _lagged of every tick, the share applied once to the highest: scaling by a
        # positive share keeps the order, so this is the same float
        rps = self.curve.rps
        highest = max(rps(now - k * period - delay) for k in range(ticks)) * self.share
        return self._recommendation(highest, n, r)

    def _scale(self, replicas: int) -> None:
        if replicas == self.workload.replicas:
            return
        if self.events is not None:
            self.events.append((self.sim.now, f"scale:{self.workload.replicas}->{replicas}"))
        self.scalings += 1
        set_replicas(self.cluster, self.workload, replicas)

    def _plan_next(self) -> None:
        now = self.sim.now
        n = self.workload.replicas
        r = self.r_eff()
        delay = self.metrics_delay
        period = self.sync_period
        candidates = [_INF]
        if n < self.max:
            up_level = (1.0 + self.tolerance) * n * r / self.share
            up_level = max(up_level, (n * r) / self.share)
            crossing = self.curve.next_crossing(now - delay, up_level * (1 + 1e-12), True)
            if crossing < _INF:
                candidates.append(self._tick_at_or_after(max(crossing + delay, now + period)))
        if n > self.min:
            candidates.append(self._next_downscale_check(now, n, r))
        when = min(candidates)
        if when < _INF and when <= self.sim.horizon_h:
            self.timer = self.sim.at(when, self._evaluate)

    def _next_downscale_check(self, now: float, n: int, r: float) -> float:
        """The first tick at which every recommendation in the window may be below ``n``."""
        period = self.sync_period
        window = self.scale_down_stabilization
        delay = self.metrics_delay
        # recommendation < n  <=>  demand below min((n-1) r, (1 - tol) n r)
        level = min((n - 1) * r, (1.0 - self.tolerance) * n * r) / self.share
        if self._lagged(now) / self.share > level:
            crossing = self.curve.next_crossing(now - delay, level * (1 - 1e-12), False)
            if crossing == _INF:
                return _INF
            first_low = self._tick_at_or_after(max(crossing + delay, now + period))
            return first_low + window - period
        ticks = max(1, round(window / period))
        latest_high = None
        for k in range(ticks):
            t = now - k * period
            if self._recommendation(self._lagged(t), n, r) >= n:
                latest_high = t
                break
        if latest_high is None:
            return self._tick_at_or_after(now + period)
        return self._tick_at_or_after(max(latest_high + window, now + period))
