"""Time an environment had internet egress and a writable database, observed from outside."""

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
        env.on_flush.append(self.record)
        env.on_finish.append(self.close)

    def record(self, now_h: float) -> None:
        """Close the interval up to ``now_h`` and read the current state."""
        self.egress.set(now_h, 1.0 if self.env.has_egress() else 0.0)
        self.database.set(now_h, 1.0 if self.env.database_writable() else 0.0)

    def close(self, end_h: float) -> None:
        """Integrate up to the end of the run."""
        self.egress.close(end_h)
        self.database.close(end_h)

    @property
    def egress_up_h(self) -> float:
        """Hours with internet egress from at least one AZ (up to the last record)."""
        return self.egress.integral

    @property
    def database_up_h(self) -> float:
        """Hours the database accepted writes (all hours without a database)."""
        return self.database.integral
