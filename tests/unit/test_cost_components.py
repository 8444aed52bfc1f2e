"""Cost components, one resource class at a time, against hand-computed bills.

Every expected dollar figure is written as the arithmetic of list prices
from reference PRICES.md (730 hours a month), not read back from the catalog.
"""

from __future__ import annotations

import pytest

from innovate_sim.cost import CostComponent, PlannedNode, plan_cluster, steady_replicas
from innovate_sim.cost.resources import (
    ApplicationLoadBalancer,
    CloudWatchLogs,
    EcrRegistry,
    EksCluster,
    FreeService,
    InterAzTransfer,
    InterfaceEndpoint,
    InternetDataTransferOut,
    InterRegionTransfer,
    NatGateway,
    NodeGroup,
    PublicIpv4,
    RdsInstance,
    RdsReplica,
    RdsSnapshotExport,
    S3Bucket,
    WebAcl,
    internet_egress,
    node_groups,
)
from innovate_sim.cost.resources.free import FREE_ITEMS
from innovate_sim.errors import PriceNotFound
from innovate_sim.pricing import Discounts, PriceCatalog, load_catalog
from innovate_sim.scenario import Database, Environment, Ingress, Traffic, Workload
from innovate_sim.scenario.cluster import RootVolume
from innovate_sim.scenario.network import Waf


@pytest.fixture(scope="module")
def cat() -> PriceCatalog:
    return load_catalog("us-east-1")


def total(lines: list[CostComponent]) -> float:
    return sum(line.monthly_usd for line in lines)


def by_component(lines: list[CostComponent], text: str) -> CostComponent:
    (found,) = [line for line in lines if text in line.component]
    return found


# --------------------------------------------------------------------------- component


def test_cost_component_monthly_usd_is_quantity_times_price(cat: PriceCatalog) -> None:
    line = CostComponent(
        "prod",
        "prod",
        "VPC",
        "prod/x",
        "NAT Gateway (hours)",
        10.0,
        "hours",
        cat.price("VPC", "NAT Gateway"),
    )
    assert line.monthly_usd == pytest.approx(10 * 0.045)
    assert line.as_row()["price_key"] == "VPC/NAT Gateway"


# --------------------------------------------------------------------------- NAT


def test_nat_gateway_hours_and_data_processed(cat: PriceCatalog) -> None:
    lines = NatGateway("prod", "prod", zone=1, data_processed_gb=100.0).components(cat)
    hours = by_component(lines, "NAT Gateway (hours)")
    data = by_component(lines, "Data processed")
    assert hours.resource == "prod/nat-gateway/az-b"
    assert hours.quantity == 730 and hours.unit == "hours"
    assert round(hours.monthly_usd, 2) == 32.85  # DESIGN: one NAT Gateway 730 h = $32.85
    assert data.monthly_usd == pytest.approx(100 * 0.045)  # plus $0.045/GB
    assert total(lines) == pytest.approx(0.045 * 730 + 0.045 * 100)


# --------------------------------------------------------------------------- EKS


def test_eks_cluster_standard_and_extended(cat: PriceCatalog) -> None:
    standard = EksCluster("prod", "prod", "1.33", support="standard").components(cat)
    extended = EksCluster("prod", "prod", "1.33", support="extended").components(cat)
    assert round(total(standard), 2) == 73.00  # 0.10 × 730
    assert round(total(extended), 2) == 438.00  # 0.60 × 730 (total, not on top)
    assert standard[0].resource == "prod/eks-cluster"


def test_eks_support_tier_follows_the_calendar_on_the_catalog_date(cat: PriceCatalog) -> None:
    # catalog dated 2026-09-20: 1.33 left standard support on 2026-07-29, 1.34 on 2026-12-02
    assert str(cat.as_of) == "2026-09-20"
    assert EksCluster("p", "p", "1.33").tier(cat) == "extended"
    assert EksCluster("p", "p", "1.34").tier(cat) == "standard"
    assert total(EksCluster("p", "p", "1.34").components(cat)) == pytest.approx(0.10 * 730)
    with pytest.raises(PriceNotFound):
        EksCluster("p", "p", "1.24").components(cat)  # out of extended support too


# --------------------------------------------------------------------------- EC2 + EBS


def test_node_group_m5_large_on_demand_and_root_volume(cat: PriceCatalog) -> None:
    group = NodeGroup("dev", "dev", "general", 0, "m5.large", "on-demand", 1, RootVolume())
    lines = group.components(cat)
    instance = by_component(lines, "Instance usage")
    volume = by_component(lines, "Root volume")
    assert round(instance.monthly_usd, 2) == 70.08  # DESIGN: m5.large 0.096 × 730
    assert instance.service == "EC2" and volume.service == "EBS"
    assert volume.quantity == 20 and volume.unit == "GB-month"
    assert volume.monthly_usd == pytest.approx(20 * 0.08)  # gp3 $0.08/GB-month
    assert group.name == "dev/node/general/m5.large/az-a"


def test_node_group_counts_nodes_and_gp2_volumes(cat: PriceCatalog) -> None:
    volume = RootVolume(type="gp2", size_gb=50)
    lines = NodeGroup("p", "p", "b", 2, "m7g.large", "on-demand", 3, volume).components(cat)
    assert by_component(lines, "Instance").monthly_usd == pytest.approx(3 * 730 * 0.0816)
    assert by_component(lines, "Root").monthly_usd == pytest.approx(3 * 50 * 0.10)


def test_node_group_spot_is_priced_at_the_spot_price(cat: PriceCatalog) -> None:
    lines = NodeGroup("d", "d", "spot", 0, "m6g.large", "spot", 2, RootVolume()).components(cat)
    instance = by_component(lines, "Instance")
    assert instance.price.key == "EC2-Spot/m6g.large"
    assert instance.monthly_usd == pytest.approx(2 * 730 * 0.0308)  # spot, not 0.077
    assert "spot" in instance.component


def test_savings_plan_discounts_on_demand_instances_only() -> None:
    discounted = load_catalog("us-east-1", discounts=Discounts(compute_savings_plan=0.2))
    on_demand = NodeGroup("p", "p", "b", 0, "m5.large", "on-demand", 1, RootVolume())
    spot = NodeGroup("p", "p", "b", 0, "m5.large", "spot", 1, RootVolume())
    od_lines = on_demand.components(discounted)
    assert by_component(od_lines, "Instance").monthly_usd == pytest.approx(0.096 * 0.8 * 730)
    assert by_component(od_lines, "Root").monthly_usd == pytest.approx(20 * 0.08)
    spot_line = by_component(spot.components(discounted), "Instance")
    assert spot_line.monthly_usd == pytest.approx(0.03264 * 730)


def test_node_groups_groups_identical_nodes(cat: PriceCatalog) -> None:
    m7g = cat.instance_type("m7g.large")
    nodes = [
        PlannedNode("baseline", 0, m7g, "on-demand", m7g.on_demand_usd_per_hour, {}, True),
        PlannedNode("baseline", 0, m7g, "on-demand", m7g.on_demand_usd_per_hour, {}, True),
        PlannedNode("baseline", 1, m7g, "on-demand", m7g.on_demand_usd_per_hour, {}, True),
    ]
    groups = node_groups("p", "p", nodes, {"baseline": RootVolume()})
    assert [(g.zone, g.count) for g in groups] == [(0, 2), (1, 1)]


# --------------------------------------------------------------------------- endpoints, IPv4


def test_interface_endpoint_per_az_hours_and_gb(cat: PriceCatalog) -> None:
    lines = InterfaceEndpoint("p", "p", "ecr.dkr", zones=3, data_processed_gb=10).components(cat)
    hours = by_component(lines, "endpoint-AZ-hours")
    assert hours.quantity == 3 * 730
    assert hours.monthly_usd == pytest.approx(3 * 730 * 0.01)  # $21.90
    assert by_component(lines, "Data processed").monthly_usd == pytest.approx(10 * 0.01)


def test_public_ipv4_addresses_in_use_are_billed(cat: PriceCatalog) -> None:
    lines = PublicIpv4("p", "p", "nat-gateway", 3).components(cat)
    assert total(lines) == pytest.approx(3 * 730 * 0.005)  # $10.95
    assert lines[0].resource == "p/public-ipv4/nat-gateway"


# --------------------------------------------------------------------------- ALB, WAF


def test_alb_hours_and_lcu_by_processed_bytes(cat: PriceCatalog) -> None:
    ingress = Ingress(requests_per_connection=10, connection_duration="10s")
    traffic = Traffic(request_kb_per_request=2, response_kb_per_request=16)
    alb = ApplicationLoadBalancer("p", "p", ingress, traffic, requests=1e6)
    # per rps: new conn 0.1/25 = 0.004; active 0.1·10/3000 = 0.00033;
    # bytes 18 KB · 3600 / 2^20 KB/GB = 0.0618 GB/h per rps ⇒ bytes dominate,
    # so LCU-hours = GB processed = 1e6 × 18 KB / 2^20
    assert alb.lcu_per_rps()[1] == "processed bytes"
    assert alb.lcu_hours == pytest.approx(1e6 * 18 / 2**20)
    lines = alb.components(cat)
    assert by_component(lines, "(hours)").monthly_usd == pytest.approx(0.0225 * 730)
    assert by_component(lines, "LCU").monthly_usd == pytest.approx(1e6 * 18 / 2**20 * 0.008)


def test_alb_lcu_by_new_connections(cat: PriceCatalog) -> None:
    ingress = Ingress(requests_per_connection=1, connection_duration="1s")
    # one hour at 1,000 rps, one request per connection: 1,000 new conn/s = 40 LCU for 1 h
    alb = ApplicationLoadBalancer("p", "p", ingress, Traffic(), requests=1000 * 3600)
    assert alb.lcu_per_rps()[1] == "new connections"
    assert alb.lcu_hours == pytest.approx(40.0)


def test_alb_lcu_by_active_connections(cat: PriceCatalog) -> None:
    ingress = Ingress(requests_per_connection=1, connection_duration="5m")
    # 100 rps × 300 s = 30,000 active connections = 10 LCU (3,000 each) for 1 h
    alb = ApplicationLoadBalancer("p", "p", ingress, Traffic(), requests=100 * 3600)
    assert alb.lcu_per_rps()[1] == "active connections"
    assert alb.lcu_hours == pytest.approx(10.0)


def test_alb_lcu_by_rule_evaluations_beyond_ten_free(cat: PriceCatalog) -> None:
    ingress = Ingress(requests_per_connection=100, rule_evaluations_per_request=20)
    # 1,000 rps × (20 − 10 free) = 10,000 evals/s = 10 LCU; new conn 10/s = 0.4 LCU
    alb = ApplicationLoadBalancer("p", "p", ingress, Traffic(), requests=1000 * 3600)
    assert alb.lcu_per_rps()[1] == "rule evaluations"
    assert alb.lcu_hours == pytest.approx(10.0)
    free = Ingress(requests_per_connection=100, rule_evaluations_per_request=10)
    rules = ApplicationLoadBalancer("p", "p", free, Traffic(), 3.6e6).lcu_dimensions_per_rps()
    assert rules["rule evaluations"] == 0.0


def test_waf_acl_rules_groups_and_requests(cat: PriceCatalog) -> None:
    waf = Waf(web_acls=1, rules=10, managed_rule_groups=2)
    lines = WebAcl("p", "p", waf, requests=10e6).components(cat)
    assert total(lines) == pytest.approx(5.00 + 10 * 1.00 + 2 * 1.00 + 10 * 0.60)  # $23.00
    assert by_component(lines, "Requests").unit == "1M requests"
    assert WebAcl("p", "p", Waf(web_acls=0), requests=1e9).components(cat) == []


# --------------------------------------------------------------------------- data transfer


def test_inter_az_transfer_is_billed_in_each_direction(cat: PriceCatalog) -> None:
    lines = InterAzTransfer("p", "p", "service-to-service", 100.0).components(cat)
    assert [line.component for line in lines] == [
        "Inter-AZ transfer out (GB)",
        "Inter-AZ transfer in (GB)",
    ]
    assert total(lines) == pytest.approx(100 * 0.02)  # $0.01 each way


def test_internet_out_free_100_gb_then_first_tier(cat: PriceCatalog) -> None:
    (only,) = internet_egress([("prod", "prod", 1000.0)])
    assert total(only.components(cat)) == pytest.approx((1000 - 100) * 0.09)
    (no_free,) = internet_egress([("prod", "prod", 1000.0)], free_tier=False)
    assert total(no_free.components(cat)) == pytest.approx(1000 * 0.09)
    (tiny,) = internet_egress([("prod", "prod", 60.0)])
    assert total(tiny.components(cat)) == 0.0


def test_internet_out_free_tier_once_in_the_largest_environment(cat: PriceCatalog) -> None:
    dev, prod = internet_egress([("dev", "dev", 400.0), ("prod", "prod", 600.0)])
    assert dev.free_gb == 0 and prod.free_gb == 100
    assert total(dev.components(cat)) == pytest.approx(400 * 0.09)
    assert total(prod.components(cat)) == pytest.approx(500 * 0.09)


def test_internet_out_tiers_apply_to_the_organisation_total(cat: PriceCatalog) -> None:
    a, b = internet_egress([("a", "a", 15_000.0), ("b", "b", 5_100.0)])
    billable = 15_000 + 5_100 - 100
    expected = 10_240 * 0.09 + (billable - 10_240) * 0.085
    assert total(a.components(cat)) + total(b.components(cat)) == pytest.approx(expected)
    assert total(b.components(cat)) == pytest.approx(expected * 5_100 / billable)


def test_internet_out_over_150_tb_is_priced_at_the_fourth_tier(cat: PriceCatalog) -> None:
    beyond = InternetDataTransferOut("p", "p", 200 * 1024.0).components(cat)
    assert [line.price.key for line in beyond][-1] == "DataTransfer/out to internet over 150 TB"
    expected = 10_240 * 0.09 + 40_960 * 0.085 + 102_400 * 0.07 + 50 * 1024 * 0.05
    assert round(total(beyond), 2) == round(expected, 2) == 14_131.20
    assert not beyond[-1].price.verified  # the us-east-2 golden rate, marked unverified


def test_inter_region_transfer(cat: PriceCatalog) -> None:
    west = InterRegionTransfer("p", "p", "rds-replica", "us-west-2", 100.0).components(cat)
    assert total(west) == pytest.approx(100 * 0.02)
    ohio = InterRegionTransfer("p", "p", "rds-replica", "us-east-2", 100.0).components(cat)
    assert total(ohio) == pytest.approx(100 * 0.01)


# --------------------------------------------------------------------------- RDS


def database(**changes: object) -> Database:
    data: dict[str, object] = {
        "instance_class": "db.m6g.large",
        "deployment": "multi-az",
        "storage": {"type": "gp3", "allocated_gb": 200},
        "backups": {"retention_days": 7, "daily_change_gb": 2},
    }
    data.update(changes)
    return Database.model_validate(data)


def test_rds_multi_az_instance_and_storage(cat: PriceCatalog) -> None:
    lines = RdsInstance("prod", "prod", database(), 200.0).components(cat)
    instance = by_component(lines, "Database instance")
    assert instance.component == "Database instance (on-demand, Multi-AZ, db.m6g.large)"
    assert round(instance.monthly_usd, 2) == 232.14  # DESIGN: 0.318 × 730
    storage = by_component(lines, "Storage")
    assert storage.monthly_usd == pytest.approx(200 * 0.23)  # Multi-AZ rate, 2 × 0.115
    backup = by_component(lines, "Backup")
    assert backup.quantity == 0  # 7 days × 2 GB = 14 GB, inside the free 200 GB
    assert not [line for line in lines if "IOPS" in line.component]


def test_rds_single_az_storage_rate(cat: PriceCatalog) -> None:
    lines = RdsInstance("d", "d", database(deployment="single-az"), 100.0).components(cat)
    assert by_component(lines, "Database instance").monthly_usd == pytest.approx(0.159 * 730)
    assert by_component(lines, "Storage").monthly_usd == pytest.approx(100 * 0.115)


def test_rds_gp3_iops_above_baseline_only(cat: PriceCatalog) -> None:
    small = database(storage={"type": "gp3", "allocated_gb": 200, "iops": 5000})
    lines = RdsInstance("p", "p", small, 200.0).components(cat)
    iops = by_component(lines, "IOPS")
    assert iops.quantity == 5000 - 3000  # 3,000 included below 400 GB
    assert iops.monthly_usd == pytest.approx(2000 * 0.04)  # Multi-AZ IOPS rate
    large = database(storage={"type": "gp3", "allocated_gb": 500, "iops": 5000})
    lines = RdsInstance("p", "p", large, 500.0).components(cat)
    assert by_component(lines, "IOPS").quantity == 0  # 12,000 included from 400 GB


def test_rds_backup_storage_beyond_the_free_100_percent_only(cat: PriceCatalog) -> None:
    churny = database(
        backups={"retention_days": 35, "daily_change_gb": 10, "manual_snapshots_gb": 50}
    )
    lines = RdsInstance("p", "p", churny, 200.0).components(cat)
    backup = by_component(lines, "Backup")
    assert backup.quantity == pytest.approx(35 * 10 + 50 - 200)  # 400 GB used, 200 free
    assert backup.monthly_usd == pytest.approx(200 * 0.095)


def test_rds_multi_az_cluster_priced_from_the_catalog(cat: PriceCatalog) -> None:
    cluster = RdsInstance("p", "p", database(deployment="multi-az-cluster"), 200.0)
    lines = cluster.components(cat)
    instance = by_component(lines, "Database instance")
    assert round(instance.monthly_usd, 2) == round(0.477 * 730, 2) == 348.21
    assert not instance.price.verified
    # storage approximated as one Single-AZ copy per instance (3)
    assert by_component(lines, "Storage").monthly_usd == pytest.approx(3 * 200 * 0.115)
    small = RdsInstance(
        "p", "p", database(deployment="multi-az-cluster", instance_class="db.t4g.medium"), 200.0
    )
    with pytest.raises(PriceNotFound, match="override"):
        small.components(cat)


def test_rds_reserved_discount_applies_to_instance_hours_only() -> None:
    reserved = load_catalog("us-east-1", discounts=Discounts(rds_reserved=0.3))
    lines = RdsInstance("p", "p", database(), 200.0).components(reserved)
    instance = by_component(lines, "Database instance")
    assert instance.component.startswith("Database instance (reserved")
    assert instance.monthly_usd == pytest.approx(0.318 * 0.7 * 730)
    assert by_component(lines, "Storage").monthly_usd == pytest.approx(200 * 0.23)


def test_rds_snapshot_export_and_its_s3_storage(cat: PriceCatalog) -> None:
    lines = RdsSnapshotExport("p", "p", 2, 200.0, 100.0).components(cat)
    export = by_component(lines, "Snapshot export")
    assert export.monthly_usd == pytest.approx(2 * 200 * 0.010)
    stored = by_component(lines, "Standard storage")
    assert stored.service == "S3"
    assert stored.monthly_usd == pytest.approx(100 * 0.023)


def test_rds_cross_region_replica_at_the_home_region_rate(cat: PriceCatalog) -> None:
    lines = RdsReplica("p", "p", "us-west-2", "db.m6g.large", "gp3", 200.0).components(cat)
    instance = by_component(lines, "replica instance")
    assert "priced at the us-east-1 rate" in instance.component
    assert instance.monthly_usd == pytest.approx(0.159 * 730)  # Single-AZ
    assert by_component(lines, "replica storage").monthly_usd == pytest.approx(200 * 0.115)


# --------------------------------------------------------------------------- ECR, logs, S3, free


def test_ecr_storage(cat: PriceCatalog) -> None:
    assert total(EcrRegistry("s", "s", 50.0).components(cat)) == pytest.approx(50 * 0.10)


def test_cloudwatch_logs(cat: PriceCatalog) -> None:
    lines = CloudWatchLogs("p", "p", 50.0, 150.0).components(cat)
    assert total(lines) == pytest.approx(50 * 0.50 + 150 * 0.03)


def test_s3_storage_and_requests(cat: PriceCatalog) -> None:
    assert total(S3Bucket("p", "p", 500.0).components(cat)) == pytest.approx(500 * 0.023)
    lines = S3Bucket("p", "p", 0.0, put_requests=1e6, get_requests=1e6).components(cat)
    assert total(lines) == pytest.approx(1000 * 0.005 + 1000 * 0.0004)


@pytest.mark.parametrize("kind", sorted(FREE_ITEMS))
def test_free_services_are_zero_priced_catalog_rows(cat: PriceCatalog, kind: str) -> None:
    (line,) = FreeService("management", "-", kind).components(cat)
    assert line.monthly_usd == 0.0
    assert line.price.source  # a sourced row, not a literal zero
    assert line.resource == f"management/{kind}"


# --------------------------------------------------------------------------- sizing


def workload(**changes: object) -> Workload:
    data: dict[str, object] = {
        "requests": {"cpu": "500m", "memory": "1Gi"},
        "replicas": {"min": 3, "max": 60},
        "rps_per_replica": 150,
    }
    data.update(changes)
    return Workload.model_validate(data)


def test_steady_replicas_hpa_steady_state() -> None:
    api = workload()
    assert steady_replicas(api, 300.0) == 3  # ceil(2) = 2, clipped to min 3
    assert steady_replicas(api, 750.0) == 5  # exactly 5, no floating-point 6
    assert steady_replicas(api, 751.0) == 6
    assert steady_replicas(api, 1e6) == 60  # clipped to max
    assert steady_replicas(workload(traffic_share=0.5), 1500.0) == 5
    background = workload(rps_per_replica=None, replicas=2)
    assert steady_replicas(background, 1e6) == 2


def environment(**cluster_changes: object) -> Environment:
    cluster: dict[str, object] = {
        "node_pools": {
            "baseline": {
                "provisioner": "managed",
                "instance_types": ["m7g.large"],
                "min_nodes": 3,
            },
            "general": {"families": ["m7g", "m6g", "c7g", "c6g"], "weight": 10},
        }
    }
    cluster.update(cluster_changes)
    return Environment.model_validate(
        {
            "account": "prod",
            "cluster": cluster,
            "ingress": {},
            "demand": {"peak_rps": 100},
            "workloads": {
                "api": {
                    "requests": {"cpu": "500m", "memory": "1Gi"},
                    "replicas": {"min": 3, "max": 60},
                    "rps_per_replica": 150,
                }
            },
        }
    )


def test_plan_cluster_managed_nodes_round_robin_over_zones(cat: PriceCatalog) -> None:
    plan = plan_cluster(environment(), cat, demand_rps=300.0)
    assert [(n.pool, n.zone, n.instance_type.name, n.managed) for n in plan.nodes] == [
        ("baseline", 0, "m7g.large", True),
        ("baseline", 1, "m7g.large", True),
        ("baseline", 2, "m7g.large", True),
    ]
    assert plan.replicas == {"api": 3}
    assert [n.pods for n in plan.nodes] == [{"api": 1}, {"api": 1}, {"api": 1}]
    assert plan.price_usd_per_hour == pytest.approx(3 * 0.0816)


def test_plan_cluster_overflow_goes_to_karpenter_cheapest_fitting_type(
    cat: PriceCatalog,
) -> None:
    # each m7g.large holds 3 api pods: (1.93 − 0.15) / 0.5 = 3.56
    plan = plan_cluster(environment(), cat, demand_rps=150.0 * 10)
    assert plan.replicas == {"api": 10}
    managed = [n for n in plan.nodes if n.managed]
    claims = [n for n in plan.nodes if not n.managed]
    assert sum(sum(n.pods.values()) for n in managed) == 9
    assert len(claims) == 1 and claims[0].pods == {"api": 1}
    assert claims[0].pool == "general"
    # cheapest type with room for 0.5 CPU + 150m overhead: m6g.medium at $0.0385/h
    assert claims[0].instance_type.name == "m6g.medium"
    assert claims[0].price_usd_per_hour == pytest.approx(0.0385)
    assert plan.unschedulable == {}


def test_plan_cluster_respects_karpenter_limits(cat: PriceCatalog) -> None:
    env = environment(
        node_pools={
            "baseline": {"provisioner": "managed", "instance_types": ["m7g.large"], "min_nodes": 1},
            "general": {"families": ["m6g"], "instance_types": ["m6g.large"], "limits": {"cpu": 2}},
        }
    )
    plan = plan_cluster(env, cat, demand_rps=150.0 * 20)
    claims = [n for n in plan.nodes if not n.managed]
    assert len(claims) == 1  # 2 vCPU limit: one m6g.large
    assert sum(plan.unschedulable.values()) == 20 - 3 - 3


def test_plan_cluster_spot_only_managed_pool(cat: PriceCatalog) -> None:
    env = environment(
        node_pools={
            "baseline": {
                "provisioner": "managed",
                "capacity_type": "spot",
                "instance_types": ["m6g.large"],
                "min_nodes": 2,
            }
        }
    )
    plan = plan_cluster(env, cat, demand_rps=0.0)
    assert {n.capacity_type for n in plan.nodes} == {"spot"}
    assert plan.price_usd_per_hour == pytest.approx(2 * 0.0308)
