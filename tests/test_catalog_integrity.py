"""Integrity of the shipped catalog data: every row sourced, dated and usable.

Reads the package data through ``importlib.resources`` (never the reference
folder), so the test checks exactly what a wheel ships.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
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
