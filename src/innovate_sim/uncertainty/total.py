"""Total uncertainty: forecasts over a Latin hypercube of the inputs, and targets' odds.

``simulate(scenario, uncertainty=K)`` draws K input sets (Latin hypercube,
each input through its own quantile function) and runs R replications under
each, every set with the same seeds (common random numbers). Per output, the
law of total variance splits the spread of the K sets' figures (each set's
mean, or for a target the statistic ``check`` judges) into

* the **input** part: Var(E[Y | inputs]) — what we do not know about the
  assumptions; and
* the **Monte Carlo** part: E[Var(Y | inputs)] / R — the noise left in each
  set's mean, which more replications would shrink.

Each target's probability of being met is the share of input sets whose
statistic, computed as ``check`` judges it, meets it (with a Wilson interval
over the K sets).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import pandas as pd
from SALib.sample import latin

from innovate_sim.experiments import SimulationResult
from innovate_sim.experiments import simulate as simulate_plain
from innovate_sim.scenario import Scenario
from innovate_sim.uncertainty.evaluate import Output, PointRuns, ScenarioRuns
from innovate_sim.uncertainty.indices import to_values
from innovate_sim.uncertainty.inputs import UncertainInput, require_inputs, with_default_ranges

__all__ = ["SPLIT_COLUMNS", "UncertaintyResult", "simulate", "simulate_uncertain"]

SPLIT_COLUMNS = [
    "output",
    "label",
    "unit",
    "mean",
    "low",
    "high",
    "input_sd",
    "monte_carlo_sd",
    "input_share",
]
PROBABILITY_COLUMNS = [
    "target",
    "output",
    "unit",
    "threshold",
    "probability",
    "probability_low",
    "probability_high",
    "verdict",
]


def _wilson(successes: int, n: int, level: float) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if n == 0:
        return 0.0, 1.0
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class UncertaintyResult:
    """Forecasts with input uncertainty (what ``simulate(..., uncertainty=K)`` returns).

    Attributes:
        scenario: the scenario (package default ranges applied when asked).
        inputs: the uncertain inputs sampled.
        design: the K input sets, one row each (internal units).
        outputs: the forecasts and target statistics.
        runs: per output, the (K, R) per-replication values, and per set the
            judged figure (as ``check`` computes it) and its Monte Carlo variance.
        seed: experiment seed shared by every set; replications: R.
        confidence: level of the intervals.
        wall_time_s: seconds taken.
    """

    scenario: Scenario
    inputs: list[UncertainInput]
    design: np.ndarray
    outputs: list[Output]
    runs: PointRuns
    seed: int
    replications: int
    confidence: float
    wall_time_s: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def samples(self) -> int:
        """K, the number of input sets."""
        return int(self.design.shape[0])

    def summary(self) -> pd.DataFrame:
        """Per output: mean, interval over input sets, and its split into input and MC parts.

        Each set is summarised by its judged figure: the mean over its
        replications, or for a target the statistic ``check`` compares with the
        threshold (an RTO's quantile of the pooled incidents). ``low``/``high``
        are the quantiles at (1 ∓ confidence)/2 of the K figures; ``input_sd``
        and ``monte_carlo_sd`` are the standard deviations of the two parts (the
        Monte Carlo part from each set's own confidence interval), ``input_share``
        the input part's share of the variance (NaN with one replication per set
        or an unbounded interval: the parts cannot be told apart).
        """
        tail = (1.0 - self.confidence) / 2.0
        rows = []
        for output in self.outputs:
            means = self.runs.statistic[output.key]
            # each set's noise, from its own interval (NaN when unbounded or R = 1)
            mc_var = float(np.mean(self.runs.noise_var[output.key]))
            total = means.var(ddof=1) if len(means) > 1 else 0.0
            # a noise that cannot be measured leaves both parts undefined
            input_var = max(0.0, total - mc_var) if math.isfinite(mc_var) else math.nan
            share = input_var / total if total > 0 else 0.0 if math.isfinite(mc_var) else math.nan
            rows.append(
                [
                    output.key,
                    output.label,
                    output.unit,
                    float(means.mean()),
                    float(np.quantile(means, tail)),
                    float(np.quantile(means, 1.0 - tail)),
                    math.sqrt(input_var),
                    math.sqrt(mc_var) if math.isfinite(mc_var) else math.nan,
                    share,
                ]
            )
        return pd.DataFrame(rows, columns=SPLIT_COLUMNS)

    def probabilities(self, confidence: float | None = None) -> pd.DataFrame:
        """Per target: the probability (over input sets) that it is met, and a verdict.

        The verdict is ``pass`` when the probability reaches ``confidence``
        (default: the result's level), else ``fail``.
        """
        level = self.confidence if confidence is None else float(confidence)
        rows = []
        for output in self.outputs:
            if output.target is None or output.threshold is None:
                continue
            means = self.runs.statistic[output.key]
            if output.higher_is_better:
                met = means >= output.threshold
            else:
                met = means <= output.threshold
            hits = int(met.sum())
            low, high = _wilson(hits, len(means), self.confidence)
            probability = hits / len(means)
            rows.append(
                [
                    f"{output.scope}.{output.target}",
                    output.key,
                    output.unit,
                    output.threshold,
                    probability,
                    low,
                    high,
                    "pass" if probability >= level else "fail",
                ]
            )
        return pd.DataFrame(rows, columns=PROBABILITY_COLUMNS)

    def passed(self, confidence: float | None = None) -> bool:
        """Whether every target is met with at least ``confidence`` probability."""
        return bool((self.probabilities(confidence)["verdict"] == "pass").all())


def simulate_uncertain(
    scenario: Scenario,
    samples: int,
    replications: int | None = None,
    seed: int | None = None,
    *,
    defaults: bool = True,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UncertaintyResult:
    """Simulate ``samples`` Latin-hypercube input sets, ``replications`` each (see module doc).

    Args:
        scenario: a scenario with uncertain fields or relying on defaults with ranges.
        samples: K, input sets (at least 2).
        replications: R per set (default: the scenario's replications / K, at least 2).
        seed: experiment seed (default: the scenario's); also seeds the design.
        defaults: include the ranges of the package defaults the scenario relies on.
        workers, executor, progress: as for :func:`innovate_sim.simulate`.
    """
    if samples < 2:
        raise ValueError("uncertainty needs at least 2 input sets")
    started = time.perf_counter()
    scenario = with_default_ranges(scenario) if defaults else scenario
    inputs = require_inputs(scenario)
    seed = scenario.seed if seed is None else int(seed)
    per_set = replications or max(2, math.ceil(scenario.replications / samples))
    problem = {
        "num_vars": len(inputs),
        "names": [i.name for i in inputs],
        "bounds": [[0.0, 1.0]] * len(inputs),
    }
    design = to_values(inputs, latin.sample(problem, samples, seed=seed))
    runs = ScenarioRuns(
        scenario,
        inputs,
        seed=seed,
        replications=per_set,
        workers=workers,
        executor=executor,
        progress=progress,
    )
    return UncertaintyResult(
        scenario=scenario,
        inputs=inputs,
        design=design,
        outputs=runs.outputs,
        runs=runs.run(design),
        seed=seed,
        replications=per_set,
        confidence=scenario.simulation.confidence_level,
        wall_time_s=time.perf_counter() - started,
        settings={"samples": samples, "defaults_ranges": defaults},
    )


Progress = Callable[[int, int], None]


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
    """``isim.simulate``: :func:`innovate_sim.experiments.simulate`, or with input uncertainty.

    Without ``uncertainty`` this is :func:`innovate_sim.experiments.simulate`
    (uncertain fields take their central values). With ``uncertainty=K`` it
    samples K sets of the uncertain inputs (Latin hypercube; the ranges of the
    package defaults the scenario relies on included) and runs ``replications``
    per set (default: the scenario's / K, at least 2), returning an
    :class:`UncertaintyResult` (:func:`simulate_uncertain`).
    """
    if uncertainty is None:
        return simulate_plain(
            scenario, replications, seed, executor, workers=workers, progress=progress
        )
    return simulate_uncertain(
        scenario,
        int(uncertainty),
        replications,
        seed,
        workers=workers,
        executor=executor,
        progress=progress,
    )
