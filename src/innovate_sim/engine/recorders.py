"""Recorders that observe a model from outside: time-weighted values and events.

Recording is attached to the model, never written into its logic; what a
replication keeps is bounded (no per-event history unless asked for).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EventLog", "StateTime", "TimeWeighted"]


class TimeWeighted:
    """Integral of a piecewise-constant value over time.

    Args:
        start_h: time the recording starts.
        value: initial value.
    """

    __slots__ = ("_last_h", "integral", "start_h", "value")

    def __init__(self, start_h: float = 0.0, value: float = 0.0) -> None:
        self.start_h = start_h
        self._last_h = start_h
        self.value = value
        self.integral = 0.0

    def set(self, now_h: float, value: float) -> None:
        """The value changes to ``value`` at ``now_h``."""
        self.integral += self.value * (now_h - self._last_h)
        self._last_h = now_h
        self.value = value

    def close(self, end_h: float) -> float:
        """Integrate up to ``end_h`` and return the integral (value × hours)."""
        self.set(end_h, self.value)
        return self.integral

    def mean(self, end_h: float) -> float:
        """Time-average over [start, end]."""
        span = end_h - self.start_h
        return self.close(end_h) / span if span > 0 else self.value


class StateTime:
    """Hours spent in each state of a component."""

    __slots__ = ("_since_h", "hours", "state")

    def __init__(self, start_h: float, state: Hashable) -> None:
        self.state = state
        self._since_h = start_h
        self.hours: dict[Hashable, float] = {}

    def enter(self, now_h: float, state: Hashable) -> None:
        """The component enters ``state`` at ``now_h``."""
        self.hours[self.state] = self.hours.get(self.state, 0.0) + now_h - self._since_h
        self.state = state
        self._since_h = now_h

    def close(self, end_h: float) -> dict[Hashable, float]:
        """Hours per state up to ``end_h``."""
        self.enter(end_h, self.state)
        return dict(self.hours)


@dataclass
class EventLog:
    """A bounded log of ``(time_h, name, details)`` records.

    Attributes:
        capacity: records kept at most; later ones are counted, not kept.
    """

    capacity: int = 0
    records: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    dropped: int = 0

    def record(self, time_h: float, name: str, **details: Any) -> None:
        """Append a record if there is room."""
        if len(self.records) < self.capacity:
            self.records.append((time_h, name, details))
        else:
            self.dropped += 1
