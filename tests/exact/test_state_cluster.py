"""Deterministic logs of the EKS data plane: node death, eviction, scheduling, ALB, egress.

Small scenarios are built from ``scenarios/prod.yaml`` with every random
failure process off and fixed latencies; failures are injected with chaos
events. A probe subscribed from outside logs pod bindings and pods becoming
Ready, and every test asserts the exact ``(time_h, event)`` list.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from innovate_sim.aws.build import Model, build_model
from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import READY, Node, Pod
from innovate_sim.metrics import observe
from innovate_sim.scenario import load_scenario, scenario_from_dict

S = 1 / 3600  # one second in hours
T0 = 10.0
NOT_READY_H = 50 * S  # node-monitor-grace-period of Kubernetes >= 1.32 (prod.yaml runs 1.33)
EVICT_H = 300 * S
LAUNCH_H = 40 * S
STARTUP_H = 5 * S
DEMAND_RPS = 300.0

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NO_FAILURES = {
    "az_outage": {"rate": 0},
    "nat_gateway": {"rate": 0},
    "node": {"rate": 0},
    "eks_control_plane": {"rate": 0},
    "rds_instance": {"rate": 0},
    "spot_interruption": {"rate": 0},
}


def assert_log(actual: list[tuple[float, str]], expected: list[tuple[float, str]]) -> None:
    assert [e for _, e in actual] == [e for _, e in expected], actual
    assert [t for t, _ in actual] == pytest.approx([t for t, _ in expected], abs=1e-9), actual


def base(*, spread: str = "schedule-anyway", nat: str = "per_az", ecr: bool = True) -> dict:
    """One Karpenter pool of m7g.large, six fixed api replicas, flat demand, no database."""
    with (SCENARIOS / "prod.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    data["horizon"] = "1d"
    data["failures"] = copy.deepcopy(NO_FAILURES)
    data["chaos"] = []
    env = data["environments"]["prod"]
    del env["database"]
    env["network"]["nat_gateways"] = nat
    if not ecr:
        env["network"]["endpoints"]["interface"] = ["sts", "logs"]
    env["demand"] = {"profile": "flat", "peak_rps": DEMAND_RPS}
    env["cluster"]["node_pools"] = {
        "general": {
            "provisioner": "karpenter",
            "capacity_type": "on-demand",
            "arch": "arm64",
            "instance_types": ["m7g.large"],
            "launch_latency": "40s",
            "consolidation_policy": "never",
        }
    }
    # Karpenter without EC2 status checks: these tests follow the Kubernetes path (NotReady,
    # eviction); test_karpenter_node_failure_* cover Karpenter's status-check path
    env["cluster"]["karpenter"] = {"interruption_queue": False, "instance_status_checks": False}
    env["workloads"] = {
        "api": {
            "requests": {"cpu": "500m", "memory": "1Gi"},
            "replicas": 6,
            "rps_per_replica": 150,
            "startup": "5s",
            "topology_spread": {"max_skew": 1, "when_unsatisfiable": spread},
        }
    }
    return data


def chaos(data: dict, fail: str, az: str, at_h: float = T0, for_h: float | None = None) -> None:
    event: dict[str, Any] = {"at": f"{at_h}h", "environment": "prod", "fail": fail, "az": az}
    if for_h is not None:
        event["for"] = f"{for_h}h"
    data["chaos"].append(event)


def build(data: dict, detection_h: float | None = 45 * S) -> tuple[Model, Cluster, list]:
    model = build_model(scenario_from_dict(data), seed=11, replication=0, event_log=True)
    cluster = model.environments["prod"].cluster
    assert cluster is not None and cluster.events is not None
    if detection_h is not None:
        cluster.alb_detection = lambda: detection_h
    return model, cluster, probe(cluster)


def probe(cluster: Cluster) -> list[tuple[float, str]]:
    """Log pod bindings and pods becoming Ready (subscribed from outside the model)."""
    log: list[tuple[float, str]] = []

    def bound(pod: Pod, node: Node) -> None:
        log.append((cluster.sim.now, f"bind:{node.zone.name}"))

    def ready(pod: Pod) -> None:
        assert pod.state == READY and pod.node is not None
        log.append((cluster.sim.now, f"ready:{pod.node.zone.name}"))

    cluster.on_pod_bound.append(bound)
    cluster.on_pod_ready.append(ready)
    return log


def after(events: list[tuple[float, str]], t_h: float) -> list[tuple[float, str]]:
    return [(t, e) for t, e in events if t >= t_h - 1e-12]


def pods_in(cluster: Cluster, zone: int) -> int:
    return sum(1 for p in cluster.workloads["api"].pods if p.node and p.node.zone.index == zone)


def test_initial_steady_state_is_spread_over_the_zones() -> None:
    _, cluster, _ = build(base())
    assert [pods_in(cluster, z) for z in range(3)] == [2, 2, 2]
    assert all(p.state == READY for p in cluster.workloads["api"].pods)
    assert {n.itype.name for n in cluster.nodes} == {"m7g.large"}


def test_node_death_notready_eviction_and_rescheduling() -> None:
    data = base()
    chaos(data, "node", "b")
    model, cluster, pods = build(data)
    [dead] = sorted((n for n in cluster.nodes if n.zone.index == 1), key=lambda n: n.id)[:1]
    lost_pods = len(dead.pods)
    assert lost_pods == 2
    recorders = observe(model)
    model.run()
    assert_log(
        after(cluster.events, T0),
        [
            (T0, f"node-failed:{dead.id}:node-failure"),
            (T0 + NOT_READY_H, f"node-notready:{dead.id}"),
            (T0 + NOT_READY_H + EVICT_H, f"node-evicted:{dead.id}"),
        ],
    )
    # the replacements go pending at the eviction and kube-scheduler binds them at once to the
    # least-allocated Ready nodes (ScheduleAnyway: the skew is only a preference)
    evicted = T0 + NOT_READY_H + EVICT_H
    assert_log(
        pods,
        [
            (evicted, "bind:az-a"),
            (evicted, "bind:az-c"),
            (evicted + STARTUP_H, "ready:az-a"),
            (evicted + STARTUP_H, "ready:az-c"),
        ],
    )
    env = model.environments["prod"]
    assert env.karpenter is not None and env.karpenter.events == []  # room was available
    # the ALB sends the dead pods' share (2 of 6) until its health check notices (45 s here)
    recorder = recorders["prod"].availability
    assert recorder is not None
    [incident] = recorder.incidents
    assert (incident.start_h, incident.end_h) == pytest.approx((T0, T0 + 45 * S))
    assert incident.cause == "node-failure"
    assert incident.min_success == pytest.approx(1 - lost_pods / 6)
    expected = DEMAND_RPS * 45 * lost_pods / 6
    assert recorder.lost_requests == pytest.approx(expected)
    assert recorder.lost_by_cause == {"node-failure": pytest.approx(expected)}


def karpenter_node_failure(alb_detection_h: float, status_check_h: float) -> tuple[Model, list]:
    """prod's Karpenter settings (interruption queue and status checks on), node in b fails."""
    data = base()
    data["environments"]["prod"]["cluster"]["karpenter"] = {}
    chaos(data, "node", "b")
    model, _, pods = build(data, detection_h=alb_detection_h)
    karpenter = model.environments["prod"].karpenter
    assert karpenter is not None and karpenter.spec.interruption_queue
    karpenter.status_check_detection = lambda: status_check_h
    return model, pods


def test_karpenter_node_failure_is_seen_through_status_checks_not_at_once() -> None:
    status_check_h = 150 * S
    model, pods = karpenter_node_failure(45 * S, status_check_h)
    env = model.environments["prod"]
    cluster, karpenter = env.cluster, env.karpenter
    assert cluster is not None and karpenter is not None
    [dead] = sorted((n for n in cluster.nodes if n.zone.index == 1), key=lambda n: n.id)[:1]
    model.run()
    # a hardware failure sends no interruption event: Kubernetes marks the node NotReady after
    # the grace period, and Karpenter terminates it when its failed EC2 status check is seen
    # (impaired 120 s, polled every minute), before the pods' 300 s eviction
    seen = T0 + status_check_h
    assert_log(
        after(cluster.events, T0),
        [
            (T0, f"node-failed:{dead.id}:node-failure"),
            (T0 + NOT_READY_H, f"node-notready:{dead.id}"),
            (seen, f"node-terminated:{dead.id}"),
        ],
    )
    assert_log(karpenter.events, [(seen, f"instance-impaired:{dead.id}")])
    assert_log(
        pods,
        [
            (seen, "bind:az-a"),
            (seen, "bind:az-c"),
            (seen + STARTUP_H, "ready:az-a"),
            (seen + STARTUP_H, "ready:az-c"),
        ],
    )


@pytest.mark.parametrize("alb_detection_s", [30.0, 45.0, 60.0])
def test_karpenter_node_failure_at_peak_loses_requests_in_proportion_to_detection(
    alb_detection_s: float,
) -> None:
    model, _ = karpenter_node_failure(alb_detection_s * S, 150 * S)
    recorders = observe(model)
    model.run()
    recorder = recorders["prod"].availability
    assert recorder is not None
    # 2 of the 6 replicas were on the dead node; the ALB sends them their share until its health
    # check notices (30-60 s), long before Karpenter's status check (120-240 s) removes the node
    expected = DEMAND_RPS * alb_detection_s * 2 / 6
    assert recorder.lost_requests == pytest.approx(expected, rel=1e-9)
    assert recorder.lost_by_cause == {"node-failure": pytest.approx(expected, rel=1e-9)}
    [incident] = recorder.incidents
    assert (incident.start_h, incident.end_h) == pytest.approx((T0, T0 + alb_detection_s * S))


def test_status_check_detection_lies_between_two_and_four_minutes() -> None:
    data = base()
    data["environments"]["prod"]["cluster"]["karpenter"] = {}
    model = build_model(scenario_from_dict(data), seed=3, replication=0)
    karpenter = model.environments["prod"].karpenter
    assert karpenter is not None
    draws = [karpenter.status_check_detection() for _ in range(2000)]
    # U(0, 60 s) EC2 check phase + 120 s unhealthy threshold + U(0, 60 s) poll phase
    assert min(draws) >= 120 * S and max(draws) <= 240 * S
    standard_error = (2 * 60**2 / 12 / len(draws)) ** 0.5 * S
    assert sum(draws) / len(draws) == pytest.approx(180 * S, abs=4 * standard_error)


def test_az_outage_alb_node_keeps_its_share_of_requests_until_dns_drops_it() -> None:
    dns_removal_h, detection_h = 150 * S, 45 * S
    data = base()
    chaos(data, "az", "b", for_h=1.0)
    model, _, _ = build(data, detection_h=detection_h)
    env = model.environments["prod"]
    assert env.alb is not None and env.alb.events is not None
    env.alb.dns_removal = lambda: dns_removal_h
    recorders = observe(model)
    model.run()
    recorder = recorders["prod"].availability
    assert recorder is not None
    assert_log(
        env.alb.events,
        [
            (T0, "alb-node-down:az-b"),
            (T0 + dns_removal_h, "alb-dns-removed:az-b"),
            (T0 + 1.0, "alb-dns-added:az-b"),
        ],
    )
    # a third of the requests go to az b's dead ALB node until DNS drops it; of the rest, the
    # share routed to the 2 of 6 replicas in az b fails until the target health check notices
    front = DEMAND_RPS * 150 / 3
    behind = DEMAND_RPS * 2 / 3 * 45 * 2 / 6
    assert recorder.lost_requests == pytest.approx(front + behind, rel=1e-9)
    [incident] = recorder.incidents
    assert (incident.start_h, incident.end_h) == pytest.approx((T0, T0 + dns_removal_h))
    assert incident.min_success == pytest.approx(2 / 3 * 4 / 6)


def test_alb_detection_lies_between_threshold_minus_one_and_threshold_intervals() -> None:
    for seed in range(5):
        data = base()
        chaos(data, "node", "b")
        model = build_model(scenario_from_dict(data), seed=seed, replication=0)
        recorders = observe(model)
        model.run()
        recorder = recorders["prod"].availability
        assert recorder is not None
        [incident] = recorder.incidents
        assert 30 * S - 1e-9 <= incident.end_h - incident.start_h <= 60 * S + 1e-9


def test_hard_spread_replacement_waits_for_a_karpenter_node_in_the_same_zone() -> None:
    data = base(spread="do-not-schedule")
    chaos(data, "node", "b")
    model, cluster, pods = build(data)
    model.run()
    evicted = T0 + NOT_READY_H + EVICT_H
    batch_close = evicted + 1 * S  # batch idle 1 s
    ready = batch_close + LAUNCH_H
    launched = [e for t, e in after(cluster.events, evicted) if e.startswith("node-launch")]
    assert [e.split(":")[2:] for e in launched] == [["m7g.large", "az-b", "on-demand"]]
    assert_log(
        pods,
        [
            (ready, "bind:az-b"),
            (ready, "bind:az-b"),
            (ready + STARTUP_H, "ready:az-b"),
            (ready + STARTUP_H, "ready:az-b"),
        ],
    )
    karpenter = model.environments["prod"].karpenter
    assert karpenter is not None
    assert_log(karpenter.events, [(evicted, "batch-open"), (batch_close, "batch-close")])


def test_image_pull_without_ecr_endpoints_waits_for_egress() -> None:
    data = base(spread="do-not-schedule", ecr=False)
    chaos(data, "node", "b")
    chaos(data, "nat-gateway", "b", for_h=1.0)  # the AZ's NAT is down when the new node starts
    model, _, pods = build(data)
    model.run()
    ready = T0 + NOT_READY_H + EVICT_H + 1 * S + LAUNCH_H
    assert_log(
        pods,
        [
            (ready, "bind:az-b"),
            (ready, "bind:az-b"),
            (T0 + 1.0 + STARTUP_H, "ready:az-b"),  # pulled once the NAT is back
            (T0 + 1.0 + STARTUP_H, "ready:az-b"),
        ],
    )


def test_image_pull_with_ecr_endpoints_ignores_the_nat() -> None:
    data = base(spread="do-not-schedule", ecr=True)
    chaos(data, "node", "b")
    chaos(data, "nat-gateway", "b", for_h=1.0)
    model, _, pods = build(data)
    model.run()
    ready = T0 + NOT_READY_H + EVICT_H + 1 * S + LAUNCH_H
    assert [t for t, e in pods if e.startswith("ready")] == pytest.approx([ready + STARTUP_H] * 2)


def test_managed_node_failure_is_replaced_by_the_node_group() -> None:
    data = base()
    env = data["environments"]["prod"]
    env["cluster"]["node_pools"] = {
        "baseline": {
            "provisioner": "managed",
            "capacity_type": "on-demand",
            "arch": "arm64",
            "instance_types": ["m7g.large"],
            "min_nodes": 3,
            "launch_latency": "90s",
        }
    }
    chaos(data, "node", "b")
    model, cluster, pods = build(data)
    [dead] = [n for n in cluster.nodes if n.zone.index == 1]
    model.run()
    replaced = T0 + 90 * S
    new_id = max(n.id for n in cluster.nodes)
    assert_log(
        after(cluster.events, T0),
        [
            (T0, f"node-failed:{dead.id}:node-failure"),
            (T0 + NOT_READY_H, f"node-notready:{dead.id}"),
            (replaced, f"node-terminated:{dead.id}"),
            (replaced, f"node-launch:{new_id}:m7g.large:az-b:on-demand"),
            (replaced, f"node-ready:{new_id}"),
        ],
    )
    # the pods of the terminated node are recreated at once; kube-scheduler runs before the
    # new node is Ready, so they land on the running nodes of the other zones (ScheduleAnyway)
    assert_log(
        pods,
        [
            (replaced, "bind:az-a"),
            (replaced, "bind:az-c"),
            (replaced + STARTUP_H, "ready:az-a"),
            (replaced + STARTUP_H, "ready:az-c"),
        ],
    )
    assert len(cluster.nodes) == 3


# -- NAT Gateways and egress ---------------------------------------------------------------------


def egress_scenario(nat: str) -> dict:
    data = base(nat=nat)
    data["environments"]["prod"]["workloads"]["api"]["needs"] = ["egress"]
    return data


def test_nat_failure_per_az_loses_the_share_of_the_pods_in_that_az() -> None:
    data = egress_scenario("per_az")
    chaos(data, "nat-gateway", "b", for_h=0.5)
    model, cluster, _ = build(data)
    api = cluster.workloads["api"]
    in_b = pods_in(cluster, 1)
    total = len(api.pods)
    assert (in_b, total) == (2, 6)
    # the remaining pods can carry the demand, so only the share routed to az b fails
    assert (total - in_b) * api.capacity_rps >= DEMAND_RPS
    recorders = observe(model)
    model.run()
    recorder = recorders["prod"].availability
    assert recorder is not None
    expected = DEMAND_RPS * 3600 * 0.5 * in_b / total
    assert recorder.lost_requests == pytest.approx(expected, rel=1e-9)
    assert recorder.lost_by_cause == {"nat-failure": pytest.approx(expected, rel=1e-9)}
    [incident] = recorder.incidents
    assert (incident.start_h, incident.end_h) == pytest.approx((T0, T0 + 0.5))
    assert incident.min_success == pytest.approx(1 - in_b / total)


def test_nat_failure_loses_only_the_share_of_requests_that_need_egress() -> None:
    data = egress_scenario("per_az")
    data["environments"]["prod"]["workloads"]["api"]["egress_share"] = "40%"
    chaos(data, "nat-gateway", "b", for_h=0.5)
    model, _, _ = build(data)
    recorders = observe(model)
    model.run()
    recorder = recorders["prod"].availability
    assert recorder is not None
    # the pods of az b still serve the 60 % of their requests that need no egress
    expected = DEMAND_RPS * 3600 * 0.5 * 2 / 6 * 0.4
    assert recorder.lost_requests == pytest.approx(expected, rel=1e-9)
    assert recorder.lost_by_cause == {"nat-failure": pytest.approx(expected, rel=1e-9)}
    [incident] = recorder.incidents
    assert incident.min_success == pytest.approx(1 - 2 / 6 * 0.4)


def test_nat_route_failover_to_another_az_after_the_detection_time() -> None:
    data = egress_scenario("per_az")
    data["environments"]["prod"]["network"]["nat_failover"] = {"enabled": True, "after": "5m"}
    chaos(data, "nat-gateway", "b", for_h=0.5)
    model, _, _ = build(data)
    env = model.environments["prod"]
    assert env.nat_failover is not None and env.nat_failover.events is not None
    recorders = observe(model)
    model.run()
    assert_log(
        env.nat_failover.events,
        [(T0 + 5 / 60, "nat-failover:az-b->az-a"), (T0 + 0.5, "nat-failback:az-b")],
    )
    # az b's requests that need egress fail only until its route points at az a's gateway
    recorder = recorders["prod"].availability
    assert recorder is not None
    expected = DEMAND_RPS * 300 * 2 / 6
    assert recorder.lost_requests == pytest.approx(expected, rel=1e-9)
    [incident] = recorder.incidents
    assert (incident.start_h, incident.end_h) == pytest.approx((T0, T0 + 5 / 60))


def test_single_nat_failure_loses_all_egress_traffic() -> None:
    data = egress_scenario("single")
    chaos(data, "nat-gateway", "a", for_h=0.5)
    model, _, _ = build(data)
    recorders = observe(model)
    model.run()
    recorder = recorders["prod"].availability
    assert recorder is not None
    expected = DEMAND_RPS * 3600 * 0.5
    assert recorder.lost_requests == pytest.approx(expected, rel=1e-9)
    assert recorder.full_outage_h == pytest.approx(0.5)
    [incident] = recorder.incidents
    assert incident.cause == "nat-failure" and incident.min_success == 0.0


def test_single_nat_failure_in_another_az_is_not_a_failure_of_the_gateway() -> None:
    data = egress_scenario("single")
    chaos(data, "nat-gateway", "b", for_h=0.5)  # az b routes through the gateway in az a
    model, _, _ = build(data)
    recorders = observe(model)
    model.run()
    recorder = recorders["prod"].availability
    assert recorder is not None
    assert recorder.lost_requests == pytest.approx(DEMAND_RPS * 3600 * 0.5, rel=1e-9)


# -- an AZ outage as it unfolds (scenarios/prod-chaos-az.yaml) -----------------------------------


def test_prod_chaos_az_outage_shows_dns_removal_and_registration_timeouts() -> None:
    scenario = load_scenario(SCENARIOS / "prod-chaos-az.yaml")
    model = build_model(scenario, seed=2026, replication=0, event_log=True)
    model.run()
    env = model.environments["prod"]
    assert env.alb is not None and env.alb.events is not None
    assert env.cluster is not None and env.cluster.events is not None
    assert env.karpenter is not None and env.karpenter.events is not None
    start, end = 121 * 24 + 14.0, 121 * 24 + 18.0  # AZ b down 14:00-18:00 on day 121
    alb = [(t, e) for t, e in env.alb.events if start - 1e-9 <= t <= end + 1e-9]
    assert [e for _, e in alb] == [
        "alb-node-down:az-b",
        "alb-dns-removed:az-b",
        "alb-dns-added:az-b",
    ]
    assert alb[0][0] == pytest.approx(start)
    assert 120 * S - 1e-9 <= alb[1][0] - start <= 210 * S + 1e-9
    # evicted pods wait for nodes Karpenter launches into az b: EC2 accepts them, they never
    # register, and each is deleted 15 minutes later (then provisioned again)
    launched = {
        e.split(":")[1]: t
        for t, e in env.cluster.events
        if start <= t < end - 0.25 and e.startswith("node-launch") and e.endswith("az-b:on-demand")
    }
    timeouts = {
        e.split(":")[1]: t for t, e in env.karpenter.events if e.startswith("registration-timeout")
    }
    assert launched, "no launch into the failed AZ"
    for node_id, t in launched.items():
        assert timeouts[node_id] == pytest.approx(t + 0.25)
