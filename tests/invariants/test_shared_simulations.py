"""Replications that are one simulation under several scenarios are run once, losing nothing.

Usage figures (traffic per request, logs, object storage) are priced after a run,
and a failure process that never fails in a replication leaves its figures
unread. The runner and the sensitivity analysis run each such replication once
(:mod:`innovate_sim.experiments.sharing`); these tests check both premises bit
for bit and that sharing gives exactly what separate runs give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import innovate_sim as isim
import innovate_sim.experiments.runner as runner
from innovate_sim.experiments.records import ReplicationRecord, compact
from innovate_sim.experiments.replication import run_replication
from innovate_sim.experiments.sharing import UNREAD_WHEN_QUIET, ReplicationKeys
from innovate_sim.scenario.environment import USAGE_FIELDS
from innovate_sim.uncertainty import find_inputs, with_default_ranges
from innovate_sim.uncertainty.evaluate import ScenarioRuns
from innovate_sim.uncertainty.inputs import with_values

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


#: What a run measures about itself, not about the system: a shared replication reports the
#: run that simulated it (a process that never fires still schedules its first timeout).
RUN_MEASURES = ("wall_time_s", "events")


def _fields(record: ReplicationRecord) -> dict[str, Any]:
    """Every simulated figure of a record."""
    names = [n for n in ReplicationRecord.__slots__ if n not in RUN_MEASURES]  # type: ignore[attr-defined]
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
    assert ReplicationKeys(SEED).base(changed) == ReplicationKeys(SEED).base(prod)
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
    keys = ReplicationKeys(SEED)
    assert keys.base(prod.with_({path: value})) != keys.base(prod)


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
        simulated.append((scenario.content_hash(), replication))
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
    for index in (1, 3):  # the same records, not a second simulation
        assert all(a is b for a, b in zip(reported[index], reported[0], strict=True))
    assert progress[-1] == (8, 8)  # progress counts every scenario asked for
    alone = [compact(run_replication(variants[2], SEED, r)) for r in range(2)]
    for x, y in zip(reported[2], alone, strict=True):
        for a, b in zip(_fields(x).values(), _fields(y).values(), strict=True):
            _assert_same(a, b)


#: Pairs of failure figures; each pair's second differs in every figure of one process kind.
FAILURE_VARIANTS = {
    "nat_gateway": (
        {"failures.nat_gateway.rate": "1/y"},
        {"failures.nat_gateway.rate": "3/y", "failures.nat_gateway.duration": "2h"},
    ),
    "az_outage": (
        {"failures.az_outage.rate": "0.5/y"},
        {"failures.az_outage.rate": "2/y", "failures.az_outage.launches": "insufficient-capacity"},
    ),
    "eks_control_plane": (
        {"failures.eks_control_plane.rate": "1/y"},
        {"failures.eks_control_plane.rate": "4/y", "failures.eks_control_plane.duration": "3h"},
    ),
    "rds_instance": (
        {"failures.rds_instance.rate": "1/y"},
        {"failures.rds_instance.rate": "3/y"},
    ),
    "az_outage during region outages": (
        {
            "failures.region_outage.enabled": True,
            "failures.region_outage.rate": "3/y",
            "failures.az_outage.rate": "0.5/y",
        },
        {
            "failures.region_outage.enabled": True,
            "failures.region_outage.rate": "3/y",
            "failures.az_outage.rate": "2/y",
            "failures.az_outage.launches": "insufficient-capacity",
        },
    ),
    "region_outage": (
        {},
        {"failures.region_outage.enabled": True, "failures.region_outage.rate": "1/y"},
    ),
}


def test_the_models_clocks_are_its_failure_processes_that_depend_on_nothing_else(
    prod: isim.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import innovate_sim.aws.build as build

    started: list[tuple[str, float]] = []
    for name in ("alternating_outages", "poisson_events"):
        original = getattr(build, name)

        def recording(sim: Any, stream: Any, rate: float, *rest: Any, _f: Any = original) -> None:
            started.append((stream.name, rate))
            _f(sim, stream, rate, *rest)

        monkeypatch.setattr(build, name, recording)
    scenario = prod.with_(FAILURE_VARIANTS["region_outage"][1])
    model = build.build_model(scenario, SEED, 0)
    clocks = {(c.stream, c.rate_per_h) for c in model.clocks}
    maintenance = {s for s in started if s[0].startswith(("rds-os-patch/", "rds-engine-upgrade/"))}
    assert clocks == set(started) - maintenance
    assert {c.kind for c in model.clocks} == set(UNREAD_WHEN_QUIET)


@pytest.mark.parametrize("kind", list(FAILURE_VARIANTS))
def test_replications_whose_failure_histories_match_are_identical(
    prod: isim.Scenario, kind: str
) -> None:
    """Equal keys mean bit-identical records; the seed gives both equal and unequal keys."""
    base, other = (prod.with_(changes) for changes in FAILURE_VARIANTS[kind])
    keys = ReplicationKeys(SEED)
    pairs = list(zip(keys.of(base, 12), keys.of(other, 12), strict=True))
    shared = [r for r, (a, b) in enumerate(pairs) if a == b]
    assert 0 < len(shared) < len(pairs), shared
    for replication in shared:
        a = compact(run_replication(base, SEED, replication))
        b = compact(run_replication(other, SEED, replication))
        for (name, x), y in zip(_fields(a).items(), _fields(b).values(), strict=True):
            try:
                _assert_same(x, y)
            except AssertionError as error:  # pragma: no cover - names the field on failure
                raise AssertionError(f"replication {replication}: {name} differs") from error


def test_sensitivity_points_share_replications_and_lose_nothing() -> None:
    prod = with_default_ranges(
        isim.load_scenario(ROOT / "scenarios" / "prod.yaml").with_({"horizon": "60d"})
    )
    wanted = (
        "prod.network.traffic.response_kb_per_request",
        "prod.demand.peak_rps",
        "failures.nat_gateway.rate",
    )
    inputs = [item for item in find_inputs(prod) if item.name in wanted]
    assert [i.name for i in inputs] == list(wanted)
    central = np.array([item.central for item in inputs])
    points = central * np.array(
        [[1, 1, 1], [2.0, 1, 1], [0.5, 1, 1], [1, 0.8, 1], [1, 1, 0.1], [1, 1, 0.3], [1, 1, 10]]
    )
    shared = ScenarioRuns(prod, inputs, seed=SEED, replications=4)
    together = shared.run(points)
    keys = ReplicationKeys(SEED)
    distinct = {k for p in points for k in keys.of(with_values(prod, inputs, p), 4)}
    assert shared.simulated == len(distinct) < 4 * (len(points) - 2)
    again = shared.run(points[:1] * [3.0, 1, 1])  # a new response size: the kept simulation
    assert (shared.points, shared.simulated) == (len(points) + 1, len(distinct))
    cost = "prod.monthly_cost_usd"
    assert together.statistic[cost][1] > together.statistic[cost][0] > together.statistic[cost][2]
    for row, point in enumerate([*points, points[0] * [3.0, 1, 1]]):
        alone = ScenarioRuns(prod, inputs, seed=SEED, replications=4).run(point[None, :])
        runs, index = (together, row) if row < len(points) else (again, 0)
        for key, values in alone.values.items():
            np.testing.assert_array_equal(runs.values[key][index], values[0])
            assert runs.statistic[key][index] == alone.statistic[key][0]
