"""``--format table|json|csv|markdown`` on run, check, compare and sweep (cli/formats.py)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from innovate_sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
MONTH = str(ROOT / "docs" / "examples" / "prod-month.yaml")
SINGLE_NAT = str(ROOT / "docs" / "examples" / "prod-month-single-nat.yaml")

NAT_SWEEP = "environments.prod.network.nat_gateways=per_az,single"
COMMANDS = {
    "run": ["run", MONTH, "-n", "2"],
    "check": ["check", MONTH, "-n", "2"],
    "compare": ["compare", MONTH, SINGLE_NAT, "-n", "2"],
    "sweep": ["sweep", MONTH, "--set", NAT_SWEEP, "-n", "2"],
}


def _printed(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    return status, capsys.readouterr().out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_json_parses_and_holds_the_numbers(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _printed([*COMMANDS[command], "--format", "json"], capsys)
    assert status in (0, 1, 3)
    document = json.loads(out)
    if command == "check":
        assert document["verdict"] in ("pass", "fail", "uncertain")
        assert document["exit_code"] == status
        assert sum(document["counts"].values()) == len(document["targets"]) == 5
        for target in document["targets"]:
            assert target["ci_low"] is None or target["ci_low"] <= target["mean"]
    elif command == "run":
        metrics = {(r["environment"], r["metric"]) for r in document["summary"]}
        assert ("prod", "request_availability") in metrics
        assert document["provenance"]["replications"] == 2
    elif command == "compare":
        assert document["a"]["seed"] == document["b"]["seed"]
        cost = [r for r in document["differences"] if r["metric"] == "monthly_cost_usd"]
        assert cost and all(r["mean_difference"] < 0 for r in cost)  # one NAT is cheaper
    else:
        assert [v["nat_gateways"] for v in document["variants"]] == ["per_az", "single"]
        assert set(document["pareto"]) <= {"per_az", "single"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_csv_is_the_main_table(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _printed([*COMMANDS[command], "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows, out
    expected = {"run": "mean", "check": "verdict", "compare": "mean_difference"}
    assert expected.get(command, "monthly_cost_usd") in rows[0]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_markdown_is_a_self_contained_comment(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, out = _printed([*COMMANDS[command], "--format", "markdown", "--out", str(tmp_path)], capsys)
    assert out.startswith("### ")
    assert not re.search(r"!\[|\.png|<img", out), "a PR comment cannot show local images"
    assert "| ---" in out
    assert "wrote" not in out, "messages about written files go to stderr"
    if command == "check":
        assert out.splitlines()[0].split()[2] in ("PASS:", "FAIL:", "UNCERTAIN:")


def test_unknown_format_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", MONTH, "-n", "1", "--format", "yaml"]) == 2
    assert "--format must be one of table, csv, json, markdown" in capsys.readouterr().err


def test_units_and_counts_read_right(capsys: pytest.CaptureFixture[str]) -> None:
    """A fraction printed as a percentage says %, one replication is singular, RTO has minutes."""
    main(["run", MONTH, "-n", "1"])
    out = capsys.readouterr().out
    assert "request_availability (%)" in out and "(fraction)" not in out
    assert "1 replication of" in out and "1 replications" not in out
    main(["check", MONTH, "-n", "2", "--format", "csv"])
    rows = {r["target"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    main(["check", MONTH, "-n", "2"])
    table = capsys.readouterr().out
    rto = next(line for line in table.splitlines() if "rto ≤" in line)
    assert f"{float(rows['rto']['mean']):.2f} min" in rto


def test_count_noun_and_display_unit() -> None:
    from innovate_sim.formatting import count_noun, display_unit

    assert [count_noun(n, "replication") for n in (0, 1, 2)] == [
        "0 replications",
        "1 replication",
        "2 replications",
    ]
    assert count_noun(1_200, "variant") == "1,200 variants"
    assert display_unit("fraction") == "%" and display_unit("min/year") == "min/year"
