"""Benchmark: the 2-of-3 availability model (AZ MTBF 1,000 h, MTTR 10 h).

Prints replication-years per second and the wall time to reach a ±1 %
relative 95 % confidence interval on downtime (the oracle is 0.99970785,
i.e. 153.55 min/year), at two levels:

1. **engine**: the k-of-n model written directly on innovate_sim's engine —
   ``Simulation``, ``alternating_outages`` failure processes with named
   ``RandomStreams``, and a down-time recorder — the kernel's throughput;
2. **architecture**: ``scenarios/validation/two-of-three-azs.yaml`` through
   ``isim.simulate``: zones, nodes, pods, ALB and availability accounting.

Usage: python benchmarks/two_of_three.py [--workers 2] [--target 0.01] [--max-seconds 120]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from innovate_sim import oracles
from innovate_sim.engine import Simulation
from innovate_sim.failures import alternating_outages
from innovate_sim.rng import RandomStreams
from innovate_sim.units import HOURS_PER_YEAR, MINUTES_PER_YEAR

ROOT = Path(__file__).resolve().parent.parent
MTBF_H, MTTR_H, YEARS_PER_REPLICATION = 1000.0, 10.0, 100


def engine_replication(seed: int, replication: int) -> float:
    """Down fraction of one 100-year replication of the 2-of-3 model on the engine."""
    horizon = YEARS_PER_REPLICATION * HOURS_PER_YEAR
    sim = Simulation(horizon)
    streams = RandomStreams(seed, replication)
    state = {"down": 0, "since": 0.0, "downtime": 0.0}

    def change(delta: int) -> None:
        now = sim.env.now
        if state["down"] >= 2:
            state["downtime"] += now - state["since"]
        state["down"] += delta
        state["since"] = now

    for unit in range(3):
        stream = streams.stream(f"unit/{unit}")
        repair = streams.stream(f"repair/{unit}")
        alternating_outages(
            sim,
            stream,
            1.0 / MTBF_H,
            lambda r=repair: -MTTR_H * math.log(1.0 - r.random()),
            lambda: change(+1),
            lambda: change(-1),
        )
    sim.run()
    change(0)
    return state["downtime"] / horizon


def engine_batch(seed: int, replications: range) -> list[float]:
    return [engine_replication(seed, r) for r in replications]


def architecture_batch(seed: int, replications: range) -> list[float]:
    import innovate_sim as isim
    from innovate_sim.experiments.replication import run_replication

    scenario = isim.load_scenario(ROOT / "scenarios/validation/two-of-three-azs.yaml")
    out = []
    for r in replications:
        outcome = run_replication(scenario, seed, r)
        out.append(1.0 - outcome.environments[0]["time_availability"])
    return out


def run(kind: str, workers: int, target: float, max_seconds: float, batch: int) -> None:
    job = engine_batch if kind == "engine" else architecture_batch
    years = YEARS_PER_REPLICATION if kind == "engine" else 10
    oracle = 1.0 - oracles.k_of_n(2, 3, oracles.unit_availability(MTBF_H, MTTR_H))
    values: list[float] = []
    started = time.perf_counter()
    next_replication = 0
    half = math.inf
    with ProcessPoolExecutor(workers) as pool:
        while True:
            ranges = [
                range(next_replication + i * batch, next_replication + (i + 1) * batch)
                for i in range(workers)
            ]
            next_replication += workers * batch
            for chunk in pool.map(job, [2026] * workers, ranges):
                values.extend(chunk)
            data = np.asarray(values)
            mean = float(data.mean())
            half = (
                1.96 * float(data.std(ddof=1)) / math.sqrt(len(data)) if len(data) > 1 else math.inf
            )
            elapsed = time.perf_counter() - started
            if half <= target * mean or elapsed > max_seconds:
                break
    replication_years = len(values) * years
    print(
        f"[{kind}] {replication_years:,} replication-years in {elapsed:.1f} s on {workers} "
        f"workers = {replication_years / elapsed:,.0f} replication-years/s"
    )
    print(
        f"[{kind}] downtime {mean * MINUTES_PER_YEAR:.2f} min/year ± {half * MINUTES_PER_YEAR:.2f} "
        f"(95 % CI, ±{half / mean * 100:.2f} % relative); oracle {oracle * MINUTES_PER_YEAR:.2f} "
        f"min/year; {'reached' if half <= target * mean else 'NOT reached'} ±{target:.0%} "
        f"after {elapsed:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--target", type=float, default=0.01, help="relative CI half-width")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--level", choices=["engine", "architecture", "both"], default="both")
    args = parser.parse_args()
    if args.level in ("engine", "both"):
        run("engine", args.workers, args.target, args.max_seconds, batch=25)
    if args.level in ("architecture", "both"):
        run("architecture", args.workers, args.target, args.max_seconds, batch=20)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
