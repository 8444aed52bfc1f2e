"""``isim.sensitivity``: which assumptions each forecast and verdict hangs on.

1. Morris screening of every uncertain input (when there are more than a few);
2. Sobol' first-order and total indices of the inputs that matter, with
   bootstrap intervals;
3. per target, the value of each influential input at which its verdict flips.

Every model evaluation runs the same replications with the same seed (common
random numbers), so Monte Carlo noise is not mistaken for influence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innovate_sim.scenario import Scenario
from innovate_sim.uncertainty.evaluate import Output, ScenarioRuns
from innovate_sim.uncertainty.flips import FLIP_COLUMNS, flip_points
from innovate_sim.uncertainty.indices import morris, sobol
from innovate_sim.uncertainty.inputs import (
    UncertainInput,
    require_inputs,
    with_default_ranges,
)

__all__ = ["SensitivityResult", "sensitivity"]

#: Screening keeps an input whose Morris mu* reaches this share of the largest for some output.
SCREEN_SHARE = 0.1


@dataclass
class SensitivityResult:
    """What :func:`sensitivity` found.

    Attributes:
        scenario: the scenario analysed (package default ranges applied when asked).
        inputs: every uncertain input.
        outputs: the forecasts and target statistics analysed.
        screening: Morris measures of every input per output (empty when not screened).
        indices: Sobol' ``S1``/``ST`` with intervals per output and analysed input;
            inputs screened out appear with zeros and ``screened_out`` true.
        flips: per target and influential input, where the verdict flips.
        settings: seed, replications per point, samples, trajectories, confidence.
        evaluations: model points run; wall_time_s: seconds taken.
    """

    scenario: Scenario
    inputs: list[UncertainInput]
    outputs: list[Output]
    screening: pd.DataFrame
    indices: pd.DataFrame
    flips: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    evaluations: int = 0
    wall_time_s: float = 0.0

    @property
    def unexercised(self) -> list[str]:
        """Inputs that changed no output at any point of the design.

        With common random numbers this means either that the event an input
        shapes never happened in the replications run (an AZ outage's duration
        when no AZ failed; more replications measure it) or that the input has no
        effect in this architecture (a NAT Gateway rate without NAT Gateways).
        """
        moved: set[str] = set()
        if not self.screening.empty:
            moved |= set(self.screening.loc[self.screening["mu_star"] > 0, "input"])
        analysed = self.indices[~self.indices["screened_out"].astype(bool)]
        moved |= set(analysed.loc[(analysed["ST"] != 0) | (analysed["S1"] != 0), "input"])
        return [item.name for item in self.inputs if item.name not in moved]

    def ranking(self, output: str, top: int | None = None) -> pd.DataFrame:
        """The inputs ordered by total index for ``output`` (a key such as ``prod.rto_min``)."""
        rows = self.indices[self.indices["output"] == output]
        rows = rows.sort_values(["ST", "S1"], ascending=False)
        return rows.head(top) if top else rows

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-ready data."""
        by_name = {item.name: item for item in self.inputs}
        metrics = []
        for output in self.outputs:
            ranking = self.ranking(output.key)
            screening = self.screening[self.screening["output"] == output.key].set_index("input")
            rows = []
            for _, row in ranking.iterrows():
                item = by_name[row["input"]]
                entry = {
                    "input": item.name,
                    "source": item.source,
                    "distribution": _distribution_text(item),
                    "S1": row["S1"],
                    "S1_ci": [row["S1_low"], row["S1_high"]],
                    "ST": row["ST"],
                    "ST_ci": [row["ST_low"], row["ST_high"]],
                    "screened_out": bool(row["screened_out"]),
                }
                if item.name in screening.index:
                    m = screening.loc[item.name]
                    entry["morris_mu_star"] = m["mu_star"]
                    entry["morris_mu_star_ci"] = [m["mu_star_low"], m["mu_star_high"]]
                rows.append(entry)
            metrics.append(
                {
                    "output": output.key,
                    "label": output.label,
                    "unit": output.unit,
                    "target": output.target,
                    "threshold": output.threshold,
                    "inputs": rows,
                }
            )
        flips = self.flips.drop(columns=["flip_values"]).to_dict(orient="records")
        return {
            "scenario": self.scenario.name,
            "settings": self.settings,
            "evaluations": self.evaluations,
            "wall_time_s": self.wall_time_s,
            "metrics": metrics,
            "unexercised_inputs": self.unexercised,
            "what_you_must_believe": flips,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(_clean(self.to_dict()), indent=2)


def _distribution_text(item: UncertainInput) -> str:
    params = ", ".join(f"{k}: {item.format(v)}" for k, v in item.distribution.params)
    return f"{item.distribution.form}({params})"


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return number if np.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _screen(screening: pd.DataFrame, names: list[str], keep: int) -> list[str]:
    """Inputs worth Sobol' indices: reaching SCREEN_SHARE of the top mu* somewhere, best first."""
    best = screening.groupby("input")["relative"].max().reindex(names).fillna(0.0)
    chosen = best[best >= SCREEN_SHARE].sort_values(ascending=False)
    return list(chosen.index[:keep])


def _ranked_for_flips(
    indices: pd.DataFrame, targets: list[Output], top: int
) -> dict[str, list[str]]:
    ranked = {}
    for output in targets:
        rows = indices[(indices["output"] == output.key) & ~indices["screened_out"]]
        rows = rows[rows["ST"] > 0.01].sort_values("ST", ascending=False)
        ranked[output.key] = list(rows["input"].head(top))
    return ranked


class _Subset:
    """The model of a subset of inputs, the others held at their central values."""

    def __init__(self, runs: ScenarioRuns, chosen: list[int]) -> None:
        self.runs = runs
        self.chosen = chosen
        self.central = np.array([item.central for item in runs.inputs])

    def __call__(self, points: np.ndarray) -> dict[str, np.ndarray]:
        full = np.repeat(self.central[None, :], len(points), axis=0)
        full[:, self.chosen] = points
        return self.runs(full)


def sensitivity(
    scenario: Scenario,
    *,
    replications: int = 2,
    samples: int = 16,
    trajectories: int = 6,
    max_sobol: int = 4,
    screening: bool | None = None,
    flips: bool = True,
    flip_points_per_input: int = 6,
    flip_inputs: int = 3,
    flip_replications: int | None = None,
    defaults: bool = True,
    seed: int | None = None,
    confidence: float | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> SensitivityResult:
    """Rank the uncertain inputs of a scenario by their influence on each forecast and verdict.

    Args:
        scenario: a scenario with uncertain fields (docs/scenario.md#uncertain-values).
        replications: replications per model point (the same seeds at every point).
        samples: Saltelli base sample size N of the Sobol' step (N·(d + 2) points).
        trajectories: Morris trajectories r of the screening step (r·(d + 1) points).
        max_sobol: at most this many inputs get Sobol' indices.
        screening: screen with Morris first; default: when there are more than
            ``max_sobol`` inputs.
        flips: search each target's flip points along its influential inputs.
        flip_points_per_input: grid points of each flip search.
        flip_inputs: inputs searched per target (most influential first).
        flip_replications: replications per point of the flip searches (default:
            the scenario's, so the verdict at the central values is the one
            ``check`` gives with the same seed).
        defaults: also treat the ranges of the package defaults the scenario relies
            on as uncertain inputs (``defaults.yaml`` ``uncertainty:``).
        seed: experiment seed (default: the scenario's); also seeds the designs.
        confidence: level of the bootstrap intervals (default: the scenario's).
        workers, executor: where model points run (as for :func:`innovate_sim.simulate`).
        progress: called with (step, points done, points asked).

    Returns:
        A :class:`SensitivityResult`.
    """
    started = time.perf_counter()
    scenario = with_default_ranges(scenario) if defaults else scenario
    inputs = require_inputs(scenario)
    seed = scenario.seed if seed is None else int(seed)
    level = scenario.simulation.confidence_level if confidence is None else float(confidence)
    step = {"name": ""}

    def report(done: int, total: int) -> None:
        if progress:
            progress(step["name"], done, total)

    runs = ScenarioRuns(
        scenario,
        inputs,
        seed=seed,
        replications=replications,
        workers=workers,
        executor=executor,
        progress=report,
    )
    names = [item.name for item in inputs]
    screen = len(inputs) > max_sobol if screening is None else screening
    screened = pd.DataFrame(
        columns=["output", "input", "mu_star", "mu_star_low", "mu_star_high", "sigma", "relative"]
    )
    chosen = names
    if screen:
        step["name"] = "screening (Morris)"
        screened = morris(inputs, runs, trajectories, seed=seed, confidence=level)
        chosen = _screen(screened, names, max_sobol) or names[:1]
    step["name"] = "Sobol' indices"
    columns = [names.index(name) for name in chosen]
    subset = [inputs[j] for j in columns]
    indices = sobol(subset, _Subset(runs, columns), samples, seed=seed, confidence=level)
    indices["screened_out"] = False
    left = [
        [o.key, name, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, True]
        for o in runs.outputs
        for name in names
        if name not in chosen
    ]
    if left:
        indices = pd.concat(
            [indices, pd.DataFrame(left, columns=indices.columns)], ignore_index=True
        )
    targets = [o for o in runs.outputs if o.target is not None]
    flipped = pd.DataFrame(columns=[*FLIP_COLUMNS, "flip_values"])
    flip_evaluations = flip_simulations = 0
    if flips and targets:
        step["name"] = "flip points"
        ranked = _ranked_for_flips(indices, targets, flip_inputs)
        judging_runs = ScenarioRuns(
            scenario,
            inputs,
            seed=seed,
            replications=flip_replications or scenario.replications,
            workers=workers,
            executor=executor,
            progress=report,
        )
        flipped = flip_points(inputs, targets, ranked, judging_runs, points=flip_points_per_input)
        flip_evaluations = judging_runs.points
        flip_simulations = judging_runs.simulated
    return SensitivityResult(
        scenario=scenario,
        inputs=inputs,
        outputs=runs.outputs,
        screening=screened,
        indices=indices,
        flips=flipped,
        settings={
            "seed": seed,
            "replications_per_point": replications,
            "flip_replications_per_point": (flip_replications or scenario.replications)
            if flips and targets
            else 0,
            "ranking_points": runs.points,
            "flip_points": flip_evaluations,
            "simulated_ranking_replications": runs.simulated,
            "simulated_flip_replications": flip_simulations,
            "sobol_base_samples": samples,
            "morris_trajectories": trajectories if screen else 0,
            "sobol_inputs": chosen,
            "confidence_level": level,
            "defaults_ranges": defaults,
        },
        evaluations=runs.points + flip_evaluations,
        wall_time_s=time.perf_counter() - started,
    )
