"""Which of the library's default figures a scenario relies on, and where.

Every default in ``defaults.yaml`` is keyed by the scenario path it fills
(``failures.az_outage.rate``, ``workloads.*.startup``, …). A default *applies*
where that path exists in the scenario and the scenario file did not set it
(pydantic's ``model_fields_set`` along the whole path), and where the part of
the architecture it describes is present (Spot figures need a Spot pool,
region-wide events need ``failures.region_outage.enabled``, …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import BaseModel

from innovate_sim.errors import InnovateSimError
from innovate_sim.scenario import Scenario
from innovate_sim.scenario.defaults import DEFAULTS, Default

__all__ = ["AppliedDefault", "applicable_defaults", "compact_places", "format_default_value"]


@dataclass(frozen=True)
class AppliedDefault:
    """A default figure and where the scenario uses or overrides it.

    Attributes:
        default: the figure, its value and its source.
        used_in: places that use the default (``"all environments"``, ``"prod"``,
            ``"prod/api"``).
        overridden_in: places where the scenario sets its own value instead.
    """

    default: Default
    used_in: list[str]
    overridden_in: list[str]


def _pools(scenario: Scenario) -> list[Any]:
    return [
        pool
        for env in scenario.environments.values()
        if env.cluster is not None
        for pool in env.cluster.node_pools.values()
    ]


def _databases(scenario: Scenario) -> list[Any]:
    return [env.database for env in scenario.environments.values() if env.database is not None]


#: Prefixes of default keys whose part of the architecture may be absent.
_RELEVANT: dict[str, Callable[[Scenario], bool]] = {
    "failures.region_outage.": lambda s: bool(s.failures.region_outage.enabled),
    "failures.nat_gateway.": lambda s: any(
        env.network.nat_gateways != "none" for env in s.environments.values()
    ),
    "failures.node.": lambda s: bool(_pools(s)),
    "failures.eks_control_plane.": lambda s: any(
        env.cluster is not None for env in s.environments.values()
    ),
    "failures.spot_interruption.": lambda s: any(p.uses_spot for p in _pools(s)),
    "failures.rds_instance.": lambda s: bool(_databases(s)),
    "failures.rds_failover.multi_az_cluster": lambda s: any(
        d.deployment == "multi-az-cluster" for d in _databases(s)
    ),
    "failures.rds_failover.multi_az": lambda s: any(
        d.deployment == "multi-az" for d in _databases(s)
    ),
    "cluster.karpenter.": lambda s: any(p.provisioner == "karpenter" for p in _pools(s)),
    "node_pools.managed.": lambda s: any(p.provisioner == "managed" for p in _pools(s)),
    "opencost.": lambda s: bool(_pools(s)),
}


def _bill_has(service: str, component: str) -> Callable[[pd.DataFrame], bool]:
    def test(bill: pd.DataFrame) -> bool:
        rows = bill[bill["service"] == service]
        return bool(rows["component"].str.contains(component, regex=False).any())

    return test


#: Billing rules (not scenario fields): used when the bill has a line they priced.
_BILLING: dict[str, Callable[[pd.DataFrame], bool]] = {
    "billing.alb_lcu": _bill_has("ELB", "Load balancer capacity units"),
    "billing.free_internet_out_gb_per_month": _bill_has("DataTransfer", "out to the internet"),
    "billing.internet_out_tier_gb": _bill_has("DataTransfer", "out to the internet"),
    "billing.rds_gp3_included_iops": _bill_has("RDS", "gp3"),
}


def _relevant(scenario: Scenario, key: str) -> bool:
    for prefix, test in _RELEVANT.items():
        if key.startswith(prefix):
            return test(scenario)
    return True


def _same_as_default(parent: BaseModel, field: str, value: Any) -> bool:
    """Whether ``parent.field`` equals the default ``value`` validated the same way.

    Some models fill missing fields from the defaults before validation (a
    failure process given only a rate gets the default duration), which marks
    them as set; comparing values keeps those counted as defaults.
    """
    try:
        fresh = type(parent).model_validate({**parent.model_dump(), field: value})
    except (ValueError, InnovateSimError):
        return False
    return bool(getattr(fresh, field) == getattr(parent, field))


def _walk(
    obj: Any, parts: list[str], label: list[str], explicit: bool, value: Any = None
) -> list[tuple[str, bool]]:
    """(place, explicitly set) for every concrete path matching ``parts`` below ``obj``."""
    if obj is None:
        return []
    part, rest = parts[0], parts[1:]
    place = "/".join(label) or "all environments"
    if isinstance(obj, dict):
        keys = list(obj) if part == "*" else [part] if part in obj else []
        found = []
        for key in keys:
            if rest:
                found += _walk(obj[key], rest, [*label, str(key)], explicit, value)
            else:
                found.append(("/".join([*label, str(key)]), explicit))
        return found
    if not isinstance(obj, BaseModel) or part not in type(obj).model_fields:
        return []
    is_set = explicit and part in obj.model_fields_set
    if not rest:
        return [(place, is_set and not _same_as_default(obj, part, value))]
    return _walk(getattr(obj, part), rest, label, is_set, value)


def _places(scenario: Scenario, key: str) -> list[tuple[str, bool]] | None:
    """Where ``key`` lands in the scenario; ``None`` when it is not a scenario field."""
    parts = key.split(".")
    value = DEFAULTS[key].value
    if parts[0] in ("failures", "simulation"):
        found = _walk(scenario, parts, [], True, value)
        return found or None
    if parts[0] in ("billing", "opencost"):
        return None  # a billing rule or a cost-allocation figure, not a scenario field
    if parts[0] == "node_pools" and parts[1] != "*":
        return None  # a figure of a pool kind (e.g. managed launch latency), not a field
    if parts[0] == "node_pools":
        parts = ["cluster", *parts]
    found = []
    for name, env in scenario.environments.items():
        found += _walk(env, parts, [name], True, value)
    return found


def applicable_defaults(
    scenario: Scenario, bill: pd.DataFrame | None = None
) -> tuple[list[AppliedDefault], list[Default]]:
    """The defaults the scenario uses (with where), and those it does not use.

    Args:
        scenario: the scenario.
        bill: its static bill (``CostEstimate.to_frame()``), to tell which
            billing rules priced a line; estimated when not given.

    Returns:
        ``(applied, unused)``: ``applied`` lists every default used somewhere
        (and where the scenario overrides it elsewhere); ``unused`` the
        defaults that are overridden everywhere or describe something the
        scenario does not have.
    """
    applied, unused = [], []
    for key, entry in DEFAULTS.items():
        if key in _BILLING:
            if bill is None:
                from innovate_sim.cost import estimate_cost

                bill = estimate_cost(scenario).to_frame()
            if not _BILLING[key](bill):
                unused.append(entry)
                continue
        if not _relevant(scenario, key):
            unused.append(entry)
            continue
        places = _places(scenario, key)
        if places is None:  # not a scenario field: used wherever relevant
            applied.append(AppliedDefault(entry, ["all environments"], []))
            continue
        used = [place for place, is_set in places if not is_set]
        overridden = [place for place, is_set in places if is_set]
        if used:
            applied.append(AppliedDefault(entry, used, overridden))
        else:
            unused.append(entry)
    return applied, unused


def format_default_value(value: Any) -> str:
    """A default's value as a scenario file would write it, on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {format_default_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(format_default_value(v) for v in value) + "]"
    return str(value)


def compact_places(places: list[str], limit: int = 6) -> str:
    """``prod/api, prod/web`` → ``prod: api, web``; long lists are cut with a count."""
    grouped: dict[str, list[str]] = {}
    for place in places:
        head, _, tail = place.partition("/")
        grouped.setdefault(head, [])
        if tail:
            grouped[head].append(tail)
    parts = []
    for head, tails in grouped.items():
        shown = ", ".join(tails[:limit]) + (f" +{len(tails) - limit}" if len(tails) > limit else "")
        parts.append(f"{head}: {shown}" if tails else head)
    return "; ".join(parts)
