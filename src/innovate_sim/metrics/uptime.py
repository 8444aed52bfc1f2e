"""Internet egress (per request's AZ and any AZ) and database uptime, observed from outside."""

from __future__ import annotations

from innovate_sim.aws.environment import EnvironmentModel
from innovate_sim.engine import TimeWeighted

__all__ = ["UptimeRecorder"]


class UptimeRecorder:
    """Hours some AZ of an environment reached the internet, and hours its database took writes.

    Both start up at time 0 and are sampled whenever the environment
    recomputes its state (its ``on_flush``), which it does at every change.
    """

    def __init__(self, env: EnvironmentModel) -> None:
        self.env = env
        self.egress = TimeWeighted(0.0, 1.0)
        self.database = TimeWeighted(0.0, 1.0)
        self.egress_demand = 0.0
        self.egress_served = 0.0
        self._share = 1.0
        self._last_h = 0.0
        env.on_flush.append(self.record)
        env.on_finish.append(self.close)

    def record(self, now_h: float) -> None:
        """Close the interval up to ``now_h`` and read the current state."""
        self._weigh(now_h)
        self._share = self.env.egress_share()
        self.egress.set(now_h, 1.0 if self.env.has_egress() else 0.0)
        self.database.set(now_h, 1.0 if self.env.database_writable() else 0.0)

    def close(self, end_h: float) -> None:
        """Integrate up to the end of the run."""
        self._weigh(end_h)
        self.egress.close(end_h)
        self.database.close(end_h)

    def _weigh(self, now_h: float) -> None:
        """Add the requests since the last record, weighted by the egress share then."""
        curve = self.env.curve
        span = now_h - self._last_h
        weight = curve.requests(self._last_h, now_h) if curve is not None else span
        self.egress_demand += weight
        self.egress_served += weight * self._share
        self._last_h = now_h

    @property
    def egress_availability(self) -> float:
        """Demand-weighted share of egress-needing requests whose own AZ had a route out.

        Weighted by the environment's demand over time (by time when it has
        no demand curve); at each instant, by where those requests land
        (:meth:`~innovate_sim.aws.environment.EnvironmentModel.egress_share`).
        """
        if self.egress_demand > 0:
            return self.egress_served / self.egress_demand
        return 1.0 if self.env.nats else 0.0

    @property
    def egress_up_h(self) -> float:
        """Hours with internet egress from at least one AZ (the any-AZ figure)."""
        return self.egress.integral

    @property
    def database_up_h(self) -> float:
        """Hours the database accepted writes (all hours without a database)."""
        return self.database.integral
