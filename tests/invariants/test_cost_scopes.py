"""Issue 13: cost targets, comparisons and the uncertainty analysis read sums built piece by piece.

They used to group the whole monthly cost table (a row per replication ×
month × account × environment × service); they now read the digest's
:class:`~innovate_sim.experiments.cost_digest.ScopeCosts`, built one piece of
replications at a time. Every per-replication figure must be the float the
whole-table group sum gave, bit for bit (``check_exact``): a group's rows lie
in one piece, in the table's order, and each sum is the same pandas operation
on them. The one exception is the cost services a target names as its
causes: summed over replications, the pieces' sums are added (the order of
additions differs from one pass over the column), so they agree to relative
1e-12 and the rounded shares printed from them are the same text.

The old readers are written out below as the reference, on the whole table,
which the judging itself must not build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import innovate_sim as isim
from innovate_sim.cost.accrual import horizon_months
from innovate_sim.experiments import result as result_module
from innovate_sim.experiments.compare import _per_replication
from innovate_sim.experiments.cost_digest import Scope
from innovate_sim.experiments.io import load_result, save_result
from innovate_sim.experiments.target_statistics import environments_of, format_causes
from innovate_sim.targets import judged_statistic
from innovate_sim.uncertainty.evaluate import Output, forecasts

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
REPLICATIONS = 4


def _organization() -> isim.Scenario:
    """The organisation with dev and prod in one account, and cost targets of every kind.

    Account ``workloads`` spans two environments (its sums are not an
    environment's); ``management`` holds only organisation-wide lines; every
    ``cost_month`` choice is judged somewhere.
    """
    return isim.load_scenario(SCENARIOS / "organization.yaml").with_(
        {
            "accounts": [
                {"name": "management", "role": "management"},
                {"name": "shared-services", "role": "shared-services"},
                {"name": "workloads", "role": "workload"},
            ],
            "environments.dev.account": "workloads",
            "environments.prod.account": "workloads",
            "targets.dev.cost_month": 3,
            "targets.workloads": {
                "monthly_cost_usd": 7000,
                "cost_month": "last",
                "cost_per_million_requests_usd": 1,
            },
            "targets.management": {"monthly_cost_usd": 10, "cost_month": "mean"},
        }
    )


SCENARIO_OF = {
    "prod": lambda: isim.load_scenario(SCENARIOS / "prod.yaml"),
    "organization": _organization,
}


@pytest.fixture(scope="module", params=sorted(SCENARIO_OF))
def simulated(request: pytest.FixtureRequest) -> isim.SimulationResult:
    scenario = SCENARIO_OF[request.param]()
    return isim.simulate(scenario, replications=REPLICATIONS, workers=1)


@pytest.fixture
def fresh(
    simulated: isim.SimulationResult, monkeypatch: pytest.MonkeyPatch
) -> isim.SimulationResult:
    """The result without any table built yet, digested in pieces of 3 and 1 replications."""
    monkeypatch.setattr(result_module, "PIECE_REPLICATIONS", 3)
    return isim.SimulationResult(simulated.scenario, simulated.seed, simulated.outcomes, 1.0)


def _scope_of(scenario: isim.Scenario, key: str) -> Scope:
    return "environment" if key in scenario.environments else "account"


def _cost_targets(scenario: isim.Scenario) -> list[tuple[str, str]]:
    return [
        (key, name)
        for key, targets in scenario.targets.items()
        for name in ("monthly_cost_usd", "cost_per_million_requests_usd")
        if getattr(targets, name) is not None
    ]


def test_judging_costs_builds_no_cost_table(fresh: isim.SimulationResult) -> None:
    report = fresh.check()
    assert {"monthly_cost_usd"} <= set(report.rows["target"])
    assert "monthly_cost" not in fresh.__dict__ and "costs" not in fresh.__dict__


def test_scope_sums_are_the_whole_table_sums(fresh: isim.SimulationResult) -> None:
    scopes = fresh.monthly_cost_digest.scopes
    whole = isim.SimulationResult(fresh.scenario, fresh.seed, fresh.outcomes, 1.0).monthly_cost
    for by in ("environment", "account"):
        for name in sorted(set(whole[by])):
            rows = whole[whole[by] == name]
            pivot = rows.pivot_table(
                index="replication", columns="month", values="usd", aggfunc="sum"
            )
            pd.testing.assert_frame_equal(
                scopes.month_table(by, name), pivot, check_exact=True, check_names=False
            )
            pd.testing.assert_series_equal(
                scopes.over_horizon(by, name),
                rows.groupby("replication")["usd"].sum(),
                check_exact=True,
            )
            pd.testing.assert_series_equal(
                scopes.by_service(by, name),
                rows.groupby("service")["usd"].sum(),
                rtol=1e-12,
            )
    pd.testing.assert_series_equal(
        scopes.environments,
        whole.groupby(["replication", "environment"])["usd"].sum(),
        check_exact=True,
    )
    pd.testing.assert_series_equal(
        scopes.replications, whole.groupby("replication")["usd"].sum(), check_exact=True
    )


def _old_values(whole: pd.DataFrame, result: Any, key: str, month: int | None) -> np.ndarray:
    """A cost target's per-replication figure as the old reader computed it from the table."""
    scenario = result.scenario
    rows = whole[whole[_scope_of(scenario, key)] == key]
    table = rows.pivot_table(index="replication", columns="month", values="usd", aggfunc="sum")
    replications = pd.Index(sorted(result.availability["replication"].unique()))
    table = table.reindex(replications).fillna(0.0)
    for column in table.columns:
        covered_h = min(730.0, scenario.horizon - (int(column) - 1) * 730.0)
        if covered_h < 730.0 - 1e-9:
            table[column] = table[column] * (730.0 / covered_h)
    if month is None:
        return table.mean(axis=1).to_numpy(float)
    return table[month].to_numpy(float)


def test_cost_targets_are_judged_as_on_the_whole_table(fresh: isim.SimulationResult) -> None:
    scenario = fresh.scenario
    judged = {target: judged_statistic(fresh, *target) for target in _cost_targets(scenario)}
    report = fresh.check().rows.set_index(["scope", "target"])
    whole = isim.SimulationResult(scenario, fresh.seed, fresh.outcomes, 1.0).monthly_cost
    for (key, name), figure in judged.items():
        rows = whole[whole[_scope_of(scenario, key)] == key]
        if name == "monthly_cost_usd":
            expected = _old_values(whole, fresh, key, figure.month)
            months = [figure.month] if figure.month is not None else sorted(set(rows["month"]))
            services = rows[rows["month"].isin(months)].groupby("service")["usd"].sum()
        else:
            replications = pd.Index(sorted(set(fresh.availability["replication"])))
            availability = fresh.availability
            mine = availability[availability["environment"].isin(environments_of(scenario, key))]
            demand = mine.groupby("replication")["demand_requests"].sum()
            cost = rows.groupby("replication")["usd"].sum().reindex(replications, fill_value=0.0)
            expected = (cost / (demand.reindex(replications) / 1e6)).to_numpy(float)
            services = rows.groupby("service")["usd"].sum()
        assert figure.values is not None
        np.testing.assert_array_equal(figure.values, expected, err_msg=f"{key}.{name}")
        assert figure.causes == f"cost: {format_causes(services)}"
        assert report.loc[(key, name), "mean"] == figure.estimate.mean


def test_saved_result_is_judged_the_same(fresh: isim.SimulationResult, tmp_path: Path) -> None:
    save_result(fresh, tmp_path)
    saved = load_result(tmp_path).check().rows
    pd.testing.assert_frame_equal(saved, fresh.check().rows, check_exact=True)


def test_compare_and_uncertainty_read_the_whole_table_sums(fresh: isim.SimulationResult) -> None:
    scenario = fresh.scenario
    simulated = sorted(set(fresh.availability["environment"]))
    # each simulated environment's cost of its costliest month (targets are judged above)
    found = forecasts(fresh, [Output(f"{env}.monthly_cost_usd", env, "USD") for env in simulated])
    rows = _per_replication(fresh)
    costs = rows[rows["metric"] == "monthly_cost_usd"].reset_index(drop=True)
    assert "monthly_cost" not in fresh.__dict__
    whole = fresh.monthly_cost
    months = horizon_months(scenario)
    per_env = whole.groupby(["replication", "environment"])["usd"].sum() / months
    totals = whole.groupby("replication")["usd"].sum() / months
    expected = [(r, e, usd) for (r, e), usd in per_env.items()]
    expected += [(r, "all", usd) for r, usd in totals.items()]
    assert list(costs[["replication", "environment", "value"]].itertuples(index=False)) == expected
    for key, forecast in found.items():
        env = key.split(".")[0]
        by_month = (
            whole[whole["environment"] == env]
            .groupby(["replication", "month"])["usd"]
            .sum()
            .unstack("month")
        )
        replications = sorted(set(fresh.availability["replication"]))
        values = by_month[by_month.mean().idxmax()].reindex(replications, fill_value=0.0)
        np.testing.assert_array_equal(forecast.values, values.to_numpy(float), err_msg=key)
    assert found, "no environment with a cost forecast"
