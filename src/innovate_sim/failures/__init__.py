"""Failure processes that take components down and bring them back."""

from innovate_sim.failures.processes import alternating_outages, poisson_events

__all__ = ["alternating_outages", "poisson_events"]
