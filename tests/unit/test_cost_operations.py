"""Bill lines of the operational services (issue 12): KMS, AWS Backup, CloudWatch metrics and
alarms, Route 53, image scanning and RDS Extended Support — each to the cent from its catalog
price, and present in the bundled organisation's bill with its source.
"""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from innovate_sim.cost import estimate_cost
from innovate_sim.cost.resources import (
    BackupVault,
    CloudWatchMonitoring,
    ImageScanning,
    KmsKeys,
    Route53Zone,
)
from innovate_sim.cost.resources.rds import RdsInstance, extended_support_year
from innovate_sim.errors import PriceNotFound
from innovate_sim.pricing import PriceCatalog, load_catalog
from innovate_sim.scenario import load_scenario, scenario_from_dict
from innovate_sim.scenario.database import Database

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def cat() -> PriceCatalog:
    return load_catalog("us-east-1")


def cents(lines: list[Any]) -> float:
    return round(sum(line.monthly_usd for line in lines), 2)


def test_kms_keys_and_requests(cat: PriceCatalog) -> None:
    lines = KmsKeys("prod", "prod", 3, 100_000).components(cat)
    assert cents(lines) == round(3 * 1.00 + 10 * 0.03, 2) == 3.30
    assert {line.price.key for line in lines} == {
        "KMS/customer managed key",
        "KMS/symmetric requests",
    }


def test_backup_vault_without_and_with_a_cross_region_copy(cat: PriceCatalog) -> None:
    assert cents(BackupVault("prod", "prod", 200.0).components(cat)) == 19.00  # 200 x 0.095
    copied = BackupVault("prod", "prod", 200.0, "us-west-2").components(cat)
    assert cents(copied) == round(200 * 0.095 + 200 * 0.02 + 200 * 0.095, 2) == 42.00
    assert "us-west-2" in copied[1].component and copied[1].price.key.startswith("Backup/")


def test_cloudwatch_metrics_and_alarms(cat: PriceCatalog) -> None:
    lines = CloudWatchMonitoring("prod", "prod", 50, 20).components(cat)
    assert cents(lines) == round(50 * 0.30 + 20 * 0.10, 2) == 17.00
    assert not lines[0].price.verified and lines[1].price.verified


def test_route53_zone_and_queries(cat: PriceCatalog) -> None:
    lines = Route53Zone("prod", "prod", 1, 1_000_000).components(cat)
    assert cents(lines) == round(0.50 + 1 * 0.40, 2) == 0.90
    assert all("route53" in line.price.source for line in lines)


def test_basic_scanning_is_free_and_enhanced_needs_an_added_price(cat: PriceCatalog) -> None:
    (basic,) = ImageScanning("ss", "ss", "basic", 200).components(cat)
    assert basic.monthly_usd == 0.0 and basic.price.key == "ECR/basic image scanning"
    enhanced = ImageScanning("ss", "ss", "enhanced", 200)
    with pytest.raises(PriceNotFound):
        enhanced.components(cat)
    priced = cat.adjusted(overrides={"Inspector/ECR enhanced image scan": 0.09})
    assert cents(enhanced.components(priced)) == 18.00


@pytest.mark.parametrize(
    ("version", "on", "year"),
    [
        ("16", datetime.date(2026, 9, 20), None),
        ("12", datetime.date(2025, 2, 28), None),
        ("12", datetime.date(2025, 3, 1), 1),
        ("12", datetime.date(2026, 9, 20), 2),
        ("11", datetime.date(2026, 9, 20), 3),
        ("13.4", datetime.date(2026, 9, 20), 1),
    ],
)
def test_extended_support_year(version: str, on: datetime.date, year: int | None) -> None:
    assert extended_support_year(version, on) == year


def database(**changes: object) -> Database:
    data: dict[str, object] = {
        "instance_class": "db.m6g.large",
        "deployment": "multi-az",
        "storage": {"type": "gp3", "allocated_gb": 200},
    }
    data.update(changes)
    return Database.model_validate(data)


def test_engine_12_bills_extended_support_for_every_instance(cat: PriceCatalog) -> None:
    assert cat.as_of == datetime.date(2026, 9, 20)  # year 2 of PostgreSQL 12's Extended Support
    sixteen = RdsInstance("prod", "prod", database(), 200.0).components(cat)
    twelve = RdsInstance("prod", "prod", database(engine_version="12"), 200.0).components(cat)
    (extra,) = [line for line in twelve if "Extended Support" in line.component]
    assert extra.quantity == 2 * 2 * 730  # 2 vCPU x primary and standby x 730 h
    assert round(extra.monthly_usd, 2) == 292.00  # 2,920 vCPU-h x 0.100
    assert cents(twelve) == round(cents(sixteen) + 292.00, 2)


def test_organisation_bill_lists_the_new_lines_with_their_sources() -> None:
    bill = estimate_cost(load_scenario(SCENARIOS / "organization.yaml"))
    frame = bill.to_frame()
    for service in ("KMS", "Backup", "Route53"):
        rows = frame[frame["service"] == service]
        assert not rows.empty, service
        assert (rows["price_source"].str.len() > 0).all()
    components = " ".join(frame["component"])
    assert "Custom metrics" in components and "Alarms" in components
    assert "Basic image scanning" in components
    assert frame["price_verified"].dtype == bool and not frame["price_verified"].all()


def test_prod_engine_version_12_costs_more() -> None:
    data = yaml.safe_load((SCENARIOS / "prod.yaml").read_text(encoding="utf-8"))
    base = estimate_cost(scenario_from_dict(copy.deepcopy(data))).total_usd
    data["environments"]["prod"]["database"]["engine_version"] = "12"
    old = estimate_cost(scenario_from_dict(data)).total_usd
    assert round(old - base, 2) == 292.00


# -- traffic follows the resources it flows through ------------------------------------------


def test_logs_endpoint_carries_the_ingested_logs_and_ecr_dkr_no_layers() -> None:
    from innovate_sim.cost.estimate import environment_usage, scenario_catalog

    prod = load_scenario(SCENARIOS / "prod.yaml")
    usage = environment_usage(prod, "prod", scenario_catalog(prod))
    env = prod.environments["prod"]
    assert env.observability is not None
    assert usage.network.endpoint_gb["logs"] == env.observability.log_ingestion_gb_per_month == 50
    assert usage.network.endpoint_gb["sts"] == env.network.traffic.aws_api_gb_per_month
    assert usage.network.endpoint_gb["ecr.dkr"] == 0.0  # layers come from S3 (gateway, free)


def test_without_the_s3_gateway_image_layers_go_through_nat() -> None:
    from innovate_sim.cost.estimate import network_volumes
    from innovate_sim.workload.topology import Topology

    prod = load_scenario(SCENARIOS / "prod.yaml").environments["prod"]
    bare = load_scenario(SCENARIOS / "prod-no-endpoints.yaml").environments["prod"]
    prod_topology, bare_topology = Topology.of("prod", prod), Topology.of("prod", bare)
    assert prod_topology.image_layers_via_s3_gateway
    assert prod_topology.image_layer_route(1) is None  # free gateway endpoint: nothing billed
    assert bare_topology.image_layer_route(1) == "prod/nat-gateway/az-b"
    with_pulls = network_volumes(bare, bare_topology, 0.0, 10).nat_gb
    without = network_volumes(bare, bare_topology, 0.0, 0).nat_gb
    assert with_pulls - without == pytest.approx(10 * bare.network.traffic.image_pull_gb_per_node)
    pulls = network_volumes(prod, prod_topology, 0.0, 10).nat_gb
    assert pulls == network_volumes(prod, prod_topology, 0.0, 0).nat_gb
