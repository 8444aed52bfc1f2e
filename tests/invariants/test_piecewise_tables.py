"""Issue 13: large tables written and digested piece by piece are the whole tables.

``save_result`` writes ``monthly.csv`` and ``monthly_cost.csv`` from pieces of
a few replications, and the report's cost section reads a digest built from
the same pieces, so that tens of thousands of replications never hold the
whole table in memory. The files must be byte for byte what the whole table
gives, and the digest what the report and plots computed from it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import innovate_sim as isim
from innovate_sim.experiments import result as result_module
from innovate_sim.experiments.cost_digest import MonthlyCostDigest, digest_costs
from innovate_sim.experiments.io import save_result

TWO_OF_THREE = (
    Path(__file__).resolve().parents[2] / "scenarios" / "validation" / "two-of-three-azs.yaml"
)


@pytest.fixture(scope="module")
def result() -> isim.SimulationResult:
    data = yaml.safe_load(TWO_OF_THREE.read_text(encoding="utf-8"))
    data["horizon"] = "2y"
    scenario = isim.scenario_from_dict(data)
    return isim.simulate(scenario, 5, scenario.seed)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(result_module, "PIECE_REPLICATIONS", 2)


def _assert_same_digest(a: MonthlyCostDigest, b: MonthlyCostDigest) -> None:
    assert a.replications == b.replications
    for name in ("totals", "by_service", "edges"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("table", ["monthly", "monthly_cost"])
def test_the_pieces_are_the_table_and_its_file(
    result: isim.SimulationResult, table: str, tmp_path: Path
) -> None:
    fresh = isim.SimulationResult(result.scenario, result.seed, result.outcomes, 1.0)
    pieces = list(fresh.pieces(table))
    assert len(pieces) == 3  # 2 + 2 + 1 replications
    whole = getattr(result, table)
    pd.testing.assert_frame_equal(pd.concat(pieces, ignore_index=True), whole)
    save_result(fresh, tmp_path)
    assert (tmp_path / f"{table}.csv").read_text(encoding="utf-8") == whole.to_csv(index=False)
    assert table not in fresh.__dict__, "writing the file must not keep the whole table"
    if table == "monthly_cost":  # the pass that wrote the file digested it for the report
        _assert_same_digest(fresh.__dict__["monthly_cost_digest"], digest_costs(pieces))


@pytest.mark.usefixtures("small_pieces")
def test_the_cost_digest_is_what_the_whole_table_gives(result: isim.SimulationResult) -> None:
    fresh = isim.SimulationResult(result.scenario, result.seed, result.outcomes, 1.0)
    digest = fresh.monthly_cost_digest
    costs = result.monthly_cost
    assert digest.replications == costs["replication"].nunique() == 5
    totals = costs.groupby(["month", "replication"])["usd"].sum().unstack("replication")
    pd.testing.assert_frame_equal(digest.totals, totals.sort_index().fillna(0.0))
    keys = ["replication", "month", "account", "environment"]
    edges = costs.groupby(keys, as_index=False)["usd"].sum()
    months = edges["month"]
    edges = edges[months.isin([months.min(), months.max()])].reset_index(drop=True)
    pd.testing.assert_frame_equal(digest.edges, edges)
    by_service = costs.groupby(["month", "service"])["usd"].sum().unstack("service")
    pd.testing.assert_frame_equal(digest.by_service, by_service, rtol=1e-12)
