"""Assumptions that cost money or drive a verdict, made visible.

Three disclosures, shared by ``innovate-sim cost``, ``run``, ``check`` and the report:

* **billed defaults** — a field the scenario did not write whose built-in
  value puts money on the bill (a WAF web ACL, the NAT Gateway per AZ, root
  volumes…), with the USD it adds in the static estimate;
* **usage left at zero** — usage fields (traffic, logs, object storage) the
  scenario did not write, so nothing is billed for them;
* **assumption-driven causes** — causes of lost requests whose failure
  figures come from library defaults marked as engineering assumptions (no
  AWS source), such as the NAT Gateway failure rate and duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from innovate_sim.reporting.assumptions import applicable_defaults, format_default_value
from innovate_sim.scenario.environment import USAGE_FIELDS

if TYPE_CHECKING:
    import pandas as pd

    from innovate_sim.scenario import Scenario

__all__ = [
    "BilledDefault",
    "assumption_driven_causes",
    "billed_defaults",
    "disclosure_lines",
    "zero_usage",
]


@dataclass(frozen=True)
class _BillRule:
    """A field whose default value adds bill lines: where it lives and which lines."""

    path: str  # below the environment; "*" walks a dict
    service: str
    resource: str = ""  # substring of the bill row's resource
    component: str = ""  # substring of the bill row's component


_BILL_RULES = (
    _BillRule("ingress.waf", "WAF"),
    _BillRule("ingress.public_ipv4_addresses", "VPC", "public-ipv4/alb"),
    _BillRule("ingress.requests_per_connection", "ELB", "alb", "by new connections"),
    _BillRule("ingress.connection_duration", "ELB", "alb", "by active connections"),
    _BillRule("ingress.rule_evaluations_per_request", "ELB", "alb", "by rule evaluations"),
    _BillRule("network.nat_gateways", "VPC", "nat-gateway"),
    _BillRule("availability_zones", "VPC", "nat-gateway"),
    _BillRule("cluster.node_pools.*.root_volume", "EBS", "node/"),
    _BillRule("database.backups.retention_days", "RDS", "rds/", "Backup storage"),
)


#: Which default figures drive which cause of lost requests.
_CAUSE_DEFAULTS = {
    "nat-failure": ("failures.nat_gateway.",),
    "node-failure": ("failures.node.",),
    "az-outage": ("failures.az_outage.",),
    "region-outage": ("failures.region_outage.",),
    "eks-control-plane": ("failures.eks_control_plane.",),
    "spot-interruption": ("failures.spot_interruption.",),
    "rds-failover": ("failures.rds_instance.", "failures.rds_failover."),
    "rds-instance-failure": ("failures.rds_instance.", "database.recovery."),
    "rds-maintenance": ("database.maintenance.",),
    "rds-restore": ("database.recovery.",),
}


@dataclass(frozen=True)
class BilledDefault:
    """A default the scenario did not write that adds money to the bill.

    Attributes:
        environment: where.
        field: the field path below the environment (``ingress.waf``).
        value: the default value as a scenario would write it.
        service: the bill's service it adds to.
        monthly_usd: USD it adds in the static estimate's month.
    """

    environment: str
    field: str
    value: str
    service: str
    monthly_usd: float


def _unset_paths(obj: Any, parts: list[str], label: list[str]) -> list[tuple[str, Any]]:
    """(path, value) of every field matching ``parts`` that the scenario did not write."""
    if obj is None or not parts:
        return []
    part, rest = parts[0], parts[1:]
    if isinstance(obj, dict):
        return [
            found
            for key, value in obj.items()
            if part in ("*", key)
            for found in _unset_paths(value, rest, [*label, str(key)])
        ]
    if not isinstance(obj, BaseModel) or part not in type(obj).model_fields:
        return []
    value = getattr(obj, part)
    if not rest:
        if part in obj.model_fields_set or value is None:
            return []
        return [(".".join([*label, part]), value)]
    if part not in obj.model_fields_set and isinstance(value, BaseModel):
        # a whole section left out: every field below it is a default
        return _all_below(value, rest, [*label, part])
    return _unset_paths(value, rest, [*label, part])


def _all_below(obj: Any, parts: list[str], label: list[str]) -> list[tuple[str, Any]]:
    if not parts:
        return [(".".join(label), obj)]
    part, rest = parts[0], parts[1:]
    if isinstance(obj, dict):
        return [
            found
            for key, value in obj.items()
            if part in ("*", key)
            for found in _all_below(value, rest, [*label, str(key)])
        ]
    if isinstance(obj, BaseModel) and part in type(obj).model_fields:
        return _all_below(getattr(obj, part), rest, [*label, part])
    return []


def _display(value: Any) -> str:
    if isinstance(value, BaseModel):
        return format_default_value(value.model_dump(mode="json", exclude_none=True))
    return format_default_value(value)


def billed_defaults(scenario: Scenario, bill: pd.DataFrame) -> list[BilledDefault]:
    """Defaults the scenario did not write that put money on ``bill``.

    Args:
        scenario: the scenario.
        bill: the static estimate's rows (``CostEstimate.to_frame()``).
    """
    out = []
    for env_name, env in scenario.environments.items():
        rows = bill[bill["environment"] == env_name]
        for rule in _BILL_RULES:
            for field, value in _unset_paths(env, rule.path.split("."), []):
                pool = field.split(".")[2] if field.startswith("cluster.node_pools.") else ""
                lines = rows[
                    (rows["service"] == rule.service)
                    & rows["resource"].str.contains(rule.resource + pool, regex=False)
                    & rows["component"].str.contains(rule.component, regex=False)
                ]
                usd = float(lines["monthly_usd"].sum())
                if usd > 0:
                    out.append(BilledDefault(env_name, field, _display(value), rule.service, usd))
    return out


def zero_usage(scenario: Scenario) -> dict[str, list[str]]:
    """Per environment: usage fields the scenario did not write, so billed as zero."""
    out: dict[str, list[str]] = {}
    for env_name, env in scenario.environments.items():
        fields = []
        for path in USAGE_FIELDS:
            section: Any = env
            for part in path.split("."):
                section = getattr(section, part, None)
            if section is None:
                fields.append(f"{path} (section absent)")
                continue
            fields += [
                f"{path}.{name}"
                for name in type(section).model_fields
                if name not in section.model_fields_set and getattr(section, name) == 0
            ]
        if fields:
            out[env_name] = fields
    return out


def assumption_driven_causes(scenario: Scenario) -> dict[str, list[str]]:
    """Cause → the assumed default figures (no AWS source) it rests on, in this scenario."""
    applied, _ = applicable_defaults(scenario)
    assumed = [
        f"{item.default.key} = {format_default_value(item.default.value)}"
        for item in applied
        if item.default.assumption
    ]
    out = {}
    for cause, prefixes in _CAUSE_DEFAULTS.items():
        keys = [text for text in assumed if text.startswith(prefixes)]
        if keys:
            out[cause] = keys
    return out


def disclosure_lines(scenario: Scenario, bill: pd.DataFrame | None = None) -> list[str]:
    """The disclosures as plain lines for the command line (empty when there is nothing)."""
    if bill is None:
        from innovate_sim.cost import estimate_cost

        bill = estimate_cost(scenario).to_frame()
    lines = []
    billed = billed_defaults(scenario, bill)
    if billed:
        lines.append("Bill lines from defaults the scenario does not set (month-1 USD):")
        lines += [
            f"  {item.environment}: {item.field} = {item.value} → {item.service} "
            f"${item.monthly_usd:,.2f}/month"
            for item in billed
        ]
    for env_name, fields in zero_usage(scenario).items():
        lines.append(
            f"Usage left at zero in {env_name} (nothing billed for it): {', '.join(fields)}"
        )
    return lines
