r"""A thin layer over simpy: the clock in hours, cancellable timers, processes.

Components of the model change state in callbacks that :class:`Timer`\ s run
at their time; the failure processes are simpy processes that wait on
timeouts. Only simpy's public API is used. The engine knows nothing of AWS,
pandas or matplotlib; a test imports it in a fresh interpreter and checks
that.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy
from simpy.events import NORMAL, EventPriority

__all__ = ["Simulation", "Timer"]


class _CountingEnvironment(simpy.Environment):
    """A simpy environment that counts the events it schedules."""

    def __init__(self) -> None:
        super().__init__()
        self.scheduled = 0

    def schedule(
        self, event: simpy.Event, priority: EventPriority = NORMAL, delay: float = 0
    ) -> None:
        """Schedule ``event`` (see :meth:`simpy.Environment.schedule`) and count it."""
        self.scheduled += 1
        super().schedule(event, priority, delay)


class Timer(simpy.Timeout):
    """A callback scheduled at a time; cancelling it makes it a no-op when it fires.

    The timer is itself the simpy timeout that fires it (one object per
    scheduled callback).

    Args:
        env: the environment.
        delay_h: delay in hours (>= 0).
        callback: called with no arguments.
    """

    def __init__(
        self, env: simpy.Environment, delay_h: float, callback: Callable[[], None]
    ) -> None:
        super().__init__(env, delay_h)
        self.at = env.now + delay_h
        self._callback = callback
        self.cancelled = False
        self.callbacks.append(self._fire)  # type: ignore[union-attr]

    def cancel(self) -> None:
        """Stop the callback from running (idempotent)."""
        self.cancelled = True

    def _fire(self, _event: simpy.Event) -> None:
        if not self.cancelled:
            self.cancelled = True
            self._callback()

    @property
    def pending(self) -> bool:
        """Whether the timer has neither fired nor been cancelled."""
        return not self.cancelled


class Simulation:
    """One replication's simulated world: a simpy environment whose clock is in hours.

    Args:
        horizon_h: the time the run stops at (hours).
    """

    def __init__(self, horizon_h: float) -> None:
        self.env = _CountingEnvironment()
        self.horizon_h = float(horizon_h)

    @property
    def now(self) -> float:
        """Current simulated time in hours."""
        return self.env.now

    @property
    def events_scheduled(self) -> int:
        """Events scheduled so far (timers, process steps, the stop at the horizon)."""
        return self.env.scheduled

    def at(self, time_h: float, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` at absolute time ``time_h`` (not before now)."""
        delay = max(0.0, time_h - self.env.now)
        return self.after(delay, callback)

    def after(self, delay_h: float, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` after ``delay_h`` hours; returns a cancellable :class:`Timer`.

        Callbacks due at the same time run in the order they were scheduled.

        Args:
            delay_h: delay in hours (>= 0).
            callback: called with no arguments.
        """
        return Timer(self.env, delay_h, callback)

    def process(self, generator: Generator[simpy.Event, Any, Any]) -> simpy.Process:
        """Start a simpy process."""
        return self.env.process(generator)

    def timeout(self, delay_h: float) -> simpy.Timeout:
        """An event that fires after ``delay_h`` hours (for use inside processes)."""
        return self.env.timeout(delay_h)

    def run(self) -> None:
        """Run until the horizon."""
        self.env.run(until=self.horizon_h)
