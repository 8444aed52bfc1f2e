"""Turn a Terraform plan or state (``terraform show -json``) plus a usage file into a scenario.

A plan says what exists: AZs, NAT Gateways, endpoints, the ALB and its WAF
rules, the EKS cluster, node groups and NodePools, the database. It cannot say
how it is used: demand, workloads, traffic, data sizes, failure rates. Those
come from a **usage file** written beside the plan (Infracost's idea): a
scenario-shaped YAML merged over the imported scenario as a JSON merge patch,
with one extra key, ``ignore:``, listing resource addresses or types to leave
out. The result is validated by the normal scenario loader, so a bad usage
value is reported at its file and line, and a bad imported value at the plan
resource it came from.

Nothing is dropped silently: :class:`ImportResult` lists every assumption,
every recognised resource that is not modelled, the structural resources and
anything ignored. A resource type the importer does not know stops the import
with the list of them.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from innovate_sim.importers._context import Context
from innovate_sim.importers.compute import map_cluster
from innovate_sim.importers.data_tier import map_database, map_storage_and_logs
from innovate_sim.importers.kinds import NOT_MODELLED, classify
from innovate_sim.importers.network import map_ingress, map_network, vpc_zones
from innovate_sim.importers.plan import PlanFile, TerraformImportError, parse_plan, read_plan
from innovate_sim.scenario.loader import _merge, _read_yaml, _validate
from innovate_sim.scenario.model import Scenario

__all__ = [
    "DEFAULT_USAGE_FILE",
    "ImportResult",
    "import_terraform",
    "scenario_from_terraform",
]

#: The usage file looked for beside a plan when none is named.
DEFAULT_USAGE_FILE = "usage.yaml"

Origins = dict[tuple[str | int, ...], tuple[str, int]]


@dataclass(frozen=True)
class ImportResult:
    """A scenario imported from Terraform, with everything the import had to assume.

    Attributes:
        scenario: the validated scenario.
        data: the scenario as plain data (what ``-o`` writes as YAML).
        plan: the plan or state read.
        usage: the usage file merged, or None.
        assumptions: one line per figure that is not in the plan as written.
        not_modelled: recognised resources without a field in the scenario language.
        structural: resource type → count of resources with no cost or availability effect.
        ignored: addresses left out because the usage file's ``ignore:`` names them.
    """

    scenario: Scenario
    data: dict[str, Any]
    plan: PlanFile
    usage: str | None
    assumptions: tuple[str, ...]
    not_modelled: tuple[str, ...]
    structural: Mapping[str, int]
    ignored: tuple[str, ...] = field(default_factory=tuple)

    def notes(self) -> list[str]:
        """Every line a user should read before trusting the import, in print order."""
        lines = [f"assumption: {a}" for a in self.assumptions]
        lines += [f"not modelled: {n}" for n in self.not_modelled]
        lines += [f"ignored (usage file): {i}" for i in self.ignored]
        if self.structural:
            counts = ", ".join(f"{kind} x{n}" for kind, n in sorted(self.structural.items()))
            lines.append(f"structural, no cost or availability effect: {counts}")
        return lines

    def to_yaml(self) -> str:
        """The scenario as a YAML file, headed by where it came from and its assumptions."""
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
        header = [
            f"# Imported by `innovate-sim import terraform` on {stamp} from {self.plan.path}",
            f"# ({self.plan.kind}, Terraform {self.plan.terraform_version}, JSON format "
            f"{self.plan.format_version}); usage file: {self.usage or 'none'}.",
            *[f"# {line}" for line in self.notes()],
        ]
        body = yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=100)
        return "\n".join(header) + "\n" + body


def scenario_from_terraform(
    plan: str | Path | Mapping[str, Any], usage: str | Path | None = None
) -> Scenario:
    """Build a scenario from ``terraform show -json`` output (a plan or a state).

    Args:
        plan: the JSON file, or its parsed content.
        usage: a usage file (YAML) with what the plan cannot say; see docs/terraform.md.

    Raises:
        TerraformImportError: the plan is malformed, of another cloud, or has
            resources the importer does not know.
        ScenarioError: the imported scenario breaks a rule (located in the usage
            file or at the plan resource).
    """
    return import_terraform(plan, usage).scenario


def import_terraform(
    plan: str | Path | Mapping[str, Any], usage: str | Path | None = None
) -> ImportResult:
    """Like :func:`scenario_from_terraform`, returning the notes and plain data as well."""
    parsed = parse_plan(plan) if isinstance(plan, Mapping) else read_plan(plan)
    overlay, usage_origins, ignore = _read_usage(usage)
    ctx = Context(plan=parsed)
    kinds = _check_resources(ctx, ignore)
    ctx.zones = vpc_zones(ctx)
    ctx.region = _region(ctx, overlay)
    environments = overlay.get("environments")
    name = _environment_name(ctx, environments)
    account = _account(ctx, name, environments)
    environment = _environment(ctx, account)
    base: dict[str, Any] = {
        "name": name,
        "region": ctx.region,
        "accounts": [account],
        "environments": {name: environment},
    }
    origins: Origins = {}
    for path, address in ctx.origins.items():
        for leaf in _paths_below(environment, path):
            origins[("environments", name, *leaf)] = (f"{parsed.path}: {address}", 0)
    data = _merge(base, overlay, origins, usage_origins)
    _note_usage_gaps(ctx, data["environments"].get(name, {}), name, usage)
    scenario = _validate(data, origins, str(usage or parsed.path))
    return ImportResult(
        scenario=scenario,
        data=data,
        plan=parsed,
        usage=str(usage) if usage else None,
        assumptions=tuple(ctx.assumptions),
        not_modelled=_not_modelled(ctx, kinds),
        structural=Counter(r.type for r in parsed.resources if kinds[r.address] == "structural"),
        ignored=tuple(a for a, kind in kinds.items() if kind == "ignored"),
    )


def _paths_below(data: Any, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    """``path`` and every path inside the value there, so a usage value set beside it
    does not take the origin of the whole section."""
    node = data
    for part in path:
        node = node.get(part) if isinstance(node, Mapping) else None
    found = [path]
    if isinstance(node, Mapping):
        for key in node:
            found += _paths_below(data, (*path, key))
    return found


def _not_modelled(ctx: Context, kinds: Mapping[str, str]) -> tuple[str, ...]:
    """Recognised resources left out of the scenario, with what that omits, grouped by reason."""
    used = set(ctx.origins.values())
    groups: dict[str, list[str]] = {}
    for resource in ctx.plan.resources:
        if kinds[resource.address] == "not-modelled":
            groups.setdefault(NOT_MODELLED[resource.type], []).append(resource.address)
        elif resource.type in _READ_IF_RELEVANT and resource.address not in used:
            groups.setdefault(_READ_IF_RELEVANT[resource.type], []).append(resource.address)
    return tuple(f"{', '.join(addresses)}: {reason}" for reason, addresses in groups.items())


#: Mapped types whose instances matter only when they hold what the importer reads.
_READ_IF_RELEVANT = {
    "kubernetes_manifest": "not a Karpenter NodePool; no cost or availability effect in the model",
    "helm_release": "holds no NodePools in its values; the release itself is not billed",
}


def _read_usage(usage: str | Path | None) -> tuple[dict[str, Any], Origins, set[str]]:
    if usage is None:
        return {}, {}, set()
    data, origins = _read_yaml(Path(usage))
    ignore = data.pop("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        line = origins.get(("ignore",), (str(usage), 0))[1]
        raise TerraformImportError(
            f"{usage}:{line}: ignore: a list of resource addresses or types to leave out"
        )
    data.pop("version", None)
    return data, origins, set(ignore)


def _check_resources(ctx: Context, ignore: set[str]) -> dict[str, str]:
    """Classify every resource; stop on another cloud's plan or on unknown resource types."""
    resources = ctx.plan.resources
    if not any(r.is_aws for r in resources):
        providers = sorted({r.provider or r.type.split("_")[0] for r in resources})
        types = sorted({r.type for r in resources})[:5]
        raise TerraformImportError(
            f"{ctx.plan.path}: the {ctx.plan.kind} manages no AWS resources (providers: "
            f"{', '.join(providers)}; e.g. {', '.join(types)}); innovate_sim models AWS "
            "architectures only"
        )
    kinds: dict[str, str] = {}
    for resource in resources:
        ignored = resource.address in ignore or resource.type in ignore
        kinds[resource.address] = "ignored" if ignored else classify(resource.type)
    unknown = [r for r in resources if kinds[r.address] == "unknown"]
    if unknown:
        listing = "\n".join(f"  {r.address} ({r.type})" for r in unknown)
        raise TerraformImportError(
            f"{ctx.plan.path}: {len(unknown)} resource{'s' if len(unknown) != 1 else ''} of types "
            "the importer does not model:\n"
            f"{listing}\nTheir cost and availability would be missing from the forecast. "
            "To import without them, list their addresses or types under 'ignore:' in the "
            "usage file (they are then reported as ignored); see docs/terraform.md"
        )
    return kinds


def _region(ctx: Context, overlay: Mapping[str, Any]) -> str:
    from_zones = {zone[:-1] for zone in ctx.zones}
    if isinstance(overlay.get("region"), str):
        return str(overlay["region"])
    if ctx.plan.region:
        return ctx.plan.region
    if len(from_zones) == 1:
        region = from_zones.pop()
        ctx.assume("region", f"{region}, read from the subnets' availability zones")
        return region
    raise TerraformImportError(
        f"{ctx.plan.path}: cannot tell the region (no aws provider region, subnets in "
        f"{', '.join(sorted(from_zones))}); set 'region:' in the usage file"
    )


def _environment_name(ctx: Context, environments: Any) -> str:
    if isinstance(environments, Mapping) and len(environments) == 1:
        return str(next(iter(environments)))
    if isinstance(environments, Mapping) and len(environments) > 1:
        raise TerraformImportError(
            f"the usage file describes {len(environments)} environments; a plan is one environment"
        )
    for vpc in ctx.plan.of_type("aws_vpc"):
        tag = vpc.tag("Environment")
        if tag:
            ctx.assume("environment name", f"{tag!r}, the VPC's Environment tag")
            return tag
    ctx.assume("environment name", "'default' (no usage file environment, no Environment tag)")
    return "default"


def _account(ctx: Context, name: str, environments: Any) -> str:
    env = environments.get(name) if isinstance(environments, Mapping) else None
    if isinstance(env, Mapping) and isinstance(env.get("account"), str):
        return str(env["account"])
    ctx.assume(f"environments.{name}.account", f"{name!r}, an account named after the environment")
    return name


def _environment(ctx: Context, account: str) -> dict[str, Any]:
    env: dict[str, Any] = {
        "account": account,
        "availability_zones": len(ctx.zones),
        "network": map_network(ctx),
    }
    for key, section in (
        ("ingress", map_ingress(ctx)),
        ("cluster", map_cluster(ctx)),
        ("database", map_database(ctx)),
    ):
        if section is not None:
            env[key] = section
    env.update(map_storage_and_logs(ctx))
    return env


#: Usage figures the plan cannot say, and what their absence means for the forecast.
_USAGE_GAPS = (
    (
        ("demand",),
        "no demand: the environment serves no requests (no LCU, WAF request or "
        "request-availability figures)",
    ),
    (("workloads",), "no workloads: the cluster runs only its baseline nodes"),
    (
        ("network", "traffic"),
        "no traffic figures: data transfer and NAT/endpoint processing are billed as zero",
    ),
    (
        ("database", "backups", "daily_change_gb"),
        "database daily change 0 GB: no backup storage beyond the free allowance",
    ),
    (("registry", "storage_gb"), "ECR storage 0 GB"),
    (("observability", "log_ingestion_gb_per_month"), "CloudWatch Logs ingestion 0 GB"),
    (("object_storage", "standard_gb"), "S3 Standard storage 0 GB"),
)


def _note_usage_gaps(ctx: Context, env: Mapping[str, Any], name: str, usage: Any) -> None:
    source = f"usage file {usage}" if usage else "no usage file"
    for path, meaning in _USAGE_GAPS:
        parent: Any = env
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, Mapping) else None
        missing = isinstance(parent, Mapping) and path[-1] not in parent
        if missing and (path[0] in env or len(path) == 1):
            ctx.assume(f"environments.{name}.{'.'.join(path)}", f"{meaning} ({source})")
