"""What the request path of an environment offers at an instant, and the requests it serves.

The environment model computes a :class:`ServiceState` whenever something on
the request path changes; for demand D its success fraction is

    S(D) = Π_w [1 − f_w (1 − min(φ_w, C_w / (f_w D)))]

where f_w is workload w's traffic share, φ_w the share of its traffic that
reaches working replicas and C_w their capacity (DESIGN §3.5: excess demand
over ready capacity fails).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["ServiceState", "WorkloadService"]

_INF = math.inf


@dataclass(init=False)
class WorkloadService:
    """What one request-path workload offers at an instant (read-only by convention).

    Attributes:
        share: f, share of requests passing through the workload.
        working_fraction: φ, share of its traffic that reaches working replicas.
        capacity_rps: C, requests per second the working replicas can serve.
        loss_causes: cause → share of its traffic lost to non-working replicas.
        shortfall_cause: cause blamed for demand above capacity.
    """

    share: float
    working_fraction: float
    capacity_rps: float
    loss_causes: tuple[tuple[str, float], ...]
    shortfall_cause: str

    # written out rather than generated: a dataclass's generated __init__ stays interpreted
    # in the compiled build, and the environment makes one of these per workload per change
    def __init__(
        self,
        share: float,
        working_fraction: float,
        capacity_rps: float,
        loss_causes: tuple[tuple[str, float], ...] = (),
        shortfall_cause: str = "capacity-shortfall",
    ) -> None:
        self.share = share
        self.working_fraction = working_fraction
        self.capacity_rps = capacity_rps
        self.loss_causes = loss_causes
        self.shortfall_cause = shortfall_cause

    @property
    def saturation_rps(self) -> float:
        """Environment demand above which this workload runs out of capacity."""
        if self.working_fraction <= 0:
            return _INF
        return self.capacity_rps / (self.share * self.working_fraction)


@dataclass(init=False)
class ServiceState:
    """The environment's service state between two events (read-only by convention).

    Attributes:
        alb_up: whether any ALB node is up.
        alb_cause: why not, if not.
        workloads: the request-path workloads.
        front_loss: share of requests sent to ALB nodes that died with their AZ but are
            still in DNS.
        front_cause: why those nodes died.
    """

    alb_up: bool
    alb_cause: str
    workloads: tuple[WorkloadService, ...]
    front_loss: float
    front_cause: str
    _saturation_rps: float = field(repr=False, compare=False)

    # written out, as WorkloadService's: one state per change of every replication
    def __init__(
        self,
        alb_up: bool,
        alb_cause: str = "",
        workloads: tuple[WorkloadService, ...] = (),
        front_loss: float = 0.0,
        front_cause: str = "",
    ) -> None:
        self.alb_up = alb_up
        self.alb_cause = alb_cause
        self.workloads = workloads
        self.front_loss = front_loss
        self.front_cause = front_cause
        # asked for by the environment and by every recorder of the state: computed once
        level = _INF
        for w in workloads:
            saturation = w.saturation_rps
            if saturation < level:
                level = saturation
        self._saturation_rps = level / (1.0 - front_loss) if front_loss < 1.0 else _INF

    def saturation_rps(self) -> float:
        """Lowest demand at which some workload saturates (∞ if none can)."""
        return self._saturation_rps

    def success(self, demand_rps: float) -> float:
        """Share of requests that succeed at demand ``demand_rps``."""
        if not self.alb_up or self.front_loss >= 1.0:
            return 0.0
        reaching = 1.0 - self.front_loss
        return reaching * self._workload_success(demand_rps * reaching)

    def _workload_success(self, demand_rps: float) -> float:
        """Share of the requests reaching a live ALB node that succeed."""
        value = 1.0
        for w in self.workloads:
            if demand_rps > 0 and w.share > 0:
                ok = min(w.working_fraction, w.capacity_rps / (w.share * demand_rps))
            else:
                ok = w.working_fraction
            value *= 1.0 - w.share * (1.0 - ok)
        return value

    def loss_shares(self, demand_rps: float) -> dict[str, float]:
        """Lost share of requests by cause at ``demand_rps`` (sums to 1 − success)."""
        total = 1.0 - self.success(demand_rps)
        if total <= 0:
            return {}
        if not self.alb_up:
            return {self.alb_cause or "alb": total}
        if self.front_loss >= 1.0:
            return {self.front_cause or "az-outage": total}
        reaching = 1.0 - self.front_loss
        front = {self.front_cause: self.front_loss} if self.front_loss > 0 else {}
        behind = total - self.front_loss
        if behind <= 0:
            return front
        weights: dict[str, float] = {}
        demand_rps *= reaching
        for w in self.workloads:
            for cause, share in w.loss_causes:
                weights[cause] = weights.get(cause, 0.0) + w.share * share
            if demand_rps > 0 and w.share > 0:
                excess = w.working_fraction - w.capacity_rps / (w.share * demand_rps)
                if excess > 0:
                    weights[w.shortfall_cause] = weights.get(w.shortfall_cause, 0.0) + (
                        w.share * excess
                    )
        norm = sum(weights.values())
        shares = dict(front)
        if norm <= 0:
            shares["unknown"] = shares.get("unknown", 0.0) + behind
            return shares
        for cause, weight in weights.items():
            shares[cause] = shares.get(cause, 0.0) + behind * weight / norm
        return shares
