"""The command line as a new user meets it: bare command, --version, help, cost diffs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import innovate_sim as isim
from innovate_sim._compiled import describe
from innovate_sim.cli import main
from innovate_sim.cli.help import EXAMPLES
from innovate_sim.cost.diff import diff_estimates

ROOT = Path(__file__).resolve().parents[2]
PROD = str(ROOT / "scenarios" / "prod.yaml")
SINGLE_NAT = str(ROOT / "scenarios" / "prod-single-nat.yaml")


def test_bare_command_prints_help_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "Usage: innovate-sim" in out
    for command in ("validate", "cost", "run", "check", "compare", "sweep", "report"):
        assert f"  {command} " in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == f"innovate-sim {isim.__version__}, simulation {describe()}"


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_help_has_plain_metavars_and_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"<(int|float|str|path|bool|list\[)", out), out  # no <int>, <path>
    usage = out.splitlines()[0]
    assert "{" not in usage and usage.startswith(f"Usage: innovate-sim {command} "), usage
    assert "Examples:" in out
    for example in EXAMPLES[command]:
        assert f"$ {example}" in out


def test_command_list_is_not_cut(capsys: pytest.CaptureFixture[str]) -> None:
    main([])
    commands = capsys.readouterr().out.split("Commands:")[1]
    assert "..." not in commands


def test_diff_attributes_every_dollar_to_a_line() -> None:
    base = isim.estimate_cost(isim.load_scenario(PROD))
    head = isim.estimate_cost(isim.load_scenario(SINGLE_NAT))
    diff = diff_estimates(base, head)
    assert diff.change_usd == pytest.approx(head.total_usd - base.total_usd, abs=1e-9)
    assert sum(line.change_usd for line in diff.lines) == pytest.approx(diff.change_usd)
    removed = {(x.resource, x.component) for x in diff.changed() if x.status == "removed"}
    assert ("prod/nat-gateway/az-b", "NAT Gateway (hours)") in removed
    assert ("prod/nat-gateway/az-c", "NAT Gateway (hours)") in removed
    # A NAT Gateway hour is $0.045 in us-east-1: 730 h = $32.85 (the catalog's price).
    hours = next(
        x for x in diff.lines if x.resource == "prod/nat-gateway/az-b" and "hours" in x.component
    )
    assert hours.change_usd == pytest.approx(-32.85, abs=0.005)


def test_diff_refuses_different_months() -> None:
    scenario = isim.load_scenario(PROD)
    with pytest.raises(ValueError, match="months 1 and 2"):
        diff_estimates(isim.estimate_cost(scenario), isim.estimate_cost(scenario, month=2))


def test_cost_of_two_files_as_markdown_is_self_contained(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["cost", PROD, SINGLE_NAT, "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Monthly cost change: -$48.21")
    assert "| VPC | $292.51 | $219.51 | -$73.00 |" in out
    assert "](" not in out and "<img" not in out  # no local image links in a PR comment


def test_cost_diff_csv_and_json_agree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", PROD, SINGLE_NAT, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["change_usd"] == pytest.approx(-48.21, abs=0.005)
    assert main(["cost", PROD, SINGLE_NAT, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(payload["lines"])
    total = sum(float(r["change_usd"]) for r in rows)
    assert total == pytest.approx(payload["change_usd"], abs=1e-6)


def test_cost_csv_has_no_float_noise(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", PROD, "--format", "csv"]) == 0
    text = capsys.readouterr().out
    for cell in text.replace("\n", ",").split(","):
        assert "0000000000" not in cell and "9999999999" not in cell, cell


def test_cost_of_three_files_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", PROD, PROD, PROD]) == 2
    assert "one scenario (its bill) or two" in capsys.readouterr().err


def test_unknown_format_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", PROD, "--format", "xml"]) == 2
    assert "table, csv, json, markdown" in capsys.readouterr().err


#: prod's monthly growth as scenarios/prod.yaml writes it (an uncertain assumption).
PROD_GROWTH = "growth_per_month: {dist: triangular, low: 0%, mode: 5%, high: 10%}"


def _scenario_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "scenarios" / "prod.yaml").read_text()
    assert old in text
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new))
    return path


def test_kubernetes_version_as_a_number_reads_like_engine_version(tmp_path: Path) -> None:
    path = _scenario_with(tmp_path, 'kubernetes_version: "1.34"', "kubernetes_version: 1.34")
    assert isim.load_scenario(path).environments["prod"].cluster.kubernetes_version == "1.34"


@pytest.mark.parametrize("plain", ["1", "5", "0.02"])
def test_growth_as_a_plain_number_is_refused_alike(tmp_path: Path, plain: str) -> None:
    path = _scenario_with(tmp_path, PROD_GROWTH, f"growth_per_month: {plain}")
    with pytest.raises(isim.ScenarioError, match=f"{plain} is ambiguous as a percentage"):
        isim.load_scenario(path)


def test_errors_of_a_file_come_in_one_pass_sorted_by_line(tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "prod.yaml").read_text()
    text = text.replace("nat_gateways: per_az", "nat_gateways: per-az")
    text = text.replace(PROD_GROWTH, "growth_per_month: 1")
    text = text.replace("min_nodes: 3", "min_nodes: -3")
    path = tmp_path / "three.yaml"
    path.write_text(text)
    with pytest.raises(isim.ScenarioError) as caught:
        isim.load_scenario(path)
    lines = [int(where.split(":")[1]) for where, _ in caught.value.problems]
    assert len(lines) >= 3
    assert lines == sorted(lines)


# -- Python API -----------------------------------------------------------------------------


def test_scenario_repr_is_short() -> None:
    text = repr(isim.load_scenario(PROD))
    assert text.startswith("Scenario(name='prod', environments=['prod']")
    assert len(text) < 200


def test_with_edits_by_dotted_path_and_equals_the_variant_file() -> None:
    prod = isim.load_scenario(PROD)
    edited = prod.with_({"environments.prod.network.nat_gateways": "single"})
    variant = isim.load_scenario(SINGLE_NAT)
    assert edited.model_dump(exclude={"name", "description"}) == variant.model_dump(
        exclude={"name", "description"}
    )
    assert prod.environments["prod"].network.nat_gateways != "single"  # the original is frozen
    month = prod.with_(horizon="1mo", replications=50)
    assert (month.horizon, month.replications) == (730.0, 50)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"environments.prod.network.nat_gatways": "single"}, "did you mean 'nat_gateways'"),
        ({"horizon": "5 parsecs"}, "horizon: cannot read '5 parsecs' as a duration"),
        ({"chaos.3.at": "1d"}, "chaos.3: no item '3'"),
        ({"environments..network": 1}, "not a dotted path"),
    ],
)
def test_with_names_the_bad_path(change: dict[str, object], words: str) -> None:
    with pytest.raises(isim.ScenarioError, match=re.escape(words)):
        isim.load_scenario(PROD).with_(change)


def test_bills_and_diffs_render_in_jupyter() -> None:
    base = isim.estimate_cost(isim.load_scenario(PROD))
    head = isim.estimate_cost(isim.load_scenario(SINGLE_NAT))
    html = base._repr_html_()
    assert "<table" in html and f"${base.total_usd:,.2f}" in html
    diff_html = isim.diff_estimates(base, head)._repr_html_()
    assert "-48.21 USD per month" in diff_html and "nat-gateway/az-b" in diff_html
