"""Failure processes: outages arriving at random and repaired after a random time.

A failure is a simpy process (STYLE: the SimPy machine shop): it waits for the
next failure, calls the component's ``fail``, waits for the repair and calls
its ``repair``. The component changes state and notifies its listeners
directly — nothing in the model waits in a process, so there is nothing to
interrupt. Each process draws from its own named random stream, so adding a
component never changes another's failure history.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from innovate_sim.engine import Simulation
from innovate_sim.rng import RandomStreams, Stream

__all__ = ["Clock", "alternating_outages", "poisson_events"]


def _exponential(stream: Stream, rate_per_h: float) -> Callable[[], float]:
    """Draws of an exponential time (hours) of rate ``rate_per_h`` by inversion."""
    mean = 1.0 / rate_per_h
    draw = stream.random
    log = math.log
    return lambda: -mean * log(1.0 - draw())


@dataclass(frozen=True)
class Clock:
    """A failure process whose arrivals depend on nothing but its own stream and rate.

    Its first failure comes at the first draw of its stream, whatever the rest
    of the model does, so whether a replication sees any failure of it can be
    told without simulating (:meth:`first_arrival`).

    Attributes:
        kind: the scenario's ``failures`` field it follows (``nat_gateway``…).
        stream: the name of its random stream.
        rate_per_h: failures per hour while up.
    """

    kind: str
    stream: str
    rate_per_h: float

    def first_arrival(self, seed: int, replication: int) -> float:
        """When its first failure comes in that replication (hours; ``inf`` at rate 0)."""
        if self.rate_per_h <= 0:
            return math.inf
        stream = RandomStreams(seed, replication).stream(self.stream)
        return _exponential(stream, self.rate_per_h)()


def alternating_outages(
    sim: Simulation,
    stream: Stream,
    rate_per_h: float,
    duration: Callable[[], float],
    fail: Callable[[], None],
    repair: Callable[[], None],
) -> None:
    """Start a process of outages: up for Exp(rate) hours, down for ``duration()`` hours.

    Args:
        sim: the simulation.
        stream: the process's random stream (up times are drawn from it).
        rate_per_h: failures per hour while up; 0 starts nothing.
        duration: draws an outage duration in hours.
        fail: takes the component down.
        repair: brings it back.
    """
    if rate_per_h <= 0:
        return
    up_time = _exponential(stream, rate_per_h)
    timeout = sim.timeout

    def run() -> Generator[Any, Any, None]:
        while True:
            yield timeout(up_time())
            fail()
            yield timeout(duration())
            repair()

    sim.process(run())


def poisson_events(
    sim: Simulation, stream: Stream, rate_per_h: float, action: Callable[[], None]
) -> None:
    """Call ``action`` at the arrivals of a Poisson process of rate ``rate_per_h``."""
    if rate_per_h <= 0:
        return
    gap = _exponential(stream, rate_per_h)
    timeout = sim.timeout

    def run() -> Generator[Any, Any, None]:
        while True:
            yield timeout(gap())
            action()

    sim.process(run())
