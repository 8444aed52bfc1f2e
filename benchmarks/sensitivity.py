"""Benchmark: how long ``innovate-sim sensitivity`` takes, and what the 10-minute target needs.

1. **Design size**: the model points the default analysis of a scenario runs —
   Morris screening r·(d + 1), Sobol' N·(k + 2) for the k inputs kept, the flip
   sweeps (at most ``flip_inputs`` per target, shared between targets, plus the
   central point) — times the replications per point.
   The flip searches run the scenario's own replications per point (so the
   verdict at the central values is ``check``'s), the rest two.
2. **Measured cost of a replication**: CPU seconds of one model point (its
   replications and the reduction to forecasts) at the central values, serial
   after a warm-up, per replication, so the projection does not depend on what
   else the machine runs.
3. With ``--design``: runs the analysis with two replications per flip point
   (the same design, cheaply) to count the points it simulates — points that
   differ from another only in usage figures (KB per response…) re-price its
   replications — and projects the default analysis from those counts.
4. With ``--full``: runs the analysis (``isim.sensitivity`` with the CLI's
   defaults) and prints its wall time.

Usage: python benchmarks/sensitivity.py [scenario.yaml] [--workers 2] [--design] [--full]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import innovate_sim as isim
from innovate_sim.experiments.sharing import ReplicationKeys
from innovate_sim.uncertainty import find_inputs, with_default_ranges
from innovate_sim.uncertainty.evaluate import ScenarioRuns
from innovate_sim.uncertainty.flips import grid
from innovate_sim.uncertainty.inputs import UncertainInput, with_values

ROOT = Path(__file__).resolve().parent.parent

#: The CLI's defaults (innovate_sim.cli.sensitivity).
REPLICATIONS, SAMPLES, TRAJECTORIES, MAX_SOBOL = 2, 16, 6, 4
FLIP_INPUTS, FLIP_POINTS = 3, 6


def design_points(inputs: int, targets: int) -> tuple[int, int]:
    """Model points of the default analysis: (ranking points, flip-search points)."""
    screened = inputs > MAX_SOBOL
    kept = min(inputs, MAX_SOBOL)
    morris = TRAJECTORIES * (inputs + 1) if screened else 0
    sobol = SAMPLES * (kept + 2)
    swept = min(kept, FLIP_INPUTS * targets)  # flip inputs come from the Sobol' set
    return morris + sobol, swept * FLIP_POINTS + 1


def _project(
    scenario: isim.Scenario,
    inputs: list[UncertainInput],
    targets: int,
    ranking_points: float,
    flip_points: float,
    replication_s: float,
    which: str,
) -> None:
    """Print the default analysis's replications and its projected time on idle cores."""
    flip_replications = scenario.replications  # the CLI's default: check's own replications
    replications = ranking_points * REPLICATIONS + flip_points * flip_replications
    total_cpu = replications * replication_s
    print(
        f"{scenario.name}: {len(inputs)} uncertain inputs, {targets} targets -> "
        f"{ranking_points:g} ranking points x {REPLICATIONS} replications + {flip_points:g} "
        f"flip-search points x {flip_replications} replications = {replications:.0f} "
        f"replications of {scenario.horizon / 8760:g} y ({which})"
    )
    for workers in (1, 2):
        print(
            f"  projected default analysis on {workers} idle core(s): "
            f"{total_cpu / workers / 60:.1f} min"
        )
    allowed = 2 * 600 / replications
    verdict = (
        "met" if replication_s <= allowed else f"not met: {replication_s / allowed:.1f}x too slow"
    )
    print(
        f"  10 minutes on 2 cores allows {allowed:.2f} s CPU per replication at this design "
        f"(measured {replication_s:.2f} s): {verdict}"
    )


def _flip_simulations(
    scenario: isim.Scenario, inputs: list[UncertainInput], swept: set[str]
) -> float:
    """Points' worth of distinct replications in the default flip searches along ``swept``."""
    central = np.array([item.central for item in inputs])
    design = [central]
    for j, item in enumerate(inputs):
        if item.name in swept:
            for value in grid(item, FLIP_POINTS):
                point = central.copy()
                point[j] = value
                design.append(point)
    keys = ReplicationKeys(scenario.seed)
    count = scenario.replications
    distinct = {k for p in design for k in keys.of(with_values(scenario, inputs, p), count)}
    return len(distinct) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "prod.yaml"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full", action="store_true", help="run the whole analysis")
    parser.add_argument(
        "--design", action="store_true", help="count the points the analysis simulates"
    )
    parser.add_argument("--out", help="with --full: write the analysis as JSON to this file")
    args = parser.parse_args()

    scenario = with_default_ranges(isim.load_scenario(args.scenario))
    inputs = find_inputs(scenario)
    targets = sum(
        getattr(t, name) is not None
        for t in scenario.targets.values()
        for name in ("request_availability", "rto", "rpo", "monthly_cost_usd")
    )
    ranking_points, flip_points = design_points(len(inputs), targets)
    central = np.array([[item.central for item in inputs]])
    ScenarioRuns(scenario, inputs, seed=scenario.seed, replications=1).run(central)  # warm-up
    runs = ScenarioRuns(scenario, inputs, seed=scenario.seed, replications=REPLICATIONS)
    started = time.process_time()
    runs.run(central)
    replication_s = (time.process_time() - started) / REPLICATIONS
    print(f"one replication: {replication_s:.2f} s CPU (serial, this machine)")
    _project(
        scenario,
        inputs,
        targets,
        ranking_points,
        flip_points,
        replication_s,
        "every point simulated",
    )
    if args.design:
        started_wall = time.perf_counter()
        cheap = isim.sensitivity(scenario, flip_replications=REPLICATIONS, workers=args.workers)
        settings = cheap.settings
        ranking = settings["simulated_ranking_replications"]
        flips = settings["simulated_flip_replications"]
        print(
            f"design run ({time.perf_counter() - started_wall:.0f} s wall, "
            f"{REPLICATIONS} replications per flip point): {ranking} of "
            f"{settings['ranking_points'] * REPLICATIONS} ranking replications and {flips} of "
            f"{settings['flip_points'] * REPLICATIONS} flip-search replications simulated; "
            "the others are shared"
        )
        flip_equivalent = _flip_simulations(scenario, inputs, set(cheap.flips["input"]))
        print(
            f"flip searches at {scenario.replications} replications per point: "
            f"{flip_equivalent:.1f} points' worth of replications simulated "
            f"(distinct replication keys of the design, not simulated here)"
        )
        _project(
            scenario,
            inputs,
            targets,
            ranking / REPLICATIONS,
            flip_equivalent,
            replication_s,
            "shared replications not simulated",
        )
    if args.full:
        started_wall = time.perf_counter()
        result = isim.sensitivity(scenario, workers=args.workers)
        wall = time.perf_counter() - started_wall
        settings = result.settings
        simulated = settings["simulated_ranking_replications"]
        simulated += settings["simulated_flip_replications"]
        print(
            f"measured: {result.evaluations} points ({simulated} replications simulated) on "
            f"{args.workers} workers: {wall:.0f} s wall ({wall / 60:.1f} min)"
        )
        if args.out:
            Path(args.out).write_text(result.to_json())


if __name__ == "__main__":
    main()
