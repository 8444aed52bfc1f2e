"""EKS cluster, managed node groups and Karpenter NodePools of a plan.

Karpenter NodePools are read from ``kubernetes_manifest`` resources (the
``manifest`` attribute) and from ``helm_release`` values that hold NodePool
manifests under ``nodePools:`` (a list, or a mapping by name), as charts that
template NodePools take them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from innovate_sim.importers._context import Context, az_letter
from innovate_sim.importers.plan import TfResource

__all__ = ["map_cluster"]

_CAPACITY = {"ON_DEMAND": "on-demand", "SPOT": "spot"}
_AMI_ARCH = {"ARM_64": "arm64", "x86_64": "amd64"}
_POLICY = {
    "WhenEmpty": "when-empty",
    "WhenEmptyOrUnderutilized": "when-empty-or-underutilized",
    "WhenUnderutilized": "when-empty-or-underutilized",
}
_KARPENTER_ARCH = {"arm64": "arm64", "amd64": "amd64"}


def map_cluster(ctx: Context) -> dict[str, Any] | None:
    """``cluster:`` from ``aws_eks_cluster``, its node groups and NodePools; None without EKS."""
    clusters = ctx.plan.of_type("aws_eks_cluster")
    if not clusters:
        return None
    if len(clusters) > 1:
        raise ctx.fail(clusters[1], "a second EKS cluster; an environment has one cluster")
    cluster = clusters[0]
    version = cluster.get("version")
    if not isinstance(version, str):
        raise ctx.fail(cluster, "no Kubernetes 'version'; pin it so the import can price support")
    ctx.came_from(("cluster",), cluster)
    pools: dict[str, Any] = {}
    for group in ctx.plan.of_type("aws_eks_node_group"):
        name, pool = _node_group(ctx, group)
        pools[name] = pool
        ctx.came_from(("cluster", "node_pools", name), group)
    for resource, manifest in _node_pool_manifests(ctx):
        name, pool = _karpenter_pool(ctx, resource, manifest)
        pools[name] = pool
        ctx.came_from(("cluster", "node_pools", name), resource)
    if not pools:
        raise ctx.fail(
            cluster, "no aws_eks_node_group and no Karpenter NodePool; nothing runs pods"
        )
    result: dict[str, Any] = {"kubernetes_version": version, "node_pools": pools}
    if not any(p["provisioner"] == "karpenter" for p in pools.values()):
        result["karpenter"] = {"enabled": False}
    return result


def _node_group(ctx: Context, group: TfResource) -> tuple[str, dict[str, Any]]:
    name = str(group.get("node_group_name") or group.index or group.name)
    scaling = group.block("scaling_config")
    desired = scaling.get("desired_size")
    if not isinstance(desired, int):
        raise ctx.fail(group, "scaling_config.desired_size is unknown; the model needs a size")
    ctx.assume(
        group.address,
        f"runs {desired} nodes (desired_size); min_size/max_size are not modelled because "
        "Karpenter, not the node group, scales the cluster in this design",
    )
    types = [str(t) for t in group.get("instance_types", [])]
    if not types:
        types = ["t3.medium"]
        ctx.assume(group.address, "no instance_types: EKS's default t3.medium")
    capacity = str(group.get("capacity_type", "ON_DEMAND"))
    pool: dict[str, Any] = {
        "provisioner": "managed",
        "capacity_type": _CAPACITY.get(capacity, capacity.lower()),
        "arch": _ami_arch(ctx, group, types),
        "instance_types": types,
        "min_nodes": desired,
    }
    disk = group.get("disk_size")
    if isinstance(disk, int) and disk != 20:
        pool["root_volume"] = {"type": "gp3", "size_gb": disk}
    if group.get("taint"):
        pool["taints"] = [
            f"{t.get('key')}={t.get('value', '')}:{t.get('effect')}" for t in group.get("taint")
        ]
    return name, pool


def _ami_arch(ctx: Context, group: TfResource, types: list[str]) -> str:
    ami = str(group.get("ami_type", ""))
    for marker, arch in _AMI_ARCH.items():
        if marker in ami:
            return arch
    from innovate_sim.pricing import load_catalog

    known = {t.name: t.arch for t in load_catalog().instance_types()}
    arches = {known.get(t) for t in types}
    if len(arches) != 1 or None in arches:
        raise ctx.fail(
            group,
            f"no ami_type, and the architecture of {', '.join(types)} is not known from the "
            "catalog's instance types; set ami_type (e.g. AL2023_ARM_64_STANDARD)",
        )
    arch = str(arches.pop())
    ctx.assume(group.address, f"no ami_type; architecture {arch} read from the instance types")
    return arch


def _node_pool_manifests(ctx: Context) -> Iterator[tuple[TfResource, Mapping[str, Any]]]:
    for resource in ctx.plan.of_type("kubernetes_manifest"):
        manifest = resource.get("manifest")
        if isinstance(manifest, Mapping) and manifest.get("kind") == "NodePool":
            yield resource, manifest
    for release in ctx.plan.of_type("helm_release"):
        for document in release.get("values", []):
            try:
                values = yaml.safe_load(document) if isinstance(document, str) else None
            except yaml.YAMLError as exc:
                raise ctx.fail(release, f"values are not YAML: {exc}") from None
            pools = values.get("nodePools") if isinstance(values, dict) else None
            if isinstance(pools, Mapping):
                pools = [{"metadata": {"name": k}, **v} for k, v in pools.items()]
            for manifest in pools or []:
                if isinstance(manifest, Mapping):
                    yield release, manifest


def _karpenter_pool(
    ctx: Context, resource: TfResource, manifest: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    name = str((manifest.get("metadata") or {}).get("name") or resource.name)
    spec = manifest.get("spec") or {}
    template = (spec.get("template") or {}).get("spec") or {}
    where = f"{resource.address} NodePool {name}"
    requirements = {
        str(r.get("key")): [str(v) for v in r.get("values", [])]
        for r in template.get("requirements", [])
        if isinstance(r, Mapping) and r.get("operator", "In") == "In"
    }
    pool: dict[str, Any] = {"provisioner": "karpenter"}
    capacity = requirements.get("karpenter.sh/capacity-type")
    if capacity is None:
        ctx.assume(
            where, "no karpenter.sh/capacity-type requirement: Karpenter's default on-demand"
        )
    pool["capacity_type"] = capacity or ["on-demand"]
    arch = requirements.get("kubernetes.io/arch")
    if arch is None:
        ctx.assume(where, "no kubernetes.io/arch requirement: Karpenter's default amd64")
    pool["arch"] = [_KARPENTER_ARCH.get(a, a) for a in arch or ["amd64"]]
    if "karpenter.k8s.aws/instance-family" in requirements:
        pool["families"] = requirements["karpenter.k8s.aws/instance-family"]
    if "node.kubernetes.io/instance-type" in requirements:
        pool["instance_types"] = requirements["node.kubernetes.io/instance-type"]
    zones = requirements.get("topology.kubernetes.io/zone")
    if zones:
        pool["zones"] = [_zone(ctx, where, z) for z in zones]
    if isinstance(spec.get("weight"), int):
        pool["weight"] = spec["weight"]
    limits = {k: v for k, v in (spec.get("limits") or {}).items() if k in ("cpu", "memory")}
    if limits:
        pool["limits"] = limits
    pool.update(_disruption(spec.get("disruption") or {}, template))
    if template.get("taints"):
        pool["taints"] = [
            f"{t.get('key')}={t.get('value', '')}:{t.get('effect')}" for t in template["taints"]
        ]
    return name, pool


def _disruption(disruption: Mapping[str, Any], template: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    policy = disruption.get("consolidationPolicy")
    if isinstance(policy, str):
        out["consolidation_policy"] = _POLICY.get(policy, policy)
    after = disruption.get("consolidateAfter")
    if isinstance(after, str):
        out["consolidation_policy" if after == "Never" else "consolidate_after"] = (
            "never" if after == "Never" else after
        )
    budgets = disruption.get("budgets")
    if isinstance(budgets, list) and budgets and isinstance(budgets[0], Mapping):
        nodes = str(budgets[0].get("nodes", ""))
        if nodes.endswith("%"):
            out["budget"] = nodes
    expire = template.get("expireAfter")
    if isinstance(expire, str):
        out["expire_after"] = None if expire == "Never" else expire
    return out


def _zone(ctx: Context, where: str, zone: str) -> str:
    index = ctx.zone_index(zone)
    if index is None:
        ctx.assume(where, f"zone {zone} is not one of the VPC's subnets' AZs; kept as written")
        return zone
    return az_letter(index)
