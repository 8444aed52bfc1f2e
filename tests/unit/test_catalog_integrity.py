"""Integrity of the shipped catalog data: every row sourced, dated and usable.

Reads the package data through ``importlib.resources`` (never the reference
folder), so the test checks exactly what a wheel ships.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from importlib.resources import files

import pytest

from innovate_sim.pricing import SPOT_BAND_MONTHLY_PROBABILITY, available_regions, load_catalog


def _data_rows(name: str) -> list[dict[str, str]]:
    text = (files("innovate_sim") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


REGIONS = available_regions()


@pytest.mark.parametrize("region", REGIONS)
def test_every_price_row_has_unit_source_and_as_of(region: str) -> None:
    rows = _data_rows(f"prices_{region}.csv")
    assert rows
    for row in rows:
        where = f"{row['service']}/{row['sku']}"
        assert row["unit"].strip(), where
        assert row["source"].strip(), where
        datetime.date.fromisoformat(row["as_of"])  # raises on a missing or bad date


@pytest.mark.parametrize("region", REGIONS)
def test_no_duplicate_keys(region: str) -> None:
    keys = [(row["service"], row["sku"]) for row in _data_rows(f"prices_{region}.csv")]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("region", REGIONS)
def test_prices_are_finite_and_not_negative(region: str) -> None:
    for row in _data_rows(f"prices_{region}.csv"):
        usd = float(row["usd"])
        assert math.isfinite(usd) and usd >= 0, row


@pytest.mark.parametrize("region", REGIONS)
def test_dates_are_not_in_the_future_of_the_catalog(region: str) -> None:
    cat = load_catalog(region)
    for row in _data_rows(f"prices_{region}.csv"):
        assert datetime.date.fromisoformat(row["as_of"]) <= cat.as_of


@pytest.mark.parametrize("region", REGIONS)
def test_every_instance_type_has_on_demand_and_spot_prices(region: str) -> None:
    cat = load_catalog(region)
    rows = _data_rows(f"instance_types_{region}.csv")
    assert rows
    for row in rows:
        name = row["instance_type"]
        assert cat.ec2_price(name, "on-demand").usd > 0, name
        assert cat.ec2_price(name, "spot").usd > 0, name
        assert row["spot_interruption_band"] in SPOT_BAND_MONTHLY_PROBABILITY, name
        assert row["source"].strip() and datetime.date.fromisoformat(row["as_of"])


@pytest.mark.parametrize("region", REGIONS)
def test_spot_is_cheaper_than_on_demand(region: str) -> None:
    cat = load_catalog(region)
    for instance in cat.instance_types():
        assert 0 < instance.spot_usd_per_hour < instance.on_demand_usd_per_hour, instance.name


@pytest.mark.parametrize("region", REGIONS)
def test_allocatable_fits_inside_the_instance(region: str) -> None:
    for instance in load_catalog(region).instance_types():
        assert 0 < instance.allocatable_cpu <= instance.vcpu, instance.name
        assert 0 < instance.allocatable_memory_gib <= instance.memory_gib, instance.name
        assert instance.max_pods > 0, instance.name
        assert instance.name == f"{instance.family}.{instance.size}"


@pytest.mark.parametrize("region", REGIONS)
def test_every_rds_class_has_single_and_multi_az(region: str) -> None:
    cat = load_catalog(region)
    classes = cat.rds_instance_classes()
    assert "db.m6g.large" in classes and "db.t4g.medium" in classes
    for instance_class in classes:
        single = cat.rds_instance_price(instance_class, "single-az")
        multi = cat.rds_instance_price(instance_class, "multi-az")
        assert multi.usd > single.usd > 0, instance_class


def test_eks_versions_are_sourced_and_ordered() -> None:
    rows = _data_rows("eks_versions.csv")
    assert {row["kubernetes_version"] for row in rows} >= {f"1.{m}" for m in range(28, 35)}
    for row in rows:
        release, standard_end, extended_end = (
            datetime.date.fromisoformat(row[column])
            for column in ("eks_release", "end_of_standard_support", "end_of_extended_support")
        )
        assert release < standard_end < extended_end, row["kubernetes_version"]
        assert row["source"].strip(), row["kubernetes_version"]
        datetime.date.fromisoformat(row["as_of"])


def test_importing_the_catalog_does_not_import_pandas() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from innovate_sim.pricing import load_catalog; load_catalog('us-east-1'); "
        "print('pandas' in sys.modules, 'rich' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


# -- everything the bundled scenarios and the defaults name is priced (issue #7 item 6) ------

_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
_BUNDLED = sorted((_ROOT / "scenarios").rglob("*.yaml"))


def _named(node: object, key: str) -> set[str]:
    """Every name listed under ``key`` anywhere in a YAML tree (pools, sweep patches …)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for k, value in node.items():
            if k == key and value is not None:
                found.update([value] if isinstance(value, str) else map(str, value))
            else:
                found |= _named(value, key)
    elif isinstance(node, list):
        for value in node:
            found |= _named(value, key)
    return found


def _referenced(key: str) -> dict[str, set[str]]:
    """name → files that reference it, over every bundled YAML file (scenarios and sweeps)."""
    import yaml

    where: dict[str, set[str]] = {}
    for path in _BUNDLED:
        for name in _named(yaml.safe_load(path.read_text(encoding="utf-8")), key):
            where.setdefault(name, set()).add(path.name)
    return where


def _default_names(key: str) -> set[str]:
    """Names the library itself uses by default: defaults.yaml and the sweep presets."""
    import yaml

    from innovate_sim.experiments import variants

    text = (files("innovate_sim") / "data" / "defaults.yaml").read_text(encoding="utf-8")
    found = _named(yaml.safe_load(text), key)
    for value in vars(variants).values():
        if isinstance(value, variants.Preset):
            found |= _named(value.patch, key)
    for listed in re.findall(rf'Preset\(.*"{key}": \[([^\]]*)\]', variants.__doc__ or ""):
        found |= {name.strip(' "') for name in listed.split(",")}  # the documented presets
    return found


def test_bundled_scenarios_name_instance_types_and_families() -> None:
    assert _BUNDLED
    assert _referenced("instance_types") and _referenced("families")


@pytest.mark.parametrize("region", REGIONS)
def test_every_referenced_instance_type_is_priced(region: str) -> None:
    cat = load_catalog(region)
    known = {t.name for t in cat.instance_types()}
    names = dict(_referenced("instance_types"))
    for name in _default_names("instance_types"):
        names.setdefault(name, set()).add("defaults")
    for name, files_ in sorted(names.items()):
        assert name in known, f"{name} (named in {sorted(files_)}) is not in the {region} catalog"
        assert cat.ec2_price(name, "on-demand").usd > 0, name
        assert cat.ec2_price(name, "spot").usd > 0, name


@pytest.mark.parametrize("region", REGIONS)
def test_every_referenced_family_is_priced(region: str) -> None:
    cat = load_catalog(region)
    by_family: dict[str, list[str]] = {}
    for instance in cat.instance_types():
        by_family.setdefault(instance.family, []).append(instance.name)
    names = dict(_referenced("families"))
    for name in _default_names("families"):
        names.setdefault(name, set()).add("defaults")
    assert {"m7g", "m6g"} <= set(names)
    for family, files_ in sorted(names.items()):
        members = by_family.get(family)
        assert members, f"family {family} (named in {sorted(files_)}) has no type in {region}"
        for name in members:
            assert cat.ec2_price(name, "on-demand").usd > 0, name
            assert cat.ec2_price(name, "spot").usd > 0, name


def test_every_bundled_pool_can_launch_a_priced_type() -> None:
    """Resolved as the simulator resolves them: arch, families and types of each pool."""
    from innovate_sim.cost.estimate import scenario_catalog
    from innovate_sim.scenario import load_scenario
    from innovate_sim.scenario.catalog_checks import pool_instance_types

    checked = 0
    for path in _BUNDLED:
        if "sweeps" in path.parts:
            continue
        scenario = load_scenario(path)
        cat = scenario_catalog(scenario)
        for env_name, env in scenario.environments.items():
            if env.cluster is None:
                continue
            for pool_name, pool in env.cluster.node_pools.items():
                types = pool_instance_types(cat, env, pool_name)
                assert types, f"{path.name}: {env_name}/{pool_name} can launch no type"
                for instance in types:
                    for capacity in pool.capacity_type:
                        assert cat.ec2_price(instance.name, capacity).usd > 0, instance.name
                checked += 1
        if any(env.database for env in scenario.environments.values()):
            for env in scenario.environments.values():
                if env.database is not None:
                    price = cat.rds_instance_price(
                        env.database.instance_class,
                        "single-az" if env.database.deployment == "single-az" else "multi-az",
                    )
                    assert price.usd > 0, env.database.instance_class
    assert checked >= 10
