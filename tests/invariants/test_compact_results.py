"""Issue 13: the fast paths give what the plain ones gave.

* the service state, computed from per-node and per-workload tallies, equals
  a walk over every pod (the definition, DESIGN §3.5) at every flush of a
  replication with AZ, node, NAT and database failures;
* a compact record gives back its outcome's rows exactly;
* the monthly cost table, built from node-hours, equals the per-component
  cost table summed by service (to float rounding).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import innovate_sim as isim
from innovate_sim.aws.build import build_model
from innovate_sim.aws.cluster import READY, RUNNING
from innovate_sim.aws.environment import EnvironmentModel
from innovate_sim.aws.service import ServiceState
from innovate_sim.experiments.records import compact
from innovate_sim.experiments.replication import run_replication

PROD = Path(__file__).resolve().parents[2] / "scenarios" / "prod.yaml"


def _busy_prod(horizon: str = "10d") -> isim.Scenario:
    """prod with failures frequent enough that every state occurs within days."""
    data = yaml.safe_load(PROD.read_text(encoding="utf-8"))
    data["horizon"] = horizon
    data["failures"] = {
        "az_outage": {"rate": "24/y"},
        "node": {"rate": "1/100h"},
        "nat_gateway": {"rate": "12/y"},
        "rds_instance": {"rate": "12/y"},
    }
    return isim.scenario_from_dict(data)


def _walk_every_pod(env: EnvironmentModel) -> list[tuple[int, float, float, dict[str, float]]]:
    """(routed, working, capacity, lost by cause) per serving workload, pod by pod."""
    db_ok = env.database is None or env.database.writable
    out = []
    for workload in env.serving:
        needs = workload.spec.needs
        share = workload.spec.egress_fraction
        routed = 0
        working = 0.0
        capacity = 0.0
        losses: dict[str, float] = {}
        for pod in workload.pods:
            node = pod.node
            if pod.state != READY or node is None or node.state != RUNNING:
                continue
            alive = not node.failed and node.zone.up
            if not alive and not node.routed:
                continue
            routed += 1
            if not alive:
                cause = node.death_cause or "node-failure"
            elif "database" in needs and not db_ok:
                cause = env.database.cause if env.database is not None else ""
            elif share > 0 and not env.egress.ok(node.zone.index):
                cause = env.egress.cause(node.zone.index)
                working += 1.0 - share  # the requests that need no egress are served
                capacity += (1.0 - share) * workload.pod_capacity_rps(node)
                losses[cause] = losses.get(cause, 0) + share
                continue
            else:
                working += 1
                capacity += workload.pod_capacity_rps(node)
                continue
            losses[cause] = losses.get(cause, 0) + 1
        out.append((routed, working, capacity, losses))
    return out


def test_service_state_from_tallies_equals_the_walk_over_every_pod() -> None:
    model = build_model(_busy_prod(), seed=3, replication=0)
    env = model.environments["prod"]
    assert env.curve is not None  # every flush evaluates the request path
    checked = {"flushes": 0, "states": 0, "degraded": 0}

    def count_flush(now: float) -> None:
        checked["flushes"] += 1

    def check(now: float, state: ServiceState) -> None:
        assert state == env.service_state()  # what the subscribers get is the state now
        checked["states"] += 1
        if not state.alb_up:
            return
        for service, (routed, working, capacity, losses) in zip(
            state.workloads, _walk_every_pod(env), strict=True
        ):
            assert service.capacity_rps == capacity  # bit for bit: summed in the same order
            assert service.working_fraction == (working / routed if routed else 0.0)
            if routed:
                assert dict(service.loss_causes) == {c: n / routed for c, n in losses.items()}
            checked["degraded"] += working < routed

    env.on_flush.append(count_flush)
    env.on_service_state.append(check)
    model.run()
    assert checked["flushes"] > 100
    assert checked["states"] == checked["flushes"], "a flush went unchecked"
    assert checked["degraded"] > 0, "the scenario must exercise the walk over dead nodes"


def test_a_compact_record_gives_back_its_outcome() -> None:
    outcome = run_replication(_busy_prod("40d"), 5, 1)
    assert outcome.error is None and outcome.incidents
    record = compact(outcome)
    assert record.environments == outcome.environments
    assert record.incidents == outcome.incidents
    assert list(record.monthly_rows()) == outcome.monthly
    assert list(record.node_usage()) == outcome.nodes
    assert list(record.allocation_rows()) == outcome.allocation
    assert record.launch_counts == outcome.launches
    assert (record.replication, record.events) == (outcome.replication, outcome.events)


def test_monthly_cost_equals_the_component_table_summed_by_service() -> None:
    result = isim.simulate(_busy_prod("40d"), 3, 11)
    keys = ["replication", "month", "account", "environment", "service"]
    expected = result.costs.groupby(keys, as_index=False)["usd"].sum()
    actual = result.monthly_cost
    pd.testing.assert_frame_equal(actual[keys], expected[keys], check_dtype=False)
    assert actual["usd"].to_numpy() == pytest.approx(expected["usd"].to_numpy(), rel=1e-12)
