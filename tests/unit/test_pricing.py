"""Price catalog: hand-computed bills, discounts, overrides and helpful errors.

Expected dollar figures are computed by hand from the list prices in
reference PRICES.md (730 hours a month), not read back from the catalog.
"""

from __future__ import annotations

import datetime
import io
import math
import re

import pytest
from rich.console import Console

import innovate_sim.pricing as pricing
from innovate_sim.errors import InnovateSimError, PriceNotFound, RegionNotSupported
from innovate_sim.formatting import format_unit_price
from innovate_sim.pricing import (
    OVERRIDE_SOURCE,
    SPOT_BAND_MONTHLY_PROBABILITY,
    CatalogInputError,
    Discounts,
    InstanceType,
    Price,
    PriceCatalog,
    available_regions,
    load_catalog,
    spot_interruption_rate_per_hour,
)
from innovate_sim.pricing.render import render_catalog, short_source
from innovate_sim.units import HOURS_PER_MONTH


@pytest.fixture(scope="module")
def cat() -> PriceCatalog:
    return load_catalog("us-east-1")


def monthly_usd(price: Price) -> float:
    return round(price.usd * HOURS_PER_MONTH, 2)


# ------------------------------------------------------------------ hand-computed


def test_nat_gateway_month_is_32_85(cat: PriceCatalog) -> None:
    price = cat.price("VPC", "NAT Gateway")
    assert price.unit == "hour"
    assert price.usd == 0.045
    assert monthly_usd(price) == 32.85


def test_eks_standard_and_extended_month(cat: PriceCatalog) -> None:
    assert monthly_usd(cat.price("EKS", "cluster standard support")) == 73.00
    assert monthly_usd(cat.price("EKS", "cluster extended support")) == 438.00


def test_m5_large_on_demand_month_is_70_08(cat: PriceCatalog) -> None:
    price = cat.ec2_price("m5.large", "on-demand")
    assert price.usd == 0.096
    assert monthly_usd(price) == 70.08


def test_rds_m6g_large_multi_az_month(cat: PriceCatalog) -> None:
    price = cat.rds_instance_price("db.m6g.large", "multi-az")
    assert price.key == "RDS-PostgreSQL/db.m6g.large Multi-AZ"
    assert price.usd == 0.318
    assert monthly_usd(price) == 232.14
    assert cat.rds_instance_price("db.m6g.large", "single-az").usd == 0.159


def test_dev_db_t4g_medium_single_az(cat: PriceCatalog) -> None:
    assert monthly_usd(cat.rds_instance_price("db.t4g.medium")) == round(0.065 * 730, 2)


def test_price_fields(cat: PriceCatalog) -> None:
    price = cat.price("VPC", "NAT Gateway")
    assert (price.service, price.sku, price.key) == ("VPC", "NAT Gateway", "VPC/NAT Gateway")
    assert price.list_usd == price.usd == cat.usd("VPC", "NAT Gateway")
    assert price.discount == 0.0
    assert price.as_of == datetime.date(2026, 8, 21)
    assert "nat_gateway_test.golden" in price.source
    assert "32.85" in price.notes
    assert not price.is_override


def test_free_items_are_explicit_zero_rows(cat: PriceCatalog) -> None:
    shield = cat.price("Shield", "Shield Standard")
    assert shield.usd == 0.0
    assert shield.source and shield.as_of is not None
    assert cat.usd("VPC", "Gateway VPC endpoint (S3, DynamoDB)") == 0.0


def test_data_transfer_out_tiers_are_rows(cat: PriceCatalog) -> None:
    assert cat.usd("DataTransfer", "out to internet first 10 TB") == 0.09
    assert cat.usd("DataTransfer", "out to internet next 40 TB") == 0.085
    assert cat.usd("DataTransfer", "out to internet next 100 TB") == 0.07


# --------------------------------------------------------------------------- spot


def test_spot_prices_are_the_implied_advisor_prices(cat: PriceCatalog) -> None:
    m6g = cat.ec2_price("m6g.large", "spot")
    assert m6g.service == "EC2-Spot"
    assert m6g.usd == 0.0308  # 0.077 x (1 - 60 %)
    assert math.isclose(m6g.usd, 0.077 * (1 - 0.60))
    assert m6g.as_of == datetime.date(2025, 6, 28)
    assert "spotinfo" in m6g.source and "10%" in m6g.notes
    assert cat.ec2_price("m5.large", "spot").usd == 0.03264  # 0.096 x (1 - 66 %)


def test_instance_type_joins_facts_prices_and_spot_risk(cat: PriceCatalog) -> None:
    m6g = cat.instance_type("m6g.large")
    assert isinstance(m6g, InstanceType)
    assert (m6g.name, m6g.family, m6g.size, m6g.arch) == ("m6g.large", "m6g", "large", "arm64")
    assert (m6g.vcpu, m6g.memory_gib, m6g.max_pods) == (2, 8.0, 29)
    assert m6g.allocatable_cpu == 1.93
    assert m6g.allocatable_memory_gib == 6844 / 1024
    assert m6g.on_demand_usd_per_hour == 0.077
    assert m6g.spot_usd_per_hour == 0.0308
    assert m6g.spot_interruption_band == "10-15%"
    assert m6g.spot_interruption_monthly_probability == 0.125
    assert m6g.is_graviton
    assert not cat.instance_type("m5.large").is_graviton


def test_spot_rate_makes_a_month_long_instance_reclaimed_with_band_probability() -> None:
    for band, probability in SPOT_BAND_MONTHLY_PROBABILITY.items():
        rate_per_hour = spot_interruption_rate_per_hour(probability)
        survive_month = math.exp(-rate_per_hour * 730)
        assert math.isclose(1 - survive_month, probability), band
    assert spot_interruption_rate_per_hour(0.0) == 0.0
    with pytest.raises(ValueError):
        spot_interruption_rate_per_hour(1.0)


def test_band_midpoints() -> None:
    assert dict(SPOT_BAND_MONTHLY_PROBABILITY) == {
        "<5%": 0.025,
        "5-10%": 0.075,
        "10-15%": 0.125,
        "15-20%": 0.175,
        ">20%": 0.25,
    }


def test_instance_types_sorted_and_rate_consistent(cat: PriceCatalog) -> None:
    types = cat.instance_types()
    names = [t.name for t in types]
    assert names == sorted(names) and len(names) == 33
    t4g = cat.instance_type("t4g.large")
    assert t4g.spot_interruption_band == ">20%"
    assert math.isclose(t4g.spot_interruption_rate_per_hour, -math.log(0.75) / 730)


# ---------------------------------------------------------------------- discounts


def test_savings_plan_applies_to_on_demand_ec2_only() -> None:
    cat = load_catalog("us-east-1", discounts=Discounts(compute_savings_plan=0.2))
    on_demand = cat.ec2_price("m5.large", "on-demand")
    assert on_demand.list_usd == 0.096 and on_demand.discount == 0.2
    assert math.isclose(on_demand.usd, 0.0768)
    assert monthly_usd(on_demand) == 56.06  # 0.096 x 0.8 x 730 = 56.064
    assert cat.ec2_price("m5.large", "spot").usd == 0.03264
    assert cat.instance_type("m5.large").spot_usd_per_hour == 0.03264
    assert math.isclose(cat.instance_type("m5.large").on_demand_usd_per_hour, 0.0768)
    assert cat.rds_instance_price("db.m6g.large", "multi-az").usd == 0.318
    assert cat.usd("EBS", "gp3 storage") == 0.08
    assert cat.usd("EC2", "T3/T4g unlimited CPU credits") == 0.05
    assert cat.usd("EKS", "cluster standard support") == 0.10


def test_rds_reserved_applies_to_instance_hours_only() -> None:
    cat = load_catalog("us-east-1", discounts=Discounts(rds_reserved=0.3))
    multi_az = cat.rds_instance_price("db.m6g.large", "multi-az")
    assert multi_az.discount == 0.3
    assert monthly_usd(multi_az) == 162.50  # 0.318 x 0.7 x 730 = 162.498
    assert cat.usd("RDS", "gp3 storage Multi-AZ") == 0.23
    assert cat.usd("RDS", "backup storage beyond free") == 0.095
    assert cat.ec2_price("m5.large").usd == 0.096


def test_discounts_are_validated() -> None:
    for bad in (-0.1, 1.0, 20, float("nan"), True, "0.2"):
        with pytest.raises(CatalogInputError):
            Discounts(compute_savings_plan=bad)  # type: ignore[arg-type]
    with pytest.raises(CatalogInputError, match=r"0\.2"):
        Discounts(rds_reserved=20)
    assert issubclass(CatalogInputError, InnovateSimError)
    with pytest.raises(AttributeError):
        Discounts().rds_reserved = 0.5  # type: ignore[misc]


# ---------------------------------------------------------------------- overrides


def test_override_replaces_list_price_and_keeps_unit() -> None:
    cat = load_catalog("us-east-1", overrides={"EC2/m5.large": 0.09})
    price = cat.ec2_price("m5.large")
    assert price.usd == 0.09 and price.list_usd == 0.09
    assert price.unit == "hour"
    assert price.source == OVERRIDE_SOURCE and price.is_override
    assert price.as_of is None
    assert "0.096" in price.notes
    assert cat.instance_type("m5.large").on_demand_usd_per_hour == 0.09
    assert cat.as_of == load_catalog("us-east-1").as_of
    assert dict(cat.overrides) == {"EC2/m5.large": 0.09}


def test_override_and_discount_combine() -> None:
    cat = load_catalog(
        "us-east-1",
        overrides={"EC2/m5.large": 0.09},
        discounts=Discounts(compute_savings_plan=0.2, rds_reserved=0.0),
    )
    assert math.isclose(cat.usd("EC2", "m5.large"), 0.072)


def test_overrides_do_not_touch_the_cached_catalog() -> None:
    base = load_catalog("us-east-1")
    load_catalog("us-east-1", overrides={"VPC/NAT Gateway": 1.0})
    load_catalog("us-east-1", discounts=Discounts(compute_savings_plan=0.5))
    assert load_catalog("us-east-1") is base
    assert base.usd("VPC", "NAT Gateway") == 0.045
    assert base.ec2_price("m5.large").usd == 0.096


def test_override_of_a_missing_key_adds_the_price() -> None:
    added = load_catalog("us-east-1", overrides={"Inspector/ECR image scan": 0.09})
    price = added.price("Inspector", "ECR image scan")
    assert price.usd == 0.09 and price.is_override and not price.verified
    assert "Inspector/ECR image scan" not in load_catalog("us-east-1")
    with pytest.raises(CatalogInputError, match="SERVICE/SKU"):
        load_catalog("us-east-1", overrides={"NAT Gateway": 0.05})


def test_override_value_is_validated() -> None:
    for bad in (-1.0, float("inf"), "0.05", None):
        with pytest.raises(CatalogInputError):
            load_catalog("us-east-1", overrides={"VPC/NAT Gateway": bad})  # type: ignore[dict-item]


def test_multi_az_cluster_is_priced_and_marked_unverified(cat: PriceCatalog) -> None:
    price = cat.rds_instance_price("db.m6g.large", "multi-az-cluster")
    single = cat.rds_instance_price("db.m6g.large", "single-az")
    assert price.usd == pytest.approx(3 * single.usd) and not price.verified
    assert "usage.ai" in price.source and price.as_of is not None


def test_multi_az_cluster_of_a_burstable_class_needs_an_override(cat: PriceCatalog) -> None:
    with pytest.raises(PriceNotFound) as excinfo:
        cat.rds_instance_price("db.t4g.medium", "multi-az-cluster")
    message = str(excinfo.value)
    assert "Multi-AZ DB clusters are priced for" in message and "db.m6g.large" in message
    assert "'RDS-PostgreSQL/db.t4g.medium Multi-AZ cluster'" in message
    with_cluster = load_catalog(
        "us-east-1",
        overrides={"RDS-PostgreSQL/db.t4g.medium Multi-AZ cluster": 0.5},
        discounts=Discounts(rds_reserved=0.1),
    )
    price = with_cluster.rds_instance_price("db.t4g.medium", "multi-az-cluster")
    assert price.list_usd == 0.5 and price.unit == "hour" and price.is_override
    assert math.isclose(price.usd, 0.45)


# ------------------------------------------------------------------------- errors


def test_unknown_key_raises_with_did_you_mean(cat: PriceCatalog) -> None:
    with pytest.raises(PriceNotFound) as excinfo:
        cat.price("VPC", "NAT Gatewy")
    assert str(excinfo.value) == (
        f"no price for VPC/NAT Gatewy in catalog us-east-1 ({cat.as_of.isoformat()}); "
        "did you mean 'VPC/NAT Gateway'?"
    )
    with pytest.raises(PriceNotFound, match="did you mean"):
        cat.usd("vpc", "nat gateway data processed")
    with pytest.raises(KeyError):  # PriceNotFound is a KeyError too
        cat.price("Lambda", "requests")


def test_unknown_instance_type_and_rds_class(cat: PriceCatalog) -> None:
    with pytest.raises(PriceNotFound, match=re.escape("did you mean 'm6g.large'")):
        cat.instance_type("m6g.larg")
    with pytest.raises(PriceNotFound, match=re.escape("did you mean 'EC2-Spot/m7g.large'")):
        cat.ec2_price("m7g.lrge", "spot")
    with pytest.raises(PriceNotFound, match=re.escape("did you mean 'db.m6g.large'")):
        cat.rds_instance_price("db.m6g.lage", "multi-az")
    with pytest.raises(CatalogInputError):
        cat.ec2_price("m5.large", "reserved")  # type: ignore[arg-type]
    with pytest.raises(CatalogInputError):
        cat.rds_instance_price("db.m6g.large", "aurora")  # type: ignore[arg-type]


def test_unknown_region() -> None:
    with pytest.raises(RegionNotSupported) as excinfo:
        load_catalog("eu-west-9")
    assert str(excinfo.value) == "no price catalog for region 'eu-west-9'; available: us-east-1"
    assert available_regions() == ["us-east-1"]


# ---------------------------------------------------------------------------- EKS


def test_eks_support_calendar(cat: PriceCatalog) -> None:
    # 1.30: standard until 2025-07-23, extended until 2026-07-23 (AWS release calendar).
    assert cat.eks_support("1.30", datetime.date(2025, 7, 22)) == "standard"
    assert cat.eks_support("1.30", datetime.date(2025, 7, 23)) == "extended"
    assert cat.eks_support("1.30", datetime.date(2026, 7, 22)) == "extended"
    assert cat.eks_support("1.30", datetime.date(2026, 7, 23)) == "unsupported"
    assert cat.eks_support("v1.34.1", datetime.date(2026, 9, 1)) == "standard"
    assert cat.eks_support("1.34", datetime.date(2025, 9, 1)) == "unsupported"  # before release
    versions = [v.kubernetes_version for v in cat.eks_versions()]
    assert {"1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34"} <= set(versions)


def test_eks_cluster_price_follows_the_calendar(cat: PriceCatalog) -> None:
    assert cat.eks_cluster_price("1.33", datetime.date(2026, 7, 28)).usd == 0.10
    assert cat.eks_cluster_price("1.33", datetime.date(2026, 7, 29)).usd == 0.60
    with pytest.raises(PriceNotFound, match="not supported"):
        cat.eks_cluster_price("1.28", datetime.date(2026, 1, 1))


def test_unknown_kubernetes_version_lists_known(cat: PriceCatalog) -> None:
    with pytest.raises(PriceNotFound, match=r"known versions: .*1\.30"):
        cat.eks_support("1.99", datetime.date(2026, 1, 1))
    with pytest.raises(PriceNotFound, match="quote it"):
        cat.eks_support(1.3, datetime.date(2026, 1, 1))  # type: ignore[arg-type]


# ------------------------------------------------------------------ whole catalog


def test_catalog_identity(cat: PriceCatalog) -> None:
    assert cat.region == "us-east-1"
    assert cat.as_of == max(p.as_of for p in cat.prices() if p.as_of is not None)
    assert cat.version == f"aws-us-east-1@{cat.as_of.isoformat()}"
    assert "VPC/NAT Gateway" in cat
    assert "VPC/NAT Gateway" in list(cat.keys())
    assert cat.keys() == sorted(cat.keys())
    assert len(cat) == len(cat.keys())
    dates = [ref.as_of for ref in cat.sources if ref.as_of is not None]
    assert len(dates) == len(cat.sources)  # no override: every source is dated
    assert dates == sorted(dates, reverse=True)
    assert any("spotinfo" in ref.source for ref in cat.sources)


def test_to_frame(cat: PriceCatalog) -> None:
    discounted = cat.adjusted(discounts=Discounts(compute_savings_plan=0.25))
    frame = discounted.to_frame()
    assert len(frame) == len(cat)
    assert {
        "key",
        "service",
        "sku",
        "unit",
        "list_usd",
        "discount",
        "usd",
        "source",
        "as_of",
    } <= set(frame.columns)
    row = frame.set_index("key").to_dict("index")["EC2/m5.large"]
    assert math.isclose(float(row["usd"]), 0.072) and float(row["list_usd"]) == 0.096


def test_render_catalog_prints_header_and_rows(cat: PriceCatalog) -> None:
    buffer = io.StringIO()
    render_catalog(cat, Console(file=buffer, width=200, color_system=None))
    text = buffer.getvalue()
    assert cat.version in text and "us-east-1" in text
    assert "NAT Gateway" in text and "$0.045" in text
    assert "2025-06-28" in text and "spotinfo" in text


def test_render_helpers() -> None:
    assert format_unit_price(0.5) == "$0.50"
    assert format_unit_price(0.0004) == "$0.0004" and format_unit_price(0) == "$0"
    assert short_source("github a/b some/dir/file.go @abc123 (x)") == "a/b:file.go @abc123"
    assert short_source("https://example.com/x/page.html") == "example.com/…/page.html"


def test_public_api_is_explicit() -> None:
    for name in pricing.__all__:
        assert hasattr(pricing, name), name
    for name in (
        "PriceCatalog",
        "Price",
        "InstanceType",
        "load_catalog",
        "available_regions",
        "Discounts",
        "SPOT_BAND_MONTHLY_PROBABILITY",
    ):
        assert name in pricing.__all__
