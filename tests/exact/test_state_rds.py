"""Deterministic logs of the RDS state machine (AVAILABILITY.md §2).

Every test runs the :class:`~innovate_sim.aws.rds.Database` with fixed
durations, injects failures at fixed times and asserts the exact list of
``(time_h, event)`` it records, then a few availability results through
:func:`~innovate_sim.aws.build.build_model`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from innovate_sim.aws.build import build_model
from innovate_sim.aws.infrastructure import Region, Zone
from innovate_sim.aws.rds import Database
from innovate_sim.engine import Simulation
from innovate_sim.metrics import observe
from innovate_sim.scenario import scenario_from_dict

S = 1 / 3600  # one second in hours
FAILOVER_H = 90 * S
REBUILD_H = 0.5
RECOVERY_H = 0.25
RESTORE_H = 0.75
DECISION_H = 0.25
LOG_UPLOAD_H = 5 / 60
LOG_PHASE_H = 0.03

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NO_FAILURES = {
    "az_outage": {"rate": 0},
    "nat_gateway": {"rate": 0},
    "node": {"rate": 0},
    "eks_control_plane": {"rate": 0},
    "rds_instance": {"rate": 0},
    "spot_interruption": {"rate": 0},
}


def fixed(value: float) -> Callable[[], float]:
    return lambda: value


def make_db(
    deployment: str,
    *,
    restore: bool = False,
    horizon_h: float = 100.0,
    zones: int = 3,
) -> tuple[Simulation, list[Zone], Database]:
    sim = Simulation(horizon_h)
    region = Region()
    region.zones = [Zone(i, region) for i in range(zones)]
    db = Database(
        sim=sim,
        deployment=deployment,
        zones=region.zones,
        primary_zone=0,
        failover=fixed(FAILOVER_H),
        rebuild=fixed(REBUILD_H),
        recovery=fixed(RECOVERY_H),
        restore=fixed(RESTORE_H) if restore else None,
        restore_decision_h=DECISION_H,
        log_upload_h=LOG_UPLOAD_H,
        log_phase_h=LOG_PHASE_H,
    )
    db.events = []
    return sim, region.zones, db


def assert_log(actual: list[tuple[float, str]], expected: list[tuple[float, str]]) -> None:
    assert [e for _, e in actual] == [e for _, e in expected], actual
    assert [t for t, _ in actual] == pytest.approx([t for t, _ in expected], abs=1e-9), actual


def outage(sim: Simulation, zone: Zone, start_h: float, duration_h: float) -> None:
    sim.at(start_h, zone.fail)
    sim.at(start_h + duration_h, zone.repair)


# -- Multi-AZ ------------------------------------------------------------------------------------


def test_multi_az_primary_failure_fails_over_and_rebuilds_the_old_primary() -> None:
    sim, _, db = make_db("multi-az")
    sim.at(1.0, db.fail_primary)
    sim.run()
    assert_log(
        db.events,
        [
            (1.0, "instance-0-failed"),
            (1.0, "down:rds-failover"),
            (1.0, "failover-start:rds-instance-failure"),
            (1.0 + FAILOVER_H, "failover-done"),
            (1.0 + FAILOVER_H, "writable"),
            (1.0 + REBUILD_H, "instance-0-repaired"),
        ],
    )
    assert db.writable and db.primary is db.instances[1]
    assert db.failovers == 1
    assert len(db.outages) == 1
    assert db.outages[0].start_h == 1.0 and db.outages[0].rpo_h == 0.0  # synchronous standby


def test_multi_az_second_failure_during_rebuild_waits_for_the_rebuild() -> None:
    sim, _, db = make_db("multi-az")
    sim.at(1.0, db.fail_primary)
    sim.at(1.2, db.fail_primary)  # the new primary fails while the old one is rebuilt
    sim.run()
    assert_log(
        db.events,
        [
            (1.0, "instance-0-failed"),
            (1.0, "down:rds-failover"),
            (1.0, "failover-start:rds-instance-failure"),
            (1.0 + FAILOVER_H, "failover-done"),
            (1.0 + FAILOVER_H, "writable"),
            (1.2, "instance-1-failed"),
            (1.2, "down:rds-instance-failure"),  # no standby: no failover
            (1.5, "instance-0-repaired"),
            (1.5, "writable"),  # the rebuilt instance becomes the primary
            (1.7, "instance-1-repaired"),
        ],
    )
    assert db.primary is db.instances[0]
    assert [(o.start_h, o.cause) for o in db.outages] == [
        (1.0, "rds-failover"),
        (1.2, "rds-instance-failure"),
    ]


def test_multi_az_az_outage_fails_over_and_resyncs_the_old_primary_after_the_az() -> None:
    sim, zones, db = make_db("multi-az")
    outage(sim, zones[0], 2.0, 1.0)
    sim.run()
    assert_log(
        db.events,
        [
            (2.0, "down:az-outage"),
            (2.0, "failover-start:az-outage"),
            (2.0 + FAILOVER_H, "failover-done"),
            (2.0 + FAILOVER_H, "writable"),
            (3.0 + REBUILD_H, "instance-0-repaired"),  # resynchronised as the standby
        ],
    )
    assert db.primary is db.instances[1]


def test_multi_az_losing_the_standby_az_keeps_writes_and_rebuilds_elsewhere() -> None:
    sim, zones, db = make_db("multi-az")
    outage(sim, zones[1], 2.0, 3.0)
    sim.at(2.1, db.fail_primary)  # the standby is being rebuilt: no failover possible
    sim.run()
    assert_log(
        db.events,
        [
            (2.1, "instance-0-failed"),
            (2.1, "down:rds-instance-failure"),
            (2.5, "instance-1-repaired"),  # rebuilt in a healthy AZ at 2.0 + 0.5
            (2.5, "writable"),
            (2.6, "instance-0-repaired"),
        ],
    )
    # the new standby goes to the AZ that holds no other instance, not next to the primary
    assert db.instances[1].zone is zones[2]


def test_reboot_with_failover_costs_one_failover() -> None:
    sim, _, db = make_db("multi-az")
    sim.at(3.0, db.reboot_with_failover)
    sim.run()
    assert_log(
        db.events,
        [
            (3.0, "down:rds-failover"),
            (3.0, "failover-start:rds-failover"),
            (3.0 + FAILOVER_H, "failover-done"),
            (3.0 + FAILOVER_H, "writable"),
        ],
    )


# -- Single-AZ -----------------------------------------------------------------------------------


def test_single_az_instance_failure_is_down_until_recovery() -> None:
    sim, _, db = make_db("single-az")
    sim.at(1.0, db.fail_primary)
    sim.run()
    assert_log(
        db.events,
        [
            (1.0, "instance-0-failed"),
            (1.0, "down:rds-instance-failure"),
            (1.0 + RECOVERY_H, "instance-0-repaired"),
            (1.0 + RECOVERY_H, "writable"),
        ],
    )
    assert db.failovers == 0


def test_single_az_az_outage_wait_for_az() -> None:
    sim, zones, db = make_db("single-az")
    outage(sim, zones[0], 1.0, 4.0)
    sim.run()
    assert_log(db.events, [(1.0, "down:az-outage"), (5.0, "writable")])
    assert db.primary is db.instances[0] and db.instances[0].zone is zones[0]


@pytest.mark.parametrize("failure_h", [1.0, 1.0 + 7 * S, 2.0 + 4 / 60 + 59 * S])
def test_single_az_az_outage_restore_pitr(failure_h: float) -> None:
    sim, zones, db = make_db("single-az", restore=True)
    outage(sim, zones[0], failure_h, 4.0)
    sim.run()
    restored_h = failure_h + DECISION_H + RESTORE_H
    assert_log(
        db.events,
        [(failure_h, "down:az-outage"), (restored_h, "restored"), (restored_h, "writable")],
    )
    assert db.instances[0].zone is zones[1]  # restored into another AZ
    [lost] = db.outages
    assert lost.cause == "rds-restore"
    rpo_h = (failure_h - db.log_phase_h) % db.log_upload_h
    assert lost.rpo_h == pytest.approx(rpo_h, abs=1e-12)
    assert 0 <= lost.rpo_h < LOG_UPLOAD_H  # writes since the last 5-minute log upload


def test_single_az_az_back_before_the_restore_cancels_it() -> None:
    sim, zones, db = make_db("single-az", restore=True)
    outage(sim, zones[0], 1.0, 0.5)  # back before decision + restore (1 h)
    sim.run()
    assert_log(db.events, [(1.0, "down:az-outage"), (1.5, "writable")])
    assert db.instances[0].zone is zones[0]
    assert db.outages[0].rpo_h == 0.0


# -- maintenance ---------------------------------------------------------------------------------


def test_os_patch_multi_az_is_one_failover() -> None:
    sim, _, db = make_db("multi-az")
    sim.at(4.0, lambda: db.os_patch(10 / 60))
    sim.run()
    assert_log(
        db.events,
        [
            (4.0, "patch-failover"),
            (4.0, "down:rds-maintenance"),
            (4.0, "failover-start:rds-maintenance"),
            (4.0 + FAILOVER_H, "failover-done"),
            (4.0 + FAILOVER_H, "writable"),
        ],
    )
    assert db.primary is db.instances[1] and db.failovers == 1


def test_os_patch_single_az_is_offline_for_the_patch() -> None:
    sim, _, db = make_db("single-az")
    sim.at(4.0, lambda: db.os_patch(10 / 60))
    sim.run()
    assert_log(db.events, [(4.0, "down:rds-maintenance"), (4.0 + 10 / 60, "writable")])


@pytest.mark.parametrize("deployment", ["single-az", "multi-az"])
def test_engine_upgrade_takes_an_instance_deployment_down(deployment: str) -> None:
    sim, _, db = make_db(deployment)
    sim.at(4.0, lambda: db.engine_upgrade(0.25, cluster_failover_h=30 * S))
    sim.run()
    assert_log(db.events, [(4.0, "down:rds-maintenance"), (4.25, "writable")])
    assert db.failovers == 0


def test_engine_upgrade_of_a_cluster_is_one_failover_to_an_upgraded_reader() -> None:
    sim, _, db = make_db("multi-az-cluster")
    sim.at(4.0, lambda: db.engine_upgrade(0.25, cluster_failover_h=30 * S))
    sim.run()
    assert_log(
        db.events,
        [
            (4.0, "upgrade-failover"),
            (4.0, "down:rds-maintenance"),
            (4.0, "failover-start:rds-maintenance"),
            (4.0 + 30 * S, "failover-done"),
            (4.0 + 30 * S, "writable"),
            (4.25, "instance-0-upgraded"),
        ],
    )
    assert db.primary is db.instances[1] and db.failovers == 1
    assert all(instance.healthy for instance in db.instances)


def test_engine_upgrade_of_a_cluster_without_a_reader_is_in_place() -> None:
    sim, _, db = make_db("multi-az-cluster", horizon_h=2.3)  # before the readers' rebuilds
    sim.at(1.9, lambda: db.fail_instance(1))
    sim.at(1.95, lambda: db.fail_instance(2))
    sim.at(2.0, lambda: db.engine_upgrade(0.25, cluster_failover_h=30 * S))
    sim.run()
    assert_log(
        db.events,
        [
            (1.9, "instance-1-failed"),
            (1.95, "instance-2-failed"),
            (2.0, "down:rds-maintenance"),
            (2.25, "writable"),
        ],
    )


@pytest.mark.parametrize(
    ("now_h", "expected_h"),
    [(0.0, 148.0), (147.9, 148.0), (148.0, 148.0), (148.1, 316.0), (200.0, 316.0), (400, 484.0)],
)
def test_next_window_is_the_next_weekly_window(now_h: float, expected_h: float) -> None:
    sim, _, db = make_db("multi-az", horizon_h=1000)
    seen: list[float] = []
    sim.at(now_h, lambda: seen.append(db.next_window_h(6 * 24 + 4)))  # sun:04:00
    sim.run()
    assert seen == [pytest.approx(expected_h)]


# -- through build_model -------------------------------------------------------------------------


def prod_dict(**overrides: Any) -> dict[str, Any]:
    with (SCENARIOS / "prod.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    data["horizon"] = overrides.pop("horizon", "2d")
    data["failures"] = copy.deepcopy(NO_FAILURES)
    env = data["environments"]["prod"]
    env["demand"] = {"profile": "flat", "peak_rps": 300}
    env["database"]["maintenance"] = {"os_patch_rate": 0, "engine_upgrade_rate": 0}
    data["chaos"] = overrides.pop("chaos", [])
    assert not overrides
    return data


def test_maintenance_happens_in_the_weekly_window_through_build_model() -> None:
    data = prod_dict(horizon="6w")
    env = data["environments"]["prod"]
    env["database"]["maintenance"] = {
        "os_patch_rate": "50/y",
        "engine_upgrade_rate": 0,
        "window": "sun:04:00",
    }
    data["failures"]["rds_failover"] = {"multi_az": "90s"}
    model = build_model(scenario_from_dict(data), seed=7, replication=0, event_log=True)
    model.run()
    db = model.environments["prod"].database
    assert db is not None and db.events is not None
    patches = [t for t, e in db.events if e == "patch-failover"]
    assert patches, "50 patches a year over 6 weeks: some must arrive"
    for t in patches:
        assert (t - 148.0) % 168.0 == pytest.approx(0.0, abs=1e-9)
    done = [t for t, e in db.events if e == "failover-done"]
    assert done == pytest.approx([t + FAILOVER_H for t in patches])


def test_az_outage_incident_in_prod() -> None:
    data = prod_dict(chaos=[{"at": "10h", "environment": "prod", "fail": "az", "az": "b"}])
    data["chaos"][0]["for"] = "1h"
    data["environments"]["prod"]["database"]["recovery"] = {"standby_rebuild": "30m"}
    model = build_model(scenario_from_dict(data), seed=3, replication=0, event_log=True)
    recorders = observe(model)
    model.run()
    env = model.environments["prod"]
    recorder = recorders["prod"].availability
    assert recorder is not None
    # the primary (az a) keeps running: the loss is the pods of az b until the ALB notices, and
    # the requests clients send to az b's ALB node until DNS drops it (ingress.dns_removal)
    [incident] = recorder.incidents
    assert incident.start_h == pytest.approx(10.0)
    assert incident.cause == "az-outage"
    assert 120 * S - 1e-9 <= incident.end_h - incident.start_h <= 210 * S + 1e-9
    assert set(recorder.lost_by_cause) == {"az-outage"}
    db = env.database
    assert db is not None and db.events is not None
    assert_log(db.events, [(10.5, "instance-1-repaired")])  # standby rebuilt elsewhere
    assert [i.zone.name for i in db.instances] == ["az-a", "az-c"]
    assert db.outages == []


def test_rds_primary_chaos_incident_in_prod() -> None:
    data = prod_dict(chaos=[{"at": "10h", "environment": "prod", "fail": "rds-primary"}])
    data["failures"]["rds_failover"] = {"multi_az": "90s"}
    model = build_model(scenario_from_dict(data), seed=3, replication=0, event_log=True)
    recorders = observe(model)
    model.run()
    recorder = recorders["prod"].availability
    assert recorder is not None
    [incident] = recorder.incidents
    assert (incident.start_h, incident.end_h) == pytest.approx((10.0, 10.0 + FAILOVER_H))
    assert incident.cause == "rds-failover"
    assert incident.min_success == 0.0  # api needs the database and takes all requests
    assert recorder.full_outage_h == pytest.approx(FAILOVER_H)
    assert recorder.lost_requests == pytest.approx(300 * 90)
