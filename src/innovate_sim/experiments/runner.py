"""Run replications serially, in a process pool, or on any ``concurrent.futures.Executor``.

Every experiment goes through :func:`run_batches`: :func:`simulate` runs one
scenario, :func:`innovate_sim.sweep` many variants, both the same way. Each
replication's random streams derive from (seed, replication number, process
name) only, so results are identical whatever the executor, the number of
workers or the chunking; outcomes are sorted by replication number. A Dask
``Client.get_executor()`` works unchanged (see :mod:`innovate_sim.experiments.dask`).

A replication that is the same simulation under several scenarios — they
differ only in usage figures priced after the run, or in the figures of failure
processes that bring no failure in it (:mod:`innovate_sim.experiments.sharing`)
— is simulated once and reported for each of them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, MutableMapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed

from innovate_sim.cost.pricecheck import check_prices
from innovate_sim.experiments.dask import shipped
from innovate_sim.experiments.records import ReplicationRecord, compact
from innovate_sim.experiments.replication import run_replication
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.experiments.sharing import ReplicationKeys
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


def _chunks(replications: Sequence[int], size: int) -> list[list[int]]:
    """Replication numbers cut into runs of ``size``."""
    return [list(replications[i : i + size]) for i in range(0, len(replications), size)]


class _Batches:
    """Replications 0…``replications``−1 of each scenario, each distinct simulation run once.

    Replications that are one simulation (:class:`~innovate_sim.experiments.sharing.
    ReplicationKeys`; never two of one scenario) are run under the first
    scenario that needs them, and a scenario is reported once all of its
    replications are in. ``known`` maps keys to records already simulated: they
    are not run again, and new ones are added to it (otherwise records are
    dropped once every scenario that needs them is reported).
    """

    def __init__(
        self,
        scenarios: Sequence[Scenario],
        seed: int,
        replications: int,
        on_done: BatchDone,
        tick: Callable[[int], None],
        known: MutableMapping[str, ReplicationRecord] | None,
    ) -> None:
        self.scenarios = scenarios
        self.seed = seed
        self.on_done = on_done
        self.tick = tick
        self.keep = known is not None
        self.found: MutableMapping[str, ReplicationRecord] = {} if known is None else known
        if len(scenarios) > 1 or self.keep:
            self.keys = ReplicationKeys(seed).of_all(scenarios, replications, kept=self.keep)
        else:  # one scenario: its replications are all different
            self.keys = [[str(r) for r in range(replications)] for _ in scenarios]
        self.users: dict[str, list[int]] = {}
        self.todo: list[list[int]] = [[] for _ in scenarios]
        for index, keys in enumerate(self.keys):
            for r, key in enumerate(keys):
                users = self.users.setdefault(key, [])
                if not users and key not in self.found:
                    self.todo[index].append(r)
                users.append(index)
        self.missing = [len(keys) for keys in self.keys]
        self.left = {key: len(users) for key, users in self.users.items()}

    def start(self) -> None:
        """Count in what ``known`` already holds; report the scenarios it completes."""
        for key in [key for key in self.users if key in self.found]:
            self._arrived(key)

    def run_here(self) -> None:
        """Run every replication in this process, scenario after scenario."""
        self.start()
        for index, scenario in enumerate(self.scenarios):
            for r in self.todo[index]:
                record = compact(run_replication(scenario, self.seed, r))
                self._add(index, record)

    def run_on(self, executor: Executor, parallel: int) -> None:
        """Submit chunks of replications to ``executor``; report each scenario once complete."""
        self.start()
        wanted = [len(todo) for todo in self.todo]
        size = chunk_size(sum(wanted), parallel, max(wanted, default=1))
        futures: dict[Future[list[ReplicationRecord]], int] = {}
        try:
            for index, scenario in enumerate(self.scenarios):  # early scenarios finish first
                if not self.todo[index]:
                    continue
                payload = shipped(executor, scenario)  # on Dask, sent to the workers once
                for chunk in _chunks(self.todo[index], size):
                    futures[executor.submit(run_chunk, payload, self.seed, chunk)] = index
            for future in as_completed(futures):
                index = futures[future]
                for record in future.result():
                    self._add(index, record)
        finally:
            for future in futures:
                future.cancel()

    def _add(self, index: int, record: ReplicationRecord) -> None:
        key = self.keys[index][record.replication]
        self.found[key] = record
        self._arrived(key)

    def _arrived(self, key: str) -> None:
        users = self.users[key]
        self.tick(len(users))
        for index in users:
            self.missing[index] -= 1
            if self.missing[index] == 0:
                keys = self.keys[index]
                self.on_done(index, [self.found[k] for k in keys])
                for k in keys:
                    self.left[k] -= 1
                    if self.left[k] == 0 and not self.keep:
                        del self.found[k]


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
    known: MutableMapping[str, ReplicationRecord] | None = None,
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
        known: records by replication key already simulated, reused and added to
            (:class:`~innovate_sim.experiments.sharing.ReplicationKeys`).
    """
    done = already_done
    total = already_done + replications * len(scenarios)

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    own_pool = None
    if executor is None and workers is not None and workers > 1 and scenarios:
        own_pool = executor = ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1))
    batches = _Batches(scenarios, seed, replications, on_done, tick, known)
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
