"""Study: how much of a replication could a failure-free baseline stand in for?

Issue 13's first item proposes simulating the failure-free trajectory once per
experiment and, in each replication, only the stretches where the replication's
state differs from it. What that saves depends on how long a replication stays
off the baseline after each failure. This script measures it on the full model,
without changing the package:

1. The draws the failure-free day makes in every replication — node launch
   latencies, pod start-up times, the HPA's and the RDS log upload's phases —
   are made common to all replications (what the reuse path would need): the
   phases come from replication 0's streams, and each launch latency and start-up
   time is drawn from a generator keyed by (seed, stream name, instant of the
   request, order within the instant), so a replication that launches a node
   at the same instant as the baseline gets the same latency.
2. The baseline is that model with every failure process, planned maintenance
   and instance failure switched off; a replication is the same model with them on.
3. At every whole hour both are reduced to a fingerprint of the state that
   decides their future: per environment, the nodes in id order (pool, instance
   type, AZ, capacity type, state, flags, launch time — it sets the expiry —
   and their pods by workload and state), replicas and pending pods per workload,
   the HPAs' and Karpenter's pending timers, the database's primary and
   writability, AZs, NAT Gateways and the control plane. Node and pod ids are
   left out (they are counters); their order is kept.

It prints, per replication, the share of hours whose fingerprint differs from
the baseline's, the share of the replication's events that fall in those hours
(the events a reuse path would still have to process), and the same with the
launch time left out of the fingerprint (what it would be if node age did not
matter, i.e. without expiry).

Usage: python benchmarks/baseline_divergence.py [scenarios/prod.yaml] [-n 4]
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import numpy as np

import innovate_sim as isim
from innovate_sim.aws import build as build_module
from innovate_sim.aws.build import build_model
from innovate_sim.aws.lifecycle import NodeLifecycle
from innovate_sim.rng import RandomStreams, Stream, name_key
from innovate_sim.units import HOURS_PER_YEAR

SHARED_PHASES = ("hpa-phase/", "rds-log-phase/")
KEYED_DRAWS = ("node-launch/", "pod-startup/")


class _KeyedStream(Stream):
    """A stream whose next uniform depends on the simulated instant, not on how many came before."""

    def __init__(self, seed: int, name: str, now: Callable[[], float]) -> None:
        super().__init__(np.random.SeedSequence(seed), name)
        self._seed = seed
        self._now = now
        self._last: tuple[float, int] = (-1.0, 0)

    def _generator(self) -> np.random.Generator:
        now = self._now()
        order = self._last[1] + 1 if self._last[0] == now else 0
        self._last = (now, order)
        key = (*name_key(self.name), *name_key(repr(now)), order)
        sequence = np.random.SeedSequence(entropy=self._seed, spawn_key=key)
        return np.random.Generator(np.random.PCG64(sequence))

    def random(self) -> float:
        return float(self._generator().random())

    def normal(self) -> float:
        return float(self._generator().standard_normal())


@contextmanager
def common_failure_free_draws(seed: int, now: Callable[[], float]):
    """Make the failure-free draws common to all replications (see the module docstring)."""
    original = RandomStreams.stream

    def stream(self: RandomStreams, name: str) -> Stream:
        if name.startswith(SHARED_PHASES):
            return original(RandomStreams(self.seed, 0), name)
        if name.startswith(KEYED_DRAWS):
            return _KeyedStream(seed, name, now)
        return original(self, name)

    RandomStreams.stream = stream  # type: ignore[method-assign]
    try:
        yield
    finally:
        RandomStreams.stream = original  # type: ignore[method-assign]


@contextmanager
def failures_off():
    """Build without failure processes, maintenance or instance failures."""
    saved = (
        build_module.poisson_events,
        build_module.alternating_outages,
        build_module.NodeLifecycle,
    )

    def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    def no_failures(*args: Any, **kwargs: Any) -> NodeLifecycle:
        # a function, not a subclass: a compiled class takes no interpreted subclass
        lifecycle = NodeLifecycle(*args, **kwargs)
        lifecycle.failure_rate_per_h = 0.0
        lifecycle.spot_rate_per_h = 0.0
        return lifecycle

    build_module.poisson_events = nothing  # type: ignore[assignment]
    build_module.alternating_outages = nothing  # type: ignore[assignment]
    build_module.NodeLifecycle = no_failures  # type: ignore[misc, assignment]
    try:
        yield
    finally:
        build_module.poisson_events, build_module.alternating_outages = saved[:2]
        build_module.NodeLifecycle = saved[2]  # type: ignore[misc]


def _model(scenario: isim.Scenario, seed: int, replication: int, *, failures: bool) -> Any:
    clock: list[Any] = []
    with common_failure_free_draws(seed, lambda: clock[0].now if clock else 0.0):
        if failures:
            model = build_model(scenario, seed, replication)
        else:
            with failures_off():
                model = build_model(scenario, seed, replication)
    clock.append(model.sim)
    return model


def _timer_at(timer: Any) -> float | None:
    return round(timer.at, 9) if timer is not None and timer.pending else None


LEVELS = ("exact", "no launch time", "up to symmetry")
"""How strict a fingerprint is: everything that decides the future (ids left out); without the
nodes' launch times (as if no expiry); and also without the nodes' order and which RDS instance
is primary (equal up to permuting interchangeable nodes and instances — what a merge would need
to accept if replications are to rejoin the baseline; not exact, see the docstring)."""


def fingerprint(model: Any, level: str = "exact") -> tuple:
    """The state that decides a model's future at ``level`` (one of :data:`LEVELS`)."""
    with_launch_time = level == "exact"
    symmetric = level == "up to symmetry"
    parts: list[Any] = []
    for name, env in model.environments.items():
        part: list[Any] = [name, tuple(z.up for z in env.zones), tuple(n.up for n in env.nats)]
        part.append(env.control_plane.up)
        db = env.database
        if db is not None:
            primary = None if db.primary is None or symmetric else db.primary.index
            part.append((db.writable, primary))
        cluster = env.cluster
        if cluster is not None:
            nodes = []
            for node in sorted(cluster.nodes, key=lambda n: n.id):
                pods = tuple(sorted(Counter((p.workload.name, p.state) for p in node.pods).items()))
                launched = round(node.launched_h, 9) if with_launch_time else None
                nodes.append(
                    (
                        node.pool.name,
                        node.itype.name,
                        node.zone.index,
                        node.capacity_type,
                        node.state,
                        node.failed,
                        node.cordoned,
                        node.not_ready,
                        launched,
                        pods,
                    )
                )
            part.append(tuple(sorted(nodes, key=repr) if symmetric else nodes))
            part.append(tuple((w.name, w.replicas) for w in cluster.workloads.values()))
            part.append(len(cluster.pending))
        part.append(tuple(_timer_at(h.timer) for h in env.hpas))
        if env.karpenter is not None:
            part.append(_timer_at(env.karpenter._consolidation_timer))
        parts.append(tuple(part))
    return tuple(parts)


def hourly(model: Any, hours: int) -> tuple[dict[str, list[tuple]], list[int]]:
    """Run ``model``; its fingerprints at every level and its events so far, per whole hour."""
    prints: dict[str, list[tuple]] = {level: [] for level in LEVELS}
    events: list[int] = []
    sim = model.sim
    for env in model.environments.values():
        env.flush()
    for hour in range(1, hours + 1):
        sim.env.run(until=float(hour))
        for level in LEVELS:
            prints[level].append(fingerprint(model, level))
        events.append(sim.events_scheduled)
    return prints, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/prod.yaml")
    parser.add_argument("-n", "--replications", type=int, default=4)
    args = parser.parse_args()
    scenario = isim.load_scenario(args.scenario)
    seed = scenario.seed
    hours = min(int(scenario.horizon), int(HOURS_PER_YEAR))
    base, base_events = hourly(_model(scenario, seed, 0, failures=False), hours)
    print(f"{args.scenario}: the first {hours:,} h of each replication, fingerprints every hour")
    print(f"failure-free baseline: {base_events[-1]:,} events (with the hourly stops)")
    print("share of hours off the baseline / share of the replication's events in those hours:")
    print(f"{'rep':>4} {'events':>8} " + " ".join(f"{level:>22}" for level in LEVELS))
    sums = {level: [0.0, 0.0] for level in LEVELS}
    for replication in range(args.replications):
        prints, events = hourly(_model(scenario, seed, replication, failures=True), hours)
        per_hour = np.diff([0, *events])
        total = int(per_hour.sum())
        cells = []
        for level in LEVELS:
            off = np.array([a != b for a, b in zip(prints[level], base[level], strict=True)])
            hours_off, events_off = off.mean(), per_hour[off].sum() / total
            sums[level][0] += hours_off
            sums[level][1] += events_off
            cells.append(f"{hours_off:>10.1%} / {events_off:>8.1%}")
        print(f"{replication:>4} {total:>8,} " + " ".join(f"{c:>22}" for c in cells))
    n = args.replications
    means = [f"{a / n:>10.1%} / {b / n:>8.1%}" for a, b in sums.values()]
    print(f"{'mean':>4} {'':>8} " + " ".join(f"{c:>22}" for c in means))
    bound = {level: n / b for level, (_a, b) in sums.items() if b > 0}
    print(
        "upper bound on the speed-up of a reuse path (all events / events off the baseline): "
        + ", ".join(f"{level} {value:.1f}x" for level, value in bound.items())
    )


if __name__ == "__main__":
    main()
