"""The static monthly bill of a scenario: steady-state quantities × catalog prices.

``estimate_cost(scenario, month=m)`` builds every priced resource of the
organisation for the 730-hour month ``m`` and collects their cost
components. No simulation and no randomness: the cluster is sized by
:func:`innovate_sim.workload.sizing.plan_cluster` at the month's **mean** demand
and runs all 730 hours; traffic volumes integrate the demand curve over the
month ``[(m−1)·730 h, m·730 h)``.

Where traffic goes (DESIGN §3.4, reference PRICES.md):

* **NAT Gateway** processes internet egress (per request and per month),
  plus what falls back to NAT for want of an endpoint: S3 / DynamoDB
  traffic without their gateway endpoint, AWS API traffic without interface
  endpoints, and image layers without the S3 gateway endpoint. The
  static estimate counts **one image pull per planned node per month**: a
  steady cluster replaces each node about monthly (Karpenter expiry,
  patching); the simulation counts the nodes it actually launches.
* With ``nat_gateways: per_az`` the NAT traffic splits evenly over the AZs;
  with ``single`` the one gateway (in AZ a) processes all of it and the
  share from the other AZs, ``(n−1)/n``, also pays inter-AZ transfer in
  each direction; with ``none`` nothing goes through NAT (the scenario
  refuses workloads that need egress) and NAT-bound traffic is dropped.
* **Interface endpoints** bill an ENI per AZ per hour; the ``logs``
  endpoint carries the logs the environment ingests, the other AWS API
  traffic is split evenly over the other non-ECR interface endpoints. Image
  layers come from S3 (:meth:`Topology.image_layer_route`): through the free
  S3 gateway endpoint when the VPC has one, else through NAT (the ECR
  endpoints carry only manifests, not quantified).
* **Data transfer out to the internet** is the responses
  (``response_kb × requests``) plus the internet egress the NAT Gateways
  send (AWS bills NAT traffic to the internet as data transfer out too),
  tiered over the organisation with the free 100 GB deducted once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from innovate_sim.cost.components import ORGANISATION, CostComponent, CostEstimate
from innovate_sim.cost.resources import (
    ApplicationLoadBalancer,
    CloudWatchLogs,
    EcrRegistry,
    EksCluster,
    FreeService,
    InterAzTransfer,
    InterfaceEndpoint,
    InterRegionTransfer,
    NatGateway,
    PublicIpv4,
    RdsInstance,
    RdsReplica,
    RdsSnapshotExport,
    Resource,
    S3Bucket,
    WebAcl,
    internet_egress,
    node_groups,
)
from innovate_sim.cost.resources.backup import BackupVault
from innovate_sim.cost.resources.base import gb_from_kb
from innovate_sim.cost.resources.operations import (
    CloudWatchMonitoring,
    ImageScanning,
    KmsKeys,
    Route53Zone,
)
from innovate_sim.errors import ScenarioError
from innovate_sim.pricing import PriceCatalog, scenario_catalog
from innovate_sim.scenario.environment import Environment
from innovate_sim.scenario.model import Scenario
from innovate_sim.units import month_window_h
from innovate_sim.workload.sizing import ClusterPlan, plan_cluster
from innovate_sim.workload.topology import LOGS_ENDPOINT, NatPlacement, Topology

__all__ = [
    "EnvironmentUsage",
    "NetworkVolumes",
    "build_resources",
    "environment_usage",
    "estimate_cost",
    "network_volumes",
    "scenario_catalog",
]


@dataclass(frozen=True)
class NetworkVolumes:
    """Where an environment's traffic goes in a month (GB).

    Attributes:
        nat_gb: processed by the NAT Gateways, all together.
        nat_internet_gb: the part of ``nat_gb`` that leaves for the internet.
        nat_cross_az_gb: NAT traffic that crosses an AZ to reach a single NAT.
        endpoint_gb: processed by each interface endpoint, by service.
        internet_out_gb: data transfer out to the internet (responses + NAT egress).
        inter_az_gb: service-to-service traffic between AZs.
    """

    nat_gb: float = 0.0
    nat_internet_gb: float = 0.0
    nat_cross_az_gb: float = 0.0
    endpoint_gb: dict[str, float] = field(default_factory=dict)
    internet_out_gb: float = 0.0
    inter_az_gb: float = 0.0


def network_volumes(
    env: Environment, topology: Topology, requests: float, node_launches: float
) -> NetworkVolumes:
    """Route an environment's monthly traffic to NAT, endpoints and the internet.

    The ``logs`` interface endpoint carries the environment's ingested logs
    (``observability.log_ingestion_gb_per_month``); the other AWS API traffic
    (``aws_api_gb_per_month``) is split over the other non-ECR interface
    endpoints, or goes through NAT without one. Image layers follow
    :meth:`~innovate_sim.workload.topology.Topology.image_layer_route`.

    Args:
        env: the environment.
        topology: its NAT placement and endpoints.
        requests: requests arriving in the month.
        node_launches: nodes launched in the month (one image pull each).
    """
    traffic = env.network.traffic
    api_endpoints = tuple(s for s in topology.api_endpoints if s != LOGS_ENDPOINT)
    endpoint_gb = {service: 0.0 for service in topology.interface_endpoints}
    internet = gb_from_kb(traffic.internet_egress_kb_per_request * requests)
    internet += traffic.internet_egress_gb_per_month
    nat = internet
    if "s3" not in topology.gateway_endpoints:
        nat += traffic.s3_gb_per_month
    if "dynamodb" not in topology.gateway_endpoints:
        nat += traffic.dynamodb_gb_per_month
    if LOGS_ENDPOINT in endpoint_gb and env.observability is not None:
        endpoint_gb[LOGS_ENDPOINT] += env.observability.log_ingestion_gb_per_month
    if api_endpoints:
        for service in api_endpoints:
            endpoint_gb[service] += traffic.aws_api_gb_per_month / len(api_endpoints)
    else:
        nat += traffic.aws_api_gb_per_month
    if not topology.image_layers_via_s3_gateway:
        nat += traffic.image_pull_gb_per_node * node_launches
    if not topology.has_nat:
        nat = internet = 0.0
    return NetworkVolumes(
        nat_gb=nat,
        nat_internet_gb=internet,
        nat_cross_az_gb=topology.nat_cross_az_gb(nat),
        endpoint_gb=endpoint_gb,
        internet_out_gb=gb_from_kb(traffic.response_kb_per_request * requests) + internet,
        inter_az_gb=gb_from_kb(traffic.inter_az_kb_per_request * requests),
    )


@dataclass(frozen=True)
class EnvironmentUsage:
    """An environment's steady state in one month.

    Attributes:
        requests: requests arriving in the month.
        mean_rps: mean demand over the month (requests per second).
        plan: the cluster sized at ``mean_rps``.
        network: the month's traffic volumes.
        storage_gb: mean allocated database storage over the month (GB), 0 without one.
    """

    requests: float
    mean_rps: float
    plan: ClusterPlan
    network: NetworkVolumes
    storage_gb: float


def environment_usage(
    scenario: Scenario, name: str, catalog: PriceCatalog, month: int = 1
) -> EnvironmentUsage:
    """Demand, cluster, traffic and storage of environment ``name`` in month ``month``."""
    from innovate_sim.workload.demand import DemandCurve  # numpy; only needed with demand

    env = scenario.environments[name]
    start_h, end_h = month_window_h(month)
    requests = mean_rps = 0.0
    if env.demand is not None:
        # The curve must cover the month even past the horizon: beyond its last
        # knot a curve holds its final value and growth would stop.
        curve = DemandCurve.from_scenario(
            env.demand, max(scenario.horizon, end_h), scenario.simulation.demand_resolution
        )
        requests = curve.requests(start_h, end_h)
        mean_rps = curve.mean_rps(start_h, end_h)
    plan = plan_cluster(env, catalog, mean_rps)
    storage_gb = 0.0
    if env.database is not None:
        storage = env.database.storage
        # linear growth from the start: the month's mean is at its midpoint
        storage_gb = storage.allocated_gb + storage.growth_gb_per_month * (month - 0.5)
    return EnvironmentUsage(
        requests=requests,
        mean_rps=mean_rps,
        plan=plan,
        network=network_volumes(env, Topology.of(name, env), requests, len(plan.nodes)),
        storage_gb=storage_gb,
    )


def _environment_resources(
    scenario: Scenario, name: str, usage: EnvironmentUsage
) -> list[Resource]:
    env = scenario.environments[name]
    account = env.account
    role = next(a.role for a in scenario.accounts if a.name == account)
    out: list[Resource] = []
    if env.cluster is not None:
        cluster = env.cluster
        out.append(EksCluster(account, name, cluster.kubernetes_version, cluster.support))
        volumes = {pool: spec.root_volume for pool, spec in cluster.node_pools.items()}
        out.extend(node_groups(account, name, usage.plan.nodes, volumes))
        if cluster.karpenter.enabled and any(
            p.provisioner == "karpenter" for p in cluster.node_pools.values()
        ):
            out.append(FreeService(account, name, "karpenter"))
        if role == "shared-services":
            out.append(FreeService(account, name, "argocd"))
    net = usage.network
    topology = Topology.of(name, env)
    zones = topology.zones
    gateways = topology.nat_zones
    if gateways:
        out.extend(NatGateway(account, name, zone, net.nat_gb / len(gateways)) for zone in gateways)
        out.append(PublicIpv4(account, name, "nat-gateway", len(gateways)))
    if topology.nat is NatPlacement.SINGLE:
        out.append(InterAzTransfer(account, name, "to-single-nat-gateway", net.nat_cross_az_gb))
    for service in topology.interface_endpoints:
        out.append(InterfaceEndpoint(account, name, service, zones, net.endpoint_gb[service]))
    for gateway in topology.gateway_endpoints:
        out.append(FreeService(account, name, "gateway-endpoint", f"vpc-endpoint/{gateway}"))
    if env.ingress is not None:
        ingress = env.ingress
        out.append(
            ApplicationLoadBalancer(account, name, ingress, env.network.traffic, usage.requests)
        )
        addresses = ingress.public_ipv4_addresses
        out.append(PublicIpv4(account, name, "alb", zones if addresses is None else addresses))
        if ingress.waf is not None:
            out.append(WebAcl(account, name, ingress.waf, usage.requests))
        out.append(FreeService(account, name, "shield-standard"))
    if net.inter_az_gb > 0:
        out.append(InterAzTransfer(account, name, "service-to-service", net.inter_az_gb))
    if env.database is not None:
        db = env.database
        out.append(RdsInstance(account, name, db, usage.storage_gb))
        export = db.backups.export_to_s3
        if export is not None:
            exported = usage.storage_gb if export.exported_gb is None else export.exported_gb
            out.append(
                RdsSnapshotExport(
                    account, name, export.exports_per_month, exported, export.s3_retained_gb
                )
            )
        replica = db.cross_region_replica
        if replica is not None:
            out.append(
                RdsReplica(
                    account,
                    name,
                    replica.region,
                    replica.instance_class or db.instance_class,
                    db.storage.type,
                    usage.storage_gb,
                )
            )
            out.append(
                InterRegionTransfer(
                    account, name, "rds-replica", replica.region, replica.replication_gb_per_month
                )
            )
    if env.registry is not None:
        out.append(EcrRegistry(account, name, env.registry.storage_gb))
    out.extend(_operations_resources(account, name, env, usage))
    if env.observability is not None:
        logs = env.observability
        out.append(
            CloudWatchLogs(account, name, logs.log_ingestion_gb_per_month, logs.log_storage_gb)
        )
    if env.object_storage is not None:
        s3 = env.object_storage
        out.append(
            S3Bucket(
                account, name, s3.standard_gb, s3.put_requests_per_month, s3.get_requests_per_month
            )
        )
    return out


def _operations_resources(
    account: str, name: str, env: Environment, usage: EnvironmentUsage
) -> list[Resource]:
    """AWS Backup, image scanning, KMS, CloudWatch metrics and alarms, Route 53."""
    out: list[Resource] = []
    backup = env.database.backups.aws_backup if env.database is not None else None
    if backup is not None:
        vault_gb = usage.storage_gb if backup.vault_gb is None else backup.vault_gb
        region = backup.copy_region if backup.cross_region_copy else None
        out.append(BackupVault(account, name, vault_gb, region))
    if env.registry is not None:
        registry = env.registry
        out.append(
            ImageScanning(account, name, registry.scanning, registry.images_scanned_per_month)
        )
    if env.encryption is not None:
        keys = env.encryption
        out.append(KmsKeys(account, name, keys.customer_managed_keys, keys.requests_per_month))
    if env.monitoring is not None:
        watch = env.monitoring
        out.append(CloudWatchMonitoring(account, name, watch.custom_metrics, watch.alarms))
    if env.dns is not None:
        out.append(Route53Zone(account, name, env.dns.hosted_zones, env.dns.queries_per_month))
    return out


def build_resources(
    scenario: Scenario,
    catalog: PriceCatalog,
    month: int = 1,
    usage: Mapping[str, EnvironmentUsage] | None = None,
) -> list[Resource]:
    """Every priced resource of the organisation in month ``month``.

    Order: the management account's organisation-wide free services, then
    each environment in scenario order (cluster, nodes, network, ingress,
    database, registry, backup vault, image scanning, KMS, CloudWatch
    metrics and alarms, Route 53, logs, storage, data transfer out).

    Args:
        scenario: the validated scenario.
        catalog: prices in effect (see :func:`scenario_catalog`).
        month: the 730-hour month, from 1.
        usage: precomputed :func:`environment_usage` by environment (computed if omitted).
    """
    month_window_h(month)  # validates the month
    usage = dict(usage or {})
    for name in scenario.environments:
        if name not in usage:
            usage[name] = environment_usage(scenario, name, catalog, month)
    resources: list[Resource] = []
    for account in scenario.accounts:
        if account.role == "management":
            resources.append(FreeService(account.name, ORGANISATION, "organizations"))
            resources.append(FreeService(account.name, ORGANISATION, "iam-identity-center"))
    carries_egress = [
        name
        for name, env in scenario.environments.items()
        if env.ingress is not None or env.network.nat_placement is not NatPlacement.NONE
    ]
    egress = dict(
        zip(
            carries_egress,
            internet_egress(
                [
                    (scenario.environments[n].account, n, usage[n].network.internet_out_gb)
                    for n in carries_egress
                ],
                free_tier=scenario.pricing.free_tier_data_transfer_out,
            ),
            strict=True,
        )
    )
    for name in scenario.environments:
        resources.extend(_environment_resources(scenario, name, usage[name]))
        if name in egress:
            resources.append(egress[name])
    return resources


def estimate_cost(scenario: Scenario, *, month: int = 1) -> CostEstimate:
    """The static monthly bill of a scenario (no simulation, no randomness).

    Quantities are steady state for the 730-hour month ``month``: the cluster
    sized at the month's mean demand runs all month; traffic integrates the
    demand curve over the month. Prices come only from the scenario's
    catalog (overrides and discounts applied).

    Args:
        scenario: the validated scenario.
        month: the month to estimate, from 1 (growth and storage change with it).

    Returns:
        The bill: components, totals and DataFrame views.

    Raises:
        PriceNotFound: the catalog lacks a price a resource needs (never priced as zero).
        ScenarioError: ``month`` is not a positive integer.
    """
    if isinstance(month, bool) or not isinstance(month, int) or month < 1:
        raise ScenarioError(f"month must be an integer from 1, got {month!r}")
    catalog = scenario_catalog(scenario)
    components: list[CostComponent] = []
    for resource in build_resources(scenario, catalog, month):
        components.extend(resource.components(catalog))
    for line in components:
        if not math.isfinite(line.quantity) or line.quantity < 0:
            raise ValueError(f"{line.resource}: {line.component} has quantity {line.quantity}")
    return CostEstimate(
        components=tuple(components),
        catalog_version=catalog.version,
        scenario_name=scenario.name,
        month=month,
    )
