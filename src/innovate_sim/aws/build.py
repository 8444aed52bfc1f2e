"""Build one replication's simulated architecture from a scenario: wiring only.

This is the only module that reads both a :class:`~innovate_sim.scenario.Scenario`
and the simulated components (STYLE: Ciw's ``create_network`` → ``Simulation``).
It creates the components, connects their listeners and starts their failure
processes; what they do lives in their classes. Every random draw comes from a
stream named after its process (``az-outage/us-east-1/az-b``,
``rds-instance/prod/0``…), so two variants of a scenario run with the same
seed see the same failure history. Recorders are attached from outside
(:func:`innovate_sim.metrics.observe`, :func:`innovate_sim.cost.observe_costs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from innovate_sim.aws.alb import LoadBalancerNodes
from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import PoolState, WorkloadState
from innovate_sim.aws.environment import EnvironmentModel
from innovate_sim.aws.hpa import Hpa
from innovate_sim.aws.infrastructure import (
    AlbDetection,
    ControlPlane,
    Egress,
    NatGateway,
    Region,
    Zone,
)
from innovate_sim.aws.karpenter import Karpenter, status_check_detection
from innovate_sim.aws.lifecycle import NodeLifecycle
from innovate_sim.aws.nat_failover import NatFailover
from innovate_sim.aws.rds import Database, Maintenance
from innovate_sim.engine import Simulation
from innovate_sim.failures import (
    Breakable,
    Clock,
    alternating_outages,
    poisson_events,
    schedule_chaos,
)
from innovate_sim.pricing import PriceCatalog, scenario_catalog
from innovate_sim.rng import RandomStreams
from innovate_sim.scenario import Distribution, Scenario
from innovate_sim.scenario.catalog_checks import pool_instance_types
from innovate_sim.scenario.cluster import NodePool
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.distributions import Lognormal
from innovate_sim.scenario.environment import Environment
from innovate_sim.workload.demand import DemandCurve
from innovate_sim.workload.sizing import plan_cluster
from innovate_sim.workload.topology import Topology, topologies

__all__ = ["Model", "build_model"]


@dataclass(eq=False)
class Model:
    """A replication ready to run."""

    sim: Simulation
    scenario: Scenario
    region: Region
    environments: dict[str, EnvironmentModel] = field(default_factory=dict)
    #: the failure processes whose arrivals depend only on their stream (AZ, region, NAT
    #: Gateway, EKS control plane and RDS instance failures)
    clocks: list[Clock] = field(default_factory=list)

    def run(self) -> None:
        """Run to the horizon; the environments tell their subscribers the start and the end."""
        for env in self.environments.values():
            env.flush()
        self.sim.run()
        for env in self.environments.values():
            env.finish()


@dataclass(frozen=True)
class _Wiring:
    """What every part of one replication's wiring needs."""

    sim: Simulation
    scenario: Scenario
    streams: RandomStreams
    catalog: PriceCatalog
    event_log: bool
    clocks: list[Clock] = field(default_factory=list)

    def sampler(self, dist: Distribution, name: str) -> Callable[[], float]:
        """Draws of ``dist`` from the stream named ``name``."""
        return dist.sampler(self.streams.stream(name))

    def outages(
        self,
        kind: str,
        stream: str,
        rate_per_h: float,
        duration: Distribution,
        duration_stream: str,
        target: Breakable,
    ) -> None:
        """Start a process of outages of ``target``: up for Exp(rate), down for ``duration``.

        ``kind`` is the scenario's ``failures`` field the process follows.
        """
        self.clocks.append(Clock(kind, stream, rate_per_h))
        alternating_outages(
            self.sim,
            self.streams.stream(stream),
            rate_per_h,
            self.sampler(duration, duration_stream),
            target.fail,
            target.repair,
        )


def build_model(
    scenario: Scenario,
    seed: int,
    replication: int,
    *,
    event_log: bool = False,
) -> Model:
    """Assemble the simulated architecture of one replication.

    Args:
        scenario: the validated scenario.
        seed: the experiment's seed.
        replication: the replication number.
        event_log: keep state-machine event logs (tests).
    """
    sim = Simulation(scenario.horizon)
    wiring = _Wiring(
        sim, scenario, RandomStreams(seed, replication), scenario_catalog(scenario), event_log
    )
    shapes = topologies(scenario)
    region = Region()
    region.zones = [
        Zone(i, region) for i in range(max((t.zones for t in shapes.values()), default=1))
    ]
    model = Model(sim, scenario, region, clocks=wiring.clocks)
    failures = scenario.failures
    for zone in region.zones:
        wiring.outages(
            "az_outage",
            f"az-outage/{scenario.region}/{zone.name}",
            failures.az_outage.rate,
            failures.az_outage.duration,
            f"az-outage-duration/{scenario.region}/{zone.name}",
            zone,
        )
    if failures.region_outage.enabled:
        wiring.outages(
            "region_outage",
            f"region-outage/{scenario.region}",
            failures.region_outage.rate,
            failures.region_outage.duration,
            f"region-outage-duration/{scenario.region}",
            region,
        )
    for name, env in scenario.environments.items():
        model.environments[name] = _build_environment(wiring, name, env, shapes[name], region)
    schedule_chaos(sim, scenario.chaos, model.environments, region)
    return model


def _build_environment(
    wiring: _Wiring, name: str, env: Environment, topology: Topology, region: Region
) -> EnvironmentModel:
    sim, scenario = wiring.sim, wiring.scenario
    failures = scenario.failures
    zones = region.zones[: topology.zones]
    nats = [NatGateway(zones[zone]) for zone in topology.nat_zones]
    for nat in nats:
        wiring.outages(
            "nat_gateway",
            f"nat-failure/{name}/{nat.zone.name}",
            failures.nat_gateway.rate,
            failures.nat_gateway.duration,
            f"nat-duration/{name}/{nat.zone.name}",
            nat,
        )
    control_plane = ControlPlane()
    model = EnvironmentModel(
        name,
        env.account,
        sim,
        topology,
        zones,
        nats,
        Egress(topology, zones, nats),
        control_plane,
    )
    for zone in zones:
        zone.listeners.append(model.invalidate)
    for nat in nats:
        nat.listeners.append(model.invalidate)
    if env.network.nat_failover.enabled:
        model.nat_failover = NatFailover(sim, model.egress, env.network.nat_failover.after)
        model.nat_failover.on_change.append(model.invalidate)
        if wiring.event_log:
            model.nat_failover.events = []
    if env.ingress is not None:
        model.alb = LoadBalancerNodes(
            sim,
            zones,
            wiring.sampler(env.ingress.dns_removal, f"alb-dns-removal/{name}"),
            model.invalidate,
        )
        if wiring.event_log:
            model.alb.events = []
    if env.serves_requests:
        assert env.demand is not None
        model.curve = DemandCurve.from_scenario(
            env.demand, scenario.horizon, scenario.simulation.demand_resolution
        )
    if env.database is not None:
        model.database = _build_database(wiring, name, env, zones, model)
    if env.cluster is not None:
        wiring.outages(
            "eks_control_plane",
            f"eks-control-plane/{name}",
            failures.eks_control_plane.rate,
            failures.eks_control_plane.duration,
            f"eks-duration/{name}",
            control_plane,
        )
        _build_cluster(wiring, name, env, model)
    return model


def _build_database(
    wiring: _Wiring, name: str, env: Environment, zones: list[Zone], model: EnvironmentModel
) -> Database:
    scenario = wiring.scenario
    spec = env.database
    assert spec is not None
    failover_dist = (
        scenario.failures.rds_failover.multi_az_cluster
        if spec.deployment == "multi-az-cluster"
        else scenario.failures.rds_failover.multi_az
    )
    recovery = spec.recovery
    database = Database(
        sim=wiring.sim,
        deployment=spec.deployment,
        zones=zones,
        primary_zone=spec.primary_az,
        failover=wiring.sampler(failover_dist, f"rds-failover/{name}"),
        rebuild=wiring.sampler(recovery.standby_rebuild, f"rds-rebuild/{name}"),
        recovery=wiring.sampler(recovery.instance_recovery, f"rds-recovery/{name}"),
        restore=wiring.sampler(recovery.restore_time, f"rds-restore/{name}")
        if recovery.az_outage_policy == "restore-pitr"
        else None,
        restore_decision_h=recovery.restore_decision,
        log_upload_h=recovery.log_upload_interval,
        log_phase_h=wiring.streams.stream(f"rds-log-phase/{name}").random()
        * recovery.log_upload_interval,
        on_change=model.database_changed,
    )
    if wiring.event_log:
        database.events = []
    for instance in database.instances:
        clock = Clock(
            "rds_instance",
            f"rds-instance/{name}/{instance.index}",
            scenario.failures.rds_instance.rate,
        )
        wiring.clocks.append(clock)
        poisson_events(
            wiring.sim,
            wiring.streams.stream(clock.stream),
            clock.rate_per_h,
            partial(database.fail_instance, instance.index),
        )
    plan = spec.maintenance
    maintenance = Maintenance(
        database,
        plan.window_start_h,
        wiring.sampler(plan.single_az_patch_downtime, f"rds-patch/{name}"),
        wiring.sampler(plan.engine_upgrade_duration, f"rds-upgrade/{name}"),
        wiring.sampler(plan.cluster_upgrade_failover, f"rds-upgrade-failover/{name}"),
    )
    poisson_events(
        wiring.sim,
        wiring.streams.stream(f"rds-os-patch/{name}"),
        plan.os_patch_rate,
        maintenance.os_patch_due,
    )
    poisson_events(
        wiring.sim,
        wiring.streams.stream(f"rds-engine-upgrade/{name}"),
        plan.engine_upgrade_rate,
        maintenance.engine_upgrade_due,
    )
    return database


def _pool_latency(env: Environment, pool: NodePool) -> Distribution:
    assert env.cluster is not None
    if pool.launch_latency is not None:
        return pool.launch_latency
    if pool.provisioner == "managed":
        return Lognormal.model_validate(default("node_pools.managed.launch_latency"))
    return env.cluster.karpenter.launch_latency


def _build_cluster(wiring: _Wiring, name: str, env: Environment, model: EnvironmentModel) -> None:
    sim, scenario, streams = wiring.sim, wiring.scenario, wiring.streams
    spec = env.cluster
    assert spec is not None
    zones = model.zones
    health = env.ingress.health_check if env.ingress is not None else None
    cluster = Cluster(
        sim,
        zones,
        model.control_plane,
        spec.daemonset_overhead.cpu,
        spec.daemonset_overhead.memory,
        spec.not_ready_after_h,
        spec.pod_eviction_timeout,
        model.image_pull_ok,
        AlbDetection.of(health, streams.stream(f"alb-detection/{name}")),
        model.invalidate,
    )
    if wiring.event_log:
        cluster.events = []
    model.cluster = cluster
    for pool_name, pool in spec.node_pools.items():
        cluster.pools[pool_name] = PoolState(
            pool_name,
            pool,
            tuple(pool_instance_types(wiring.catalog, env, pool_name)),
            model.topology.zones_of_pool(pool_name),
            wiring.sampler(_pool_latency(env, pool), f"node-launch/{name}/{pool_name}"),
        )
    for workload_name, workload in env.workloads.items():
        capacity = 0.0
        if workload.rps_per_replica:
            target = workload.hpa.target_utilization if workload.hpa is not None else 1.0
            capacity = workload.rps_per_replica / target
        state = WorkloadState(
            workload_name,
            workload,
            tuple(env.pools_for(workload_name)),
            wiring.sampler(workload.startup, f"pod-startup/{name}/{workload_name}"),
            capacity,
            zone_counts=[0] * len(zones),
        )
        cluster.workloads[workload_name] = state
        if workload.serves_requests:
            model.serving.append(state)
    karpenter_pools = [p for p in cluster.pools.values() if not p.managed]
    karpenter = None
    if karpenter_pools and spec.karpenter.enabled:
        karpenter = Karpenter(
            sim,
            cluster,
            spec.karpenter,
            karpenter_pools,
            model.control_plane,
            streams.stream(f"karpenter/{name}"),
            scenario.failures.spot_interruption.notice,
        )
        karpenter.failed_zone_accepts_launches = (
            scenario.failures.az_outage.launches == "never-register"
        )
        karpenter.status_check_detection = partial(
            status_check_detection, spec.karpenter, streams.stream(f"instance-status/{name}")
        )
        if wiring.event_log:
            karpenter.events = []
        model.karpenter = karpenter
    spot_rate = scenario.failures.spot_interruption.rate
    lifecycle = NodeLifecycle(
        sim,
        cluster,
        karpenter,
        streams.stream(f"node-failure/{name}"),
        scenario.failures.node.rate,
        streams.stream(f"spot-interruption/{name}"),
        None if spot_rate == "advisor" else float(spot_rate),
    )
    cluster.on_node_running.append(lifecycle.arm)
    for nat in model.nats:
        nat.listeners.append(cluster.retry_image_pulls)
    if model.nat_failover is not None:
        model.nat_failover.on_change.append(cluster.retry_image_pulls)
    for zone in zones:
        zone.listeners.append(cluster.retry_image_pulls)
    demand = model.curve.rps(0.0) if model.curve is not None else 0.0
    cluster.start_from(plan_cluster(env, wiring.catalog, demand))
    for state in cluster.workloads.values():
        if state.spec.hpa is not None and model.curve is not None:
            hpa = _build_hpa(wiring, name, cluster, state, model)
            model.hpas.append(hpa)
            hpa.start()


def _build_hpa(
    wiring: _Wiring, name: str, cluster: Cluster, state: WorkloadState, model: EnvironmentModel
) -> Hpa:
    spec = state.spec.hpa
    assert spec is not None and model.curve is not None
    arm_only = all(t.arch == "arm64" for p in state.pools for t in cluster.pools[p].instance_types)
    rps = state.spec.rps_per_replica or 1.0
    hpa = Hpa(
        wiring.sim,
        cluster,
        state,
        model.curve,
        spec,
        model.control_plane,
        phase_h=wiring.streams.stream(f"hpa-phase/{name}/{state.name}").random() * spec.sync_period,
        rps_at_target=state.rps_at_target,
        default_rps=rps * (state.spec.arm64_performance_factor if arm_only else 1.0),
    )
    if wiring.event_log:
        hpa.events = []
    return hpa
