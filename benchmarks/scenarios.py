"""Benchmark: events per second and replication-years per second of bundled scenarios.

For each scenario, runs N replications through ``isim.simulate`` (serially,
then on a process pool) and prints events processed, events per second of
CPU, replication-years per second of wall time, and the wall time.

Usage: python benchmarks/scenarios.py [-n 20] [--workers 2] [scenario.yaml ...]
Default scenarios: prod (diurnal demand, every failure process) and dev (Spot).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import innovate_sim as isim
from innovate_sim.experiments.replication import run_replication
from innovate_sim.units import HOURS_PER_YEAR

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "scenarios" / "prod.yaml", ROOT / "scenarios" / "dev.yaml"]


def bench(path: Path, replications: int, workers: int) -> None:
    scenario = isim.load_scenario(path)
    years = scenario.horizon / HOURS_PER_YEAR
    run_replication(scenario, scenario.seed, 0)  # warm caches (demand curve, catalog)
    cpu_started = time.process_time()
    events = 0
    for r in range(min(replications, 5)):
        events += run_replication(scenario, scenario.seed, r).events
    cpu = time.process_time() - cpu_started
    serial_reps = min(replications, 5)
    started = time.perf_counter()
    result = isim.simulate(scenario, replications, scenario.seed, workers=workers)
    wall = time.perf_counter() - started
    assert not result.failed, result.failed[:1]
    print(
        f"{scenario.name}: {events / serial_reps:,.0f} events per replication-year; "
        f"{events / cpu:,.0f} events/s of CPU; serial {serial_reps * years / cpu:.2f} "
        f"replication-years/s of CPU; {replications} replications on {workers} workers: "
        f"{wall:.1f} s wall = {replications * years / wall:.2f} replication-years/s "
        f"(1,000 replication-years ≈ {1000 / (replications * years / wall):.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("scenarios", nargs="*", type=Path, default=DEFAULT)
    args = parser.parse_args()
    for path in args.scenarios:
        bench(path, args.replications, args.workers)


if __name__ == "__main__":
    main()
