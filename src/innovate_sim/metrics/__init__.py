"""Measurement: availability of requests and time, incidents, error budgets."""

from innovate_sim.metrics.availability import (
    AvailabilityRecorder,
    Incident,
    ServiceState,
    WorkloadService,
)

__all__ = ["AvailabilityRecorder", "Incident", "ServiceState", "WorkloadService"]
