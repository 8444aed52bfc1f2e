"""A thin layer over simpy: the clock in hours, cancellable timers, processes.

The engine knows nothing of AWS, pandas or matplotlib; a test imports it in a
fresh interpreter and checks that.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

__all__ = ["Interrupt", "Simulation", "Timer"]

Interrupt = simpy.Interrupt


class Timer:
    """A callback scheduled at a time; cancelling it makes it a no-op when it fires."""

    __slots__ = ("_callback", "at", "cancelled")

    def __init__(self, at: float, callback: Callable[[], None]) -> None:
        self.at = at
        self._callback = callback
        self.cancelled = False

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
        self.env = simpy.Environment()
        self.horizon_h = float(horizon_h)

    @property
    def now(self) -> float:
        """Current simulated time in hours."""
        return self.env.now

    def at(self, time_h: float, callback: Callable[[], None], *, urgent: bool = False) -> Timer:
        """Run ``callback`` at absolute time ``time_h`` (not before now)."""
        delay = max(0.0, time_h - self.env.now)
        return self.after(delay, callback, urgent=urgent)

    def after(self, delay_h: float, callback: Callable[[], None], *, urgent: bool = False) -> Timer:
        """Run ``callback`` after ``delay_h`` hours; returns a cancellable :class:`Timer`.

        Args:
            delay_h: delay in hours (>= 0).
            callback: called with no arguments.
            urgent: run before ordinary events scheduled for the same time.
        """
        timer = Timer(self.env.now + delay_h, callback)
        event = simpy.Event(self.env)
        event.callbacks.append(timer._fire)  # type: ignore[union-attr]
        event._ok = True
        event._value = None
        self.env.schedule(event, priority=URGENT if urgent else NORMAL, delay=delay_h)
        return timer

    def process(self, generator: Generator[simpy.Event, Any, Any]) -> simpy.Process:
        """Start a simpy process."""
        return self.env.process(generator)

    def timeout(self, delay_h: float) -> simpy.Timeout:
        """An event that fires after ``delay_h`` hours (for use inside processes)."""
        return self.env.timeout(delay_h)

    def run(self) -> None:
        """Run until the horizon."""
        self.env.run(until=self.horizon_h)
