"""Variants run with the same seed see the same failure history (DESIGN §3.2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import innovate_sim as isim
from _results import succeeded

ROOT = Path(__file__).resolve().parents[2]


def _short(name: str) -> isim.Scenario:
    data = isim.load_scenario(ROOT / "scenarios" / name).model_dump(mode="json")
    data["horizon"] = "90d"
    # make failures frequent enough that every replication has some
    data["failures"]["az_outage"] = {"rate": "4/y"}
    data["failures"]["rds_instance"] = {"rate": "4/y"}
    return isim.scenario_from_dict(data)


def test_single_and_per_az_nat_see_identical_failure_histories() -> None:
    per_az, single = _short("prod.yaml"), _short("prod-single-nat.yaml")
    comparison = succeeded(isim.compare(per_az, single, replications=4, seed=99), 4)
    shared = ["replication", "az_outages", "control_plane_outages", "rds_failovers", "rds_outages"]
    a = comparison.a.counters[shared]
    b = comparison.b.counters[shared]
    assert a["az_outages"].sum() > 0 and a["rds_failovers"].sum() > 0
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    # the database's outages happen at the same moments in both variants
    db_a = comparison.a.incidents.query("cause in ['rds-failover', 'rds-maintenance']")
    db_b = comparison.b.incidents.query("cause in ['rds-failover', 'rds-maintenance']")
    assert sorted(db_a["start_h"].round(9)) == sorted(db_b["start_h"].round(9))


def test_paired_difference_is_tighter_than_independent_runs() -> None:
    """Common random numbers shrink the CI of a difference (why compare() pairs runs)."""
    per_az, single = _short("prod.yaml"), _short("prod-single-nat.yaml")
    comparison = succeeded(isim.compare(per_az, single, replications=6, seed=5), 6)
    row = comparison.differences.query(
        "environment == 'prod' and metric == 'monthly_cost_usd'"
    ).iloc[0]
    paired_half_width = (row.ci_high - row.ci_low) / 2
    independent = succeeded(isim.simulate(single, replications=6, seed=6), 6)
    a = comparison.a.costs.groupby("replication")["usd"].sum()
    b = independent.costs.groupby("replication")["usd"].sum()
    unpaired_sd = (a.var(ddof=1) + b.var(ddof=1)) ** 0.5
    paired_sd = (comparison.b.costs.groupby("replication")["usd"].sum() - a).std(ddof=1)
    assert paired_sd < unpaired_sd
    # compare() reports the paired interval (monthly figures), far narrower than an unpaired one
    months = per_az.horizon / 730.0
    unpaired_half_width = 2.5705818 * unpaired_sd / 6**0.5 / months
    assert paired_half_width * 10 < unpaired_half_width
