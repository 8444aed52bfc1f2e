"""The static monthly bill of whole scenarios: totals, variants, rendering, golden file.

Variant differences are asserted as the arithmetic of list prices from
reference PRICES.md. Regenerate the golden bill with ``UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from rich.console import Console

from innovate_sim.cost import (
    FRAME_COLUMNS,
    CostEstimate,
    environment_usage,
    estimate_cost,
    render_estimate,
    scenario_catalog,
)
from innovate_sim.errors import PriceNotFound
from innovate_sim.scenario import Scenario, load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "scenarios" / "prod.yaml"
SCENARIOS = ROOT / "scenarios"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "prod_bill.csv"


@pytest.fixture(scope="module")
def prod_data() -> dict[str, Any]:
    return yaml.safe_load(PROD.read_text())


@pytest.fixture(scope="module")
def prod(prod_data: dict[str, Any]) -> Scenario:
    return scenario_from_dict(prod_data)


@pytest.fixture(scope="module")
def bill(prod: Scenario) -> CostEstimate:
    return estimate_cost(prod)


def variant(data: dict[str, Any], **env_changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    changed["environments"]["prod"].update(env_changes)
    return changed


def service_usd(estimate: CostEstimate, service: str) -> float:
    frame = estimate.by("service").set_index("service")["monthly_usd"]
    return float(frame.get(service, 0.0))


def lines(estimate: CostEstimate, text: str) -> list[Any]:
    return [c for c in estimate.components if text in c.component]


# --------------------------------------------------------------------------- totals


def test_prod_total_equals_the_sum_of_the_frame(bill: CostEstimate) -> None:
    frame = bill.to_frame()
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert frame["monthly_usd"].sum() == pytest.approx(bill.total_usd)
    assert (frame["quantity"] * frame["unit_price_usd"]).sum() == pytest.approx(bill.total_usd)
    assert bill.by("service")["monthly_usd"].sum() == pytest.approx(bill.total_usd)
    assert bill.by("account", "service")["monthly_usd"].sum() == pytest.approx(bill.total_usd)
    assert bill.by()["monthly_usd"].iloc[0] == pytest.approx(bill.total_usd)
    assert (frame["monthly_usd"] >= 0).all()
    assert bill.catalog_version == "aws-us-east-1@2026-09-20"
    assert bill.scenario_name == "prod" and bill.month == 1


def test_prod_bill_has_the_acceptance_figures(bill: CostEstimate) -> None:
    nat_hours = lines(bill, "NAT Gateway (hours)")
    assert len(nat_hours) == 3
    assert all(round(c.monthly_usd, 2) == 32.85 for c in nat_hours)
    (rds,) = lines(bill, "Database instance (on-demand, Multi-AZ, db.m6g.large)")
    assert round(rds.monthly_usd, 2) == 232.14
    (eks,) = lines(bill, "EKS cluster")
    # Kubernetes 1.34 is in standard support until 2026-12-02, after the catalog date
    assert round(eks.monthly_usd, 2) == 73.00
    (ipv4_nat,) = lines(bill, "Public IPv4 addresses (nat-gateway, 3)")
    assert ipv4_nat.monthly_usd == pytest.approx(3 * 730 * 0.005)
    free = {c.service for c in bill.components if c.monthly_usd == 0 and c.quantity == 1}
    assert {"Shield", "VPC", "EKS"} <= free


def test_prod_traffic_quantities_follow_the_demand_curve(prod: Scenario, bill: CostEstimate):
    usage = environment_usage(prod, "prod", scenario_catalog(prod))
    requests = usage.requests
    assert usage.mean_rps == pytest.approx(requests / (730 * 3600))
    (waf_requests,) = lines(bill, "Requests (1M requests)")
    assert waf_requests.quantity == pytest.approx(requests / 1e6)
    (lcu,) = lines(bill, "LCU-hours")
    # bytes dominate: LCU-hours = GB processed = requests × (2 + 16) KB / 2^20
    assert lcu.quantity == pytest.approx(requests * 18 / 2**20)
    gb_out = requests * 16 / 2**20 + requests * 1 / 2**20 + 50  # responses + NAT egress
    out = sum(c.quantity for c in bill.components if "to the internet" in c.component)
    assert out == pytest.approx(gb_out - 100)
    # NAT: internet egress only (S3 via gateway, AWS APIs and ECR via interface endpoints)
    nat_gb = sum(c.quantity for c in lines(bill, "Data processed") if "nat" in c.resource)
    assert nat_gb == pytest.approx(requests * 1 / 2**20 + 50)


def test_month_twelve_costs_more_with_growth(prod: Scenario, bill: CostEstimate) -> None:
    later = estimate_cost(prod, month=12)
    assert later.month == 12
    assert later.total_usd > bill.total_usd
    (storage,) = lines(later, "Storage (gp3, Multi-AZ)")
    assert storage.quantity == pytest.approx(200 + 5 * 11.5)  # mean of month 12


def test_month_beyond_a_short_horizon_still_integrates_demand(prod_data) -> None:
    short = scenario_from_dict({**prod_data, "horizon": "30d"})
    long = scenario_from_dict(prod_data)
    assert estimate_cost(short, month=3).total_usd == pytest.approx(
        estimate_cost(long, month=3).total_usd
    )


def test_free_tier_data_transfer_out_saves_100_gb(prod_data, bill: CostEstimate) -> None:
    data = copy.deepcopy(prod_data)
    data["pricing"] = {"free_tier_data_transfer_out": False}
    without = estimate_cost(scenario_from_dict(data))
    # 100 GB that would have been priced in the next-40-TB tier (prod sends ~30 TB)
    assert without.total_usd - bill.total_usd == pytest.approx(100 * 0.085)


# --------------------------------------------------------------------------- variants


def test_single_nat_saves_two_gateways_and_two_eips_but_pays_inter_az(
    prod: Scenario, prod_data: dict[str, Any], bill: CostEstimate
) -> None:
    network = copy.deepcopy(prod_data["environments"]["prod"]["network"])
    network["nat_gateways"] = "single"
    single_sc = scenario_from_dict(variant(prod_data, network=network))
    single = estimate_cost(single_sc)
    nat_gb = environment_usage(prod, "prod", scenario_catalog(prod)).network.nat_gb
    cross_az_gb = nat_gb * 2 / 3  # traffic from AZs b and c
    expected = -2 * 730 * 0.045 - 2 * 730 * 0.005 + cross_az_gb * 0.02
    assert single.total_usd - bill.total_usd == pytest.approx(expected)
    assert len(lines(single, "NAT Gateway (hours)")) == 1
    (processed,) = [c for c in lines(single, "Data processed") if "nat" in c.resource]
    assert processed.quantity == pytest.approx(nat_gb)  # same GB, one gateway


def test_no_nat_has_no_gateway_lines(prod_data: dict[str, Any]) -> None:
    data = variant(prod_data)
    env = data["environments"]["prod"]
    env["network"] = {**env["network"], "nat_gateways": "none"}
    env["workloads"]["api"]["needs"] = ["database"]
    bill = estimate_cost(scenario_from_dict(data))
    assert not [c for c in bill.components if "nat-gateway" in c.resource]


def test_x86_costs_more_for_ec2_with_the_same_node_count(
    prod_data: dict[str, Any], bill: CostEstimate
) -> None:
    cluster = copy.deepcopy(prod_data["environments"]["prod"]["cluster"])
    cluster["node_pools"]["baseline"].update(arch="amd64", instance_types=["m6i.large"])
    cluster["node_pools"]["general"].update(arch="amd64", families=["m6i", "m7i", "c6i"])
    x86 = estimate_cost(scenario_from_dict(variant(prod_data, cluster=cluster)))

    def nodes(estimate: CostEstimate) -> float:
        return sum(c.quantity for c in estimate.components if c.service == "EC2") / 730

    assert nodes(x86) == nodes(bill) == 3
    assert service_usd(x86, "EC2") == pytest.approx(3 * 730 * 0.096)
    assert service_usd(bill, "EC2") == pytest.approx(3 * 730 * 0.0816)
    assert service_usd(x86, "EC2") > service_usd(bill, "EC2")


def spot_data(prod_data: dict[str, Any]) -> dict[str, Any]:
    """prod as a non-production environment whose Karpenter pool uses Spot."""
    cluster = copy.deepcopy(prod_data["environments"]["prod"]["cluster"])
    cluster["node_pools"]["general"]["capacity_type"] = ["spot", "on-demand"]
    data = variant(prod_data, cluster=cluster, production=False)
    data["environments"]["prod"]["demand"]["peak_rps"] = 4000  # forces Karpenter nodes
    return data


def test_spot_pool_is_priced_at_the_spot_price(prod_data: dict[str, Any]) -> None:
    sc = scenario_from_dict(spot_data(prod_data))
    bill = estimate_cost(sc)
    spot = [c for c in bill.components if c.service == "EC2" and c.price.service == "EC2-Spot"]
    assert spot, "Karpenter should launch Spot nodes"
    catalog = scenario_catalog(sc)
    for line in spot:
        itype = line.resource.split("/")[3]
        assert line.price.usd == catalog.instance_type(itype).spot_usd_per_hour
        assert "spot" in line.component
    on_demand = [c for c in bill.components if c.price.service == "EC2"]
    assert {c.resource.split("/")[2] for c in on_demand} == {"baseline"}


def test_discounts_reduce_on_demand_ec2_only(prod_data: dict[str, Any]) -> None:
    data = spot_data(prod_data)
    plain = estimate_cost(scenario_from_dict(data))
    data = copy.deepcopy(data)
    data["pricing"] = {"discounts": {"compute_savings_plan": "20%"}}
    discounted = estimate_cost(scenario_from_dict(data))
    before = plain.to_frame().set_index(["resource", "component"])["monthly_usd"]
    after = discounted.to_frame().set_index(["resource", "component"])["monthly_usd"]
    on_demand_ec2 = (
        plain.to_frame()
        .set_index(["resource", "component"])["price_key"]
        .map(lambda key: key.startswith("EC2/"))
    )
    assert on_demand_ec2.any()
    pd.testing.assert_series_equal(after[~on_demand_ec2], before[~on_demand_ec2])
    assert after[on_demand_ec2].to_numpy() == pytest.approx(0.8 * before[on_demand_ec2])


def test_multi_az_cluster_database_priced_from_the_catalog(prod_data: dict[str, Any]) -> None:
    data = copy.deepcopy(prod_data)
    data["environments"]["prod"]["database"]["deployment"] = "multi-az-cluster"
    bill = estimate_cost(scenario_from_dict(data))
    (instance,) = lines(bill, "Database instance")
    assert round(instance.monthly_usd, 2) == 348.21  # 0.477 USD/h x 730 h
    assert instance in bill.unverified
    data["environments"]["prod"]["database"]["instance_class"] = "db.t4g.medium"
    with pytest.raises(PriceNotFound, match="Multi-AZ cluster"):
        estimate_cost(scenario_from_dict(data))


def test_multi_az_cluster_database_priced_by_override(prod_data: dict[str, Any]) -> None:
    data = copy.deepcopy(prod_data)
    data["environments"]["prod"]["database"]["deployment"] = "multi-az-cluster"
    data["pricing"] = {
        "overrides": {"RDS-PostgreSQL/db.m6g.large Multi-AZ cluster": 0.55}
    }  # replaces
    bill = estimate_cost(scenario_from_dict(data))
    (instance,) = lines(bill, "Database instance")
    assert instance.monthly_usd == pytest.approx(0.55 * 730)
    assert instance.price.source == "scenario override"


def test_cross_region_replica_lines(prod_data: dict[str, Any], bill: CostEstimate) -> None:
    data = copy.deepcopy(prod_data)
    data["environments"]["prod"]["database"]["cross_region_replica"] = {
        "region": "us-west-2",
        "replication_gb_per_month": 60,
    }
    with_replica = estimate_cost(scenario_from_dict(data))
    storage_gb = 200 + 5 * 0.5
    expected = 0.159 * 730 + storage_gb * 0.115 + 60 * 0.02
    assert with_replica.total_usd - bill.total_usd == pytest.approx(expected)
    (replica,) = lines(with_replica, "Cross-region replica instance")
    assert "priced at the us-east-1 rate" in replica.component


def organisation() -> dict[str, Any]:
    """Four accounts: management (no environment), shared-services, dev, prod-less."""
    return {
        "name": "org",
        "accounts": ["management", "shared-services", "dev"],
        "environments": {
            "shared-services": {
                "account": "shared-services",
                "network": {"nat_gateways": "single"},
                "cluster": {
                    "node_pools": {
                        "system": {
                            "provisioner": "managed",
                            "instance_types": ["t4g.medium"],
                            "min_nodes": 2,
                        }
                    }
                },
                "registry": {"storage_gb": 50},
            },
            "dev": {
                "account": "dev",
                "network": {"nat_gateways": "single"},
                "ingress": {"waf": None},
                "demand": {"peak_rps": 10},
                "cluster": {
                    "node_pools": {
                        "spot": {"capacity_type": ["spot"], "families": ["m6g"]},
                    }
                },
                "workloads": {
                    "app": {
                        "requests": {"cpu": "250m", "memory": "512Mi"},
                        "replicas": {"min": 1, "max": 4},
                        "rps_per_replica": 50,
                    }
                },
            },
        },
    }


def test_organisation_bill(prod_data: dict[str, Any]) -> None:
    bill = estimate_cost(scenario_from_dict(organisation()))
    management = [c for c in bill.components if c.account == "management"]
    assert {c.service for c in management} == {"Organizations", "IAM"}
    assert all(c.monthly_usd == 0 and c.environment == "-" for c in management)
    shared = bill.by("account").set_index("account")["monthly_usd"]
    assert set(shared.index) == {"management", "shared-services", "dev"}
    assert lines(bill, "ArgoCD")[0].account == "shared-services"
    (ecr,) = lines(bill, "Image storage")
    assert ecr.monthly_usd == pytest.approx(50 * 0.10)
    dev_spot = [c for c in bill.components if c.price.service == "EC2-Spot"]
    assert dev_spot and all(c.account == "dev" for c in dev_spot)


# --------------------------------------------------------------------------- rendering


def test_csv_sums_to_the_printed_total(bill: CostEstimate) -> None:
    text = render_estimate(bill, "csv")
    assert text is not None
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == list(FRAME_COLUMNS)
    table = render_estimate(bill, "table")
    assert table is not None
    printed = f"${frame['monthly_usd'].sum():,.2f}"
    assert f"Grand total: {printed}" in table
    assert printed == f"${bill.total_usd:,.2f}"


def test_table_shows_catalog_subtotals_and_steady_state_note(bill: CostEstimate) -> None:
    buffer = io.StringIO()
    assert render_estimate(bill, "table", Console(file=buffer, width=200)) is None
    text = buffer.getvalue()
    assert "aws-us-east-1@2026-09-20" in text
    assert "mean demand" in text
    assert "EC2 subtotal" in text and "account prod" in text


def test_json_has_records_and_totals(bill: CostEstimate) -> None:
    payload = json.loads(render_estimate(bill, "json") or "")
    assert payload["total_usd"] == pytest.approx(bill.total_usd)
    assert sum(r["monthly_usd"] for r in payload["components"]) == pytest.approx(bill.total_usd)
    assert sum(payload["by_service"].values()) == pytest.approx(bill.total_usd)
    with pytest.raises(ValueError):
        render_estimate(bill, "xml")  # type: ignore[arg-type]


def test_month_must_be_positive(prod: Scenario) -> None:
    with pytest.raises(Exception, match="month"):
        estimate_cost(prod, month=0)


# --------------------------------------------------------------------------- golden file


@pytest.mark.parametrize("name", ["prod", "organization"])
def test_bill_matches_the_golden_file(name: str) -> None:
    """Infracost-style golden files: a deliberate price or model change is one reviewed diff.

    The organisation's bill covers every line the bundled scenarios bill (KMS, AWS Backup,
    CloudWatch metrics and alarms, Route 53, image scanning included), with its price's
    source, date and whether that source can be checked.
    """
    golden = GOLDEN.parent / f"{name}_bill.csv"
    bill = estimate_cost(load_scenario(SCENARIOS / f"{name}.yaml"))
    text = bill.to_frame().to_csv(index=False, float_format="%.6f")
    if os.environ.get("UPDATE_GOLDEN") == "1" or not golden.exists():
        if not golden.exists() and os.environ.get("UPDATE_GOLDEN") != "1":
            pytest.fail(f"{golden} is missing; run with UPDATE_GOLDEN=1 to create it")
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), f"{name} bill changed; review and rerun with UPDATE_GOLDEN=1"
