"""Compare two scenarios with common random numbers: paired differences with CIs.

Both variants run with the same seed, so replication *r* of each sees the same
failure history (every random stream is named by process, not drawn in
sequence). The difference B − A is taken replication by replication, and its
confidence interval is a paired Student-t interval — far narrower than the
difference of two independent intervals.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innovate_sim._frames import iter_rows
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.experiments.runner import Progress, simulate
from innovate_sim.experiments.stats import estimate
from innovate_sim.scenario import Scenario

__all__ = ["Comparison", "compare", "paired_differences"]


@dataclass
class Comparison:
    """Two results run with the same seed and their paired differences (B − A)."""

    a: SimulationResult
    b: SimulationResult
    differences: pd.DataFrame

    def plot(self, ax: Any = None) -> Any:
        """The paired differences B − A with their intervals; returns the Axes."""
        from innovate_sim.experiments.views import draw

        return draw("comparison", self, ax=ax)

    def _repr_html_(self) -> str:
        from innovate_sim.experiments.views import differences_html

        caption = (
            f"B − A, paired over {self.a.replications} replications with common random numbers "
            f"(A = {self.a.scenario.name}, B = {self.b.scenario.name})"
        )
        return differences_html(caption, self.differences, self.a.confidence)


def _per_replication(result: SimulationResult) -> pd.DataFrame:
    """Long table: replication, environment, metric, unit, value."""
    years = result.horizon_years
    rows = []
    for row in iter_rows(result.availability):
        env = row.environment
        rows += [
            (row.replication, env, "request_availability", "fraction", row.request_availability),
            (
                row.replication,
                env,
                "downtime_min_per_year",
                "min/year",
                row.below_threshold_min / years,
            ),
            (
                row.replication,
                env,
                "full_outage_min_per_year",
                "min/year",
                row.full_outage_min / years,
            ),
            (row.replication, env, "incidents_per_year", "1/year", row.incidents / years),
        ]
    lost = result.downtime_by_cause
    for row in iter_rows(lost):
        rows.append(
            (
                row.replication,
                row.environment,
                f"lost_requests[{row.cause}]",
                "requests",
                row.lost_requests,
            )
        )
    costs = result.monthly_cost_digest
    if not costs.empty:
        from innovate_sim.cost.accrual import horizon_months

        months = horizon_months(result.scenario)
        per_env = costs.scopes.environments / months
        for key, usd in per_env.items():
            pair: tuple[int, str] = key  # type: ignore[assignment]  # (replication, environment)
            rows.append((pair[0], pair[1], "monthly_cost_usd", "USD/month", usd))
        for total_key, usd in (costs.scopes.replications / months).items():
            rows.append((total_key, "all", "monthly_cost_usd", "USD/month", usd))
    return pd.DataFrame(rows, columns=["replication", "environment", "metric", "unit", "value"])


def paired_differences(a: SimulationResult, b: SimulationResult) -> pd.DataFrame:
    """Mean of A, mean of B, and the paired difference B − A with its CI, per metric."""
    left = _per_replication(a)
    right = _per_replication(b)
    merged = left.merge(
        right,
        on=["replication", "environment", "metric", "unit"],
        how="outer",
        suffixes=("_a", "_b"),
    )
    merged = merged.fillna({"value_a": 0.0, "value_b": 0.0})
    rows = []
    for (env, metric, unit), group in merged.groupby(["environment", "metric", "unit"], sort=False):
        diff = (group["value_b"] - group["value_a"]).to_numpy()
        est = estimate(diff, a.confidence)
        rows.append(
            {
                "environment": env,
                "metric": metric,
                "unit": unit,
                "mean_a": float(np.mean(group["value_a"])),
                "mean_b": float(np.mean(group["value_b"])),
                "mean_difference": est.mean,
                "ci_low": est.ci_low,
                "ci_high": est.ci_high,
                "n": est.n,
            }
        )
    return pd.DataFrame(rows)


def compare(
    a: Scenario,
    b: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Run two scenarios with common random numbers and report paired differences (B − A).

    Args:
        a: the baseline scenario.
        b: the variant.
        replications: per scenario (default: A's).
        seed: shared seed (default: A's).
        executor: as for :func:`innovate_sim.simulate`.
        workers: as for :func:`innovate_sim.simulate`.
        progress: called with (done, total) over both runs.
    """
    count = a.replications if replications is None else replications
    seed = a.seed if seed is None else seed

    def half(offset: int) -> Progress | None:
        if progress is None:
            return None
        return lambda done, total: progress(done + offset, 2 * total)

    result_a = simulate(a, count, seed, executor, workers=workers, progress=half(0))
    result_b = simulate(b, count, seed, executor, workers=workers, progress=half(count))
    return Comparison(result_a, result_b, paired_differences(result_a, result_b))
