"""Where a replication's time goes: its events by kind, and the time per event.

Runs one replication of a scenario twice: plainly (timed: model building, the
run, and the whole :func:`~innovate_sim.experiments.replication.run_replication`),
then with every processed event classified by what it calls — a timer's
callback (cancelled ones apart: they are popped and do nothing) or a failure
process's step. It also times simpy's own floor (a chain of timeouts with a
callback), to show how much of an event is the kernel and how much the model.

Usage: python benchmarks/event_anatomy.py [scenarios/prod.yaml] [--replication 0]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any

import simpy

import innovate_sim as isim
from innovate_sim._compiled import describe
from innovate_sim.aws.build import build_model
from innovate_sim.cost.observers import observe_costs
from innovate_sim.engine import Timer
from innovate_sim.experiments.replication import run_replication
from innovate_sim.metrics import observe
from innovate_sim.units import HOURS_PER_YEAR


def _kind(callback: Any) -> str:
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, Timer):
        target = owner._callback
        name = getattr(target, "__qualname__", None)
        if name is None:  # functools.partial
            name = getattr(getattr(target, "func", None), "__qualname__", "?")
        name = name.replace(".<locals>.<lambda>", " (closure)")
        return f"{name}{' [cancelled]' if owner.cancelled else ''}"
    return getattr(callback, "__qualname__", type(callback).__name__)


def classify(scenario: isim.Scenario, seed: int, replication: int) -> Counter[str]:
    """Events processed by one replication, by what they call."""
    model = build_model(scenario, seed, replication)
    observe(model)
    observe_costs(model)
    env = model.sim.env
    counts: Counter[str] = Counter()
    step = env.step

    def counting_step() -> None:
        if env._queue:
            for callback in env._queue[0][3].callbacks or ():
                counts[_kind(callback)] += 1
        step()

    env.step = counting_step  # type: ignore[method-assign]
    # Model.run through simpy's own loop, which calls step for every event (the engine's
    # loop processes the same events in the same order: tests/invariants/test_engine_loop.py)
    for environment in model.environments.values():
        environment.flush()
    env.run(until=model.sim.horizon_h)
    return counts


def simpy_floor(events: int = 500_000) -> float:
    """Microseconds per event of a bare simpy timeout chain with one callback."""
    env = simpy.Environment()
    left = [events]

    def again(_event: simpy.Event) -> None:
        left[0] -= 1
        if left[0] > 0:
            env.timeout(1.0).callbacks.append(again)

    env.timeout(1.0).callbacks.append(again)
    started = time.perf_counter()
    env.run()
    return (time.perf_counter() - started) / events * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/prod.yaml")
    parser.add_argument("--replication", type=int, default=0)
    args = parser.parse_args()
    scenario = isim.load_scenario(args.scenario)
    seed, replication = scenario.seed, args.replication
    years = scenario.horizon / HOURS_PER_YEAR
    print(f"simulation {describe()}")
    run_replication(scenario, seed, replication)  # warm caches (demand curve, catalog)
    started = time.perf_counter()
    model = build_model(scenario, seed, replication)
    observe(model)
    observe_costs(model)
    built = time.perf_counter()
    model.run()
    ran = time.perf_counter()
    outcome = run_replication(scenario, seed, replication)
    whole = time.perf_counter() - ran
    events = outcome.events
    print(f"{args.scenario}, replication {replication} ({years:g} replication-years)")
    print(
        f"build {1e3 * (built - started):.1f} ms · run {1e3 * (ran - built):.1f} ms · "
        f"run_replication {1e3 * whole:.1f} ms · {events:,} events scheduled "
        f"({events / years:,.0f} per replication-year) · "
        f"{1e6 * (ran - built) / events:.1f} µs per event"
    )
    print(f"simpy's own floor: {simpy_floor():.2f} µs per event (timeout chain, one callback)")
    counts = classify(scenario, seed, replication)
    total = sum(counts.values())
    print(f"\n{'events processed, by what they call':<58} {'count':>8} {'share':>7}")
    for kind, count in counts.most_common():
        print(f"{kind:<58} {count:>8,} {count / total:>7.1%}")
    cancelled = sum(count for kind, count in counts.items() if kind.endswith("[cancelled]"))
    print(f"{'total':<58} {total:>8,}   ({cancelled / total:.1%} cancelled timers)")


if __name__ == "__main__":
    main()
