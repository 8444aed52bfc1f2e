"""Issue 11: verdicts that say what they mean — seeds, failed replications, egress, disclosures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import innovate_sim as isim
from innovate_sim.cli import main
from innovate_sim.experiments import runner
from innovate_sim.experiments.replication import ReplicationOutcome, run_replication
from innovate_sim.reporting.assumptions import applicable_defaults
from innovate_sim.reporting.disclosures import (
    assumption_driven_causes,
    billed_defaults,
    zero_usage,
)

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "scenarios" / "prod.yaml"
VALIDATION = ROOT / "scenarios" / "validation"


def _short_prod(tmp_path: Path, horizon: str = "30d", **changes: Any) -> Path:
    data = yaml.safe_load(PROD.read_text(encoding="utf-8"))
    data["horizon"] = horizon
    data.update(changes)
    path = tmp_path / "prod.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


# -- failures are loud ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [-1, 2**63])
def test_seed_outside_numpy_range_is_a_located_error(
    seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(PROD), "-n", "1", "--seed", str(seed)]) == 2
    err = capsys.readouterr().err
    assert "'--seed'" in err and "from 0 to 9223372036854775807" in err
    assert "Traceback" not in err
    scenario = isim.load_scenario(PROD)
    with pytest.raises(ValueError, match="seed must be an integer from 0 to"):
        isim.simulate(scenario, 1, seed=seed)


def test_yaml_seed_uses_the_same_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_short_prod(tmp_path, seed=-1))]) == 2
    assert "seed" in capsys.readouterr().err


def _failing_replication(scenario: Any, seed: int, replication: int, **kw: Any) -> Any:
    if replication == 1:
        return ReplicationOutcome(replication, error="RuntimeError: boom\n  at the model")
    return run_replication(scenario, seed, replication, **kw)


@pytest.mark.parametrize("command", ["run", "check"])
def test_a_failed_replication_exits_4_with_the_first_error(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(runner, "run_replication", _failing_replication)
    assert main([command, str(_short_prod(tmp_path, "7d")), "-n", "3"]) == 4
    err = capsys.readouterr().err  # on stderr, so a --format json stdout still parses
    assert "1 of 3 replications failed" in err and "RuntimeError: boom" in err


# -- egress availability is per AZ ----------------------------------------------------------------


def test_prod_egress_below_100_percent_whenever_a_nat_gateway_failed() -> None:
    scenario = isim.load_scenario(PROD)
    result = isim.simulate(scenario, 12, seed=3)
    table = result.availability.merge(result.counters, on=["replication", "environment"])
    failed = table[table["nat_failures"] > 0]
    assert len(failed) > 0, "no NAT failure in 12 years: pick another seed"
    assert (failed["egress_availability"] < 1.0).all()
    assert (table["egress_any_az_availability"] == 1.0).all()  # blind to one AZ's NAT


# -- the cost target and summary.json -------------------------------------------------------------


def test_check_writes_every_verdict_to_summary_json(tmp_path: Path) -> None:
    path = _short_prod(tmp_path, "90d")
    out = tmp_path / "out"
    assert main(["check", str(path), "-n", "3", "--out", str(out)]) in (1, 3)
    saved = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    targets = {row["target"]: row for row in saved["targets"]}
    assert set(targets) == {
        "request_availability",
        "rto",
        "planned_downtime_min_per_year",
        "rpo",
        "monthly_cost_usd",
    }
    for row in targets.values():
        assert row["verdict"] in ("pass", "fail", "uncertain")
        assert {"mean", "ci_low", "ci_high", "judged", "causes"} <= set(row)
    cost = targets["monthly_cost_usd"]
    assert cost["month"] == 3 and "month 3 (the costliest of 3)" in cost["judged"]
    assert targets["rto"]["quantile"] == pytest.approx(0.95)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "month 3 (the costliest of 3)" in report
    assert "Assumption-driven causes" in report and "failures.nat_gateway.rate" in report


# -- assumptions that cost money are shown --------------------------------------------------------


def test_defaults_on_the_bill_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    """The NAT validation scenario writes no WAF and no traffic: both are disclosed."""
    path = VALIDATION / "nat-per-az.yaml"
    scenario = isim.load_scenario(path)
    bill = isim.estimate_cost(scenario).to_frame()
    billed = {item.field: item for item in billed_defaults(scenario, bill)}
    waf = billed["ingress.waf"]
    assert waf.service == "WAF" and waf.monthly_usd == pytest.approx(
        bill.loc[bill["service"] == "WAF", "monthly_usd"].sum()
    )
    assert "rules: 10" in waf.value
    assert "network.traffic.response_kb_per_request" in zero_usage(scenario)["prod"]
    assert main(["cost", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ingress.waf" in out and "Usage left at zero" in out
    # prod writes its WAF and its traffic: neither is flagged
    prod = isim.load_scenario(PROD)
    prod_billed = billed_defaults(prod, isim.estimate_cost(prod).to_frame())
    assert "ingress.waf" not in {item.field for item in prod_billed}
    assert "network.traffic.response_kb_per_request" not in zero_usage(prod).get("prod", [])


def test_billing_rules_the_bill_used_are_not_listed_as_unused() -> None:
    _, unused = applicable_defaults(isim.load_scenario(PROD))
    keys = {entry.key for entry in unused}
    assert not keys & {"billing.alb_lcu", "billing.internet_out_tier_gb"}


def test_nat_failure_is_an_assumption_driven_cause() -> None:
    causes = assumption_driven_causes(isim.load_scenario(PROD))
    assert any(key.startswith("failures.nat_gateway.rate") for key in causes["nat-failure"])
