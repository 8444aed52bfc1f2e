"""`innovate-sim schema` prints a JSON Schema (Draft 2020-12) that the bundled scenarios satisfy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from innovate_sim.cli import main
from innovate_sim.cli.schema import editor_schema
from innovate_sim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
STANDALONE = [p for p in FILES if "extends" not in yaml.safe_load(p.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return editor_schema()


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]


def test_cli_schema_prints_valid_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == editor_schema()
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert printed["type"] == "object"
    whole = printed["$defs"]["Scenario"]
    assert {"name", "accounts", "environments", "targets", "chaos"} <= set(whole["properties"])
    assert set(whole["required"]) == {"name", "accounts"}
    assert "required" not in printed["$defs"]["ScenarioPatch"]
    jsonschema.Draft202012Validator.check_schema(printed)


def test_there_are_standalone_and_extending_files() -> None:
    assert {p.name for p in STANDALONE} >= {"prod.yaml", "dev.yaml", "shared-services.yaml"}
    assert len(STANDALONE) < len(FILES)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_loaded_scenario_matches_schema(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    data = load_scenario(path).model_dump(mode="json", by_alias=True, exclude_none=True)
    assert _errors(validator, data) == []


@pytest.mark.parametrize("path", STANDALONE, ids=[p.name for p in STANDALONE])
def test_standalone_file_matches_schema_as_written(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _errors(validator, data) == []


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        ({"unknown": 1}, ""),
        ({"accounts": []}, "accounts"),
        ({"horizon": 90}, "horizon"),
        ({"environments": {"prod": {"account": "prod", "availability_zones": "three"}}}, ""),
        ({"environments": {"prod": {"account": "prod", "network": {"nat_gateways": "x"}}}}, ""),
    ],
)
def test_schema_rejects_obvious_mistakes(
    patch: dict[str, Any], where: str, validator: jsonschema.Draft202012Validator
) -> None:
    data = yaml.safe_load((SCENARIOS / "prod.yaml").read_text(encoding="utf-8"))
    data.update(patch)
    errors = list(validator.iter_errors(data))
    assert errors
    if where:
        assert any(where in ".".join(map(str, e.absolute_path)) for e in errors)
