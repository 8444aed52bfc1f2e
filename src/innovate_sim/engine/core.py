r"""A thin layer over simpy: the clock in hours, cancellable timers, processes.

Components of the model change state in callbacks that :class:`Timer`\ s run
at their time; the failure processes are simpy processes that wait on
timeouts. The engine knows nothing of AWS, pandas or matplotlib; a test
imports it in a fresh interpreter and checks that.

Three hot spots bypass simpy's Python code with the same effect, because every
event of a run passes through them: a :class:`Timer` is queued as a
:class:`simpy.Timeout` would be, ``schedule`` pushes onto the queue as
:meth:`simpy.Environment.schedule` does, and :meth:`Simulation.run` steps the
queue as :meth:`simpy.Environment.run` with ``until`` does. They use the event
layout of simpy 4's source (``_queue`` of ``(time, priority, id, event)``,
``_now``, ``_eid``, and an event's ``callbacks``, ``_ok`` and ``_value``);
``tests/invariants/test_engine_loop.py`` checks that they process the same events in
the same order as simpy's own methods.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT, EventPriority

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
        queue: list[Any] = self._queue  # it holds Timers too
        heappush(queue, (self._now + delay, priority, next(self._eid), event))


class Timer:
    """A callback scheduled at a time; cancelling it makes it a no-op when it fires.

    One object per scheduled callback, queued in simpy's event queue like a
    :class:`simpy.Timeout`. :meth:`Simulation.run` calls it directly; to simpy's
    own ``step`` (``env.run``) it looks like a triggered event whose one
    callback fires it. It is not a simpy event itself: compiled, a plain class
    is a fixed record, cheaper to make than a simpy event's attribute dict, and
    every change in the model makes one.

    :meth:`Simulation.after` makes and queues it.

    Args:
        at: when it fires (hours).
        callback: called with no arguments.
    """

    def __init__(self, at: float, callback: Callable[[], None]) -> None:
        self.at = at
        self._callback = callback
        self.cancelled = False
        self._processed = False
        self._ok = True  # what simpy's step checks after the callbacks

    def cancel(self) -> None:
        """Stop the callback from running (idempotent)."""
        self.cancelled = True

    def fire(self) -> None:
        """Run the callback unless cancelled; then the timer is spent."""
        if not self.cancelled:
            self.cancelled = True
            self._callback()

    @property
    def pending(self) -> bool:
        """Whether the timer has neither fired nor been cancelled."""
        return not self.cancelled

    # -- what simpy's step sees -------------------------------------------------------------------

    @property
    def callbacks(self) -> list[Callable[[Any], None]] | None:
        """A simpy event's callbacks: one that fires the timer, ``None`` once processed."""
        return None if self._processed else [self._fire]

    @callbacks.setter
    def callbacks(self, value: list[Callable[[Any], None]] | None) -> None:
        if value is not None:
            raise TypeError("a Timer's callbacks cannot be replaced")
        self._processed = True

    def _fire(self, _event: object) -> None:
        self.fire()


class Simulation:
    """One replication's simulated world: a simpy environment whose clock is in hours.

    Args:
        horizon_h: the time the run stops at (hours).
    """

    def __init__(self, horizon_h: float) -> None:
        self.env = _CountingEnvironment()
        self.horizon_h = float(horizon_h)
        # simpy's queue and event counter, held here too so that queueing a timer reads no
        # attribute of the (interpreted) environment but its clock
        self._queue: list[Any] = self.env._queue
        self._eid = self.env._eid
        self._timers = 0

    @property
    def now(self) -> float:
        """Current simulated time in hours."""
        return self.env._now

    @property
    def events_scheduled(self) -> int:
        """Events scheduled so far (timers, process steps, the stop at the horizon)."""
        return self.env.scheduled + self._timers

    def at(self, time_h: float, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` at absolute time ``time_h`` (not before now)."""
        delay = max(0.0, time_h - self.env._now)
        return self.after(delay, callback)

    def after(self, delay_h: float, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` after ``delay_h`` hours; returns a cancellable :class:`Timer`.

        Callbacks due at the same time run in the order they were scheduled.

        Args:
            delay_h: delay in hours (>= 0).
            callback: called with no arguments.
        """
        if delay_h < 0:
            raise ValueError(f"Negative delay {delay_h}")
        timer = Timer(self.env._now + delay_h, callback)
        self._timers += 1
        heappush(self._queue, (timer.at, NORMAL, next(self._eid), timer))
        return timer

    def process(self, generator: Generator[simpy.Event, Any, Any]) -> simpy.Process:
        """Start a simpy process."""
        return self.env.process(generator)

    def timeout(self, delay_h: float) -> simpy.Timeout:
        """An event that fires after ``delay_h`` hours (for use inside processes)."""
        return simpy.Timeout(self.env, delay_h)  # env.timeout without its bound-class lookup

    def run(self) -> None:
        """Run until the horizon: what ``env.run(until=horizon_h)`` does, in compiled code.

        Events at the horizon itself do not run: the stop is scheduled first and
        as urgent, like simpy's ``until`` event.
        """
        env = self.env
        if self.horizon_h <= env._now:
            raise ValueError(f"horizon ({self.horizon_h}) must be after now ({env._now})")
        until = simpy.Event(env)
        until._ok = True
        until._value = None
        env.schedule(until, URGENT, self.horizon_h - env._now)
        queue = self._queue
        while True:
            now, _, _, event = heappop(queue)
            env._now = now
            if isinstance(event, Timer):
                event._processed = True
                event.fire()
                continue
            callbacks = event.callbacks
            event.callbacks = None  # type: ignore[assignment]
            if event is until:
                # as simpy's step does when StopSimulation ends a run: the stop
                # event is queued again (it counts as scheduled)
                event.callbacks = []
                env.schedule(event, EventPriority(-1))
                return
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
