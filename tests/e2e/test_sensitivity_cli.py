"""isim.sensitivity, simulate(uncertainty=K), the sensitivity command and check --uncertainty."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import innovate_sim as isim
from innovate_sim.cli import main
from innovate_sim.uncertainty import find_inputs
from innovate_sim.uncertainty.total import _wilson

ROOT = Path(__file__).resolve().parents[2]
UNCERTAIN = ROOT / "scenarios/validation/two-of-three-azs-uncertain.yaml"


@pytest.fixture(scope="module")
def total() -> object:
    return isim.simulate(isim.load_scenario(UNCERTAIN), replications=2, seed=4, uncertainty=6)


def test_total_uncertainty_splits_the_variance(total: object) -> None:
    summary = total.summary().set_index("output")  # type: ignore[attr-defined]
    downtime = summary.loc["prod.downtime_min_per_year"]
    values = total.runs.values["prod.downtime_min_per_year"]  # type: ignore[attr-defined]
    assert values.shape == (6, 2)
    means = values.mean(axis=1)
    within = values.var(axis=1, ddof=1).mean() / 2
    assert downtime["monte_carlo_sd"] ** 2 == pytest.approx(within)
    assert downtime["input_sd"] ** 2 + within == pytest.approx(max(means.var(ddof=1), within))
    assert downtime["low"] <= downtime["mean"] <= downtime["high"]
    cost = summary.loc["prod.monthly_cost_usd"]
    assert cost["input_sd"] == 0.0 and cost["input_share"] == 0.0  # no input touches the bill


def test_probabilities_count_input_sets_meeting_each_target(total: object) -> None:
    probabilities = total.probabilities(0.5).set_index("target")  # type: ignore[attr-defined]
    means = total.runs.values["prod.request_availability"].mean(axis=1)  # type: ignore[attr-defined]
    expected = float(np.mean(means >= 0.9995))
    row = probabilities.loc["prod.request_availability"]
    assert row["probability"] == pytest.approx(expected)
    assert row["verdict"] == ("pass" if expected >= 0.5 else "fail")
    assert row["probability_low"] <= expected <= row["probability_high"]


def test_a_set_is_judged_as_check_judges_it(total: object) -> None:
    """The RTO of an input set is check's pooled quantile, not a mean of per-replication ones."""
    from innovate_sim.targets import check_targets
    from innovate_sim.uncertainty.inputs import with_values

    scenario = with_values(total.scenario, total.inputs, total.design[0])  # type: ignore[attr-defined]
    plain = isim.simulate(scenario, replications=2, seed=4)
    report = check_targets(plain).rows.set_index("target")
    assert total.runs.statistic["prod.rto_min"][0] == pytest.approx(  # type: ignore[attr-defined]
        report.loc["rto", "mean"], rel=1e-12
    )
    availability = report.loc["request_availability", "mean"]
    assert total.runs.statistic["prod.request_availability"][0] == pytest.approx(  # type: ignore[attr-defined]
        availability, rel=1e-12
    )


def test_latin_hypercube_covers_each_input_once_per_stratum(total: object) -> None:
    inputs = total.inputs  # type: ignore[attr-defined]
    for j, item in enumerate(inputs):
        u = np.sort([item.distribution.cdf(v) for v in total.design[:, j]])  # type: ignore[attr-defined]
        assert np.all(np.floor(u * 6) == np.arange(6))


def test_wilson_interval_contains_the_share() -> None:
    low, high = _wilson(9, 10, 0.95)
    assert low < 0.9 < high <= 1.0
    assert _wilson(0, 10, 0.95)[0] == pytest.approx(0.0, abs=1e-12)


def test_sensitivity_json_lists_every_input_per_metric(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "sensitivity",
            str(UNCERTAIN),
            "--samples",
            "4",
            "-n",
            "1",
            "--format",
            "json",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    names = {i.name for i in find_inputs(isim.load_scenario(UNCERTAIN))}
    for metric in data["metrics"]:
        assert {row["input"] for row in metric["inputs"]} == names
        for row in metric["inputs"]:
            assert len(row["S1_ci"]) == 2 and len(row["ST_ci"]) == 2
    rto = [row for row in data["what_you_must_believe"] if row["target"] == "prod.rto"]
    assert rto and all(row["belief"].startswith("prod rto ") for row in rto)
    for name in ("report.md", "report.html", "sensitivity.json", "indices.csv", "flips.csv"):
        assert (tmp_path / name).exists()
    assert "What you must believe" in (tmp_path / "report.md").read_text()


def test_flip_point_is_where_the_statistic_crosses_the_target(tmp_path: Path) -> None:
    scenario = isim.load_scenario(UNCERTAIN)
    result = isim.sensitivity(
        scenario, replications=1, samples=4, seed=2, flip_inputs=1, flip_replications=1
    )
    rows = result.flips[result.flips["target"] == "prod.rto"]
    for row in rows.itertuples():
        for value in row.flip_values:
            item = next(i for i in result.inputs if i.name == row.input)
            low, high = item.distribution.support
            assert low <= value <= high


def test_check_gates_on_the_probability(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", str(UNCERTAIN), "--uncertainty", "4", "-n", "1", "--seed", "3"]
    strict = main([*args, "--confidence", "0.99", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "probability" in printed
    assert strict == 1  # the ranges reach availabilities far below 99.95 %
    assert (tmp_path / "report.md").exists()
    assert "Probability of meeting each target" in (tmp_path / "report.md").read_text()


def test_scenario_without_uncertainty_is_a_located_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain = ROOT / "scenarios/validation/two-of-three-azs.yaml"
    status = main(["sensitivity", str(plain), "--no-defaults"])
    assert status == 2
    assert "no uncertain inputs" in capsys.readouterr().err


def test_flip_searches_judge_the_central_values_as_check_does() -> None:
    """By default a flip search runs check's replications: its central verdict is check's."""
    from innovate_sim.targets import check_targets

    scenario = isim.load_scenario(UNCERTAIN)
    result = isim.sensitivity(scenario, replications=1, samples=4, seed=2, flip_inputs=1)
    assert result.settings["flip_replications_per_point"] == scenario.replications
    plain = check_targets(isim.simulate(scenario, seed=2)).rows
    verdicts = {f"{row.scope}.{row.target}": row.verdict for row in plain.itertuples()}
    assert not result.flips.empty
    for row in result.flips.itertuples():
        # check can also say "uncertain"; a flip search compares the point estimate
        if verdicts[row.target] != "uncertain":
            assert row.verdict_at_central == verdicts[row.target], row.target


def test_an_input_that_moves_nothing_is_reported_as_not_measured(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The NAT Gateway rate of a VPC without NAT Gateways changes no output at any point."""
    status = main(
        ["sensitivity", str(UNCERTAIN), "--samples", "4", "-n", "1", "--no-flips", "--seed", "2"]
    )
    assert status == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "not measured: failures.nat_gateway.rate changed no output at any point" in printed
