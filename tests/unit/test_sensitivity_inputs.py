"""Uncertain inputs in the scenario language: forms, central values, errors, schema, defaults."""

from __future__ import annotations

import math
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

import innovate_sim as isim
from innovate_sim.errors import ScenarioError
from innovate_sim.scenario import scenario_json_schema
from innovate_sim.scenario.uncertain import InputDistribution, Uncertain
from innovate_sim.uncertainty import find_inputs, with_default_ranges, with_values
from innovate_sim.uncertainty.evaluate import outputs_of
from innovate_sim.units import HOURS_PER_YEAR

ROOT = Path(__file__).resolve().parents[2]
TWO_OF_THREE = ROOT / "scenarios" / "validation" / "two-of-three-azs.yaml"


def _doc() -> dict:
    return yaml.safe_load(TWO_OF_THREE.read_text())


def _with_failures(**failures: object) -> isim.Scenario:
    doc = _doc()
    doc["failures"].update(failures)
    return isim.scenario_from_dict(doc)


@pytest.mark.parametrize(
    ("written", "central_per_year"),
    [
        ({"low": "0.05/y", "high": "1/y"}, 0.525),
        ({"dist": "loguniform", "low": "0.05/y", "high": "0.8/y"}, 0.2),
        ({"dist": "loguniform", "low": "0.05/y", "high": "1/y", "central": "0.3/y"}, 0.3),
        ({"dist": "triangular", "low": "0.05/y", "mode": "0.2/y", "high": "1/y"}, 0.2),
        ({"dist": "lognormal", "median": "0.2/y", "p90": "1/y"}, 0.2),
    ],
)
def test_each_form_holds_its_central_value(written: dict, central_per_year: float) -> None:
    scenario = _with_failures(az_outage={"rate": written})
    rate = scenario.failures.az_outage.rate
    assert isinstance(rate, Uncertain)
    assert rate * HOURS_PER_YEAR == pytest.approx(central_per_year)


def test_a_plain_scenario_is_unchanged_by_central_values() -> None:
    plain = isim.load_scenario(TWO_OF_THREE)
    uncertain = _with_failures(
        az_outage={
            "rate": {"low": "1/1500h", "high": "1/500h", "central": "1/1000h"},
            "duration": {
                "dist": "exponential",
                "mean": {"dist": "triangular", "low": "5h", "mode": "10h", "high": "20h"},
            },
        }
    )
    assert find_inputs(plain) == []
    a = isim.simulate(plain, replications=2, seed=3).availability
    b = isim.simulate(uncertain, replications=2, seed=3).availability
    assert a.equals(b)


def test_dump_round_trips_and_schema_accepts_the_form() -> None:
    scenario = _with_failures(
        nat_gateway={"rate": {"dist": "lognormal", "median": "0.2/y", "p90": "1/y"}}
    )
    dumped = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped["failures"]["nat_gateway"]["rate"]["dist"] == "lognormal"
    again = isim.scenario_from_dict(dumped)
    assert find_inputs(again) == find_inputs(scenario)
    jsonschema.validate(dumped, scenario_json_schema())


def test_an_uncertain_fixed_duration_needs_no_dist() -> None:
    scenario = _with_failures(nat_gateway={"rate": "1/y", "duration": {"low": "5m", "high": "1h"}})
    (item,) = find_inputs(scenario)
    assert item.name == "failures.nat_gateway.duration"
    assert item.kind == "duration"
    assert item.central == pytest.approx(32.5 / 60)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ({"low": "1/y"}, "missing high"),
        ({"dist": "gamma", "low": "1/y", "high": "2/y"}, "valid: uniform, loguniform"),
        ({"low": "2/y", "high": "1/y"}, "'low' must be below 'high'"),
        ({"low": "often", "high": "1/y"}, "low: "),
        ({"dist": "lognormal", "median": "1/y", "p90": "0.5/y"}, "0 < 'median' < 'p90'"),
        ({"low": "0.1/y", "high": "1/y", "spread": 2}, "unknown key(s) spread"),
    ],
)
def test_bad_forms_are_located_errors(tmp_path: Path, written: dict, message: str) -> None:
    doc = _doc()
    doc["failures"]["az_outage"]["rate"] = written
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(ScenarioError) as caught:
        isim.load_scenario(path)
    text = str(caught.value)
    assert re.search(r"bad\.yaml:\d+: failures\.az_outage\.rate: ", text), text
    assert message in text


def test_distribution_quantiles_invert_the_cdf() -> None:
    forms = [
        InputDistribution("uniform", (("low", 1.0), ("high", 3.0))),
        InputDistribution("loguniform", (("low", 0.1), ("high", 10.0))),
        InputDistribution("triangular", (("low", 0.0), ("mode", 1.0), ("high", 4.0))),
        InputDistribution("lognormal", (("median", 2.0), ("p90", 6.0))),
    ]
    for dist in forms:
        for u in (0.05, 0.3, 0.5, 0.9):
            assert dist.cdf(dist.ppf(u)) == pytest.approx(u, abs=1e-9)
    assert forms[3].ppf(0.9) == pytest.approx(6.0)


def test_package_default_ranges_are_centred_on_the_defaults() -> None:
    prod = isim.load_scenario(ROOT / "scenarios" / "prod.yaml")
    widened = with_default_ranges(prod)
    names = {item.name: item for item in find_inputs(widened)}
    assert {
        "failures.nat_gateway.rate",
        "failures.nat_gateway.duration.median",
        "failures.node.rate",
    } <= set(names)
    nat = names["failures.nat_gateway.duration.median"]
    assert nat.source == "failures.nat_gateway.duration" and "No source exists" in nat.note
    for item in names.values():
        assert math.isclose(item.central, float(_value(prod, item.path)), rel_tol=1e-9)
    central = with_values(widened, list(names.values()), [i.central for i in names.values()])
    assert central.failures.nat_gateway.rate == prod.failures.nat_gateway.rate
    assert find_inputs(central) == []


def test_a_scenario_override_is_not_widened() -> None:
    scenario = with_default_ranges(_with_failures(nat_gateway={"rate": "1/y"}))
    assert "failures.nat_gateway.rate" not in {i.name for i in find_inputs(scenario)}


def _value(node: object, path: tuple) -> object:
    for key in path:
        node = node[key] if isinstance(node, dict) else getattr(node, key)  # type: ignore[index]
    return node


def test_an_environment_without_demand_forecasts_only_its_cost() -> None:
    """shared-services (CI/CD, ECR) serves no requests: it has a cost but no availability."""
    scenario = isim.load_scenario(ROOT / "scenarios" / "organization.yaml")
    keys = {output.key for output in outputs_of(scenario)}
    assert "shared-services.monthly_cost_usd" in keys
    assert not any(
        key.startswith("shared-services.") and not key.endswith("monthly_cost_usd") for key in keys
    )
    assert {"prod.request_availability", "prod.rto_min", "dev.downtime_min_per_year"} <= keys
