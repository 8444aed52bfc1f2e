"""``.plot()`` and ``_repr_html_`` of SimulationResult, TargetReport, Comparison, SweepResult."""

from __future__ import annotations

from pathlib import Path

import pytest

import innovate_sim as isim
from innovate_sim.experiments import views

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def month() -> isim.Scenario:
    return isim.load_scenario(ROOT / "docs" / "examples" / "prod-month.yaml")


@pytest.fixture(scope="module")
def result(month: isim.Scenario) -> isim.SimulationResult:
    return isim.simulate(month, 3, seed=7)


def test_result_plots_its_availability_and_shows_its_summary(
    result: isim.SimulationResult,
) -> None:
    ax = result.plot()
    assert ax.patches, "a histogram of availability per replication"
    html = result._repr_html_()
    assert "prod-month" in html and "request_availability (%)" in html
    mean = result.summary().set_index(["environment", "metric"]).loc[("prod", "monthly_cost_usd")]
    assert f"${mean['mean']:,.2f}" in html


def test_target_report_plots_each_target(result: isim.SimulationResult) -> None:
    report = result.check()
    ax = report.plot()
    assert len(ax.get_yticklabels()) == len(report.rows) == 5  # planned downtime joins the four
    assert report.summary_line() in report._repr_html_()


def test_share_of_target_is_one_at_the_target() -> None:
    from innovate_sim.reporting.accessors import _share_of_target

    assert _share_of_target(0.9995, 0.9995, True) == pytest.approx(1.0)
    assert _share_of_target(0.9999, 0.9995, True) == pytest.approx(0.2)
    assert _share_of_target(2.5, 5.0, False) == pytest.approx(0.5)


def test_comparison_and_sweep(month: isim.Scenario) -> None:
    comparison = isim.compare(
        month, month.with_(**{"environments.prod.network.nat_gateways": "single"}), 2
    )
    ax = comparison.plot()
    assert len(ax.get_yticklabels()) == len(comparison.differences)
    assert "B − A" in comparison._repr_html_()
    swept = isim.sweep(
        month, {"environments.prod.network.nat_gateways": ["per_az", "single"]}, replications=2
    )
    assert swept.plot().collections or swept.plot().lines
    html = swept._repr_html_()
    assert "single" in html and "scenario_hash" not in html


def test_plot_without_a_registered_plotter_says_what_to_do(
    result: isim.SimulationResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "_PLOTTERS", {})
    with pytest.raises(isim.InnovateSimError, match=r"import innovate_sim\.reporting"):
        result.plot()
