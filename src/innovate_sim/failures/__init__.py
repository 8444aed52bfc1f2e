"""Failure processes that take components down and bring them back, and scheduled chaos."""

from innovate_sim.failures.chaos import Breakable, ChaosTarget, schedule_chaos, schedule_outage
from innovate_sim.failures.processes import alternating_outages, poisson_events

__all__ = [
    "Breakable",
    "ChaosTarget",
    "alternating_outages",
    "poisson_events",
    "schedule_chaos",
    "schedule_outage",
]
