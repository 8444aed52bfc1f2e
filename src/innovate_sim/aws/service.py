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
from dataclasses import dataclass

__all__ = ["ServiceState", "WorkloadService"]

_INF = math.inf


@dataclass(frozen=True)
class WorkloadService:
    """What one request-path workload offers at an instant.

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
    loss_causes: tuple[tuple[str, float], ...] = ()
    shortfall_cause: str = "capacity-shortfall"

    @property
    def saturation_rps(self) -> float:
        """Environment demand above which this workload runs out of capacity."""
        if self.working_fraction <= 0:
            return _INF
        return self.capacity_rps / (self.share * self.working_fraction)


@dataclass(frozen=True)
class ServiceState:
    """The environment's service state between two events."""

    alb_up: bool
    alb_cause: str = ""
    workloads: tuple[WorkloadService, ...] = ()

    def saturation_rps(self) -> float:
        """Lowest demand at which some workload saturates (∞ if none can)."""
        return min((w.saturation_rps for w in self.workloads), default=_INF)

    def success(self, demand_rps: float) -> float:
        """Share of requests that succeed at demand ``demand_rps``."""
        if not self.alb_up:
            return 0.0
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
        weights: dict[str, float] = {}
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
        if norm <= 0:
            return {"unknown": total}
        return {cause: total * weight / norm for cause, weight in weights.items()}
