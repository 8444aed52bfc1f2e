"""Benchmark: every row of issue 13's table, as a ratio to a yardstick measured in the same run.

The machine running this is usually shared, so absolute seconds drift with its
load; the ratio to a yardstick measured a moment earlier does not (much). The
yardstick is the engine-level 2-of-3 model of ``benchmarks/two_of_three.py``
(the kernel alone) run to a ±1 % 95 % CI on downtime on the same workers, always
from the Python sources (so that compiling the package moves the rows, not the ruler);
measured just before and just after each timed row (their mean is the
divisor); ``scaled s`` expresses each row in seconds of a machine on which the yardstick
takes the issue's 15 s, so rows compare with the issue's goals whatever the load.

Rows:

1. prod (``scenarios/prod.yaml``), 1,000 replication-years on 2 workers;
2. the 2-of-3 AZ validation scenario to a ±1 % CI on downtime through
   ``isim.simulate`` and the result files ``innovate-sim run --out`` writes
   (CV² = 4.0 per replication-year, so ≈ 153,700 replication-years);
3. time per event of prod at peak demand ×1 and ×100 (replicas and Karpenter
   limits scaled with demand), and their ratio;
4. main-process memory per replication of the 2-of-3 run (peak RSS of a fresh
   process that simulates on 2 workers, builds the summary and writes the files;
   the slope between two replication counts), and its peak RSS at 20,000
   replications (measured in full mode, extrapolated in quick mode);
5. a Dask ``LocalCluster`` (2 workers) against a process pool on the same prod run.

``--quick`` measures smaller amounts and extrapolates linearly (seconds per
replication-year are constant once the pool is warm); the full mode measures
the table's amounts.

Usage: python benchmarks/issue13.py [--quick] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

import innovate_sim as isim
from innovate_sim._compiled import PURE_PYTHON_VARIABLE, describe
from innovate_sim.aws.build import build_model
from innovate_sim.experiments.io import save_result
from innovate_sim.experiments.replication import run_replication
from innovate_sim.reporting.report import write_report
from innovate_sim.units import HOURS_PER_YEAR

sys.path.insert(0, str(Path(__file__).resolve().parent))
from two_of_three import YEARS_PER_REPLICATION, engine_replication

ROOT = Path(__file__).resolve().parent.parent
PROD = ROOT / "scenarios" / "prod.yaml"
TWO_OF_THREE = ROOT / "scenarios" / "validation" / "two-of-three-azs.yaml"
#: the yardstick's wall time in the issue's table (quiet 2-core machine)
ISSUE_YARDSTICK_S = 15.0
#: downtime's squared coefficient of variation per replication-year (2-of-3, issue 13)
CV2_PER_YEAR = 4.0
Z95 = 1.959963984540054


def years_for_ci(cv2_per_year: float, relative: float = 0.01) -> float:
    """Replication-years for a ±``relative`` 95 % CI on a mean with this CV² per year."""
    return cv2_per_year * (Z95 / relative) ** 2


@dataclass
class Row:
    """One line of the table."""

    work: str
    seconds: float
    goal: str
    note: str = ""


# -- the yardstick --------------------------------------------------------------------------------


def _engine_chunk(replications: range) -> list[float]:
    return [engine_replication(2026, r) for r in replications]


@contextmanager
def _pure_python() -> Iterator[None]:
    """Processes started inside run the Python sources, whatever this install compiled."""
    before = os.environ.get(PURE_PYTHON_VARIABLE)
    os.environ[PURE_PYTHON_VARIABLE] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[PURE_PYTHON_VARIABLE]
        else:
            os.environ[PURE_PYTHON_VARIABLE] = before


def yardstick(workers: int, quick: bool) -> tuple[float, str]:
    """Seconds for the engine-level 2-of-3 to reach ±1 % (extrapolated in quick mode)."""
    target_years = years_for_ci(CV2_PER_YEAR)
    batch = 10
    values: list[float] = []
    next_r = 0
    # the ruler must not move with the build: its workers run the Python sources
    spawn = multiprocessing.get_context("spawn")
    with _pure_python(), ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        list(pool.map(_engine_chunk, [range(10_000_000 + i, 10_000_001 + i) for i in range(4)]))
        started = time.perf_counter()
        while True:
            ranges = [range(next_r + i * batch, next_r + (i + 1) * batch) for i in range(workers)]
            next_r += workers * batch
            for chunk in pool.map(_engine_chunk, ranges):
                values.extend(chunk)
            elapsed = time.perf_counter() - started
            years = len(values) * YEARS_PER_REPLICATION
            if (quick and elapsed > 3.0) or years >= target_years:
                break
    seconds = elapsed * target_years / years
    how = f"{years:,} rep-years measured" + (" (extrapolated)" if years < target_years else "")
    return seconds, how


# -- rows -----------------------------------------------------------------------------------------


def prod_years(workers: int, quick: bool) -> Row:
    scenario = isim.load_scenario(PROD)
    years = scenario.horizon / HOURS_PER_YEAR
    n = 6 * workers if quick else math.ceil(1000 / years)
    started = time.perf_counter()
    result = isim.simulate(scenario, n, scenario.seed, workers=workers)
    result.summary()
    wall = time.perf_counter() - started
    assert not result.failed, result.failed[:1]
    seconds = wall * 1000 / (n * years)
    return Row(
        f"prod, 1,000 replication-years, {workers} workers",
        seconds,
        "≤ 60 s",
        f"{n * years:g} rep-years in {wall:.1f} s",
    )


def _run_and_save(scenario: isim.Scenario, n: int, workers: int) -> float:
    """``innovate-sim run --out``: simulate, then write the tables, summary and report."""
    started = time.perf_counter()
    result = isim.simulate(scenario, n, scenario.seed, workers=workers)
    with tempfile.TemporaryDirectory() as out:
        save_result(result, Path(out))
        write_report(result, Path(out))
    assert not result.failed, result.failed[:1]
    return time.perf_counter() - started


def two_of_three(workers: int, quick: bool) -> Row:
    scenario = isim.load_scenario(TWO_OF_THREE)
    years = scenario.horizon / HOURS_PER_YEAR
    target = years_for_ci(CV2_PER_YEAR)
    n = 200 if quick else math.ceil(target / years)
    wall = _run_and_save(scenario, n, workers)
    return Row(
        "2-of-3 AZs to ±1 % CI through run --out (tables, report)",
        wall * target / (n * years),
        "≤ 60 s",
        f"{n * years:,.0f} of {target:,.0f} rep-years in {wall:.1f} s",
    )


def scaled_prod(factor: int, horizon: str) -> isim.Scenario:
    """prod with demand, replica ceilings and Karpenter limits ×``factor``."""
    data = yaml.safe_load(PROD.read_text(encoding="utf-8"))
    data["horizon"] = horizon
    env = data["environments"]["prod"]
    # prod.yaml writes its peak as a range; a plain run uses the central value
    central = isim.load_scenario(PROD).environments["prod"].demand.peak_rps
    env["demand"]["peak_rps"] = float(central) * factor
    env["demand"]["growth_per_month"] = 0
    for workload in env["workloads"].values():
        if isinstance(workload["replicas"], dict):
            workload["replicas"]["max"] *= factor
    limits = env["cluster"]["node_pools"]["general"]["limits"]
    limits["cpu"] *= factor
    limits["memory"] = f"{256 * factor}Gi"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        yaml.safe_dump(data, handle)
    try:
        return isim.load_scenario(Path(handle.name))
    finally:
        os.unlink(handle.name)


def per_event(factor: int, horizon: str, replications: int) -> tuple[float, int]:
    """CPU seconds per event and events per replication of prod ×``factor`` (serial).

    Only the event loop is timed (``Model.run``), not building the model.
    """
    scenario = scaled_prod(factor, horizon)
    run_replication(scenario, 1, 99)  # warm caches (catalog, demand curve, static plan)
    events = 0
    cpu = 0.0
    for r in range(replications):
        model = build_model(scenario, 1, r)
        started = time.process_time()
        model.run()
        cpu += time.process_time() - started
        events += next(model.sim.env._eid)
    return cpu / events, events // replications


def event_rows(quick: bool) -> list[Row]:
    runs = {1: ("7d", 2 if quick else 10), 100: ("2d" if quick else "7d", 1)}
    rows = []
    per = {}
    for factor, (horizon, reps) in runs.items():
        seconds, events = per_event(factor, horizon, reps)
        per[factor] = seconds
        rows.append(
            Row(
                f"time per event, prod peak ×{factor}",
                seconds,
                "",
                f"{events:,} events per replication of {horizon}, {reps} replication(s)",
            )
        )
    rows.append(Row("per-event ×100 / ×1", per[100] / per[1], "≤ 2", "ratio (not seconds)"))
    return rows


def memory_probe(n: int, workers: int) -> None:
    """In a fresh process: simulate the 2-of-3 on workers, summarise, save; print peak RSS."""
    scenario = isim.load_scenario(TWO_OF_THREE)
    wall = _run_and_save(scenario, n, workers)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {"maxrss_kib": usage.ru_maxrss, "workers_maxrss_kib": workers_usage.ru_maxrss}
            | {"wall_s": wall}
        )
    )


def _peak_rss_kib(n: int, workers: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--memory-probe", str(n), "--workers", str(workers)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def memory_rows(workers: int, quick: bool) -> list[Row]:
    """Main-process KiB per replication (slope), and the peak at 20,000 replications.

    The peak is measured in full mode (a run of 20,000 replications: minutes)
    and extrapolated from the slope in quick mode.
    """
    low, high = (20, 400) if quick else (100, 2000)
    rss_low, rss_high = _peak_rss_kib(low, workers), _peak_rss_kib(high, workers)
    per_rep = (rss_high["maxrss_kib"] - rss_low["maxrss_kib"]) / (high - low)
    slope = Row(
        "main-process memory per replication (2-of-3)",
        per_rep,
        "≤ 50 KiB",
        f"KiB, not seconds; peak RSS {rss_low['maxrss_kib'] / 1024:.0f} MiB at {low}, "
        f"{rss_high['maxrss_kib'] / 1024:.0f} MiB at {high} reps",
    )
    if quick:
        at_20k = (rss_high["maxrss_kib"] + per_rep * (20_000 - high)) / 1024**2
        how = f"extrapolated from {high} reps"
    else:
        peak = _peak_rss_kib(20_000, workers)
        at_20k = peak["maxrss_kib"] / 1024**2
        how = (
            f"measured: run --out in {peak['wall_s']:.0f} s; largest worker "
            f"{peak['workers_maxrss_kib'] / 1024:.0f} MiB"
        )
    return [slope, Row("main-process peak RSS, 20,000 reps of 2-of-3", at_20k, "< 2 GiB", how)]


def dask_row(workers: int, quick: bool) -> Row:
    """Dask against a process pool on the same run, interleaved twice, best of each.

    Both executors are started (and warmed by one replication per worker)
    outside the timing, so the ratio is the per-task overhead of each.
    """
    from innovate_sim.experiments.dask import dask_session

    scenario = isim.load_scenario(PROD)
    n = 12 if quick else 60
    timings = {"pool": math.inf, "dask": math.inf}
    with (
        dask_session("local", n_workers=workers, threads_per_worker=1) as dask,
        ProcessPoolExecutor(workers) as pool,
    ):
        executors = {"pool": pool, "dask": dask}
        for executor in executors.values():
            isim.simulate(scenario, workers, scenario.seed, executor=executor)
        for _ in range(2):
            for name, executor in executors.items():
                started = time.perf_counter()
                isim.simulate(scenario, n, scenario.seed, executor=executor)
                timings[name] = min(timings[name], time.perf_counter() - started)
    return Row(
        f"Dask LocalCluster / process pool, prod {n} reps",
        timings["dask"] / timings["pool"],
        "≤ 1.1",
        f"ratio (not seconds); Dask {timings['dask']:.1f} s, pool {timings['pool']:.1f} s "
        "(both warm, best of 2 each)",
    )


# -- the table ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, extrapolated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-probe", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        memory_probe(args.memory_probe, args.workers)
        return
    print(f"simulation {describe()}; the yardstick runs the Python sources\n")
    # the machine's load drifts: measure the yardstick before and after each timed row
    scaled = f"scaled s (yardstick = {ISSUE_YARDSTICK_S:g} s)"
    print(f"| work | absolute | ÷ yardstick | {scaled} | goal | note |")
    print("|---|---|---|---|---|---|")
    for measure in (prod_years, two_of_three):
        before, _ = yardstick(args.workers, args.quick)
        row = measure(args.workers, args.quick)
        after, how = yardstick(args.workers, args.quick)
        yard_s = 0.5 * (before + after)
        ratio = row.seconds / yard_s
        print(
            f"| {row.work} | {row.seconds:.1f} s | {ratio:.2f} | "
            f"{ratio * ISSUE_YARDSTICK_S:.1f} s | {row.goal} | {row.note}; yardstick "
            f"{before:.1f} s before, {after:.1f} s after ({how}) |"
        )
        sys.stdout.flush()
    for row in event_rows(args.quick):
        value = f"{row.seconds * 1e6:.1f} µs" if row.seconds < 1e-2 else f"{row.seconds:.2f}"
        print(f"| {row.work} | {value} | | | {row.goal} | {row.note} |")
    sys.stdout.flush()
    per_rep, at_20k = memory_rows(args.workers, args.quick)
    print(f"| {per_rep.work} | {per_rep.seconds:.1f} KiB | | | {per_rep.goal} | {per_rep.note} |")
    print(f"| {at_20k.work} | {at_20k.seconds:.2f} GiB | | | {at_20k.goal} | {at_20k.note} |")
    sys.stdout.flush()
    row = dask_row(args.workers, args.quick)
    print(f"| {row.work} | {row.seconds:.2f} | | | {row.goal} | {row.note} |")


if __name__ == "__main__":
    main()
