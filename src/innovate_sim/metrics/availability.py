"""Request and time availability of one environment, integrated exactly between events.

The recorder subscribes to the environment model
(:meth:`AvailabilityRecorder.attach`), which tells it the *service state*
whenever it changes: whether the ALB has a healthy AZ and, for every workload
on the request path, the share of its traffic that lands on working replicas (φ) and
their capacity (C, requests per second). For demand D the success fraction is

    S(D) = Π_w [1 − f_w (1 − min(φ_w, C_w / (f_w D)))]

where f_w is the workload's traffic share (DESIGN §3.5: excess demand over
ready capacity fails). While demand stays below every workload's saturation
level C_w / (f_w φ_w), S is constant and the served requests are S times the
exact integral of the piecewise-linear demand. The model schedules an event
where demand crosses that level, so saturated intervals are known; there the
integral of S(D)·D is taken over the demand curve's knots.

Recorded per environment: demand and served requests, time with S below the
threshold (time availability), full-outage time (S = 0), degraded time
(0 < S < 1), incidents, lost requests by cause, and per 730-hour month the
requests and losses for the SLO error budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from innovate_sim.aws.environment import EnvironmentModel
from innovate_sim.aws.service import ServiceState
from innovate_sim.units import HOURS_PER_MONTH, SECONDS_PER_HOUR, months_spanned
from innovate_sim.workload.demand import DemandCurve

__all__ = ["AvailabilityRecorder", "Incident"]

_INF = math.inf


@dataclass
class Incident:
    """One episode of degraded service (success below 100 %)."""

    start_h: float
    end_h: float = _INF
    lost_requests: float = 0.0
    min_success: float = 1.0
    causes: dict[str, float] = field(default_factory=dict)
    first_cause: str = ""
    rpo_h: float = 0.0

    @property
    def cause(self) -> str:
        """The cause that lost the most requests (the first cause when none were lost)."""
        if self.causes and max(self.causes.values()) > 0:
            return max(self.causes.items(), key=lambda item: item[1])[0]
        return self.first_cause or "unknown"


class AvailabilityRecorder:
    """Integrates one environment's demand and success over a replication.

    Args:
        curve: the environment's demand.
        threshold: success share at which a moment counts as available.
        horizon_h: end of the replication.
    """

    def __init__(self, curve: DemandCurve, threshold: float, horizon_h: float) -> None:
        self.curve = curve
        self.threshold = threshold
        self.horizon_h = horizon_h
        self.months = months_spanned(horizon_h)
        self.demand_by_month = [0.0] * self.months
        self.lost_by_month = [0.0] * self.months
        self.below_threshold_h = 0.0
        self.full_outage_h = 0.0
        self.degraded_h = 0.0
        self.lost_by_cause: dict[str, float] = {}
        self.incidents: list[Incident] = []
        self.state = ServiceState(alb_up=True)
        self._since_h = 0.0
        self._open: Incident | None = None

    @classmethod
    def attach(cls, env: EnvironmentModel, threshold: float) -> AvailabilityRecorder:
        """Record environment ``env`` (which has demand) until its horizon."""
        assert env.curve is not None
        recorder = cls(env.curve, threshold, env.sim.horizon_h)
        env.on_service_state.append(recorder.update)
        env.on_data_loss.append(recorder.mark_rpo)
        env.on_finish.append(recorder.close)
        return recorder

    # -- what the environment tells it ----------------------------------------------------------

    def update(self, now_h: float, state: ServiceState) -> None:
        """Close the interval since the last change and switch to ``state``."""
        self._integrate(self._since_h, min(now_h, self.horizon_h))
        self.state = state
        self._since_h = now_h

    def close(self, end_h: float | None = None) -> None:
        """Integrate up to the horizon and close an open incident there.

        Args:
            end_h: the time the run ended (the horizon; accepted for ``on_finish``).
        """
        self._integrate(self._since_h, self.horizon_h)
        self._since_h = self.horizon_h
        if self._open is not None:
            self._open.end_h = self.horizon_h
            self._open = None

    def mark_rpo(self, rpo_h: float) -> None:
        """A data-loss window inside the current incident (RDS restore)."""
        if self._open is not None:
            self._open.rpo_h = max(self._open.rpo_h, rpo_h)
        elif self.incidents and self.incidents[-1].end_h >= self._since_h - 1e-9:
            self.incidents[-1].rpo_h = max(self.incidents[-1].rpo_h, rpo_h)

    # -- integration ----------------------------------------------------------------------------

    def _integrate(self, start_h: float, end_h: float) -> None:
        while end_h > start_h:
            month = min(int(start_h / HOURS_PER_MONTH), self.months - 1)
            boundary = min(end_h, (month + 1) * HOURS_PER_MONTH)
            if month == self.months - 1:
                boundary = end_h
            self._integrate_piece(start_h, boundary, month)
            start_h = boundary

    def _integrate_piece(self, start_h: float, end_h: float, month: int) -> None:
        span = end_h - start_h
        if span <= 0:
            return
        state = self.state
        curve = self.curve
        demand = curve.requests(start_h, end_h)
        level = state.saturation_rps()
        mid_rps = curve.rps(0.5 * (start_h + end_h))
        saturated = (
            state.alb_up
            and level < _INF
            and (curve.rps(start_h) > level or mid_rps > level or curve.rps(end_h) > level)
        )
        if not saturated:
            success = state.success(0.0 if not state.workloads else mid_rps)
            served = success * demand
            min_success = success
            below = span if success < self.threshold - 1e-12 else 0.0
            full = span if success <= 0.0 else 0.0
            degraded = span if 0.0 < success < 1.0 - 1e-12 else 0.0
        else:
            served, below, full, degraded, min_success = self._numeric(start_h, end_h)
        lost = demand - served
        lost_causes = state.loss_shares(mid_rps)
        self.demand_by_month[month] += demand
        self.lost_by_month[month] += lost
        self.below_threshold_h += below
        self.full_outage_h += full
        self.degraded_h += degraded
        total_share = sum(lost_causes.values())
        if lost > 0 and total_share > 0:
            for cause, share in lost_causes.items():
                self.lost_by_cause[cause] = self.lost_by_cause.get(cause, 0.0) + lost * (
                    share / total_share
                )
        self._track_incident(start_h, end_h, min_success, lost, lost_causes, total_share)

    def _numeric(self, start_h: float, end_h: float) -> tuple[float, float, float, float, float]:
        """Integrate a saturated interval over the demand curve's knots."""
        step = self.curve.step_h
        first = math.floor(start_h / step) + 1
        last = math.ceil(end_h / step) - 1
        inner = np.arange(first, last + 1, dtype=float) * step if last >= first else np.empty(0)
        times = np.concatenate(([start_h], inner, [end_h]))
        demand = np.array([self.curve.rps(t) for t in times])
        success = np.array([self.state.success(d) for d in demand])
        served_rate = success * demand
        dt = np.diff(times)
        served = float(np.sum(0.5 * (served_rate[1:] + served_rate[:-1]) * dt)) * SECONDS_PER_HOUR
        below = _time_below(times, success, self.threshold)
        degraded = _time_below(times, success, 1.0 - 1e-12) - _time_below(times, success, 1e-12)
        full = _time_below(times, success, 1e-12)
        return served, below, full, degraded, float(success.min())

    def _track_incident(
        self,
        start_h: float,
        end_h: float,
        min_success: float,
        lost: float,
        causes: dict[str, float],
        total_share: float,
    ) -> None:
        degraded = min_success < 1.0 - 1e-12
        if degraded:
            incident = self._open
            if incident is None:
                incident = self._open = Incident(start_h)
                self.incidents.append(incident)
                if causes:
                    incident.first_cause = max(causes.items(), key=lambda item: item[1])[0]
            incident.lost_requests += lost
            incident.min_success = min(incident.min_success, min_success)
            if total_share > 0:
                for cause, share in causes.items():
                    incident.causes[cause] = incident.causes.get(cause, 0.0) + lost * (
                        share / total_share
                    )
            incident.end_h = end_h
        elif self._open is not None:
            self._open.end_h = start_h
            self._open = None

    # -- results ---------------------------------------------------------------------------------

    @property
    def demand_requests(self) -> float:
        return sum(self.demand_by_month)

    @property
    def lost_requests(self) -> float:
        return sum(self.lost_by_month)


def _time_below(times: np.ndarray, values: np.ndarray, level: float) -> float:
    """Time during which a piecewise-linear function is below ``level``."""
    total = 0.0
    for i in range(len(times) - 1):
        a, b = values[i], values[i + 1]
        dt = times[i + 1] - times[i]
        if a < level and b < level:
            total += dt
        elif a < level <= b or b < level <= a:
            total += dt * (level - min(a, b)) / abs(b - a) if b != a else 0.0
    return total
