"""Run replications serially, in a process pool, or on any ``concurrent.futures.Executor``.

Every experiment goes through :func:`run_batches`: :func:`simulate` runs one
scenario, :func:`innovate_sim.sweep` many variants, both the same way. Each
replication's random streams derive from (seed, replication number, process
name) only, so results are identical whatever the executor, the number of
workers or the chunking; outcomes are sorted by replication number. A Dask
``Client.get_executor()`` works unchanged (see :mod:`innovate_sim.experiments.dask`).

Scenarios that differ only in usage figures priced after the run (traffic per
request, logs, object storage: :meth:`Scenario.simulation_key
<innovate_sim.scenario.Scenario.simulation_key>`) are simulated once and share
their replications: a sensitivity analysis or sweep over response size
re-prices one simulation instead of repeating it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from innovate_sim.cost.pricecheck import check_prices
from innovate_sim.experiments.dask import shipped
from innovate_sim.experiments.records import ReplicationRecord, compact
from innovate_sim.experiments.replication import run_replication
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.rng import check_seed
from innovate_sim.scenario import Scenario

__all__ = ["chunk_size", "parallelism", "run_batches", "run_chunk", "simulate"]

Progress = Callable[[int, int], None]
#: Called with (index of the scenario, its outcomes in replication order) when it completes.
BatchDone = Callable[[int, list[ReplicationRecord]], None]

#: Most replications one task carries (a failed worker loses at most this many).
MAX_CHUNK = 50
#: Tasks aimed for per worker, so that a slow chunk does not leave the others idle.
TASKS_PER_WORKER = 4


def run_chunk(
    scenario: Scenario, seed: int, replications: Sequence[int]
) -> list[ReplicationRecord]:
    """Run a batch of replications in one worker (top-level so that it pickles).

    Outcomes are compacted here, so what crosses to the main process is small.
    """
    return [compact(run_replication(scenario, seed, r)) for r in replications]


def parallelism(executor: Executor, workers: int | None = None) -> int:
    """How many tasks ``executor`` runs at once: ``workers`` if given, else what it reports.

    A process or thread pool reports its ``_max_workers``; a Dask
    ``ClientExecutor`` its client's total threads; anything else counts as
    this machine's CPUs.
    """
    if workers:
        return int(workers)
    count = getattr(executor, "_max_workers", None)
    if count:
        return int(count)
    client = getattr(executor, "_client", None)  # a Dask ClientExecutor
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # pragma: no cover - a client that cannot answer
            pass
    return os.cpu_count() or 1


def chunk_size(tasks: int, parallel: int, replications: int) -> int:
    """Replications per task: about four tasks per worker, at most 50 and one scenario's count.

    Args:
        tasks: replications to run in all (over every scenario).
        parallel: tasks the executor runs at once.
        replications: replications per scenario (a task never spans two scenarios).
    """
    return max(1, min(MAX_CHUNK, replications, tasks // max(1, TASKS_PER_WORKER * parallel)))


def _same_simulation(scenarios: Sequence[Scenario]) -> list[list[int]]:
    """Indices of ``scenarios`` grouped by simulation key, groups in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for index, scenario in enumerate(scenarios):
        groups.setdefault(scenario.simulation_key(), []).append(index)
    return list(groups.values())


def _chunks(replications: int, size: int) -> list[list[int]]:
    """Replication numbers 0…replications−1 cut into runs of ``size``."""
    return [list(range(i, min(i + size, replications))) for i in range(0, replications, size)]


@dataclass(frozen=True)
class _Batches:
    """Replications 0…``replications``−1 of each scenario, and where to report them."""

    scenarios: Sequence[Scenario]
    seed: int
    replications: int
    on_done: BatchDone
    tick: Callable[[int], None]
    #: per scenario, how many of the scenarios asked for it stands for (progress counts them all)
    copies: Sequence[int]

    def run_here(self) -> None:
        """Run every replication in this process, scenario after scenario."""
        for index, scenario in enumerate(self.scenarios):
            outcomes = []
            for r in range(self.replications):
                outcomes.append(compact(run_replication(scenario, self.seed, r)))
                self.tick(self.copies[index])
            self.on_done(index, outcomes)

    def run_on(self, executor: Executor, parallel: int) -> None:
        """Submit chunks of replications to ``executor``; report each scenario once complete."""
        count = self.replications
        size = chunk_size(count * len(self.scenarios), parallel, count)
        futures: dict[Future[list[ReplicationRecord]], int] = {}
        pending = [0] * len(self.scenarios)
        gathered: list[list[ReplicationRecord]] = [[] for _ in self.scenarios]
        try:
            for index, scenario in enumerate(self.scenarios):  # early scenarios finish first
                payload = shipped(executor, scenario)  # on Dask, sent to the workers once
                for chunk in _chunks(count, size):
                    futures[executor.submit(run_chunk, payload, self.seed, chunk)] = index
                    pending[index] += 1
            for future in as_completed(futures):
                index = futures[future]
                outcomes = future.result()
                gathered[index].extend(outcomes)
                pending[index] -= 1
                self.tick(len(outcomes) * self.copies[index])
                if pending[index] == 0:
                    done, gathered[index] = gathered[index], []
                    self.on_done(index, sorted(done, key=lambda o: o.replication))
        finally:
            for future in futures:
                future.cancel()


def run_batches(
    scenarios: Sequence[Scenario],
    seed: int,
    replications: int,
    on_done: BatchDone,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    already_done: int = 0,
) -> None:
    """Run replications 0…``replications``−1 of every scenario; report each as it completes.

    Args:
        scenarios: what to simulate, all with the same seed (common random numbers).
        seed: experiment seed.
        replications: per scenario.
        on_done: called once per scenario, in completion order, with its index
            and its outcomes sorted by replication.
        executor: any ``concurrent.futures.Executor`` (a process pool, a Dask
            ``Client.get_executor()``); None runs in this process (safe in
            notebooks) unless ``workers`` > 1.
        workers: with no executor, run in a process pool of this many workers;
            with one, the parallelism to chunk for.
        progress: called with (done, total) replications as they finish.
        already_done: replications counted as done before this call (a resumed
            sweep), included in ``progress``'s figures.
    """
    done = already_done
    total = already_done + replications * len(scenarios)

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    groups = _same_simulation(scenarios)

    def report(index: int, outcomes: list[ReplicationRecord]) -> None:
        for asked in groups[index]:
            on_done(asked, outcomes)

    own_pool = None
    if executor is None and workers is not None and workers > 1 and scenarios:
        own_pool = executor = ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1))
    unique = [scenarios[group[0]] for group in groups]
    batches = _Batches(unique, seed, replications, report, tick, [len(g) for g in groups])
    try:
        if executor is None:
            batches.run_here()
        elif scenarios:
            batches.run_on(executor, parallelism(executor, workers))
    finally:
        if own_pool is not None:
            own_pool.shutdown(cancel_futures=True)


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> SimulationResult:
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

    Returns:
        A :class:`SimulationResult`, replications in order, carrying the seed,
        the scenario's hash and the package version. A failed replication is
        reported in ``result.failed``, not raised.

    Raises:
        ValueError: fewer than one replication, or a seed outside 0 … 2⁶³ − 1.
        ScenarioError: a resource cannot be priced in some month of the horizon
            (checked before any simulation).
    """
    count = scenario.replications if replications is None else int(replications)
    if count < 1:
        raise ValueError("replications must be at least 1")
    seed = scenario.seed if seed is None else check_seed(seed)
    check_prices(scenario)  # a missing price fails now, not after minutes of simulation
    started = time.perf_counter()
    outcomes: list[ReplicationRecord] = []

    def keep(_index: int, done: list[ReplicationRecord]) -> None:
        outcomes.extend(done)

    run_batches(
        [scenario], seed, count, keep, executor=executor, workers=workers, progress=progress
    )
    return SimulationResult(scenario, seed, outcomes, time.perf_counter() - started)
