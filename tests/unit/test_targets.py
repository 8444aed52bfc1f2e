"""Design targets: the verdict rule, the statistic of every target, the check command."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from innovate_sim.cli import main
from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.cost_digest import digest_costs
from innovate_sim.experiments.stats import Estimate, estimate
from innovate_sim.scenario import Scenario, load_scenario
from innovate_sim.targets import TARGETS, TargetReport, check_targets, judge, validate_targets

PROD = Path(__file__).resolve().parents[2] / "scenarios" / "prod.yaml"

ALL_TARGETS = {
    "request_availability": "99%",
    "time_availability": "99%",
    "full_outage_minutes_per_year": 100000,
    "rto": "1d",
    "planned_downtime_min_per_year": 100000,
    "rpo": "1h",
    "monthly_cost_usd": 100000,
    "cost_per_million_requests_usd": 1000,
}


def _est(mean: float, half: float, n: int = 10, std: float | None = None) -> Estimate:
    if std is None:  # the standard deviation that gives this half-width
        std = half * math.sqrt(n) / 2.262157  # t(0.975, 9)
    return Estimate(mean, mean - half, mean + half, std, n, mean, mean, mean, 0.95)


# -- the verdict rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mean", "half", "higher", "expected"),
    [
        (0.9998, 0.0001, True, "pass"),  # whole CI above the minimum
        (0.9990, 0.0001, True, "fail"),  # whole CI below the minimum
        (0.9996, 0.0002, True, "uncertain"),  # straddles
        (10.0, 2.0, False, "pass"),  # whole CI below the maximum 15
        (20.0, 2.0, False, "fail"),  # whole CI above the maximum 15
        (14.0, 2.0, False, "uncertain"),
    ],
)
def test_judge_verdicts(mean: float, half: float, higher: bool, expected: str) -> None:
    threshold = 0.9995 if higher else 15.0
    verdict, settle, note = judge(_est(mean, half), threshold, higher)
    assert verdict == expected
    if expected == "uncertain":
        assert settle is not None and settle > 10
        assert str(settle) in note
    else:
        assert settle is None


def test_judge_boundary_meets_the_target() -> None:
    # Equality meets a target: an RPO of exactly 0 against 0 passes.
    assert judge(_est(0.0, 0.0, std=0.0), 0.0, False)[0] == "pass"
    assert judge(_est(1.0, 0.0, std=0.0), 1.0, True)[0] == "pass"


def test_judge_one_replication_is_uncertain() -> None:
    one = estimate([0.99999], 0.95)
    verdict, settle, note = judge(one, 0.5, True)
    assert verdict == "uncertain" and settle is None
    assert "n=1" in note and "at least 2" in note


def test_judge_no_replication_is_uncertain() -> None:
    verdict, _, note = judge(estimate([], 0.95), 0.5, True)
    assert verdict == "uncertain" and "no completed replication" in note


def test_settle_estimate_would_exclude_the_target() -> None:
    values = np.random.default_rng(1).normal(10.0, 3.0, 8)
    est = estimate(values, 0.95)
    threshold = est.mean + est.half_width * 0.5
    verdict, settle, _ = judge(est, threshold, False)
    assert verdict == "uncertain"
    from scipy import stats

    assert settle is not None and settle > est.n
    half = stats.t.ppf(0.975, settle - 1) * est.std / math.sqrt(settle)
    assert half <= abs(est.mean - threshold)


def test_report_exit_codes() -> None:
    def report(*verdicts: str) -> TargetReport:
        return TargetReport(pd.DataFrame({"verdict": list(verdicts)}), 0.95)

    assert report("pass", "pass").exit_code == 0 and report("pass").passed
    assert report("pass", "uncertain").exit_code == 3
    assert not report("pass", "uncertain").passed
    assert report("uncertain", "fail", "pass").exit_code == 1


# -- statistics on hand-made tables ---------------------------------------------------------------


def _scenario(targets: dict[str, Any], **changes: Any) -> Scenario:
    data = yaml.safe_load(PROD.read_text())
    data.update(changes)
    data["targets"] = targets
    return Scenario.model_validate(data)


def _tables(scenario: Scenario) -> SimpleNamespace:
    availability = pd.DataFrame(
        {
            "replication": [0, 1, 2],
            "environment": "prod",
            "horizon_h": 8760.0,
            "demand_requests": [1e9, 2e9, 1e9],
            "request_availability": [0.9999, 0.9998, 0.9997],
            "time_availability": [0.999, 0.998, 0.997],
            "full_outage_min": [10.0, 20.0, 30.0],
            "lost_requests": [1e5, 4e5, 3e5],
        }
    )
    incidents = pd.DataFrame(
        {
            "replication": [0, 0, 0, 1],
            "environment": "prod",
            "cause": ["nat-failure", "rds-failover", "rds-maintenance", "node-failure"],
            "causes": ["nat-failure", "az-outage;rds-failover", "rds-maintenance", "node-failure"],
            "duration_min": [5.0, 30.0, 20.0, 10.0],
            "min_success_fraction": [0.6, 0.0, 0.0, 0.995],
            "rpo_min": [0.0, 4.0, 0.0, 0.0],
        }
    )
    downtime_by_cause = pd.DataFrame(
        {
            "replication": [0, 0, 1],
            "environment": "prod",
            "cause": ["nat-failure", "rds-failover", "node-failure"],
            "lost_requests": [3e5, 1e5, 0.0],
        }
    )
    cost = []
    for rep in range(3):
        for month in (1, 2):
            cost.append((rep, month, "prod", "prod", "EC2", 100.0 * month + rep))
            cost.append((rep, month, "management", "-", "Organizations", 7.0))
    monthly_cost = pd.DataFrame(
        cost, columns=["replication", "month", "account", "environment", "service", "usd"]
    )
    return SimpleNamespace(
        scenario=scenario,
        confidence=0.95,
        availability=availability,
        incidents=incidents,
        downtime_by_cause=downtime_by_cause,
        monthly_cost_digest=digest_costs([monthly_cost]),
    )


def _row(report: TargetReport, scope: str, target: str) -> pd.Series:
    rows = report.rows
    return rows[(rows["scope"] == scope) & (rows["target"] == target)].iloc[0]


def test_statistics_of_every_target() -> None:
    scenario = _scenario(
        {
            "prod": {**ALL_TARGETS, "cost_month": 2},
            "management": {"monthly_cost_usd": 10, "cost_month": 1},
        },
        accounts=["management", "prod"],
        horizon="60d",
    )
    report = check_targets(_tables(scenario))
    assert len(report.rows) == len(TARGETS) + 1
    assert _row(report, "prod", "request_availability")["mean"] == pytest.approx(0.9998)
    assert _row(report, "prod", "time_availability")["mean"] == pytest.approx(0.998)
    assert _row(report, "prod", "full_outage_minutes_per_year")["mean"] == pytest.approx(20.0)
    rto = _row(report, "prod", "rto")
    # unplanned incidents below 99 % success: 5 and 30 min (the planned 20-min one and the
    # 99.5 %-success blip do not count); the 95th percentile of two is the longer
    assert rto["mean"] == pytest.approx(30.0) and rto["quantile"] == pytest.approx(0.95)
    assert rto["threshold"] == pytest.approx(24 * 60)
    assert "95th percentile of 2 unplanned incidents below 99% success" in rto["judged"]
    assert rto["ci_low"] == pytest.approx(5.0) and math.isinf(rto["ci_high"])
    assert rto["verdict"] == "uncertain" and "72 are needed" in rto["note"]
    assert "100.0% of them recover within the RTO" in rto["note"]
    planned = _row(report, "prod", "planned_downtime_min_per_year")
    assert planned["mean"] == pytest.approx(20.0 / 3)  # 20 min in one of three years
    assert "rds-maintenance 100%" in planned["causes"]
    assert (
        "nat-failure 75%, rds-failover 25%"
        in _row(report, "prod", "request_availability")["causes"]
    )
    assert _row(report, "prod", "rpo")["mean"] == pytest.approx(4.0 / 3)
    month = _row(report, "prod", "monthly_cost_usd")  # the environment: EC2 only
    # 60 days cover 710 of month 2's 730 hours: the accrued share is scaled to a full month
    assert month["mean"] == pytest.approx(np.mean([200.0, 201.0, 202.0]) * 730 / 710)
    assert "scaled to 730 h" in month["note"]
    assert month["judged"] == "month 2" and month["month"] == 2
    assert "EC2 100%" in month["causes"]
    per_million = _row(report, "prod", "cost_per_million_requests_usd")
    expected = np.mean([(300.0 + 2 * r) / (d / 1e6) for r, d in enumerate([1e9, 2e9, 1e9])])
    assert per_million["mean"] == pytest.approx(expected)
    management = _row(report, "management", "monthly_cost_usd")  # an account's static rows
    assert management["mean"] == pytest.approx(7.0) and management["verdict"] == "pass"
    assert management["ci_low"] == pytest.approx(7.0)


@pytest.mark.parametrize(
    ("choice", "month", "judged"),
    [
        ("worst", 2, "month 2 (the costliest of 2)"),
        ("last", 2, "month 2 (the last)"),
        (1, 1, "month 1"),
        ("mean", None, "mean of months 1–2"),
    ],
)
def test_cost_month_choices(choice: Any, month: int | None, judged: str) -> None:
    scenario = _scenario({"prod": {"monthly_cost_usd": 1000, "cost_month": choice}}, horizon="60d")
    row = _row(check_targets(_tables(scenario)), "prod", "monthly_cost_usd")
    assert row["judged"] == judged
    assert (pd.isna(row["month"]) and month is None) or row["month"] == month
    by_month = {1: np.mean([100.0, 101.0, 102.0]), 2: np.mean([200.0, 201.0, 202.0]) * 730 / 710}
    expected = by_month[month] if month else (by_month[1] + by_month[2]) / 2
    assert row["mean"] == pytest.approx(expected)


def test_cost_month_defaults_to_the_worst_month() -> None:
    scenario = _scenario({"prod": {"monthly_cost_usd": 1000}}, horizon="60d")
    assert scenario.targets["prod"].cost_month == "worst"


def test_no_incident_passes_the_rto_with_a_note() -> None:
    scenario = _scenario({"prod": {"rto": "5m"}}, horizon="60d")
    tables = _tables(scenario)
    tables.incidents = tables.incidents.iloc[0:0]
    row = _row(check_targets(tables), "prod", "rto")
    assert row["verdict"] == "pass" and "no unplanned incident" in row["note"]


def test_quantile_interval_covers_by_order_statistics() -> None:
    from innovate_sim.experiments.target_statistics import incidents_to_bound, quantile_interval

    assert incidents_to_bound(0.95, 0.95) == 72
    point, low, high = quantile_interval(np.arange(1.0, 73.0), 0.95, 0.95)
    assert point == 69.0 and low < point and high == 72.0
    assert math.isinf(quantile_interval(np.arange(1.0, 72.0), 0.95, 0.95)[2])
    # coverage of the exact median of an exponential over 2,000 samples of 30
    rng = np.random.default_rng(5)
    hits = sum(
        low <= math.log(2) <= high
        for low, high in (
            quantile_interval(rng.exponential(size=30), 0.5, 0.95)[1:] for _ in range(2000)
        )
    )
    assert hits / 2000 >= 0.95 - 3 * math.sqrt(0.95 * 0.05 / 2000)


def test_targets_that_cannot_be_evaluated() -> None:
    with pytest.raises(InnovateSimError, match="no targets"):
        validate_targets(_scenario({}))
    with pytest.raises(InnovateSimError, match="cost_month is 3"):
        validate_targets(
            _scenario({"prod": {"monthly_cost_usd": 1, "cost_month": 3}}, horizon="60d")
        )
    account_only = _scenario(
        {"management": {"request_availability": "99%"}}, accounts=["management", "prod"]
    )
    with pytest.raises(InnovateSimError, match="apply to an environment"):
        validate_targets(account_only)


# -- a real, short simulation ---------------------------------------------------------------------


def _write(tmp_path: Path, name: str, targets: dict[str, Any] | None) -> Path:
    data = yaml.safe_load(PROD.read_text())
    data["horizon"] = "30d"
    data["replications"] = 3
    if targets is None:
        data.pop("targets")
    else:
        data["targets"] = targets
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_check_on_a_simulation_returns_every_target(tmp_path: Path) -> None:
    from innovate_sim.experiments import simulate

    scenario = load_scenario(_write(tmp_path, "all", {"prod": ALL_TARGETS}))
    result = simulate(scenario, 3, 7)
    report = result.check()
    assert list(report.rows["target"]) == list(TARGETS)
    assert set(report.rows["verdict"]) <= {"pass", "fail", "uncertain"}
    assert (report.rows["n"] == 3).all()
    # generous targets pass, except that a few incidents cannot bound the RTO's 95th percentile
    others = report.rows[report.rows["target"] != "rto"]
    assert (others["verdict"] == "pass").all()
    assert _row(report, "prod", "rto")["verdict"] in ("pass", "uncertain")


def test_check_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    impossible = _write(tmp_path, "impossible", {"prod": {"monthly_cost_usd": 1}})
    assert main(["check", str(impossible), "-n", "2"]) == 1
    out = capsys.readouterr().out
    assert "monthly_cost_usd" in out and "fail" in out and "FAIL" in out

    # One replication: the CI is undefined, so nothing can pass or fail.
    generous = _write(tmp_path, "generous", {"prod": {"request_availability": "50%"}})
    assert main(["check", str(generous), "-n", "1"]) == 3
    assert "UNCERTAIN" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ({"prod": {"request_availability": "abc"}}, "request_availability"),
        ({"prod": {"availability": 0.999}}, "unknown key 'availability'"),
        ({"prod": {"monthly_cost_usd": 1, "cost_month": 5}}, "cost_month is 5"),
        ({"prod": {"monthly_cost_usd": 1, "cost_month": "first"}}, "cost_month must be"),
        (None, "no targets"),
    ],
)
def test_check_command_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], targets: Any, message: str
) -> None:
    path = _write(tmp_path, "bad", targets)
    assert main(["check", str(path), "-n", "2"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_untrusted_interval_passes_only_when_every_replication_meets_the_target() -> None:
    from innovate_sim.experiments.judging import _unanimous

    values = np.array([1.0, 1.0, 0.9990])
    assert _unanimous("pass", values, 0.995, True)
    assert not _unanimous("pass", values, 0.9995, True)
    assert _unanimous("uncertain", values, 0.9995, True)
    assert _unanimous("fail", np.array([5.0, 6.0]), 1.0, False)
    scenario = _scenario({"prod": {"request_availability": "99.5%"}}, horizon="60d")
    tables = _tables(scenario)
    tables.availability["request_availability"] = values  # one replication of three lost
    row = _row(check_targets(tables), "prod", "request_availability")
    assert "only 1 of 3 replications saw a loss" in row["note"]
    assert row["verdict"] in ("pass", "uncertain")
    if row["verdict"] == "pass":
        assert "every replication meets it" in row["note"]
