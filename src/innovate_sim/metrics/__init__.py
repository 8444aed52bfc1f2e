"""Measurement: availability of requests and time, incidents, uptime, timelines.

Recorders subscribe to a built model from outside (:func:`observe`); the
model only changes state and tells its subscribers.
"""

from innovate_sim.aws.service import ServiceState, WorkloadService
from innovate_sim.metrics.availability import AvailabilityRecorder, Incident
from innovate_sim.metrics.observe import EnvironmentRecorders, observe
from innovate_sim.metrics.timeline import TimelineRecorder
from innovate_sim.metrics.uptime import UptimeRecorder

__all__ = [
    "AvailabilityRecorder",
    "EnvironmentRecorders",
    "Incident",
    "ServiceState",
    "TimelineRecorder",
    "UptimeRecorder",
    "WorkloadService",
    "observe",
]
