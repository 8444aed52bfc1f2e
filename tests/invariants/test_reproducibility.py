"""Same seed ⇒ identical results, whatever the executor or the number of workers (DESIGN §3.2)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import innovate_sim as isim
from _results import succeeded, sweep_succeeded
from innovate_sim.experiments.variants import apply_at, scenario_data

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def scenario() -> isim.Scenario:
    data = scenario_data(isim.load_scenario(SCENARIOS / "prod.yaml"))
    data["horizon"] = "30d"
    return isim.scenario_from_dict(data)


@pytest.fixture(scope="module")
def serial(scenario: isim.Scenario) -> isim.SimulationResult:
    return succeeded(isim.simulate(scenario, 4, 21))


def test_serial_and_process_pool_give_identical_results(
    scenario: isim.Scenario, serial: isim.SimulationResult
) -> None:
    pooled = succeeded(isim.simulate(scenario, 4, 21, workers=2))
    pd.testing.assert_frame_equal(pooled.summary(), serial.summary())
    pd.testing.assert_frame_equal(pooled.availability, serial.availability)
    pd.testing.assert_frame_equal(pooled.incidents, serial.incidents)
    pd.testing.assert_frame_equal(pooled.costs, serial.costs)


def test_any_executor_and_chunking_give_identical_results(
    scenario: isim.Scenario, serial: isim.SimulationResult
) -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        one_worker = succeeded(isim.simulate(scenario, 4, 21, pool, workers=1))
        many = succeeded(isim.simulate(scenario, 4, 21, pool, workers=8))
    for result in (one_worker, many):
        pd.testing.assert_frame_equal(result.summary(), serial.summary())
        pd.testing.assert_frame_equal(result.counters, serial.counters)


def test_a_replication_does_not_depend_on_the_others(
    scenario: isim.Scenario, serial: isim.SimulationResult
) -> None:
    from innovate_sim.experiments.replication import run_replication

    alone = run_replication(scenario, 21, 2)
    assert alone.environments == serial.outcomes[2].environments
    assert alone.incidents == serial.outcomes[2].incidents


def test_seeds_differ_and_repeat(scenario: isim.Scenario, serial: isim.SimulationResult) -> None:
    again = succeeded(isim.simulate(scenario, 4, 21))
    pd.testing.assert_frame_equal(again.availability, serial.availability)
    other = succeeded(isim.simulate(scenario, 4, 22))
    assert not other.costs["usd"].equals(serial.costs["usd"])


def test_variants_with_the_same_seed_share_the_failure_history(
    scenario: isim.Scenario, serial: isim.SimulationResult
) -> None:
    """Common random numbers: a design change leaves the AZ-outage history alone."""
    data = apply_at(scenario_data(scenario), "environments.prod.network.nat_gateways", "single")
    variant = isim.scenario_from_dict(data)
    result = succeeded(isim.simulate(variant, 4, 21))
    assert list(result.counters["az_outages"]) == list(serial.counters["az_outages"])
    assert list(result.counters["rds_outages"]) == list(serial.counters["rds_outages"])


def test_a_model_that_always_fails_fails_these_checks(
    scenario: isim.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without :func:`succeeded`, two runs whose every replication raised compare as equal."""
    from innovate_sim.experiments import replication

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the model cannot be built")

    monkeypatch.setattr(replication, "build_model", broken)
    first, second = isim.simulate(scenario, 2, 21), isim.simulate(scenario, 2, 21)
    pd.testing.assert_frame_equal(first.availability, second.availability)  # both empty
    with pytest.raises(AssertionError, match="replications failed"):
        succeeded(first)
    sweep = isim.sweep(
        scenario, {"environments.prod.network.nat_gateways": ["single"]}, replications=2
    )
    with pytest.raises(AssertionError, match="replications failed"):
        sweep_succeeded(sweep)
