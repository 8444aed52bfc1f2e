"""Deterministic logs of Karpenter: batching, provisioning, ICE, Spot, consolidation, expiry.

A cluster of one Karpenter NodePool is assembled by hand with fixed launch
(40 s) and pod start (5 s) latencies; the capacity-error draw is scripted.
Every test asserts the exact ``(time_h, event)`` list of Karpenter and the
cluster (KARPENTER.md §1.2, §1.7, §3).
"""

from __future__ import annotations

from typing import Any

import pytest

from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import READY, Pod, PoolState, WorkloadState
from innovate_sim.aws.infrastructure import ControlPlane, Region
from innovate_sim.aws.infrastructure import Zone as AwsZone
from innovate_sim.aws.karpenter import Karpenter
from innovate_sim.aws.lifecycle import NodeLifecycle
from innovate_sim.engine import Simulation
from innovate_sim.pricing import load_catalog
from innovate_sim.rng import RandomStreams
from innovate_sim.scenario import Karpenter as KarpenterSpec
from innovate_sim.scenario import NodePool, Workload

S = 1 / 3600  # one second in hours
LAUNCH_H = 40 * S
STARTUP_H = 5 * S
CATALOG = load_catalog("us-east-1")


class Scripted:
    """A random stream whose capacity-error draws are given in advance (then never fail)."""

    def __init__(self, outcomes: list[bool]) -> None:
        self.outcomes = list(outcomes)

    def bernoulli(self, probability: float) -> bool:
        return self.outcomes.pop(0) if self.outcomes else False


class World:
    """A cluster with one Karpenter pool and one workload, with logs."""

    def __init__(
        self,
        *,
        types: tuple[str, ...] = ("m7g.large",),
        capacity: tuple[str, ...] = ("on-demand",),
        zones: tuple[int, ...] = (0,),
        pool: dict[str, Any] | None = None,
        karpenter: dict[str, Any] | None = None,
        ice: list[bool] | None = None,
        horizon_h: float = 2.0,
        cpu: str = "500m",
    ) -> None:
        self.sim = Simulation(horizon_h)
        region = Region()
        region.zones = [AwsZone(i, region) for i in range(3)]
        self.zones = region.zones
        self.control_plane = ControlPlane()
        self.cluster = Cluster(
            self.sim,
            region.zones,
            self.control_plane,
            overhead_cpu=0.15,
            overhead_memory_gib=0.2,
            not_ready_after_h=40 * S,
            evict_after_h=300 * S,
            image_ok=lambda zone: True,
            alb_detection=lambda: 0.0,
            on_change=lambda: None,
        )
        spec = NodePool.model_validate(
            {"provisioner": "karpenter", "capacity_type": list(capacity), **(pool or {})}
        )
        self.pool = PoolState(
            "general",
            spec,
            tuple(CATALOG.instance_type(t) for t in types),
            zones,
            lambda: LAUNCH_H,
        )
        self.cluster.pools["general"] = self.pool
        workload = Workload.model_validate(
            {
                "requests": {"cpu": cpu, "memory": "1Gi"},
                "replicas": 1,
                "startup": "5s",
                "topology_spread": {"max_skew": 1, "when_unsatisfiable": "schedule-anyway"},
            }
        )
        self.app = WorkloadState(
            "app", workload, ("general",), lambda: STARTUP_H, 0.0, zone_counts=[0, 0, 0]
        )
        self.cluster.workloads["app"] = self.app
        streams = RandomStreams(1, 0)
        self.karpenter = Karpenter(
            self.sim,
            self.cluster,
            KarpenterSpec.model_validate(karpenter or {}),
            [self.pool],
            self.control_plane,
            streams.stream("karpenter"),
            spot_notice_h=120 * S,
        )
        self.karpenter.stream = Scripted(ice or [])  # type: ignore[assignment]
        lifecycle = NodeLifecycle(
            self.sim,
            self.cluster,
            self.karpenter,
            streams.stream("node"),
            0.0,
            streams.stream("spot"),
            0.0,
        )
        self.cluster.on_node_running.append(lifecycle.arm)
        self.log: list[tuple[float, str]] = []
        self.karpenter.events = self.log
        self.cluster.events = self.log
        self.cluster.on_pod_ready.append(self._pod_ready)

    def _pod_ready(self, pod: Pod) -> None:
        assert pod.state == READY and pod.node is not None
        self.log.append((self.sim.now, f"pod-ready:{pod.node.id}"))

    def node(self, itype: str = "m7g.large", zone: int = 0, capacity: str = "on-demand") -> Any:
        t = CATALOG.instance_type(itype)
        price = t.spot_usd_per_hour if capacity == "spot" else t.on_demand_usd_per_hour
        return self.cluster.add_node(self.pool, t, zone, capacity, price, ready_in_h=None)

    def pods(self, count: int, node: Any = None) -> None:
        for _ in range(count):
            pod = self.cluster.create_pod(self.app)
            if node is not None:
                self.cluster.place_ready(pod, node)
        self.app.replicas += count

    def run(self) -> list[tuple[float, str]]:
        self.sim.run()
        return self.log


def assert_log(actual: list[tuple[float, str]], expected: list[tuple[float, str]]) -> None:
    assert [e for _, e in actual] == [e for _, e in expected], actual
    assert [t for t, _ in actual] == pytest.approx([t for t, _ in expected], abs=1e-9), actual


# -- batching ------------------------------------------------------------------------------------


def test_batch_closes_one_idle_second_after_the_last_trigger() -> None:
    world = World()
    for t in (0.0, 0.5, 1.2):
        world.sim.at(t * S, world.karpenter.trigger)
    assert_log(world.run(), [(0.0, "batch-open"), (2.2 * S, "batch-close")])


def test_batch_closes_after_ten_seconds_under_continuous_triggers() -> None:
    world = World()
    for k in range(13):  # every 0.9 s: 0 … 10.8 s
        world.sim.at(k * 0.9 * S, world.karpenter.trigger)
    assert_log(
        world.run(),
        [
            (0.0, "batch-open"),
            (10 * S, "batch-close"),  # min(0 + 10 s, 9.9 s + 1 s)
            (10.8 * S, "batch-open"),  # the next trigger opens a new batch
            (11.8 * S, "batch-close"),
        ],
    )


def test_pending_pods_get_the_cheapest_fitting_node() -> None:
    world = World(types=("m7g.xlarge", "m7g.large", "c7g.large", "c7g.xlarge"))
    world.sim.at(0.1, lambda: world.pods(2))
    log = world.run()
    # two pods (1 CPU, 2 GiB) + DaemonSets fit a 2-vCPU, 4-GiB node; c7g.large is the cheapest
    node = next(iter(world.cluster.nodes))
    assert_log(
        log,
        [
            (0.1, "batch-open"),
            (0.1 + S, "batch-close"),
            (0.1 + S, f"node-launch:{node.id}:c7g.large:az-a:on-demand"),
            (0.1 + S + LAUNCH_H, f"node-ready:{node.id}"),
            *[(0.1 + S + LAUNCH_H + STARTUP_H, f"pod-ready:{node.id}")] * 2,
        ],
    )


def test_nodepool_cpu_limit_is_never_exceeded() -> None:
    world = World(types=("m7g.large",), pool={"limits": {"cpu": 4}})
    world.sim.at(0.1, lambda: world.pods(10))
    log = world.run()
    assert world.pool.vcpu() == 4  # two 2-vCPU nodes, three pods each
    assert sum(1 for p in world.app.pods if p.state == READY) == 6
    unschedulable = {e for _, e in log if e.startswith("unschedulable")}
    assert unschedulable == {"unschedulable:4"}  # at every batch while the limit holds


# -- insufficient capacity ------------------------------------------------------------------------


def test_capacity_error_marks_the_offering_unavailable_for_three_minutes_then_retries() -> None:
    world = World(ice=[True])
    world.sim.at(0.1, lambda: world.pods(1))
    log = world.run()
    node = next(iter(world.cluster.nodes))
    retry = 0.1 + S + 180 * S  # the cache entry expires
    assert_log(
        log,
        [
            (0.1, "batch-open"),
            (0.1 + S, "batch-close"),
            (0.1 + S, "capacity-error:m7g.large:0"),
            (0.1 + 2 * S, "batch-open"),  # the pods wait for the next batch
            (0.1 + 3 * S, "batch-close"),
            (0.1 + 3 * S, "unschedulable:1"),  # the only offering is cached as unavailable
            (retry, "batch-open"),
            (retry + S, "batch-close"),
            (retry + S, f"node-launch:{node.id}:m7g.large:az-a:on-demand"),
            (retry + S + LAUNCH_H, f"node-ready:{node.id}"),
            (retry + S + LAUNCH_H + STARTUP_H, f"pod-ready:{node.id}"),
        ],
    )


def test_launch_into_a_failed_zone_never_registers_and_times_out_after_fifteen_minutes() -> None:
    world = World()
    world.sim.at(0.05, world.zones[0].fail)  # the pool's only zone
    world.sim.at(0.1, lambda: world.pods(1))
    world.sim.at(0.4, world.zones[0].repair)
    log = world.run()
    first, second, third = (int(e.split(":")[1]) for _, e in log if e.startswith("node-launch"))
    timeout = 15 / 60  # Karpenter's registration timeout
    t1 = 0.1 + S  # the batch closes; EC2 accepts the launch into the dead zone
    t2 = t1 + timeout + S  # deleted, re-provisioned 1 s later: the zone is still down
    t3 = t2 + timeout + S  # deleted again; the zone is back (at 0.4 h): this one registers
    assert_log(
        log,
        [
            (0.1, "batch-open"),
            (t1, "batch-close"),
            (t1, f"node-launch:{first}:m7g.large:az-a:on-demand"),
            (t1, f"node-stranded:{first}"),
            (t1 + timeout, f"registration-timeout:{first}"),
            (t1 + timeout, f"node-terminated:{first}"),
            (t1 + timeout, "batch-open"),
            (t2, "batch-close"),
            (t2, f"node-launch:{second}:m7g.large:az-a:on-demand"),
            (t2, f"node-stranded:{second}"),
            (t2 + timeout, f"registration-timeout:{second}"),
            (t2 + timeout, f"node-terminated:{second}"),
            (t2 + timeout, "batch-open"),
            (t3, "batch-close"),
            (t3, f"node-launch:{third}:m7g.large:az-a:on-demand"),
            (t3 + LAUNCH_H, f"node-ready:{third}"),
            (t3 + LAUNCH_H + STARTUP_H, f"pod-ready:{third}"),
        ],
    )


def test_launch_into_a_failed_zone_refused_as_insufficient_capacity_when_so_configured() -> None:
    world = World()
    world.karpenter.failed_zone_accepts_launches = False  # failures.az_outage.launches
    world.sim.at(0.05, world.zones[0].fail)
    world.sim.at(0.1, lambda: world.pods(1))
    log = world.run()
    assert [e for _, e in log[:4]] == [
        "batch-open",
        "batch-close",
        "capacity-error:m7g.large:0",
        "batch-open",
    ]
    assert not any(e.startswith(("node-launch", "node-stranded")) for _, e in log)


def test_capacity_error_falls_back_to_the_next_cheapest_type() -> None:
    world = World(types=("c7g.large", "m7g.large"), ice=[True])
    world.sim.at(0.1, lambda: world.pods(1))
    log = world.run()
    node = next(iter(world.cluster.nodes))
    assert [e for _, e in log][:5] == [
        "batch-open",
        "batch-close",
        "capacity-error:c7g.large:0",
        "batch-open",
        "batch-close",
    ]
    assert f"node-launch:{node.id}:m7g.large:az-a:on-demand" in [e for _, e in log]
    assert world.karpenter.capacity_errors == 1


# -- Spot interruption ---------------------------------------------------------------------------


def test_spot_notice_drains_at_once_and_removes_the_instance_after_two_minutes() -> None:
    world = World(capacity=("spot", "on-demand"))
    spot = world.node(capacity="spot")
    world.pods(3, spot)
    world.sim.at(1.0, lambda: world.karpenter.spot_notice(spot))
    log = world.run()
    [new] = [n for n in world.cluster.nodes if n is not spot]
    assert_log(
        log,
        [
            (0.0, f"node-launch:{spot.id}:m7g.large:az-a:spot"),
            (0.0, f"node-ready:{spot.id}"),
            (1.0, f"spot-notice:{spot.id}"),
            # the drained pods are pending at the notice; the batch closes 1 s later; the
            # interrupted Spot offering is cached as unavailable, so on-demand is launched
            (1.0, "batch-open"),
            (1.0 + S, "batch-close"),
            (1.0 + S, f"node-launch:{new.id}:m7g.large:az-a:on-demand"),
            (1.0 + S + LAUNCH_H, f"node-ready:{new.id}"),
            *[(1.0 + S + LAUNCH_H + STARTUP_H, f"pod-ready:{new.id}")] * 3,
            (1.0 + 120 * S, f"node-terminated:{spot.id}"),
        ],
    )


# -- consolidation and expiry --------------------------------------------------------------------


def test_empty_nodes_are_consolidated_after_consolidate_after_within_the_budget() -> None:
    world = World(pool={"consolidate_after": "30s", "consolidation_policy": "when-empty"})
    nodes = [world.node(zone=i % 3) for i in range(12)]
    world.sim.at(0.0, world.karpenter.mark_dirty)
    log = world.run()
    removals = [t for t, e in log if e.startswith("consolidate-empty")]
    # budget 10 % rounded up: 2 of 12 at 30 s, then one per 10-second poll (10 % of ≤ 10 nodes)
    expected = [30 * S, 30 * S] + [(30 + 10 * k) * S for k in range(1, 11)]
    assert removals == pytest.approx(expected)
    assert len(world.cluster.nodes) == 0
    # deterministic order: lowest node id first
    removed = [int(e.split(":")[1]) for _, e in log if e.startswith("consolidate-empty")]
    assert removed == sorted(n.id for n in nodes)


def test_a_node_with_pods_is_not_consolidated_when_empty_only() -> None:
    world = World(pool={"consolidate_after": "30s", "consolidation_policy": "when-empty"})
    busy = world.node()
    world.pods(1, busy)
    world.node(zone=1)
    world.sim.at(0.0, world.karpenter.mark_dirty)
    log = world.run()
    assert [(t, e) for t, e in log if e.startswith("consolidate")] == [
        (pytest.approx(30 * S), f"consolidate-empty:{busy.id + 2}")
    ]
    assert list(world.cluster.nodes) == [busy]


def test_underutilized_node_is_deleted_when_its_pods_fit_elsewhere() -> None:
    world = World(pool={"consolidate_after": "30s"})
    first, second = world.node(), world.node(zone=1)
    world.pods(1, first)
    world.pods(1, second)
    world.sim.at(0.0, world.karpenter.mark_dirty)
    log = world.run()
    consolidated = [(t, e) for t, e in log if e.startswith("consolidate")]
    assert len(consolidated) == 1 and consolidated[0][0] == pytest.approx(30 * S)
    assert len(world.cluster.nodes) == 1
    [survivor] = world.cluster.nodes
    assert sum(1 for p in world.app.pods if p.state == READY and p.node is survivor) == 2


def test_nodes_expire_after_720_hours_and_are_replaced() -> None:
    world = World(horizon_h=721.0, pool={"consolidation_policy": "never"})
    old = world.node()
    world.pods(2, old)
    log = world.run()
    [new] = world.cluster.nodes
    assert_log(
        log[2:],
        [
            (720.0, f"expire:{old.id}"),
            (720.0, f"node-terminated:{old.id}"),
            (720.0, "batch-open"),
            (720.0 + S, "batch-close"),
            (720.0 + S, f"node-launch:{new.id}:m7g.large:az-a:on-demand"),
            (720.0 + S + LAUNCH_H, f"node-ready:{new.id}"),
            *[(720.0 + S + LAUNCH_H + STARTUP_H, f"pod-ready:{new.id}")] * 2,
        ],
    )


def test_room_freed_on_a_managed_node_lets_a_karpenter_node_go() -> None:
    """The disruption controller polls whatever changed (kubernetes-sigs/karpenter
    pkg/controllers/disruption/controller.go): pods leaving a
    managed node-group node free room that a Karpenter node's pods can move into."""
    world = World(pool={"consolidate_after": "0s"})
    managed = PoolState(
        "fixed",
        NodePool.model_validate(
            {"provisioner": "managed", "instance_types": ["m7g.large"], "min_nodes": 1}
        ),
        (CATALOG.instance_type("m7g.large"),),
        (0,),
        lambda: LAUNCH_H,
    )
    world.cluster.pools["fixed"] = managed
    world.app.pools = ("fixed", "general")
    t = CATALOG.instance_type("m7g.large")
    fixed = world.cluster.add_node(
        managed, t, 0, "on-demand", t.on_demand_usd_per_hour, ready_in_h=None
    )
    world.pods(3, fixed)  # 1.5 of its 1.78 allocatable vCPU: no room for a fourth pod
    karpenter_node = world.node(zone=1)
    world.pods(1, karpenter_node)
    world.sim.at(0.0, world.karpenter.mark_dirty)  # a pass at 0 s finds nothing to do

    def scale_down() -> None:
        for pod in [p for p in world.app.pods if p.node is fixed][:2]:
            world.cluster.delete_pod(pod)
        world.app.replicas -= 2

    world.sim.at(0.5, scale_down)
    log = world.run()
    consolidated = [(t, e) for t, e in log if e.startswith("consolidate")]
    # the poll tick at or after the scale-down: 1,800 s is itself a multiple of the 10-s poll
    assert consolidated == [(pytest.approx(1800 * S), f"consolidate-delete:{karpenter_node.id}")]
    assert list(world.cluster.nodes) == [fixed]
    assert sum(1 for p in world.app.pods if p.state == READY and p.node is fixed) == 2
