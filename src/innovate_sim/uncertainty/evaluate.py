"""Run a scenario at many points of its uncertain inputs, with common random numbers.

Every point runs replications ``0 … R-1`` with the same experiment seed, so
every point sees the same random streams (the same failure history, stretched
or shortened by the inputs): differences between points are the inputs'
doing, not Monte Carlo noise (DESIGN §3.2).

The outputs are the forecasts the issue ranks inputs by, per environment —
request availability, downtime, the longest incident and the cost of the
costliest month — and the statistic of every target, computed exactly as
``check`` judges it (for an RTO, the quantile of the pooled incidents).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.records import ReplicationRecord
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.experiments.runner import run_batches
from innovate_sim.scenario import Scenario
from innovate_sim.targets import TARGETS, judged_statistic
from innovate_sim.uncertainty.inputs import UncertainInput, with_values
from innovate_sim.units import MINUTES_PER_YEAR

__all__ = ["Output", "PointRuns", "ScenarioRuns", "forecasts", "outputs_of"]

Progress = Callable[[int, int], None]

#: Points' worth of replications a :class:`ScenarioRuns` keeps for later points that share
#: them (a flip sweep along a usage figure re-prices the central point's).
KEPT_SIMULATIONS = 16


class _Kept(OrderedDict[str, ReplicationRecord]):
    """Records by replication key, least recently read first."""

    def __getitem__(self, key: str) -> ReplicationRecord:
        self.move_to_end(key)
        return super().__getitem__(key)

    def trim(self, size: int) -> None:
        """Forget the least recently read records beyond ``size``."""
        while len(self) > size:
            self.popitem(last=False)


@dataclass(frozen=True)
class Output:
    """One quantity whose sensitivity is measured.

    Attributes:
        key: ``<environment>.<forecast>`` or ``<scope>.<target>``.
        label: what it is, for tables and plots.
        unit: its unit.
        target: the target (``rto``, ``monthly_cost_usd`` …) judged on it, if any.
        scope: the environment or account of the target.
        threshold: the target's threshold in ``unit``, if any.
        higher_is_better: direction of the target.
    """

    key: str
    label: str
    unit: str
    target: str | None = None
    scope: str | None = None
    threshold: float | None = None
    higher_is_better: bool = False


#: Forecasts per environment: (name, label, unit).
FORECASTS = (
    ("request_availability", "request availability", "fraction"),
    ("downtime_min_per_year", "downtime", "min/year"),
    ("rto_min", "longest incident", "min"),
    ("monthly_cost_usd", "cost of the costliest month", "USD/month"),
)

#: Targets judged on a forecast of the same environment.
_TARGET_FORECAST = {
    "request_availability": "request_availability",
    "rto": "rto_min",
    "monthly_cost_usd": "monthly_cost_usd",
}


def _threshold(name: str, value: float) -> float:
    return float(value) * 60.0 if name in ("rto", "rpo") else float(value)


def _target_label(name: str, forecast_label: str | None, statistic: str, targets: Any) -> str:
    """What a target's output is: the figure ``check`` judges, in the forecasts' words."""
    if name == "rto":
        return f"RTO ({float(targets.rto_quantile):.0%} quantile of unplanned incidents)"
    if name == "monthly_cost_usd":
        month = targets.cost_month
        which = {"worst": "the costliest month", "last": "the last month", "mean": "the mean month"}
        return f"cost of {which.get(month, f'month {month}')}"
    return forecast_label or statistic


def outputs_of(scenario: Scenario) -> list[Output]:
    """The forecasts of every environment and the statistic of every target."""
    found: dict[str, Output] = {}
    label_of = {name: label for name, label, _ in FORECASTS}
    for env, spec in scenario.environments.items():
        for name, label, unit in FORECASTS:
            if name != "monthly_cost_usd" and not spec.serves_requests:
                continue  # no demand, no availability: only its cost is forecast
            key = f"{env}.{name}"
            found[key] = Output(key, f"{env} {label}", unit)
    for scope, targets in scenario.targets.items():
        for name, kind in TARGETS.items():
            value = getattr(targets, name)
            if value is None:
                continue
            forecast = _TARGET_FORECAST.get(name)
            on_forecast = forecast is not None and scope in scenario.environments
            key = f"{scope}.{forecast}" if on_forecast else f"{scope}.{name}"
            label = _target_label(name, label_of.get(forecast or ""), kind.statistic, targets)
            found[key] = Output(
                key,
                f"{scope} {label}",
                kind.unit,
                name,
                scope,
                _threshold(name, value),
                kind.higher_is_better,
            )
    return list(found.values())


@dataclass(frozen=True)
class Forecast:
    """One output of one run: per-replication values and the figure judged on them.

    Attributes:
        values: per-replication values (R,).
        statistic: the figure a point is summarised by (the mean, or for a
            target the statistic ``check`` compares with the threshold).
        noise_var: the Monte Carlo variance of ``statistic`` (from its
            confidence interval; NaN when the interval is unbounded or R = 1).
    """

    values: np.ndarray
    statistic: float
    noise_var: float


def _mean_forecast(values: np.ndarray) -> Forecast:
    noise = float(values.var(ddof=1)) / values.size if values.size > 1 else float("nan")
    return Forecast(values, float(values.mean()), noise)


def _target_forecast(result: SimulationResult, output: Output) -> Forecast:
    judged = judged_statistic(result, str(output.scope), str(output.target))
    est = judged.estimate
    assert judged.values is not None
    if math.isfinite(est.std):  # a mean: its sampling variance
        noise = est.std**2 / est.n if est.n > 1 else math.nan
    else:  # a quantile: the normal-equivalent spread of its interval
        z = NormalDist().inv_cdf(0.5 + est.confidence / 2.0)
        noise = (est.half_width / z) ** 2 if math.isfinite(est.half_width) else math.nan
    return Forecast(judged.values, float(est.mean), noise)


def forecasts(result: SimulationResult, outputs: Sequence[Output]) -> dict[str, Forecast]:
    """Every output of ``result``: per-replication values and the judged figure."""
    availability = result.availability.set_index(["environment", "replication"]).sort_index()
    replications = pd.Index(sorted(result.availability["replication"].unique()))
    years = result.scenario.horizon * 60.0 / MINUTES_PER_YEAR
    incidents = result.incidents
    found: dict[str, Forecast] = {}
    for output in outputs:
        if output.target is not None:
            found[output.key] = _target_forecast(result, output)
            continue
        env, name = output.key.split(".", 1)
        rows = availability.loc[env].reindex(replications)
        if name == "request_availability":
            values = rows["request_availability"].to_numpy(float)
        elif name == "downtime_min_per_year":
            values = (rows["below_threshold_min"] / years).to_numpy(float)
        elif name == "rto_min":
            mine = incidents[incidents["environment"] == env]
            worst = mine.groupby("replication")["duration_min"].max()
            values = worst.reindex(replications, fill_value=0.0).to_numpy(float)
        else:  # the costliest month (the month a cost target is judged on by default)
            by_month = result.monthly_cost_digest.scopes.month_table("environment", env)
            costliest = by_month.mean().idxmax()
            values = by_month[costliest].reindex(replications, fill_value=0.0).to_numpy(float)
        found[output.key] = _mean_forecast(values)
    return found


@dataclass(frozen=True)
class PointRuns:
    """Outputs at n points (common random numbers): ``{output: array}`` per field.

    Attributes:
        values: per-replication values, (n, R) each.
        statistic: the judged figure at each point, (n,) each.
        noise_var: its Monte Carlo variance at each point, (n,) each.
    """

    values: dict[str, np.ndarray]
    statistic: dict[str, np.ndarray]
    noise_var: dict[str, np.ndarray]


class ScenarioRuns:
    """The scenario as a function of its uncertain inputs (common random numbers).

    Args:
        scenario: the scenario (its uncertain fields are overwritten point by point).
        inputs: the inputs a point sets, in column order.
        seed: experiment seed shared by every point.
        replications: replications per point.
        workers: processes to spread points over (None or 1: this process).
        executor: any ``concurrent.futures.Executor`` to use instead.
        progress: called with (points done, points asked) as they finish.
    """

    def __init__(
        self,
        scenario: Scenario,
        inputs: Sequence[UncertainInput],
        *,
        seed: int,
        replications: int,
        workers: int | None = None,
        executor: Executor | None = None,
        progress: Progress | None = None,
    ) -> None:
        if replications < 1:
            raise ValueError("replications must be at least 1")
        self.scenario = scenario
        self.inputs = list(inputs)
        self.outputs = outputs_of(scenario)
        self.seed = int(seed)
        self.replications = int(replications)
        self.workers = workers
        self.executor = executor
        self.progress = progress
        #: points evaluated, and replications simulated for them (the others were shared)
        self.points = 0
        self.simulated = 0
        self._kept = _Kept()

    def run(self, points: np.ndarray) -> PointRuns:
        """Every output at every point: per-replication values and judged figures."""
        points = np.atleast_2d(np.asarray(points, dtype=float))
        rows = self._map(points)
        self.points += len(points)
        keys = [o.key for o in self.outputs]
        return PointRuns(
            {k: np.array([row[k].values for row in rows]) for k in keys},
            {k: np.array([row[k].statistic for row in rows]) for k in keys},
            {k: np.array([row[k].noise_var for row in rows]) for k in keys},
        )

    def __call__(self, points: np.ndarray) -> dict[str, np.ndarray]:
        """The judged figure of every output at every point: ``{output: (n,)}``."""
        return self.run(points).statistic

    def _map(self, points: np.ndarray) -> list[dict[str, Forecast]]:
        """Simulate every point (same seed and replications) and reduce it to its outputs.

        A replication that is the same simulation at several points (they differ
        only in usage figures, or in the figures of failure processes that bring
        no failure in it: :mod:`innovate_sim.experiments.sharing`) is simulated
        once, also across the last few calls.
        """
        scenarios = [with_values(self.scenario, self.inputs, row) for row in points]
        rows: list[dict[str, Forecast]] = [{} for _ in scenarios]
        before = len(self._kept)

        def done(index: int, outcomes: list[ReplicationRecord]) -> None:
            failed = [o.error for o in outcomes if o.error is not None]
            if failed:
                where = dict(
                    zip([i.name for i in self.inputs], points[index].tolist(), strict=True)
                )
                raise InnovateSimError(f"a replication failed at {where}: {failed[0]}")
            result = SimulationResult(scenarios[index], self.seed, outcomes, 0.0)
            rows[index] = forecasts(result, self.outputs)

        def progress(replications_done: int, total: int) -> None:
            if self.progress:
                self.progress(replications_done // self.replications, total // self.replications)

        run_batches(
            scenarios,
            self.seed,
            self.replications,
            done,
            executor=self.executor,
            workers=self.workers,
            progress=progress,
            known=self._kept,
        )
        self.simulated += len(self._kept) - before
        self._kept.trim(KEPT_SIMULATIONS * self.replications)
        return rows
