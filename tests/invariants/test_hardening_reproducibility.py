"""Reproducibility beyond the basics (issue #7 item 5, DESIGN §3.2).

``tests/invariants/test_reproducibility.py`` covers serial against a process pool, one
executor with two chunkings, and Dask. This file adds: worker counts 1, 2 and
3 giving identical tables; chunk sizes from one replication per task to all
replications in one task; futures that complete in reverse order; different
seeds giving different failure histories; and the provenance every result
carries (seed, scenario hash, package and price-catalog version).
"""

from __future__ import annotations

import copy
import json
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import innovate_sim as isim
from _results import succeeded
from innovate_sim.experiments import runner
from innovate_sim.pricing import load_catalog

ROOT = Path(__file__).resolve().parents[2]
PROD_FILE = ROOT / "scenarios" / "prod.yaml"
REPLICATIONS = 6
SEED = 17
TABLES = (
    "availability",
    "incidents",
    "downtime_by_cause",
    "monthly",
    "costs",
    "monthly_cost",
    "counters",
)


def _busy_prod() -> isim.Scenario:
    """prod over 10 days with failures frequent enough that every replication has some."""
    data = yaml.safe_load(PROD_FILE.read_text(encoding="utf-8"))
    data["horizon"] = "10d"
    data["failures"] = {
        "az_outage": {"rate": "12/y"},
        "node": {"rate": "1/300h"},
        "nat_gateway": {"rate": "6/y"},
        "rds_instance": {"rate": "6/y"},
    }
    return isim.scenario_from_dict(data)


@pytest.fixture(scope="module")
def scenario() -> isim.Scenario:
    return _busy_prod()


@pytest.fixture(scope="module")
def serial(scenario: isim.Scenario) -> isim.SimulationResult:
    result = succeeded(isim.simulate(scenario, REPLICATIONS, SEED), REPLICATIONS)
    assert not result.incidents.empty  # the comparisons below compare something
    return result


def assert_identical(a: isim.SimulationResult, b: isim.SimulationResult) -> None:
    succeeded(a, REPLICATIONS)
    succeeded(b, REPLICATIONS)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    pd.testing.assert_frame_equal(a.summary(), b.summary(), obj="summary")
    assert [o.replication for o in a.outcomes] == [o.replication for o in b.outcomes]
    assert [o.events for o in a.outcomes] == [o.events for o in b.outcomes]


@pytest.mark.parametrize("workers", [2, 3])
def test_worker_counts_give_identical_tables(
    scenario: isim.Scenario, serial: isim.SimulationResult, workers: int
) -> None:
    """workers=1 is the serial run; 2 and 3 each start their own process pool."""
    pooled = isim.simulate(scenario, REPLICATIONS, SEED, workers=workers)
    assert_identical(pooled, serial)


def test_workers_one_is_serial(scenario: isim.Scenario, serial: isim.SimulationResult) -> None:
    assert_identical(isim.simulate(scenario, REPLICATIONS, SEED, workers=1), serial)


@pytest.mark.parametrize("size", [1, 4, REPLICATIONS])
def test_chunk_sizes_give_identical_tables(
    scenario: isim.Scenario,
    serial: isim.SimulationResult,
    size: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One replication per task, uneven chunks (4 + 2), or everything in one task."""
    chunks: list[list[int]] = []

    def fixed(replications: list[int], _size: int) -> list[list[int]]:
        out = [replications[i : i + size] for i in range(0, len(replications), size)]
        chunks.extend(out)
        return out

    monkeypatch.setattr(runner, "_chunks", fixed)
    with ThreadPoolExecutor(max_workers=3) as pool:
        result = isim.simulate(scenario, REPLICATIONS, SEED, pool)
    assert len(chunks) == -(-REPLICATIONS // size)
    assert_identical(result, serial)


class ReversedExecutor(Executor):
    """Runs every task when submitted but hands back futures finishing last-first."""

    def __init__(self) -> None:
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.futures.append(future)
        value = fn(*args, **kwargs)
        # complete in reverse submission order once all are submitted
        future._innovate_value = value  # type: ignore[attr-defined]
        return future

    def release(self) -> None:
        for future in reversed(self.futures):
            future.set_result(future._innovate_value)  # type: ignore[attr-defined]


def test_completion_order_does_not_matter(
    scenario: isim.Scenario, serial: isim.SimulationResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    executor = ReversedExecutor()
    real = runner.as_completed

    def reversed_completion(futures: list[Future[Any]]) -> Any:
        executor.release()
        return real(futures)

    monkeypatch.setattr(runner, "as_completed", reversed_completion)
    monkeypatch.setattr(
        runner, "_chunks", lambda replications, _size: [[r] for r in replications]
    )  # one future per replication
    result = isim.simulate(scenario, REPLICATIONS, SEED, executor)
    assert_identical(result, serial)


def test_a_different_seed_gives_a_different_failure_history(
    scenario: isim.Scenario, serial: isim.SimulationResult
) -> None:
    others = [
        succeeded(isim.simulate(scenario, REPLICATIONS, seed), REPLICATIONS)
        for seed in (SEED + 1, 2**40 + SEED)
    ]
    histories = [
        result.incidents[["replication", "cause", "start_h"]].to_records(index=False).tolist()
        for result in (serial, *others)
    ]
    assert len({tuple(h) for h in histories}) == 3, "two seeds gave the same incidents"
    for other in others:
        assert not other.availability["request_availability"].equals(
            serial.availability["request_availability"]
        )
        assert other.seed != serial.seed
    # and within one experiment the replications differ from each other
    starts = serial.incidents.groupby("replication")["start_h"].apply(tuple)
    assert starts.nunique() == len(starts)


def test_the_same_seed_repeats_in_a_new_scenario_object(serial: isim.SimulationResult) -> None:
    """Rebuilding the scenario (same content) and running again gives the same tables."""
    assert_identical(isim.simulate(_busy_prod(), REPLICATIONS, SEED), serial)


def test_results_embed_their_provenance(
    scenario: isim.Scenario, serial: isim.SimulationResult, tmp_path: Path
) -> None:
    prov = serial.provenance()
    assert prov["seed"] == SEED
    assert prov["scenario"] == scenario.name
    assert prov["scenario_hash"] == scenario.content_hash()
    assert len(prov["scenario_hash"]) == 16 and int(prov["scenario_hash"], 16) >= 0
    assert prov["package_version"] == isim.__version__
    assert prov["catalog_version"] == load_catalog(scenario.region).version
    assert prov["replications"] == REPLICATIONS and prov["failed_replications"] == []
    assert prov["horizon_h"] == scenario.horizon
    # the scenario's own seed is used when none is given, and recorded
    assert succeeded(isim.simulate(scenario, 1)).provenance()["seed"] == scenario.seed
    # saved results carry the same provenance
    from innovate_sim.experiments.io import load_result, save_result

    save_result(serial, tmp_path)
    saved = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["provenance"]
    for key in ("seed", "scenario_hash", "package_version", "catalog_version"):
        assert saved[key] == prov[key], key
    loaded = load_result(tmp_path)
    assert (loaded.seed, loaded.scenario_hash) == (SEED, prov["scenario_hash"])
    assert (loaded.package_version, loaded.catalog_version) == (
        prov["package_version"],
        prov["catalog_version"],
    )


def test_scenario_hash_follows_content_not_formatting(tmp_path: Path) -> None:
    text = PROD_FILE.read_text(encoding="utf-8")
    plain = isim.load_scenario(PROD_FILE).content_hash()
    # comments, key order and flow style do not change the hash
    data = yaml.safe_load(text)
    reordered = tmp_path / "reordered.yaml"
    reordered.write_text(
        yaml.safe_dump(dict(reversed(list(data.items()))), default_flow_style=True), "utf-8"
    )
    assert isim.load_scenario(reordered).content_hash() == plain
    # a change of content does
    changed = copy.deepcopy(data)
    changed["environments"]["prod"]["network"]["nat_gateways"] = "single"
    other = tmp_path / "changed.yaml"
    other.write_text(yaml.safe_dump(changed), "utf-8")
    assert isim.load_scenario(other).content_hash() != plain
    # the scenario's seed is content too (it decides the numbers): changing it changes the hash
    reseeded = copy.deepcopy(data)
    reseeded["seed"] = data["seed"] + 1
    seeded = tmp_path / "seeded.yaml"
    seeded.write_text(yaml.safe_dump(reseeded), "utf-8")
    assert isim.load_scenario(seeded).content_hash() != plain
