"""A recorder that observes a model from outside: the integral of a piecewise-constant value.

Recording is attached to the model, never written into its logic
(:mod:`innovate_sim.metrics` builds its recorders on this one).
"""

from __future__ import annotations

__all__ = ["TimeWeighted"]


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
