"""Run replications serially, in a process pool, or on any ``concurrent.futures.Executor``.

Each replication's random streams derive from (seed, replication number,
process name) only, so results are identical whatever the executor or the
number of workers; outcomes are sorted by replication number. A Dask
``Client.get_executor()`` works unchanged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING, overload

from innovate_sim.experiments.replication import ReplicationOutcome, run_replication
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.scenario import Scenario

if TYPE_CHECKING:
    from innovate_sim.uncertainty.total import UncertaintyResult

__all__ = ["run_chunk", "simulate"]

Progress = Callable[[int, int], None]


def run_chunk(
    scenario: Scenario, seed: int, replications: Sequence[int]
) -> list[ReplicationOutcome]:
    """Run a batch of replications in one worker (top-level so that it pickles)."""
    return [run_replication(scenario, seed, r) for r in replications]


def _chunks(replications: int, workers: int) -> list[list[int]]:
    size = max(1, min(50, replications // max(1, 4 * workers)))
    return [list(range(i, min(i + size, replications))) for i in range(0, replications, size)]


@overload
def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    uncertainty: None = None,
) -> SimulationResult: ...


@overload
def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    uncertainty: int,
) -> UncertaintyResult: ...


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    uncertainty: int | None = None,
) -> SimulationResult | UncertaintyResult:
    """Simulate a scenario many times and collect the results.

    Args:
        scenario: the validated scenario.
        replications: number of replications (default: the scenario's).
        seed: experiment seed (default: the scenario's).
        executor: where to run: None runs in this process (safe in notebooks)
            unless ``workers`` > 1; any ``concurrent.futures.Executor`` (a
            process pool, a Dask ``Client.get_executor()``) is used as given.
        workers: with no executor, run in a process pool of this many workers.
        progress: called with (done, total) as replications finish.
        uncertainty: K > 1 samples K sets of the uncertain inputs (Latin
            hypercube; package defaults' ranges included) and runs
            ``replications`` per set (default: the scenario's / K, at least 2),
            returning an :class:`~innovate_sim.uncertainty.total.UncertaintyResult`.

    Returns:
        A :class:`SimulationResult`, replications in order, carrying the seed,
        the scenario's hash and the package version. A failed replication is
        reported in ``result.failed``, not raised.
    """
    if uncertainty is not None:
        from innovate_sim.uncertainty.total import simulate_uncertain

        return simulate_uncertain(
            scenario,
            int(uncertainty),
            replications,
            seed,
            workers=workers,
            executor=executor,
            progress=progress,
        )
    count = scenario.replications if replications is None else int(replications)
    if count < 1:
        raise ValueError("replications must be at least 1")
    seed = scenario.seed if seed is None else int(seed)
    started = time.perf_counter()
    outcomes: list[ReplicationOutcome] = []
    own_pool = None
    if executor is None and workers is not None and workers > 1:
        own_pool = executor = ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1))
    try:
        if executor is None:
            for r in range(count):
                outcomes.append(run_replication(scenario, seed, r))
                if progress:
                    progress(len(outcomes), count)
        else:
            parallel = workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
            futures = [
                executor.submit(run_chunk, scenario, seed, chunk)
                for chunk in _chunks(count, int(parallel))
            ]
            for future in as_completed(futures):
                outcomes.extend(future.result())
                if progress:
                    progress(len(outcomes), count)
    finally:
        if own_pool is not None:
            own_pool.shutdown()
    outcomes.sort(key=lambda o: o.replication)
    return SimulationResult(scenario, seed, outcomes, time.perf_counter() - started)
