"""The engine's own event loop processes what simpy's would, in the same order.

:class:`~innovate_sim.engine.Timer`, ``schedule`` and :meth:`Simulation.run
<innovate_sim.engine.Simulation.run>` do what :class:`simpy.Timeout`,
:meth:`simpy.Environment.schedule` and :meth:`simpy.Environment.run` with
``until`` do, without simpy's Python code on the path of every event. Each
test runs the same world twice — once through ``Simulation.run``, once through
simpy's ``env.run(until=horizon)`` — and compares what happened.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
import simpy

import innovate_sim as isim
from innovate_sim.aws.build import Model, build_model
from innovate_sim.cost.observers import observe_costs
from innovate_sim.engine import Simulation
from innovate_sim.metrics import observe

ROOT = Path(__file__).resolve().parents[2]


def _world(sim: Simulation, log: list[tuple[float, str]]) -> None:
    """Timers and processes that tie at the same instants, nest, cancel and end at the horizon."""

    def note(label: str) -> None:
        log.append((sim.now, label))

    def chain(k: int) -> None:
        note(f"chain{k}")
        if k < 5:
            sim.after(0.0, lambda: chain(k + 1))  # same instant, after what is already queued
            sim.after(0.5, lambda: note(f"late{k}"))

    sim.after(1.0, lambda: chain(0))
    sim.after(1.0, lambda: note("tie-a"))
    cancelled = sim.after(1.0, lambda: note("cancelled"))
    sim.after(0.5, cancelled.cancel)
    sim.at(3.0, lambda: note("at-3"))
    sim.after(10.0, lambda: note("at-horizon"))  # not run: the stop comes first
    sim.after(12.0, lambda: note("after-horizon"))

    def process(name: str, delays: list[float]) -> Generator[simpy.Event, Any, None]:
        for delay in delays:
            yield sim.timeout(delay)
            note(f"{name}+{delay}")
            sim.after(0.0, lambda: note(f"{name}-timer"))

    sim.process(process("p", [0.0, 1.0, 0.5, 8.5]))
    sim.process(process("q", [1.0, 1.5, 0.0]))

    def failing() -> Generator[simpy.Event, Any, None]:
        yield sim.timeout(2.0)
        event = sim.env.event()
        event.fail(ValueError("defused"))
        event.defused = True
        note("failed-defused")

    sim.process(failing())


def _simpy_run(sim: Simulation) -> None:
    sim.env.run(until=sim.horizon_h)


def test_the_engine_loop_orders_events_as_simpy_does() -> None:
    logs = []
    counts = []
    queued = []
    for run in (Simulation.run, _simpy_run):
        sim = Simulation(10.0)
        log: list[tuple[float, str]] = []
        _world(sim, log)
        run(sim)
        logs.append(log)
        counts.append(sim.events_scheduled)
        queued.append(sorted((t, p) for t, p, _, _ in sim.env._queue))
        assert sim.now == 10.0
    assert logs[0] == logs[1]
    assert counts[0] == counts[1]
    assert queued[0] == queued[1]
    labels = [label for _, label in logs[0]]
    assert "cancelled" not in labels and "at-horizon" not in labels
    assert labels.index("chain5") > labels.index("tie-a")  # zero delays queue behind ties


def test_an_undefused_failure_stops_the_run_as_in_simpy() -> None:
    def crash(sim: Simulation) -> Generator[simpy.Event, Any, None]:
        yield sim.timeout(1.0)
        sim.env.event().fail(RuntimeError("boom"))

    for run in (Simulation.run, _simpy_run):
        sim = Simulation(5.0)
        sim.process(crash(sim))
        with pytest.raises(RuntimeError, match="boom"):
            run(sim)
        assert sim.now == 1.0


def test_the_horizon_must_be_ahead() -> None:
    sim = Simulation(0.0)
    with pytest.raises(ValueError, match="horizon"):
        sim.run()


def _fingerprint(model: Model, run_loop: Any) -> tuple[Any, ...]:
    recorders = observe(model)
    costs = observe_costs(model)
    for env in model.environments.values():
        env.flush()
    run_loop(model.sim)
    for env in model.environments.values():
        env.finish()
    out: list[Any] = [model.sim.events_scheduled]
    horizon = model.scenario.horizon
    for name, env in model.environments.items():
        availability = recorders[name].availability
        assert availability is not None
        out.append(
            (
                availability.demand_requests,
                availability.lost_requests,
                [(i.start_h, i.end_h, i.cause, i.lost_requests) for i in availability.incidents],
                costs[name].reduce(horizon),
                [h.scalings for h in env.hpas],
            )
        )
    return tuple(out)


@pytest.mark.parametrize("name", ["prod.yaml", "dev.yaml"])
def test_a_replication_is_the_same_through_either_loop(name: str) -> None:
    scenario = isim.load_scenario(ROOT / "scenarios" / name).with_(
        {"horizon": "30d", "failures.node.rate": "52/y", "failures.nat_gateway.rate": "26/y"}
    )
    ours = _fingerprint(build_model(scenario, 5, 1), Simulation.run)
    simpys = _fingerprint(build_model(scenario, 5, 1), _simpy_run)
    assert ours == simpys
    assert ours[0] > 1_500  # a month of a real run, not an empty one
