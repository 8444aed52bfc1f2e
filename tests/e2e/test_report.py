"""Report files: complete, self-contained, rebuilt identically from the saved results."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from innovate_sim.cli import main
from innovate_sim.experiments.io import load_result
from innovate_sim.reporting.assumptions import applicable_defaults
from innovate_sim.reporting.plots_common import NothingToPlotError
from innovate_sim.reporting.report import _figure
from innovate_sim.reporting.templates import anchor
from innovate_sim.scenario import Scenario

PROD = Path(__file__).resolve().parents[2] / "scenarios" / "prod.yaml"
PLOTS = (
    "availability_prod",
    "downtime_by_cause",
    "incident_timeline",
    "monthly_cost",
    "cost_growth",
)


def _scenario_file(tmp_path: Path, **changes: Any) -> Path:
    data = yaml.safe_load(PROD.read_text())
    data.update({"horizon": "60d", "replications": 3, **changes})
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    out = tmp / "out"
    status = main(["check", str(_scenario_file(tmp)), "-n", "3", "--out", str(out)])
    assert status in (0, 1, 3)
    return out


def test_report_files_are_complete(results: Path) -> None:
    html = (results / "report.html").read_text(encoding="utf-8")
    md = (results / "report.md").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    # Self-contained: inline CSS, every image embedded, nothing fetched.
    assert "<style>" in html and "<link" not in html
    sources = re.findall(r'src="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    for name in PLOTS:
        png = results / "plots" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert f"plots/{name}.png" in md
    for section in (
        "Run",
        "Targets",
        "Key figures",
        "Downtime by cause",
        "Worst incidents",
        "Monthly cost",
        "Bill by resource",
        "Assumptions",
        "Out of scope",
    ):
        assert f"## {section}" in md and f'<h2 id="{anchor(section)}">{section}</h2>' in html
        assert f"- [{section}](#{anchor(section)})" in md, "the table of contents links it"
    summary = load_result(results)
    assert summary.scenario_hash in md and f"| seed | {summary.seed} |" in md
    assert 'class="pass"' in html or 'class="fail"' in html or 'class="uncertain"' in html
    assert "request_availability ≥ 99.9500%" in md
    assert "failures.az_outage.rate" in md and "assumption" in md


def test_report_command_rebuilds_identically(results: Path) -> None:
    before = {
        path.relative_to(results): path.read_bytes()
        for path in [results / "report.md", results / "report.html", *results.glob("plots/*.png")]
    }
    for path in before:
        (results / path).unlink()
    assert main(["report", str(results)]) == 0
    after = {path: (results / path).read_bytes() for path in before}
    assert after == before


def test_report_command_on_a_folder_without_results(tmp_path: Path) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert main(["report", str(tmp_path / "missing")]) == 2


def test_run_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert (
        main(["run", str(_scenario_file(tmp_path, targets={})), "-n", "2", "--out", str(out)]) == 0
    )
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "The scenario declares no targets." in md
    assert (out / "report.html").exists()


def test_a_figure_with_nothing_to_plot_says_so() -> None:
    def draw(_ax: Any) -> None:
        raise NothingToPlotError("the incidents table is empty: there is nothing to plot")

    figure = _figure("incident_timeline", "Incidents", draw, (4.0, 3.0))
    assert figure.png is None and figure.missing == "no incidents in the simulated replications"


def test_assumptions_list_only_defaults_in_use() -> None:
    data = yaml.safe_load(PROD.read_text())
    data["failures"] = {"nat_gateway": {"rate": "1/y"}}
    applied, unused = applicable_defaults(Scenario.model_validate(data))
    used = {item.default.key for item in applied}
    unused_keys = {entry.key for entry in unused}
    assert "failures.az_outage.rate" in used
    assert "failures.nat_gateway.rate" in unused_keys  # the scenario sets it
    assert "failures.nat_gateway.duration" in used
    assert "failures.region_outage.rate" in unused_keys  # out of scope unless enabled
    assert "failures.spot_interruption.rate" in unused_keys  # prod has no Spot pool
    spread = next(item for item in applied if item.default.key == "workloads.*.topology_spread")
    assert spread.used_in == ["prod/worker"]
    assert sorted(spread.overridden_in) == ["prod/api", "prod/web"]


def test_verdicts_come_first_and_the_bill_is_per_resource(results: Path) -> None:
    md = (results / "report.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", md, re.M)
    assert headings[:2] == ["Targets", "Run"], "verdicts first, then the table of contents"
    verdict = re.search(r"\*\*(PASS|FAIL|UNCERTAIN): ", md)
    assert verdict is not None and verdict.start() < md.index("- [Run](#run)") < md.index("## Run")
    bill = md.split("## Bill by resource", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in bill.splitlines() if line.startswith("| prod |")]
    keys = [tuple(line.split(" | ")[1:3]) for line in rows]
    resources = {resource for _, resource in keys}
    assert "prod/nat-gateway/az-a" in resources and "prod/rds/postgres" in resources
    assert len(keys) == len(set(keys)), "one row per service and resource"
