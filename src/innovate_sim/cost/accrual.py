"""Cost accrued by a simulation: what actually ran, by 730-hour month.

Node instance-hours and their root volumes come from the simulated node
lifetimes (as Karpenter launched and removed them, Spot at its catalog price);
image pulls from the simulated launches. Everything else — the control plane,
NAT and endpoint hours, the ALB and WAF (driven by the deterministic demand
curve), RDS instance and storage growth, logs, storage, transfer — is the
static estimate's month-by-month quantity, computed once per scenario.
With flat demand and no failures the accrued bill therefore equals
:func:`~innovate_sim.cost.estimate_cost` (a test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from innovate_sim.cost.estimate import (
    EnvironmentUsage,
    build_resources,
    environment_usage,
    network_volumes,
    scenario_catalog,
)
from innovate_sim.cost.resources.ec2_nodes import node_lines
from innovate_sim.cost.resources.nat import DATA_PROCESSED_SKU as NAT_DATA_SKU
from innovate_sim.pricing import PriceCatalog
from innovate_sim.scenario import Scenario
from innovate_sim.units import HOURS_PER_MONTH, month_share, months_spanned
from innovate_sim.workload.sizing import ClusterPlan
from innovate_sim.workload.topology import Topology, topologies

__all__ = ["CostRow", "NodeUsage", "accrued_rows", "static_rows"]

#: (month, account, environment, service, resource, component, quantity, unit, usd)
CostRow = tuple[int, str, str, str, str, str, float, str, float]


@dataclass(frozen=True)
class NodeUsage:
    """Hours one kind of node ran in one month of a replication."""

    month: int
    environment: str
    pool: str
    zone: int
    instance_type: str
    capacity_type: str
    price_usd_per_hour: float
    hours: float


def months_of(scenario: Scenario) -> int:
    """Number of 730-hour months the horizon touches."""
    return months_spanned(scenario.horizon)


def horizon_months(scenario: Scenario) -> float:
    """The horizon in 730-hour months (the divisor of a cost per month)."""
    return scenario.horizon / HOURS_PER_MONTH


@lru_cache(maxsize=8)
def _static_rows_cached(payload: str) -> tuple[CostRow, ...]:
    scenario = Scenario.model_validate_json(payload)
    catalog = scenario_catalog(scenario)
    rows: list[CostRow] = []
    for month in range(1, months_of(scenario) + 1):
        usage: dict[str, EnvironmentUsage] = {}
        for name, env in scenario.environments.items():
            base = environment_usage(scenario, name, catalog, month)
            usage[name] = EnvironmentUsage(
                requests=base.requests,
                mean_rps=base.mean_rps,
                plan=ClusterPlan((), base.plan.replicas, {}),
                network=network_volumes(env, Topology.of(name, env), base.requests, 0),
                storage_gb=base.storage_gb,
            )
        # a horizon that ends inside this month accrues that share of it
        share = month_share(scenario.horizon, month)
        for resource in build_resources(scenario, catalog, month, usage):
            for line in resource.components(catalog):
                rows.append(
                    (
                        month,
                        line.account,
                        line.environment,
                        line.service,
                        line.resource,
                        line.component,
                        line.quantity * share,
                        line.unit,
                        line.monthly_usd * share,
                    )
                )
    return tuple(rows)


def static_rows(scenario: Scenario) -> tuple[CostRow, ...]:
    """Every month's cost lines that do not depend on the simulated nodes."""
    return _static_rows_cached(scenario.model_dump_json())


def accrued_rows(
    scenario: Scenario,
    nodes: Iterable[NodeUsage],
    launches: Mapping[tuple[str, int, int], int],
    catalog: PriceCatalog | None = None,
) -> list[CostRow]:
    """Cost lines of the simulated nodes and image pulls of one replication.

    Args:
        scenario: the scenario.
        nodes: node-hours by month and kind.
        launches: nodes launched by (environment, month, AZ index).
        catalog: prices in effect (default: the scenario's).
    """
    catalog = catalog or scenario_catalog(scenario)
    rows: list[CostRow] = []
    for use in nodes:
        env = scenario.environments[use.environment]
        assert env.cluster is not None
        volume = env.cluster.node_pools[use.pool].root_volume
        instance, disk = node_lines(
            use.environment,
            use.pool,
            use.zone,
            use.instance_type,
            use.capacity_type,
            volume,
            use.hours,
        )
        ebs = catalog.price("EBS", f"{volume.type} storage")
        for line, usd in ((instance, use.price_usd_per_hour), (disk, ebs.usd)):
            rows.append(
                (
                    use.month,
                    env.account,
                    use.environment,
                    line.service,
                    line.resource,
                    line.component,
                    line.quantity,
                    line.unit,
                    line.quantity * usd,
                )
            )
    topology = topologies(scenario)
    pulls: dict[tuple[str, int, str], int] = {}
    for (name, month, zone), count in sorted(launches.items()):
        route = topology[name].image_layer_route(zone)
        if route is not None:
            pulls[(name, month, route)] = pulls.get((name, month, route), 0) + count
    for (name, month, resource), count in pulls.items():
        env = scenario.environments[name]
        gb = env.network.traffic.image_pull_gb_per_node * count
        if gb <= 0:
            continue
        sku = NAT_DATA_SKU  # billed layers go through NAT (the S3 gateway endpoint is free)
        rows.append(
            (
                month,
                env.account,
                name,
                "VPC",
                resource,
                f"Image pulls for {count} node launches (GB)",
                gb,
                "GB",
                gb * catalog.price("VPC", sku).usd,
            )
        )
    return rows
