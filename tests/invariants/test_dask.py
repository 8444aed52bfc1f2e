"""Scale-out on Dask: a two-worker LocalCluster on loopback gives the serial run's numbers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import innovate_sim as isim
from _results import succeeded, sweep_succeeded
from innovate_sim.cli import main
from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.variants import scenario_data

distributed = pytest.importorskip("distributed")

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NAT = "environments.prod.network.nat_gateways"
RDS = "environments.prod.database.deployment"


def short_prod() -> isim.Scenario:
    data = scenario_data(isim.load_scenario(SCENARIOS / "prod.yaml"))
    data["horizon"] = "30d"
    return isim.scenario_from_dict(data)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster, set_as_default=False) as dask_client:
        yield dask_client


def test_simulate_on_dask_equals_serial(client: Any) -> None:
    scenario = short_prod()
    serial = succeeded(isim.simulate(scenario, 4, 5), 4)
    on_dask = succeeded(isim.simulate(scenario, 4, 5, executor=client.get_executor()), 4)
    assert [o.replication for o in on_dask.outcomes] == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(on_dask.summary(), serial.summary())
    pd.testing.assert_frame_equal(on_dask.availability, serial.availability)
    pd.testing.assert_frame_equal(on_dask.incidents, serial.incidents)
    pd.testing.assert_frame_equal(on_dask.costs, serial.costs)
    # The work really ran on the cluster's two workers.
    assert len(client.scheduler_info()["workers"]) == 2


def test_sweep_on_dask_equals_serial(client: Any, tmp_path: Path) -> None:
    grid = {NAT: ["per_az", "single"], RDS: ["multi-az", "single-az"]}
    serial = sweep_succeeded(isim.sweep(short_prod(), grid, replications=3, seed=3))
    on_dask = isim.sweep(
        short_prod(),
        grid,
        replications=3,
        seed=3,
        executor=client.get_executor(),
        resume_dir=tmp_path,
    )
    sweep_succeeded(on_dask)
    pd.testing.assert_frame_equal(on_dask.table, serial.table)
    for label, result in serial.results.items():
        pd.testing.assert_frame_equal(on_dask.results[label].summary(), result.summary())
    assert len(list(tmp_path.glob("variant-*.json"))) == 4


def test_cli_run_with_dask_address(
    cluster: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "short.yaml"
    scenario.write_text(f"extends: {SCENARIOS / 'prod.yaml'}\nname: short\nhorizon: 30d\n")
    args = ["run", str(scenario), "-n", "2", "--seed", "9"]
    assert main([*args, "--dask", cluster.scheduler_address]) == 0
    on_dask = capsys.readouterr().out
    assert main(args) == 0
    serial = capsys.readouterr().out
    # Identical tables; only the wall time in the first line differs.
    assert on_dask.splitlines()[1:] == serial.splitlines()[1:]
    assert "2 replications of" in serial and "replications failed" not in serial


def test_dask_executor_connects_and_closes(cluster: Any) -> None:
    from innovate_sim.experiments.dask import dask_executor, dask_session

    client, executor = dask_executor(cluster.scheduler_address)
    try:
        assert executor.submit(sum, [1, 2, 3]).result() == 6
    finally:
        client.close()
    with dask_session(cluster.scheduler_address) as executor:
        assert executor.submit(max, [4, 7]).result() == 7


def test_missing_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from innovate_sim.experiments.dask import dask_executor

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(InnovateSimError, match=r"pip install 'innovate_sim\[dask\]'"):
        dask_executor("tcp://127.0.0.1:1")


def test_unreachable_scheduler_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        status = main(
            ["run", str(SCENARIOS / "prod.yaml"), "-n", "1", "--dask", "tcp://127.0.0.1:9"]
        )
    assert status == 2
    assert "cannot connect to the Dask scheduler" in capsys.readouterr().err
