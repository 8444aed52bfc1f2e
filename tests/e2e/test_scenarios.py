"""The bundled scenarios: all valid, the seed design as written, variants that change one thing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from innovate_sim.cli import main
from innovate_sim.scenario import Scenario, load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))


def _load(name: str) -> Scenario:
    return load_scenario(SCENARIOS / name)


def _dump(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json", by_alias=True)


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Flatten nested mappings to ``{dotted.path: value}``; lists are leaves."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            out.update(_leaves(child, f"{path}.{key}" if path else str(key)))
        return out
    return {path: value}


def _differences(base: Scenario, variant: Scenario) -> set[str]:
    a, b = _leaves(_dump(base)), _leaves(_dump(variant))
    return {key for key in a.keys() | b.keys() if a.get(key, "<absent>") != b.get(key, "<absent>")}


def test_the_bundle_is_complete() -> None:
    names = {path.name for path in FILES}
    assert {
        "prod.yaml",
        "dev.yaml",
        "shared-services.yaml",
        "organization.yaml",
        "prod-single-nat.yaml",
        "prod-x86.yaml",
        "prod-rds-single-az.yaml",
        "prod-no-endpoints.yaml",
        "dev-no-spot.yaml",
        "prod-chaos-az.yaml",
    } <= names


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scenario_validates(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert scenario.description
    assert scenario.environments
    assert scenario.extends is None  # resolved by the loader


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scenario_starts_with_a_header_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "every bundled scenario explains itself in a header comment"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_dump_validates_again_unchanged(path: Path) -> None:
    scenario = load_scenario(path)
    again = Scenario.model_validate(scenario.model_dump(mode="json", by_alias=True))
    assert again == scenario
    assert again.content_hash() == scenario.content_hash()


def test_cli_validate_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *map(str, FILES)]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("ok ") == len(FILES)
    assert captured.err == ""


def test_cli_validate_all_in_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "innovate_sim", "validate", *map(str, FILES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok ") == len(FILES)
    assert "Traceback" not in result.stderr


def test_no_spot_in_production() -> None:
    for path in FILES:
        for name, env in load_scenario(path).environments.items():
            if env.production:
                assert env.cluster is not None
                assert not any(p.uses_spot for p in env.cluster.node_pools.values()), (path, name)


# ------------------------------------------------------------- the seed, as written


def test_prod_follows_the_seed() -> None:
    env = _load("prod.yaml").environments["prod"]
    assert env.production and env.account == "prod"
    assert env.availability_zones == 3
    assert env.network.nat_gateways == "per_az"
    assert env.network.endpoints.has_ecr
    assert env.ingress is not None and env.ingress.waf is not None
    assert env.cluster is not None
    pools = env.cluster.node_pools
    assert pools["baseline"].provisioner == "managed" and pools["baseline"].arch == ["arm64"]
    assert pools["general"].provisioner == "karpenter"
    assert env.database is not None
    assert env.database.instance_class == "db.m6g.large"
    assert env.database.deployment == "multi-az"
    assert env.database.engine_version == "16"
    assert env.database.backups.retention_days == 7 and env.database.backups.pitr
    assert env.database.backups.export_to_s3 is not None


def test_dev_follows_the_seed() -> None:
    scenario = _load("dev.yaml")
    env = scenario.environments["dev"]
    assert not env.production and env.account == "dev"
    assert env.availability_zones == 3
    assert env.network.nat_gateways == "per_az"
    prod_endpoints = _load("prod.yaml").environments["prod"].network.endpoints
    assert env.network.endpoints == prod_endpoints
    assert env.cluster is not None
    baseline, spot = env.cluster.node_pools["baseline"], env.cluster.node_pools["spot"]
    assert baseline.provisioner == "managed" and baseline.capacity_type == ["on-demand"]
    assert baseline.arch == ["arm64"] and baseline.min_nodes >= 1
    assert spot.provisioner == "karpenter" and spot.capacity_type == ["spot", "on-demand"]
    assert spot.arch == ["arm64"] and spot.families == ["m7g", "m6g", "c7g", "c6g"]
    assert spot.taints == ["spot"]
    for name in ("api", "web", "worker"):
        assert "spot" in env.pools_for(name)
    assert env.workloads["api"].replicas.min == 1
    assert env.workloads["web"].replicas.min == 1
    assert env.workloads["worker"].replicas.max == 1
    assert env.demand is not None and env.demand.profile == "diurnal"
    assert env.demand.weekly[5] < 1 and env.demand.weekly[6] < 1
    db = env.database
    assert db is not None
    assert db.instance_class == "db.t4g.medium" and db.deployment == "single-az"
    assert db.storage.type == "gp3" and db.storage.allocated_gb == 50
    assert db.backups.retention_days == 1
    assert db.backups.export_to_s3 is None and db.cross_region_replica is None
    targets = scenario.targets["dev"]
    assert targets.request_availability == pytest.approx(0.995)
    assert targets.monthly_cost_usd is not None


def test_shared_services_runs_the_tooling() -> None:
    scenario = _load("shared-services.yaml")
    env = scenario.environments["shared-services"]
    assert env.account == "shared-services"
    assert scenario.accounts[0].role == "shared-services"
    assert env.database is None and env.demand is None and env.ingress is None
    assert {"argocd", "monitoring"} <= set(env.workloads)
    assert all(not w.serves_requests for w in env.workloads.values())
    assert env.registry is not None and env.registry.storage_gb > 0
    assert env.observability is not None and env.object_storage is not None
    assert env.cluster is not None
    assert all(p.provisioner == "managed" for p in env.cluster.node_pools.values())


def test_organization_is_the_union_of_its_parts() -> None:
    org = _load("organization.yaml")
    assert [(a.name, a.role) for a in org.accounts] == [
        ("management", "management"),
        ("shared-services", "shared-services"),
        ("dev", "workload"),
        ("prod", "workload"),
    ]
    assert "management" not in {env.account for env in org.environments.values()}
    parts = {name: _load(f"{name}.yaml") for name in ("shared-services", "dev", "prod")}
    assert set(org.environments) == {"shared-services", "dev", "prod"}
    for name, part in parts.items():
        assert org.environments[name] == part.environments[name]
        assert org.targets[name] == part.targets[name]
    assert set(org.targets) == {"shared-services", "dev", "prod"}
    prod = parts["prod"]
    for field in ("region", "horizon", "replications", "seed", "failures", "chaos", "pricing"):
        assert getattr(org, field) == getattr(prod, field), field


# ------------------------------------------------------------------ what-if variants

VARIANTS: dict[str, tuple[str, set[str]]] = {
    "prod-single-nat.yaml": ("prod.yaml", {"environments.prod.network.nat_gateways"}),
    "prod-x86.yaml": (
        "prod.yaml",
        {
            "environments.prod.cluster.node_pools.baseline.arch",
            "environments.prod.cluster.node_pools.baseline.instance_types",
            "environments.prod.cluster.node_pools.general.arch",
            "environments.prod.cluster.node_pools.general.families",
        },
    ),
    "prod-rds-single-az.yaml": ("prod.yaml", {"environments.prod.database.deployment"}),
    "prod-no-endpoints.yaml": (
        "prod.yaml",
        {
            "environments.prod.network.endpoints.gateway",
            "environments.prod.network.endpoints.interface",
        },
    ),
    "dev-no-spot.yaml": (
        "dev.yaml",
        {
            "environments.dev.cluster.node_pools.spot.capacity_type",
            "environments.dev.cluster.node_pools.spot.taints",
            "environments.dev.workloads.api.tolerations",
            "environments.dev.workloads.web.tolerations",
            "environments.dev.workloads.worker.tolerations",
        },
    ),
    "prod-chaos-az.yaml": ("prod.yaml", {"chaos"}),
}


def test_every_variant_is_listed() -> None:
    bases = {"prod.yaml", "dev.yaml", "shared-services.yaml", "organization.yaml"}
    assert {p.name for p in FILES} - bases == set(VARIANTS)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_changes_only_what_it_says(variant: str) -> None:
    base_name, expected = VARIANTS[variant]
    base, changed = _load(base_name), _load(variant)
    assert _differences(base, changed) == {"name", "description", *expected}
    assert "extends:" in (SCENARIOS / variant).read_text(encoding="utf-8")


def test_variant_values() -> None:
    assert _load("prod-single-nat.yaml").environments["prod"].network.nat_gateways == "single"
    x86 = _load("prod-x86.yaml").environments["prod"].cluster
    assert x86 is not None
    assert x86.node_pools["baseline"].arch == ["amd64"]
    assert x86.node_pools["baseline"].instance_types == ["m7i.large"]
    assert x86.node_pools["general"].families == ["m7i", "m6i", "c6i", "m5", "c5"]
    db = _load("prod-rds-single-az.yaml").environments["prod"].database
    assert db is not None and db.deployment == "single-az"
    endpoints = _load("prod-no-endpoints.yaml").environments["prod"].network.endpoints
    assert endpoints.gateway == [] and endpoints.interface == [] and not endpoints.has_ecr
    dev = _load("dev-no-spot.yaml").environments["dev"]
    assert dev.cluster is not None
    assert not any(p.uses_spot for p in dev.cluster.node_pools.values())
    assert all(not w.tolerations for w in dev.workloads.values())
    assert all(set(dev.pools_for(name)) == {"baseline", "spot"} for name in dev.workloads)
    (event,) = _load("prod-chaos-az.yaml").chaos
    assert (event.environment, event.fail, event.az) == ("prod", "az", 1)
    assert event.at == 121 * 24 + 14 and event.duration == 4


def test_multi_az_cluster_variant_is_absent_without_a_sourced_price() -> None:
    # The catalog has no price for RDS Multi-AZ DB clusters; a variant would need a
    # pricing override from a public source (see the bundle's notes).
    for path in FILES:
        for env in load_scenario(path).environments.values():
            if env.database is not None and env.database.deployment == "multi-az-cluster":
                assert load_scenario(path).pricing.overrides, path
