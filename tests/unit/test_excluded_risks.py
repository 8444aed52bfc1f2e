"""Excluded risks and assumption-driven causes are shown wherever availability is reported.

Region-wide events are off by default; every availability summary (``run``,
``check``, ``report.md``, ``summary.json``) lists them with their closed-form
effect. Causes driven by failure figures AWS never published (NAT Gateway
failures first) are marked as such in the cause and incident tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from innovate_sim.cli import main
from innovate_sim.experiments.excluded import excluded_risks
from innovate_sim.reporting.causes import NO_AWS_FIGURE, cause_basis, used_defaults
from innovate_sim.scenario import load_scenario, scenario_from_dict
from innovate_sim.units import HOURS_PER_YEAR, MINUTES_PER_YEAR

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_region_outage_from_the_package_defaults_would_add_about_114_minutes_a_year() -> None:
    scenario = load_scenario(SCENARIOS / "prod.yaml")
    [row] = excluded_risks(scenario, ["prod"]).itertuples()
    # 0.2 per year, uniform 4-15 h (mean 9.5 h): down for 9.5 / (8760 / 0.2 + 9.5) of the time
    mtbf_h = HOURS_PER_YEAR / 0.2
    assert row.rate_per_year == pytest.approx(0.2)
    assert row.mean_duration_h == pytest.approx(9.5)
    assert row.availability_factor == pytest.approx(mtbf_h / (mtbf_h + 9.5))
    assert row.downtime_min_per_year == pytest.approx(MINUTES_PER_YEAR * 9.5 / (mtbf_h + 9.5))
    assert row.downtime_min_per_year == pytest.approx(114.0, abs=0.1)


def test_nothing_is_excluded_when_region_outages_are_simulated() -> None:
    data = load_scenario(SCENARIOS / "prod.yaml").model_dump(mode="json")
    data["failures"]["region_outage"]["enabled"] = True
    assert excluded_risks(scenario_from_dict(data), ["prod"]).empty


def test_nat_failure_is_marked_assumption_driven_unless_the_scenario_sets_its_figures() -> None:
    prod = load_scenario(SCENARIOS / "prod.yaml")
    assert cause_basis("nat-failure", used_defaults(prod)) == NO_AWS_FIGURE
    assert cause_basis("rds-maintenance", used_defaults(prod)) == "assumption"
    assert cause_basis("capacity-shortfall", used_defaults(prod)) == ""
    data = prod.model_dump(mode="json")
    data["failures"]["nat_gateway"] = {"rate": "0.5/y", "duration": "45m"}
    assert cause_basis("nat-failure", used_defaults(scenario_from_dict(data))) == "scenario"


def test_run_check_report_and_summary_show_the_excluded_risk_and_the_basis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((SCENARIOS / "prod.yaml").read_text(encoding="utf-8"))
    data.update({"horizon": "30d", "replications": 2})
    data["chaos"] = [
        {"at": "10d", "environment": "prod", "fail": "nat-gateway", "az": "b", "for": "1h"}
    ]
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Excluded risks" in printed and "region-outage" in printed
    assert "nat-failure" in printed and NO_AWS_FIGURE in printed
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    [risk] = summary["excluded_risks"]
    assert risk["risk"] == "region-outage" and risk["downtime_min_per_year"] == pytest.approx(
        114.0, abs=0.1
    )
    assert main(["report", str(out)]) == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Excluded risks" in report and "region-outage" in report
    assert "would add about 114 min/year" in report
    assert f"| {NO_AWS_FIGURE} |" in report
    assert main(["check", str(path)]) in (0, 1, 3)
    assert "region-outage" in capsys.readouterr().out
