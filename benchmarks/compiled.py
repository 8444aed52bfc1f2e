"""Benchmark: the compiled build against the Python sources, interleaved on one machine.

Each round times one replication of each scenario in two fresh interpreters,
one running the compiled modules and one with ``INNOVATE_SIM_PURE_PYTHON=1``,
alternating which goes first; it prints every round, the medians and their
ratio, and checks that both interpreters produced the same figures (every
float of the replication's availability record, to the last bit).

Times are of ``run_replication`` (building the model, the run, recording and
pricing), after one warm-up replication in the same interpreter.

Usage: python benchmarks/compiled.py [--rounds 5] [SCENARIO ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from innovate_sim._compiled import PURE_PYTHON_VARIABLE, describe

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("scenarios/prod.yaml", "scenarios/validation/two-of-three-azs.yaml")

_TIME_ONE = """
import json, sys, time
import innovate_sim as isim
from innovate_sim._compiled import describe
from innovate_sim.experiments.replication import run_replication

scenario = isim.load_scenario(sys.argv[1])
run_replication(scenario, scenario.seed, 99)  # warm-up: catalog, demand curve, imports
started = time.perf_counter()
outcome = run_replication(scenario, scenario.seed, 0)
seconds = time.perf_counter() - started
assert outcome.error is None, outcome.error
# bit-exact: float.hex (the sources return some figures as numpy float64, which is a float)
figures = {name: float.hex(float(value)) for name, value in sorted(outcome.environments[0].items())
           if isinstance(value, float)}
print(json.dumps({"seconds": seconds, "mode": describe(), "figures": figures}))
"""


def _time_one(scenario: str, pure: bool) -> dict[str, object]:
    env = dict(os.environ)
    if pure:
        env[PURE_PYTHON_VARIABLE] = "1"
    else:
        env.pop(PURE_PYTHON_VARIABLE, None)
    done = subprocess.run(
        [sys.executable, "-c", _TIME_ONE, str(ROOT / scenario)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"this install: simulation {describe()}")
    for scenario in args.scenarios:
        times: dict[bool, list[float]] = {False: [], True: []}
        figures = {}
        for round_ in range(args.rounds):
            for pure in (round_ % 2 == 1, round_ % 2 == 0):
                run = _time_one(scenario, pure)
                times[pure].append(float(run["seconds"]))  # type: ignore[arg-type]
                figures[run["mode"]] = run["figures"]
        print(f"\n{scenario}, replication 0, {args.rounds} interleaved rounds")
        for pure, label in ((True, "Python sources"), (False, "compiled")):
            rounds = ", ".join(f"{1000 * t:.0f}" for t in times[pure])
            print(
                f"  {label:15s} median {1000 * statistics.median(times[pure]):7.1f} ms ({rounds})"
            )
        ratio = statistics.median(times[True]) / statistics.median(times[False])
        print(f"  speed-up {ratio:.2f}x")
        modes = sorted(figures)
        same = len({json.dumps(f, sort_keys=True) for f in figures.values()}) == 1
        print(f"  figures of {' and '.join(modes)}: {'identical' if same else 'DIFFERENT'}")
        if not same or len(modes) != 2:
            sys.exit(f"{scenario}: the two builds did not both run, or their figures differ")


if __name__ == "__main__":
    main()
