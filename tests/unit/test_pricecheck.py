"""Every resource is priced for every month of the horizon before anything is simulated.

A scenario the catalog cannot price fails ``validate`` (and ``run``, ``compare``,
``simulate``) at once with the file, line and field, instead of after minutes
of simulation; a price an override adds must be used by some resource.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from innovate_sim.cli import main
from innovate_sim.cost.pricecheck import check_prices, load_priced_scenario
from innovate_sim.errors import ScenarioError
from innovate_sim.experiments import simulate
from innovate_sim.scenario import load_scenario, scenario_from_dict
from innovate_sim.units import months_spanned

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def write_variant(tmp_path: Path, database: dict[str, Any], **top: Any) -> Path:
    """A one-screen variant of prod.yaml (extends it) changing the database."""
    text = {
        "extends": str(SCENARIOS / "prod.yaml"),
        "name": "prod-variant",
        "environments": {"prod": {"database": database}},
        **top,
    }
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(text, sort_keys=False), encoding="utf-8")
    return path


def test_an_unpriceable_resource_is_located_in_under_a_second(tmp_path: Path) -> None:
    path = write_variant(
        tmp_path, {"instance_class": "db.t4g.medium", "deployment": "multi-az-cluster"}
    )
    load_scenario(path)  # the scenario language accepts it: only the catalog cannot price it
    # CPU time, not wall time: the shared test machine may be busy with other work
    started = time.process_time()
    with pytest.raises(ScenarioError) as excinfo:
        load_priced_scenario(path)
    elapsed = time.process_time() - started
    assert elapsed < 1.0, f"price check took {elapsed:.2f} s of CPU"
    message = str(excinfo.value)
    assert message.startswith(f"{path}:7: environments.prod.database.deployment: month 1: ")
    assert "RDS-PostgreSQL/db.t4g.medium Multi-AZ cluster" in message
    assert "db.m6g.large" in message  # the classes that are priced


def test_cli_validate_exits_2_on_an_unpriceable_resource(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_variant(
        tmp_path, {"instance_class": "db.t4g.medium", "deployment": "multi-az-cluster"}
    )
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert "environments.prod.database.deployment" in captured.err
    assert "Traceback" not in captured.err


def test_simulate_refuses_an_unpriceable_scenario_before_simulating(tmp_path: Path) -> None:
    path = write_variant(
        tmp_path, {"instance_class": "db.t4g.medium", "deployment": "multi-az-cluster"}
    )
    with pytest.raises(ScenarioError, match=r"environments\.prod\.database\.deployment"):
        simulate(load_scenario(path), replications=1)


def test_an_override_may_add_the_missing_price(tmp_path: Path) -> None:
    key = "RDS-PostgreSQL/db.t4g.medium Multi-AZ cluster"
    path = write_variant(
        tmp_path,
        {"instance_class": "db.t4g.medium", "deployment": "multi-az-cluster"},
        pricing={"overrides": {key: 0.2}},
    )
    load_priced_scenario(path)


def test_an_added_override_no_resource_uses_is_located(tmp_path: Path) -> None:
    path = write_variant(
        tmp_path,
        {"deployment": "multi-az"},
        pricing={"overrides": {"RDS-PostgreSQL/db.m6g.large Multi-AZ clustr": 0.5}},
    )
    with pytest.raises(ScenarioError) as excinfo:
        load_priced_scenario(path)
    message = str(excinfo.value)
    assert "pricing.overrides.RDS-PostgreSQL/db.m6g.large Multi-AZ clustr" in message
    assert "did you mean 'RDS-PostgreSQL/db.m6g.large Multi-AZ cluster'" in message


def test_every_month_of_the_horizon_is_priced() -> None:
    data = yaml.safe_load((SCENARIOS / "prod.yaml").read_text(encoding="utf-8"))
    assert months_spanned(scenario_from_dict(copy.deepcopy(data)).horizon) == 12
    data["horizon"] = "3y"
    data["environments"]["prod"]["demand"]["peak_rps"] = 12_000  # over 150 TB out by year 3
    check_prices(scenario_from_dict(data))


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_scenarios_are_priced_every_month(path: Path) -> None:
    load_priced_scenario(path)
