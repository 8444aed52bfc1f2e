"""Benchmark: how long ``innovate-sim sensitivity`` takes, and what the 10-minute target needs.

1. **Design size**: the model points the default analysis of a scenario runs —
   Morris screening r·(d + 1), Sobol' N·(k + 2) for the k inputs kept, the flip
   sweeps (at most ``flip_inputs`` per target, shared between targets, plus the
   central point) — times the replications per point.
2. **Measured cost of a point**: CPU seconds of one model point (its
   replications and the reduction to forecasts) at the central values, serial
   after a warm-up, so the projection does not depend on what else the
   machine runs.
3. With ``--full``: runs the analysis (``isim.sensitivity`` with the CLI's
   defaults) and prints its wall time.

Usage: python benchmarks/sensitivity.py [scenario.yaml] [--workers 2] [--full]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import innovate_sim as isim
from innovate_sim.uncertainty import find_inputs, with_default_ranges
from innovate_sim.uncertainty.evaluate import ScenarioRuns

ROOT = Path(__file__).resolve().parent.parent

#: The CLI's defaults (innovate_sim.cli.sensitivity).
REPLICATIONS, SAMPLES, TRAJECTORIES, MAX_SOBOL = 2, 16, 6, 4
FLIP_INPUTS, FLIP_POINTS = 3, 6


def design_points(inputs: int, targets: int) -> int:
    """Model points of the default analysis with ``inputs`` inputs and ``targets`` targets."""
    screened = inputs > MAX_SOBOL
    kept = min(inputs, MAX_SOBOL)
    morris = TRAJECTORIES * (inputs + 1) if screened else 0
    sobol = SAMPLES * (kept + 2)
    swept = min(kept, FLIP_INPUTS * targets)  # flip inputs come from the Sobol' set
    return morris + sobol + swept * FLIP_POINTS + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "prod.yaml"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full", action="store_true", help="run the whole analysis")
    args = parser.parse_args()

    scenario = with_default_ranges(isim.load_scenario(args.scenario))
    inputs = find_inputs(scenario)
    targets = sum(
        getattr(t, name) is not None
        for t in scenario.targets.values()
        for name in ("request_availability", "rto", "rpo", "monthly_cost_usd")
    )
    points = design_points(len(inputs), targets)
    runs = ScenarioRuns(scenario, inputs, seed=scenario.seed, replications=REPLICATIONS)
    central = np.array([[item.central for item in inputs]])
    runs.run(central)  # warm caches (demand curve, catalog)
    started = time.process_time()
    runs.run(central)
    point_s = time.process_time() - started
    total_cpu = points * point_s
    print(
        f"{scenario.name}: {len(inputs)} uncertain inputs, {targets} targets -> "
        f"{points} model points x {REPLICATIONS} replications = "
        f"{points * REPLICATIONS} replications of {scenario.horizon / 8760:g} y"
    )
    print(f"one model point: {point_s:.2f} s CPU (serial, this machine)")
    for workers in (1, 2):
        print(
            f"projected default analysis on {workers} idle core(s): "
            f"{total_cpu / workers / 60:.1f} min"
        )
    allowed = 2 * 600 / points
    verdict = "met" if point_s <= allowed else f"not met: {point_s / allowed:.1f}x too slow"
    print(
        f"10 minutes on 2 cores allows {allowed:.2f} s CPU per point at this design "
        f"(measured {point_s:.2f} s): {verdict}"
    )
    if args.full:
        started_wall = time.perf_counter()
        result = isim.sensitivity(scenario, workers=args.workers)
        wall = time.perf_counter() - started_wall
        print(
            f"measured: {result.evaluations} points x {REPLICATIONS} replications on "
            f"{args.workers} workers: {wall:.0f} s wall ({wall / 60:.1f} min)"
        )


if __name__ == "__main__":
    main()
