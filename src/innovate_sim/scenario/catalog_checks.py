"""Scenario rules that need the price catalog: region, RDS classes, instance types, overrides.

They run after parsing (:func:`innovate_sim.scenario.load_scenario` calls
:func:`check_against_catalog` on the parsed scenario), not inside a pydantic
validator, so the scenario model itself never reaches into the catalog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from innovate_sim.errors import PriceNotFound, RegionNotSupported
from innovate_sim.pricing import PriceCatalog, available_regions, load_catalog
from innovate_sim.pricing.price import CatalogInputError
from innovate_sim.scenario.base import located, suggest

if TYPE_CHECKING:
    from innovate_sim.scenario.environment import Environment
    from innovate_sim.scenario.model import Scenario

__all__ = ["check_against_catalog", "pool_instance_types"]


def check_against_catalog(scenario: Scenario) -> None:
    """Raise a located error for anything the catalog of the scenario's region cannot price."""
    folder = scenario.pricing.catalog
    try:
        catalog = load_catalog(scenario.region, directory=folder)
    except RegionNotSupported as exc:
        if folder is not None:
            raise located(("pricing", "catalog"), str(exc)) from None
        raise located(
            ("region",),
            f"no price catalog for region {scenario.region!r}; "
            f"{suggest(scenario.region, available_regions())}"
            f"available: {', '.join(available_regions())}; for another region import AWS's "
            "price list files with `innovate-sim prices import` and set pricing.catalog",
        ) from None
    for key, usd in scenario.pricing.overrides.items():
        try:
            load_catalog(scenario.region, overrides={key: usd}, directory=folder)
        except CatalogInputError as exc:
            raise located(
                ("pricing", "overrides", key),
                f"{exc}; keys read 'SERVICE/SKU' as `innovate-sim prices` lists them",
            ) from None
    for env_name, env in scenario.environments.items():
        _check_environment(catalog, ("environments", env_name), env)


def _check_environment(catalog: PriceCatalog, where: tuple[str, ...], env: Environment) -> None:
    if env.database is not None:
        classes = catalog.rds_instance_classes()
        if env.database.instance_class not in classes:
            raise located(
                (*where, "database", "instance_class"),
                f"{env.database.instance_class!r} is not a priced RDS for PostgreSQL class; "
                f"{suggest(env.database.instance_class, classes)}valid: {', '.join(classes)}",
            )
        replica = env.database.cross_region_replica
        if replica is not None and replica.instance_class not in (None, *classes):
            raise located(
                (*where, "database", "cross_region_replica", "instance_class"),
                f"{replica.instance_class!r} is not a priced RDS class; "
                f"{suggest(replica.instance_class or '', classes)}valid: {', '.join(classes)}",
            )
    if env.cluster is None:
        return
    try:
        catalog.eks_support(env.cluster.kubernetes_version, catalog.as_of)
    except PriceNotFound as exc:
        raise located((*where, "cluster", "kubernetes_version"), str(exc)) from None
    for pool_name, pool in env.cluster.node_pools.items():
        pool_where = (*where, "cluster", "node_pools", pool_name)
        names = [t.name for t in catalog.instance_types()]
        for type_name in pool.instance_types or []:
            if type_name not in names:
                raise located(
                    (*pool_where, "instance_types"),
                    f"unknown instance type {type_name!r}; {suggest(type_name, names)}"
                    "see `innovate-sim prices` for the catalog",
                )
        families = sorted({t.family for t in catalog.instance_types()})
        for family in pool.families or []:
            if family not in families:
                raise located(
                    (*pool_where, "families"),
                    f"unknown instance family {family!r}; {suggest(family, families)}"
                    f"valid: {', '.join(families)}",
                )
        if not pool_instance_types(catalog, env, pool_name):
            raise located(
                pool_where,
                f"no instance type in the catalog matches arch {pool.arch} and "
                f"families/instance_types of pool {pool_name!r}",
            )
    overhead = env.cluster.daemonset_overhead
    for workload_name, workload in env.workloads.items():
        fits = any(
            t.allocatable_cpu - overhead.cpu >= workload.requests.cpu
            and t.allocatable_memory_gib - overhead.memory >= workload.requests.memory
            for pool_name in env.pools_for(workload_name)
            for t in pool_instance_types(catalog, env, pool_name)
        )
        if not fits:
            raise located(
                (*where, "workloads", workload_name, "requests"),
                "no instance type of the workload's node pools has room for one pod "
                f"({workload.requests.cpu:g} CPU, {workload.requests.memory:g} GiB plus "
                "DaemonSet overhead)",
            )


def pool_instance_types(catalog: PriceCatalog, env: Environment, pool_name: str) -> list:
    """Instance types of the catalog a node pool may launch, cheapest on-demand first."""
    assert env.cluster is not None
    pool = env.cluster.node_pools[pool_name]
    chosen = [
        t
        for t in catalog.instance_types()
        if t.arch in pool.arch
        and (pool.instance_types is None or t.name in pool.instance_types)
        and (pool.instance_types is not None or pool.families is None or t.family in pool.families)
    ]
    return sorted(chosen, key=lambda t: (t.on_demand_usd_per_hour, t.name))
