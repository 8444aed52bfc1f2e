"""Attach the measurement recorders to a built model, from outside (desmod's ``probe.attach``)."""

from __future__ import annotations

from dataclasses import dataclass

from innovate_sim.aws.build import Model
from innovate_sim.metrics.availability import AvailabilityRecorder
from innovate_sim.metrics.timeline import TimelineRecorder
from innovate_sim.metrics.uptime import UptimeRecorder

__all__ = ["EnvironmentRecorders", "observe"]


@dataclass
class EnvironmentRecorders:
    """What is measured of one environment.

    Attributes:
        uptime: egress and database uptime.
        availability: request and time availability (environments with demand).
        timeline: the service state at every change (when asked for).
    """

    uptime: UptimeRecorder
    availability: AvailabilityRecorder | None = None
    timeline: TimelineRecorder | None = None


def observe(model: Model, *, timeline: bool = False) -> dict[str, EnvironmentRecorders]:
    """Subscribe the recorders of every environment of ``model`` (before it runs).

    Args:
        model: a model from :func:`~innovate_sim.aws.build.build_model`.
        timeline: also keep the service state at every change.
    """
    settings = model.scenario.simulation
    recorders: dict[str, EnvironmentRecorders] = {}
    for name, env in model.environments.items():
        recorded = EnvironmentRecorders(UptimeRecorder(env))
        if env.curve is not None:
            recorded.availability = AvailabilityRecorder.attach(
                env, settings.time_availability_threshold
            )
            if timeline:
                recorded.timeline = TimelineRecorder(env, settings.demand_resolution)
        recorders[name] = recorded
    return recorders
