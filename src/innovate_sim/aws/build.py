"""Build one replication's simulated architecture from a scenario.

This is the only module that reads both a :class:`~innovate_sim.scenario.Scenario`
and the simulated components (STYLE: Ciw's ``create_network`` → ``Simulation``).
Every random draw comes from a stream named after its process (``az-outage/
us-east-1/az-b``, ``rds-instance/prod/0``…), so two variants of a scenario run
with the same seed see the same failure history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from innovate_sim.aws.cluster import RUNNING, Cluster, Node, PoolState, WorkloadState
from innovate_sim.aws.demand import DemandCurve
from innovate_sim.aws.environment import EnvironmentModel
from innovate_sim.aws.hpa import Hpa
from innovate_sim.aws.infrastructure import ControlPlane, Egress, NatGateway, Region, Zone
from innovate_sim.aws.karpenter import Karpenter, schedule_node_lifecycle
from innovate_sim.aws.rds import Database
from innovate_sim.cost.estimate import scenario_catalog
from innovate_sim.cost.sizing import plan_cluster
from innovate_sim.engine import Simulation
from innovate_sim.failures import alternating_outages, poisson_events
from innovate_sim.metrics import AvailabilityRecorder
from innovate_sim.pricing import PriceCatalog
from innovate_sim.rng import RandomStreams
from innovate_sim.scenario import Distribution, Scenario
from innovate_sim.scenario.catalog_checks import pool_instance_types
from innovate_sim.scenario.cluster import NodePool
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.distributions import Lognormal
from innovate_sim.scenario.environment import Environment

__all__ = ["Model", "build_model"]


@dataclass(eq=False)
class Model:
    """A replication ready to run."""

    sim: Simulation
    scenario: Scenario
    region: Region
    environments: dict[str, EnvironmentModel] = field(default_factory=dict)

    def run(self) -> None:
        """Run to the horizon and close the recorders."""
        for env in self.environments.values():
            env.flush()
        self.sim.run()
        for env in self.environments.values():
            env.finish()


def build_model(
    scenario: Scenario,
    seed: int,
    replication: int,
    *,
    timeline: bool = False,
    event_log: bool = False,
) -> Model:
    """Assemble the simulated architecture of one replication.

    Args:
        scenario: the validated scenario.
        seed: the experiment's seed.
        replication: the replication number.
        timeline: keep the service state at every change (for ``timeline(r)``).
        event_log: keep state-machine event logs (tests).
    """
    sim = Simulation(scenario.horizon)
    streams = RandomStreams(seed, replication)
    catalog = scenario_catalog(scenario)
    region = Region()
    zone_count = max((e.availability_zones for e in scenario.environments.values()), default=1)
    region.zones = [Zone(i, region) for i in range(zone_count)]
    model = Model(sim, scenario, region)
    failures = scenario.failures
    for zone in region.zones:
        alternating_outages(
            sim,
            streams.stream(f"az-outage/{scenario.region}/{zone.name}"),
            failures.az_outage.rate,
            failures.az_outage.duration.sampler(
                streams.stream(f"az-outage-duration/{scenario.region}/{zone.name}")
            ),
            zone.fail,
            zone.repair,
        )
    if failures.region_outage.enabled:
        alternating_outages(
            sim,
            streams.stream(f"region-outage/{scenario.region}"),
            failures.region_outage.rate,
            failures.region_outage.duration.sampler(
                streams.stream(f"region-outage-duration/{scenario.region}")
            ),
            lambda: region.set_up(False),
            lambda: region.set_up(True),
        )
    for name, env in scenario.environments.items():
        model.environments[name] = _build_environment(
            sim, scenario, name, env, region, streams, catalog, timeline, event_log
        )
    _schedule_chaos(model)
    return model


def _sampler(dist: Distribution, streams: RandomStreams, name: str) -> Callable[[], float]:
    return dist.sampler(streams.stream(name))


def _build_environment(
    sim: Simulation,
    scenario: Scenario,
    name: str,
    env: Environment,
    region: Region,
    streams: RandomStreams,
    catalog: PriceCatalog,
    timeline: bool,
    event_log: bool,
) -> EnvironmentModel:
    failures = scenario.failures
    zones = region.zones[: env.availability_zones]
    mode = env.network.nat_gateways
    if mode == "per_az":
        nats = [NatGateway(zone) for zone in zones]
    elif mode == "single":
        nats = [NatGateway(zones[0])]
    else:
        nats = []
    for nat in nats:
        alternating_outages(
            sim,
            streams.stream(f"nat-failure/{name}/{nat.zone.name}"),
            failures.nat_gateway.rate,
            _sampler(
                failures.nat_gateway.duration, streams, f"nat-duration/{name}/{nat.zone.name}"
            ),
            nat.fail,
            nat.repair,
        )
    control_plane = ControlPlane()
    model = EnvironmentModel(
        name, env.account, sim, zones, nats, Egress(mode, zones, nats), control_plane
    )
    for zone in zones:
        zone.listeners.append(model.invalidate)
    for nat in nats:
        nat.listeners.append(model.invalidate)
    serving = [w for w in env.workloads.values() if w.serves_requests]
    if env.demand is not None and serving:
        model.curve = DemandCurve.from_scenario(
            env.demand, scenario.horizon, scenario.simulation.demand_resolution
        )
        model.recorder = AvailabilityRecorder(
            model.curve,
            scenario.simulation.time_availability_threshold,
            scenario.horizon,
        )
        if timeline:
            model.timeline = []
            _sample_every(sim, model, scenario.simulation.demand_resolution)
    if env.database is not None:
        model.database = _build_database(sim, scenario, name, env, zones, streams, model)
        if event_log:
            model.database.events = []
    if env.cluster is not None:
        alternating_outages(
            sim,
            streams.stream(f"eks-control-plane/{name}"),
            failures.eks_control_plane.rate,
            _sampler(failures.eks_control_plane.duration, streams, f"eks-duration/{name}"),
            control_plane.fail,
            control_plane.repair,
        )
        _build_cluster(sim, scenario, name, env, model, streams, catalog, event_log)
    return model


def _build_database(
    sim: Simulation,
    scenario: Scenario,
    name: str,
    env: Environment,
    zones: list[Zone],
    streams: RandomStreams,
    model: EnvironmentModel,
) -> Database:
    spec = env.database
    assert spec is not None
    failover_dist = (
        scenario.failures.rds_failover.multi_az_cluster
        if spec.deployment == "multi-az-cluster"
        else scenario.failures.rds_failover.multi_az
    )
    recovery = spec.recovery
    database = Database(
        sim=sim,
        deployment=spec.deployment,
        zones=zones,
        primary_zone=spec.primary_az,
        failover=_sampler(failover_dist, streams, f"rds-failover/{name}"),
        rebuild=_sampler(recovery.standby_rebuild, streams, f"rds-rebuild/{name}"),
        recovery=_sampler(recovery.instance_recovery, streams, f"rds-recovery/{name}"),
        restore=_sampler(recovery.restore_time, streams, f"rds-restore/{name}")
        if recovery.az_outage_policy == "restore-pitr"
        else None,
        restore_decision_h=recovery.restore_decision,
        log_upload_h=recovery.log_upload_interval,
        log_phase_h=streams.stream(f"rds-log-phase/{name}").random() * recovery.log_upload_interval,
    )

    def mark_rpo() -> None:
        if model.recorder is not None:
            model.recorder.mark_rpo(database.outages[-1].rpo_h)

    def changed() -> None:
        model.invalidate()
        if database.writable and database.outages and database.outages[-1].rpo_h > 0:
            sim.after(0.0, mark_rpo)  # after the flush that closes the incident

    database.on_change = changed
    rate = scenario.failures.rds_instance.rate
    for instance in database.instances:
        poisson_events(
            sim,
            streams.stream(f"rds-instance/{name}/{instance.index}"),
            rate,
            partial(database.fail_instance, instance.index),
        )
    maintenance = spec.maintenance
    patch_downtime = _sampler(maintenance.single_az_patch_downtime, streams, f"rds-patch/{name}")
    upgrade_duration = _sampler(maintenance.engine_upgrade_duration, streams, f"rds-upgrade/{name}")
    cluster_failover = _sampler(
        maintenance.cluster_upgrade_failover, streams, f"rds-upgrade-failover/{name}"
    )
    window = maintenance.window_start_h

    def patch() -> None:
        database.os_patch(patch_downtime())

    def upgrade() -> None:
        database.engine_upgrade(upgrade_duration(), cluster_failover())

    def in_next_window(action: Callable[[], None]) -> Callable[[], None]:
        """Maintenance that arrives now is applied in the next weekly window."""

        def schedule() -> None:
            sim.at(database.next_window_h(window), action)

        return schedule

    poisson_events(
        sim,
        streams.stream(f"rds-os-patch/{name}"),
        maintenance.os_patch_rate,
        in_next_window(patch),
    )
    poisson_events(
        sim,
        streams.stream(f"rds-engine-upgrade/{name}"),
        maintenance.engine_upgrade_rate,
        in_next_window(upgrade),
    )
    return database


def _pool_latency(env: Environment, pool: NodePool) -> Distribution:
    assert env.cluster is not None
    if pool.launch_latency is not None:
        return pool.launch_latency
    if pool.provisioner == "managed":
        return Lognormal.model_validate(default("node_pools.managed.launch_latency"))
    return env.cluster.karpenter.launch_latency


def _build_cluster(
    sim: Simulation,
    scenario: Scenario,
    name: str,
    env: Environment,
    model: EnvironmentModel,
    streams: RandomStreams,
    catalog: PriceCatalog,
    event_log: bool,
) -> None:
    spec = env.cluster
    assert spec is not None
    zones = model.zones
    n_zones = len(zones)
    health = env.ingress.health_check if env.ingress is not None else None
    detection_stream = streams.stream(f"alb-detection/{name}")
    if health is not None:
        low = health.interval * (health.unhealthy_threshold - 1)
        width = health.interval

        def alb_detection() -> float:
            return low + width * detection_stream.random()
    else:

        def alb_detection() -> float:
            return 0.0

    has_ecr = env.network.endpoints.has_ecr

    def image_ok(zone: int) -> bool:
        return (has_ecr and zones[zone].up) or model.egress.ok(zone)

    cluster = Cluster(
        sim,
        zones,
        model.control_plane,
        spec.daemonset_overhead.cpu,
        spec.daemonset_overhead.memory,
        spec.node_monitor_grace_period,
        spec.pod_eviction_timeout,
        image_ok,
        alb_detection,
        model.invalidate,
    )
    if event_log:
        cluster.events = []
    model.cluster = cluster
    if model.timeline is not None:
        cluster.on_launch = model.invalidate
    for pool_name, pool in spec.node_pools.items():
        cluster.pools[pool_name] = PoolState(
            pool_name,
            pool,
            tuple(pool_instance_types(catalog, env, pool_name)),
            tuple(pool.zones) if pool.zones else tuple(range(n_zones)),
            _sampler(_pool_latency(env, pool), streams, f"node-launch/{name}/{pool_name}"),
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
            _sampler(workload.startup, streams, f"pod-startup/{name}/{workload_name}"),
            capacity,
            zone_counts=[0] * n_zones,
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
        if event_log:
            karpenter.events = []
        model.karpenter = karpenter
    spot_setting = scenario.failures.spot_interruption.rate

    def spot_rate(node: Node) -> float:
        if spot_setting == "advisor":
            return node.itype.spot_interruption_rate_per_hour
        return float(spot_setting)

    def replace_managed(node: Node) -> None:
        latency = node.pool.launch_latency()

        def replace() -> None:
            zone = node.zone.index
            if not zones[zone].up:
                up = [z for z in node.pool.zones if zones[z].up]
                zone = up[0] if up else zone
            cluster.remove_node(node, "node-failure")
            cluster.add_node(
                node.pool,
                node.itype,
                zone,
                node.capacity_type,
                node.price_usd_per_hour,
                ready_in_h=0.0,
            )

        node.timers.append(sim.after(latency, replace))

    cluster.replace_managed = replace_managed
    cluster.on_node_running = schedule_node_lifecycle(
        sim,
        cluster,
        karpenter,
        streams.stream(f"node-failure/{name}"),
        scenario.failures.node.rate,
        streams.stream(f"spot-interruption/{name}"),
        spot_rate,
        replace_managed,
    )
    egress_listener = cluster.retry_image_pulls
    for nat in model.nats:
        nat.listeners.append(egress_listener)
    for zone in zones:
        zone.listeners.append(egress_listener)
    _initial_state(cluster, env, model, catalog)
    for state in cluster.workloads.values():
        workload = state.spec
        if workload.hpa is None or model.curve is None:
            continue
        factor = workload.arm64_performance_factor
        arm_only = all(
            t.arch == "arm64" for p in state.pools for t in cluster.pools[p].instance_types
        )
        rps = workload.rps_per_replica or 1.0

        def at_target(pod, rps=rps, factor=factor) -> float:  # type: ignore[no-untyped-def]
            return rps * (factor if pod.node.itype.arch == "arm64" else 1.0)

        hpa = Hpa(
            sim,
            cluster,
            state,
            model.curve,
            workload.hpa,
            model.control_plane,
            phase_h=streams.stream(f"hpa-phase/{name}/{state.name}").random()
            * workload.hpa.sync_period,
            rps_at_target=at_target,
            default_rps=rps * (factor if arm_only else 1.0),
        )
        if event_log:
            hpa.events = []
        model.hpas.append(hpa)
        hpa.start()


def _initial_state(
    cluster: Cluster, env: Environment, model: EnvironmentModel, catalog: PriceCatalog
) -> None:
    """Start in the steady state of the demand at time zero: nodes running, pods ready."""
    demand = model.curve.rps(0.0) if model.curve is not None else 0.0
    plan = plan_cluster(env, catalog, demand)
    for planned in plan.nodes:
        pool = cluster.pools[planned.pool]
        node = cluster.add_node(
            pool,
            planned.instance_type,
            planned.zone,
            planned.capacity_type,
            planned.price_usd_per_hour,
            ready_in_h=None,
        )
        for workload_name, count in planned.pods.items():
            state = cluster.workloads[workload_name]
            for _ in range(count):
                pod = cluster.create_pod(state)
                cluster.place_ready(pod, node)
    for workload_name, count in plan.unschedulable.items():
        for _ in range(count):
            cluster.create_pod(cluster.workloads[workload_name])
    for workload_name, replicas in plan.replicas.items():
        cluster.workloads[workload_name].replicas = replicas
    for node in cluster.nodes:
        node.last_pod_change_h = 0.0
    assert all(n.state == RUNNING for n in cluster.nodes)


def _sample_every(sim: Simulation, model: EnvironmentModel, step_h: float) -> None:
    """Record a timeline row at every demand knot (only when a timeline is asked for)."""

    def sample() -> None:
        model.invalidate()
        if sim.now + step_h <= sim.horizon_h:
            sim.after(step_h, sample)

    sim.after(step_h, sample)


def _outage(
    sim: Simulation,
    at_h: float,
    duration_h: float,
    fail: Callable[[], None],
    repair: Callable[[], None],
) -> None:
    """``fail`` at ``at_h`` and ``repair`` ``duration_h`` later."""

    def begin() -> None:
        fail()
        sim.after(duration_h, repair)

    sim.at(at_h, begin)


def _schedule_chaos(model: Model) -> None:
    sim = model.sim
    region = model.region
    for event in model.scenario.chaos:
        env = model.environments[event.environment]
        zone_index = event.az or 0
        duration = event.duration or 0.0
        kind = event.fail
        if kind == "az":
            zone = env.zones[zone_index]
            _outage(sim, event.at, duration, partial(zone.fail, "az-outage"), zone.repair)
        elif kind == "region":
            _outage(
                sim,
                event.at,
                duration,
                partial(region.set_up, False),
                partial(region.set_up, True),
            )
        elif kind == "nat-gateway":
            nat = env.egress.gateway_for(zone_index)
            if nat is not None:
                _outage(sim, event.at, duration, nat.fail, nat.repair)
        elif kind == "eks-control-plane":
            cp = env.control_plane
            _outage(sim, event.at, duration, cp.fail, cp.repair)
        elif kind == "rds-primary" and env.database is not None:
            sim.at(event.at, env.database.fail_primary)
        elif kind == "rds-reboot-failover" and env.database is not None:
            sim.at(event.at, env.database.reboot_with_failover)
        elif kind in ("node", "spot-interruption") and env.cluster is not None:
            sim.at(event.at, partial(_chaos_node, env, zone_index, kind))


def _chaos_node(env: EnvironmentModel, zone: int, kind: str) -> None:
    cluster = env.cluster
    assert cluster is not None
    candidates = sorted(
        (
            n
            for n in cluster.nodes
            if n.zone.index == zone
            and n.state == RUNNING
            and (kind == "node" or n.capacity_type == "spot")
        ),
        key=lambda n: n.id,
    )
    if not candidates:
        return
    node = candidates[0]
    if kind == "spot-interruption" and env.karpenter is not None:
        env.karpenter.spot_notice(node)
    elif node.pool.managed:
        cluster.fail_node(node, "node-failure", karpenter_notified=False)
        cluster.replace_managed(node)  # as for a random failure: the node group replaces it
    else:
        notified = env.karpenter is not None and env.karpenter.spec.interruption_queue
        cluster.fail_node(node, "node-failure", karpenter_notified=notified)
