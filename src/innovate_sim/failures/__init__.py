"""Failure processes that take components down and bring them back, and scheduled chaos."""

from innovate_sim.failures.chaos import Breakable, ChaosTarget, schedule_chaos, schedule_outage
from innovate_sim.failures.processes import Clock, alternating_outages, poisson_events

__all__ = [
    "Breakable",
    "ChaosTarget",
    "Clock",
    "alternating_outages",
    "poisson_events",
    "schedule_chaos",
    "schedule_outage",
]
