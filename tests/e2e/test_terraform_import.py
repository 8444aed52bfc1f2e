"""Terraform plan import: the seed's prod round-trips; bad plans are clear errors, never tracebacks.

``examples/terraform/prod.plan.json`` is terraform 1.11.4's ``show -json`` of
``examples/terraform/*.tf`` (see the README there); small plans below are
written to the same documented format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import innovate_sim as isim
from innovate_sim.errors import ScenarioError
from innovate_sim.importers import TerraformImportError, import_terraform
from innovate_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "terraform"
PLAN = EXAMPLE / "prod.plan.json"
USAGE = EXAMPLE / "usage.yaml"
AWS = "registry.terraform.io/hashicorp/aws"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "160"}
    return subprocess.run(
        [sys.executable, "-c", "from innovate_sim.cli import run; run()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def prod_plan() -> dict[str, Any]:
    return json.loads(PLAN.read_text())


def resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return plan["planned_values"]["root_module"]["resources"]


def write(tmp_path: Path, plan: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(plan))
    return path


def resource(kind: str, name: str, values: dict[str, Any], index: Any = None, **extra: Any) -> dict:
    address = f"{kind}.{name}" + ("" if index is None else f"[{json.dumps(index)}]")
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "index": index,
        "provider_name": AWS,
        "values": values,
        **extra,
    }


def minimal_plan(extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    subnets = [
        resource("aws_subnet", "private", {"availability_zone": f"us-east-1{z}"}, index=i)
        for i, z in enumerate("abc")
    ]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {
            "root_module": {
                "resources": [
                    resource("aws_vpc", "main", {"tags": {"Environment": "staging"}}),
                    *subnets,
                    *(extra or []),
                ]
            }
        },
    }


# -- the seed's prod environment round-trips ----------------------------------------------------


def test_prod_plan_imports_as_prod_yaml() -> None:
    result = import_terraform(PLAN, USAGE)
    assert (
        result.scenario.content_hash() == load_scenario(ROOT / "scenarios/prod.yaml").content_hash()
    )
    assert result.plan.kind == "plan" and result.plan.terraform_version == "1.11.4"
    notes = "\n".join(result.notes())
    assert "aws_kms_key.main: KMS keys and requests are billed from the usage file" in notes
    assert "aws_route_table_association x9" in notes


def test_imported_bill_equals_prod_bill_line_by_line(tmp_path: Path) -> None:
    imported = tmp_path / "imported.yaml"
    done = cli("import", "terraform", str(PLAN), "-o", str(imported))
    assert done.returncode == 0, done.stderr
    assert "assumption: aws_eks_node_group.baseline: runs 3 nodes" in done.stdout
    assert (
        f"usage file {USAGE.relative_to(ROOT)}" in done.stdout.replace("\n", "")
        or "usage.yaml" in done.stdout
    )
    ours, theirs = cli("cost", str(imported)), cli("cost", "scenarios/prod.yaml")
    assert ours.returncode == theirs.returncode == 0
    assert ours.stdout.splitlines() == theirs.stdout.splitlines()
    assert "Grand total: $5,296.03 per month" in ours.stdout


def test_public_api_reads_a_parsed_plan() -> None:
    scenario = isim.scenario_from_terraform(prod_plan(), USAGE)
    env = scenario.environments["prod"]
    assert env.network.nat_gateways == "per_az"
    assert env.network.endpoints.interface == ["ecr.api", "ecr.dkr", "sts", "logs"]
    assert env.cluster is not None and env.cluster.node_pools["general"].weight == 10


def test_without_a_usage_file_every_gap_is_an_assumption() -> None:
    result = import_terraform(PLAN)
    notes = "\n".join(result.assumptions)
    for gap in ("prod.demand: no demand", "prod.workloads: no workloads", "network.traffic"):
        assert gap in notes
    assert result.scenario.environments["prod"].demand is None


# -- mapping rules -------------------------------------------------------------------------------


def test_single_nat_from_the_route_tables_of_a_state(tmp_path: Path) -> None:
    nats = [resource("aws_nat_gateway", "this", {"id": f"nat-{i}"}, index=i) for i in range(3)]
    tables = [
        resource("aws_route_table", "private", {"route": [{"nat_gateway_id": "nat-0"}]}, index=i)
        for i in range(3)
    ]
    state = minimal_plan([*nats, *tables])
    state["values"] = state.pop("planned_values")
    result = import_terraform(state)
    assert result.plan.kind == "state"
    assert result.scenario.environments["staging"].network.nat_gateways == "single"
    assert any("private route tables use 1" in a for a in result.assumptions)
    assert result.scenario.region == "us-east-1"


def test_modules_and_count_indices_keep_configuration_order() -> None:
    services = [
        "sts",
        "logs",
        "ecr.api",
        "ecr.dkr",
        "ec2",
        "ssm",
        "kms",
        "sqs",
        "sns",
        "eks",
        "xray",
        "monitoring",
    ]
    endpoints = [
        resource(
            "aws_vpc_endpoint",
            "interface",
            {"vpc_endpoint_type": "Interface", "service_name": f"com.amazonaws.us-east-1.{s}"},
            index=i,
        )
        for i, s in enumerate(services)
    ]
    endpoints.sort(key=lambda r: r["address"])  # Terraform sorts addresses as text: [10] < [2]
    for endpoint in endpoints:
        endpoint["address"] = "module.network." + endpoint["address"]
    plan = minimal_plan()
    plan["planned_values"]["root_module"]["child_modules"] = [
        {"address": "module.network", "child_modules": [], "resources": endpoints}
    ]
    env = isim.scenario_from_terraform(plan).environments["staging"]
    assert env.network.endpoints.interface == services
    assert env.network.nat_gateways == "none"


def test_karpenter_node_pools_from_helm_values() -> None:
    values = (
        "nodePools:\n  batch:\n    spec:\n      template:\n        spec:\n          requirements:\n"
        "          - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}\n"
        "          - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1b]}\n"
    )
    extra = [resource("aws_nat_gateway", "this", {}, index=i) for i in range(3)] + [
        resource("aws_eks_cluster", "main", {"version": "1.33"}),
        {
            **resource("helm_release", "pools", {"chart": "nodepools", "values": [values]}),
            "provider_name": "registry.terraform.io/hashicorp/helm",
        },
    ]
    result = import_terraform(minimal_plan(extra))
    pool = result.scenario.environments["staging"].cluster.node_pools["batch"]  # type: ignore[union-attr]
    assert pool.capacity_type == ["spot", "on-demand"]
    assert pool.arch == ["amd64"] and pool.zones == [1]
    assert any("Karpenter's default amd64" in a for a in result.assumptions)


def test_a_bad_plan_value_is_located_at_its_resource() -> None:
    plan = prod_plan()
    db = next(r for r in resources(plan) if r["type"] == "aws_db_instance")
    db["values"]["instance_class"] = "db.m6g.larg"
    with pytest.raises(
        ScenarioError, match=r"aws_db_instance\.main: .*did you mean 'db.m6g.large'"
    ):
        import_terraform(plan, USAGE)


def test_a_bad_usage_value_is_located_at_its_line(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    text = USAGE.read_text()
    assert "peak_rps: {dist: lognormal, median: 1200" in text
    usage.write_text(
        text.replace(
            "peak_rps: {dist: lognormal, median: 1200", "peak_rps: {dist: lognormal, median: -5"
        )
    )
    with pytest.raises(
        ScenarioError, match=r"usage\.yaml:\d+: environments\.prod\.demand\.peak_rps"
    ):
        import_terraform(PLAN, usage)


# -- errors: exit 2, never a traceback -----------------------------------------------------------


def test_unsupported_resources_are_listed_and_stop_the_import(tmp_path: Path) -> None:
    plan = prod_plan()
    resources(plan).append(resource("aws_instance", "bastion", {"instance_type": "t3.micro"}))
    resources(plan).append(resource("aws_elasticache_cluster", "cache", {}))
    path = write(tmp_path, plan)
    done = cli("import", "terraform", str(path), "--usage", str(USAGE))
    assert done.returncode == 2
    assert "aws_instance.bastion (aws_instance)" in done.stderr
    assert "aws_elasticache_cluster.cache" in done.stderr and "ignore:" in done.stderr
    assert "Traceback" not in done.stderr

    usage = tmp_path / "usage.yaml"
    usage.write_text(
        USAGE.read_text() + "ignore: [aws_instance.bastion, aws_elasticache_cluster]\n"
    )
    result = import_terraform(path, usage)
    assert result.ignored == ("aws_instance.bastion", "aws_elasticache_cluster.cache")
    assert "ignored (usage file): aws_instance.bastion" in result.notes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format_version": "1.2",\n "planned_values": {', r"plan\.json:2: not valid JSON"),
        ('{"resources": []}', "no 'format_version' key"),
        (
            '{"format_version": "2.0", "planned_values": {}}',
            "format_version '2.0' is not supported",
        ),
        ('{"format_version": "1.0"}', "neither 'planned_values'"),
        ("[1, 2]", "not the JSON of `terraform show -json`"),
    ],
)
def test_malformed_plans_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(TerraformImportError, match=message):
        import_terraform(path)
    done = cli("cost", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "error:" in done.stderr


def test_a_plan_of_another_cloud_is_refused(tmp_path: Path) -> None:
    google = "registry.terraform.io/hashicorp/google"
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "google_compute_network.vpc",
                        "mode": "managed",
                        "type": "google_compute_network",
                        "name": "vpc",
                        "provider_name": google,
                        "values": {},
                    },
                    {
                        "address": "google_container_cluster.gke",
                        "mode": "managed",
                        "type": "google_container_cluster",
                        "name": "gke",
                        "provider_name": google,
                        "values": {},
                    },
                ]
            }
        },
    }
    done = cli("import", "terraform", str(write(tmp_path, plan)))
    assert done.returncode == 2
    assert "manages no AWS resources" in done.stderr and "hashicorp/google" in done.stderr


# -- plans in the bill and gate commands ---------------------------------------------------------


def test_cost_of_two_plans_prints_the_difference(tmp_path: Path) -> None:
    head = prod_plan()
    head["planned_values"]["root_module"]["resources"] = [
        r
        for r in resources(head)
        if r["address"] not in ("aws_nat_gateway.per_az[1]", "aws_nat_gateway.per_az[2]")
    ]
    base_path, head_path = (
        write(tmp_path, prod_plan(), "base.json"),
        write(tmp_path, head, "head.json"),
    )
    for path in (base_path, head_path):
        (path.parent / "usage.yaml").write_text(USAGE.read_text())
    done = cli("cost", str(base_path), str(head_path), "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert (
        "| removed | prod | prod/nat-gateway/az-b | NAT Gateway (hours) | $32.85 | $0.00 "
        "| -$32.85 |" in done.stdout
    )
    single = load_scenario(ROOT / "scenarios/prod-single-nat.yaml")
    expected = (
        isim.estimate_cost(single).total_usd
        - isim.estimate_cost(load_scenario(ROOT / "scenarios/prod.yaml")).total_usd
    )
    # the head is the seed with a single NAT: its bill is prod-single-nat.yaml's
    assert f"### Monthly cost change: {'-' if expected < 0 else '+'}${abs(expected):,.2f}" in (
        done.stdout
    )


def test_check_gates_a_plan(tmp_path: Path) -> None:
    done = cli("check", str(PLAN), "--usage", str(USAGE), "-n", "2", "--seed", "1")
    assert done.returncode in (0, 1, 3), done.stderr
    assert "scenario prod" in done.stdout and "monthly_cost_usd" in done.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            [resource("aws_rds_cluster", "db", {"engine": "aurora-postgresql"})],
            r"aws_rds_cluster\.db: engine 'aurora-postgresql' is not modelled",
        ),
        (
            [resource("aws_lb", "nlb", {"load_balancer_type": "network"})],
            r"aws_lb\.nlb: a network load balancer is not modelled",
        ),
        ([resource("aws_vpc", "second", {})], r"2 VPCs \(aws_vpc\.main, aws_vpc\.second\)"),
        (
            [
                resource(
                    "aws_vpc_endpoint",
                    "x",
                    {
                        "vpc_endpoint_type": "Interface",
                        "service_name": "com.amazonaws.us-east-1.glue",
                    },
                )
            ],
            r"interface endpoint service 'glue' is not modelled",
        ),
    ],
)
def test_what_the_model_cannot_hold_is_refused_at_its_resource(
    extra: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(TerraformImportError, match=message):
        import_terraform(minimal_plan(extra))


def test_a_multi_az_db_cluster_and_separate_routes() -> None:
    extra = [
        resource("aws_nat_gateway", "this", {"id": "nat-1"}, index=0),
        resource("aws_nat_gateway", "this", {"id": "nat-2"}, index=1),
        resource("aws_route", "egress", {"nat_gateway_id": "nat-1"}),
        resource(
            "aws_rds_cluster",
            "db",
            {
                "engine": "postgres",
                "engine_version": "16.4",
                "db_cluster_instance_class": "db.m6g.large",
                "allocated_storage": 400,
                "storage_type": "gp3",
                "backup_retention_period": 14,
                "availability_zone": "us-east-1b",
            },
        ),
    ]
    result = import_terraform(minimal_plan(extra))
    env = result.scenario.environments["staging"]
    assert env.network.nat_gateways == "single"  # two NATs, the routes use one
    db = env.database
    assert db is not None and db.deployment == "multi-az-cluster"
    assert (db.engine_version, db.storage.allocated_gb, db.backups.retention_days) == (
        "16",
        400,
        14,
    )
    assert db.primary_az == 1
