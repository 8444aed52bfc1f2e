"""Scenarios that differ only in usage figures share one simulation, and lose nothing by it.

Usage figures (traffic per request, logs, object storage) are priced after a run.
The runner and the sensitivity analysis simulate scenarios with the same
:meth:`Scenario.simulation_key` once; these tests check the premise (changing
every usage figure leaves every simulated figure unchanged, bit for bit, while
the bill changes) and that sharing gives exactly what separate runs give.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import innovate_sim as isim
import innovate_sim.experiments.runner as runner
from innovate_sim.experiments.records import ReplicationRecord, compact
from innovate_sim.experiments.replication import run_replication
from innovate_sim.scenario.environment import USAGE_FIELDS
from innovate_sim.uncertainty import find_inputs
from innovate_sim.uncertainty.evaluate import ScenarioRuns

ROOT = Path(__file__).resolve().parents[2]
SEED = 7

#: Every usage figure prod writes, each set well away from its value.
USAGE_CHANGES = {
    "environments.prod.network.traffic.request_kb_per_request": 5,
    "environments.prod.network.traffic.response_kb_per_request": 40,
    "environments.prod.network.traffic.internet_egress_kb_per_request": 3,
    "environments.prod.network.traffic.inter_az_kb_per_request": 20,
    "environments.prod.network.traffic.internet_egress_gb_per_month": 100,
    "environments.prod.network.traffic.s3_gb_per_month": 200,
    "environments.prod.network.traffic.image_pull_gb_per_node": 2,
    "environments.prod.observability.log_ingestion_gb_per_month": 500,
    "environments.prod.object_storage.standard_gb": 5000,
}


@pytest.fixture(scope="module")
def prod() -> isim.Scenario:
    """Prod over 60 days with failures frequent enough that every replication has some."""
    return isim.load_scenario(ROOT / "scenarios" / "prod.yaml").with_(
        {
            "horizon": "60d",
            "failures.node.rate": "12/y",
            "failures.nat_gateway.rate": "12/y",
            "failures.rds_instance.rate": "12/y",
            "failures.az_outage.rate": "6/y",
        }
    )


def _fields(record: ReplicationRecord) -> dict[str, Any]:
    """Every simulated figure of a record (all but its wall time)."""
    names = [n for n in ReplicationRecord.__slots__ if n != "wall_time_s"]  # type: ignore[attr-defined]
    return {name: getattr(record, name) for name in names}


def _assert_same(a: Any, b: Any) -> None:
    if isinstance(a, tuple) and a and isinstance(a[0], np.ndarray):
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y, strict=True)
    else:
        assert a == b


def test_every_usage_field_is_changed_below() -> None:
    for field in USAGE_FIELDS:
        assert any(path.startswith(f"environments.prod.{field}.") for path in USAGE_CHANGES), field


def test_usage_figures_change_the_bill_but_not_one_simulated_figure(prod: isim.Scenario) -> None:
    changed = prod.with_(USAGE_CHANGES)
    assert changed.simulation_key() == prod.simulation_key()
    assert changed.content_hash() != prod.content_hash()
    failures = 0
    for replication in range(2):
        a = compact(run_replication(prod, SEED, replication))
        b = compact(run_replication(changed, SEED, replication))
        assert a.error is None and b.error is None
        failures += len(a.incident_values)
        for (name, x), y in zip(_fields(a).items(), _fields(b).values(), strict=True):
            try:
                _assert_same(x, y)
            except AssertionError as error:  # pragma: no cover - names the field on failure
                raise AssertionError(f"{name} differs") from error
    assert failures > 0  # the replications exercised failures, not only the daily cycle
    bill = isim.simulate(prod, replications=1, seed=SEED).costs["usd"].sum()
    changed_bill = isim.simulate(changed, replications=1, seed=SEED).costs["usd"].sum()
    assert changed_bill > 1.05 * bill


@pytest.mark.parametrize(
    "path, value",
    [
        ("environments.prod.demand.peak_rps", 900),
        ("failures.node.rate", "3/y"),
        ("environments.prod.cluster.karpenter.launch_latency.median", "50s"),
        ("environments.prod.network.nat_gateways", "single"),
        ("simulation.demand_resolution", "5m"),
    ],
)
def test_a_field_the_simulation_reads_changes_the_key(
    prod: isim.Scenario, path: str, value: object
) -> None:
    assert prod.with_({path: value}).simulation_key() != prod.simulation_key()


def test_the_runner_simulates_scenarios_that_differ_in_usage_once(
    prod: isim.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    variants = [
        prod,
        prod.with_({"environments.prod.network.traffic.response_kb_per_request": 40}),
        prod.with_({"environments.prod.demand.peak_rps": 900}),
        prod.with_({"environments.prod.object_storage.standard_gb": 5000}),
    ]
    simulated: list[tuple[str, int]] = []

    def counting(scenario: isim.Scenario, seed: int, replication: int) -> Any:
        simulated.append((scenario.simulation_key(), replication))
        return run_replication(scenario, seed, replication)

    monkeypatch.setattr(runner, "run_replication", counting)
    reported: dict[int, list[ReplicationRecord]] = {}
    progress: list[tuple[int, int]] = []
    runner.run_batches(
        variants,
        SEED,
        2,
        lambda index, outcomes: reported.__setitem__(index, outcomes),
        progress=lambda done, total: progress.append((done, total)),
    )
    assert len(simulated) == 2 * 2  # two distinct simulations, two replications each
    assert sorted(reported) == [0, 1, 2, 3]
    assert reported[1] is reported[0] and reported[3] is reported[0]
    assert progress[-1] == (8, 8)  # progress counts every scenario asked for
    alone = [compact(run_replication(variants[2], SEED, r)) for r in range(2)]
    for x, y in zip(reported[2], alone, strict=True):
        for a, b in zip(_fields(x).values(), _fields(y).values(), strict=True):
            _assert_same(a, b)


def test_sensitivity_points_along_a_usage_figure_re_price_one_simulation(
    prod: isim.Scenario,
) -> None:
    inputs = [
        item
        for item in find_inputs(prod)
        if item.name in ("prod.network.traffic.response_kb_per_request", "prod.demand.peak_rps")
    ]
    assert [i.name for i in inputs] == [
        "prod.network.traffic.response_kb_per_request",
        "prod.demand.peak_rps",
    ]
    central = np.array([item.central for item in inputs])
    points = np.array([central, central * [2.0, 1.0], central * [0.5, 1.0], central * [1.0, 0.8]])
    shared = ScenarioRuns(prod, inputs, seed=SEED, replications=2)
    together = shared.run(points)
    assert (shared.points, shared.simulated) == (4, 2)
    again = shared.run(points[:1] * [3.0, 1.0])  # a new response size: the kept simulation
    assert (shared.points, shared.simulated) == (5, 2)
    cost = "prod.monthly_cost_usd"
    assert together.statistic[cost][1] > together.statistic[cost][0] > together.statistic[cost][2]
    for row, point in enumerate([*points, points[0] * [3.0, 1.0]]):
        alone = ScenarioRuns(prod, inputs, seed=SEED, replications=2).run(point[None, :])
        runs, index = (together, row) if row < 4 else (again, 0)
        for key, values in alone.values.items():
            np.testing.assert_array_equal(runs.values[key][index], values[0])
            assert runs.statistic[key][index] == alone.statistic[key][0]
