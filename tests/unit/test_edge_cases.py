"""Edge cases of the model and the experiment layer (issue #7 item 4).

Each test builds a small variant of a bundled scenario (as plain data, so the
case is visible in the test) and checks what must hold at the edge: exact
availability with no failures, outages cut by the horizon, no demand, one
AZ, every AZ down at once, Spot with no fallback, NodePool limits, one
replication, and memory that stays bounded over many replications.
"""

from __future__ import annotations

import copy
import math
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import innovate_sim as isim
from innovate_sim.aws.build import build_model
from innovate_sim.aws.cluster_state import Node
from innovate_sim.cli import main
from innovate_sim.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
PROD: dict[str, Any] = yaml.safe_load((SCENARIOS / "prod.yaml").read_text(encoding="utf-8"))
DEV: dict[str, Any] = yaml.safe_load((SCENARIOS / "dev.yaml").read_text(encoding="utf-8"))

#: Every random failure process off (RDS maintenance too).
NO_FAILURES = {
    "az_outage": {"rate": "0/y"},
    "nat_gateway": {"rate": "0/y"},
    "node": {"rate": "0/y"},
    "spot_interruption": {"rate": "0/y"},
    "eks_control_plane": {"rate": "0/y"},
    "rds_instance": {"rate": "0/y"},
}
NO_MAINTENANCE = {"os_patch_rate": "0/y", "engine_upgrade_rate": "0/y"}


def prod(horizon: str = "30d", *, failures: bool = True, **top: Any) -> dict[str, Any]:
    """prod.yaml as data, over ``horizon``, optionally without random failures."""
    data = copy.deepcopy(PROD)
    data["horizon"] = horizon
    if not failures:
        data["failures"] = copy.deepcopy(NO_FAILURES)
        data["environments"]["prod"]["database"]["maintenance"] = dict(NO_MAINTENANCE)
    data.update(top)
    return data


def simulate(data: dict[str, Any], replications: int = 2, seed: int = 1) -> isim.SimulationResult:
    result = isim.simulate(isim.scenario_from_dict(data), replications, seed)
    assert result.failed == [], result.failed
    check_invariants(result)
    return result


def check_invariants(result: isim.SimulationResult) -> None:
    """What holds for every result: bounded availability, served ≤ demanded, no NaN."""
    availability = result.availability
    horizon_min = result.scenario.horizon * 60.0
    assert not availability.empty
    numeric = availability.drop(columns=["environment"])
    assert not numeric.isna().any().any(), availability
    for column in ("request_availability", "time_availability"):
        assert availability[column].between(0.0, 1.0).all(), column
    assert (availability["served_requests"] <= availability["demand_requests"] + 1e-6).all()
    assert (availability["lost_requests"] >= -1e-6).all()
    for column in ("full_outage_min", "degraded_min", "below_threshold_min"):
        assert availability[column].between(0.0, horizon_min + 1e-6).all(), column
    incidents = result.incidents
    if not incidents.empty:
        assert (incidents["start_h"] >= 0).all()
        assert (incidents["end_h"] <= result.scenario.horizon + 1e-9).all()
        assert (incidents["end_h"] >= incidents["start_h"]).all()


def chaos_az(at: str, length: str, *azs: str, env: str = "prod") -> list[dict[str, Any]]:
    return [{"at": at, "environment": env, "fail": "az", "az": az, "for": length} for az in azs]


# -- failures ---------------------------------------------------------------------------------


def test_zero_failure_rates_give_availability_exactly_one() -> None:
    result = simulate(prod(failures=False))
    availability = result.availability
    assert (availability["request_availability"] == 1.0).all()
    assert (availability["time_availability"] == 1.0).all()
    assert (availability["lost_requests"] == 0.0).all()
    assert (availability[["full_outage_min", "degraded_min", "incidents"]] == 0).all().all()
    assert result.incidents.empty
    counters = result.counters
    for column in ("rds_outages", "nat_failures", "control_plane_outages", "az_outages"):
        assert (counters[column] == 0).all(), column
    summary = result.summary().set_index("metric")
    assert summary.loc["request_availability", "mean"] == 1.0
    assert summary.loc["full_outage_min_per_year", "mean"] == 0.0


def test_horizon_shorter_than_one_outage() -> None:
    """horizon 1h, AZ a out at 30m for 4h: the outage is cut at the horizon, nothing breaks."""
    result = simulate(prod("1h", failures=False, chaos=chaos_az("30m", "4h", "a")))
    incidents = result.incidents
    assert not incidents.empty
    assert set(incidents["cause"]) == {"az-outage"}
    assert (incidents["start_h"] == 0.5).all()
    row = result.availability.iloc[0]
    # before 30m all is well; afterwards at most the remaining 30 minutes are lost
    assert row["below_threshold_min"] <= 30.0 + 1e-9
    assert row["request_availability"] < 1.0
    assert (result.counters["az_outages"] == 1).all()


def test_an_outage_must_start_inside_the_horizon() -> None:
    with pytest.raises(ScenarioError, match=r"chaos\[0\]\.at: .*end of the horizon"):
        isim.scenario_from_dict(prod("1h", chaos=chaos_az("2h", "1h", "a")))


def test_outage_overlapping_the_horizon_end() -> None:
    """Every AZ out 2h before a 30-day horizon ends, for 4h: exactly 120 min of full outage."""
    end = 30 * 24
    result = simulate(prod(failures=False, chaos=chaos_az(f"{end - 2}h", "4h", "a", "b", "c")))
    availability = result.availability
    assert availability["full_outage_min"].tolist() == pytest.approx([120.0, 120.0])
    incidents = result.incidents
    assert len(incidents) == 2  # one per replication, closed at the horizon
    assert set(incidents["cause"]) == {"az-outage"}
    assert incidents["end_h"].tolist() == pytest.approx([end, end])
    assert incidents["duration_min"].tolist() == pytest.approx([120.0, 120.0])


def test_all_azs_down_at_once() -> None:
    """A 3-hour outage of every AZ: a full outage for its length (plus pods restarting)."""
    result = simulate(prod(failures=False, chaos=chaos_az("10d", "3h", "a", "b", "c")))
    for row in result.availability.itertuples():
        # The database is back the moment its AZs are (synchronous standby, nothing
        # written meanwhile); pods restart on the returning nodes within seconds.
        assert 180.0 <= row.full_outage_min <= 183.0, row
        assert row.incidents == 1
    incidents = result.incidents
    assert set(incidents["cause"]) == {"az-outage"}
    assert (incidents["start_h"] == 240.0).all()
    assert incidents["duration_min"].between(180.0, 183.0).all()
    assert (result.counters["az_outages"] == 3).all()


def test_multi_az_database_is_back_when_every_az_returns() -> None:
    """The RDS model alone: both instances' AZs go down and return; writes resume at once."""
    from innovate_sim.aws.build import build_model

    data = prod("1d", failures=False, chaos=chaos_az("6h", "1h", "a", "b", "c"))
    model = build_model(isim.scenario_from_dict(data), 1, 0, event_log=True)
    model.run()
    database = model.environments["prod"].database
    assert database is not None and database.events is not None
    back = [t for t, what in database.events if what == "writable"]
    assert back and back[0] == pytest.approx(7.0)


# -- demand and size --------------------------------------------------------------------------


def test_zero_demand() -> None:
    data = prod(failures=False)
    data["environments"]["prod"]["demand"]["peak_rps"] = 0
    result = simulate(data)
    availability = result.availability
    assert (availability["demand_requests"] == 0).all()
    assert (availability["request_availability"] == 1.0).all()
    assert (availability["time_availability"] == 1.0).all()
    summary = result.summary()
    rows = summary[summary["unit"] == "fraction"]
    assert rows["mean"].notna().all() and (rows["mean"] == 1.0).all()
    assert summary["mean"].map(math.isfinite).all()
    bill = isim.estimate_cost(isim.scenario_from_dict(data)).to_frame()
    assert bill["monthly_usd"].map(math.isfinite).all() and (bill["monthly_usd"] >= 0).all()


def test_zero_demand_with_failures() -> None:
    """Outages while nobody asks: nothing lost, availability 1, no division by zero."""
    data = prod(chaos=chaos_az("10d", "3h", "a", "b", "c"))
    data["environments"]["prod"]["demand"]["peak_rps"] = 0
    result = simulate(data)
    assert (result.availability["request_availability"] == 1.0).all()
    assert (result.availability["lost_requests"] == 0).all()


def one_az(**database: Any) -> dict[str, Any]:
    data = prod(failures=False)
    env = data["environments"]["prod"]
    env["availability_zones"] = 1
    env["database"]["deployment"] = "single-az"
    env["database"].update(database)
    return data


def test_one_az() -> None:
    data = one_az()
    scenario = isim.scenario_from_dict(data)
    env = scenario.environments["prod"]
    assert env.availability_zones == 1 and env.network.nat_gateways == "per_az"
    bill = isim.estimate_cost(scenario).to_frame()
    nat_hours = bill[bill["component"] == "NAT Gateway (hours)"]
    assert len(nat_hours) == 1 and nat_hours["quantity"].iloc[0] == pytest.approx(730.0)
    assert nat_hours["resource"].iloc[0].endswith("az-a")
    result = simulate(data)
    assert (result.availability["request_availability"] == 1.0).all()


def test_one_az_outage_is_a_full_outage() -> None:
    result = simulate({**one_az(), "chaos": chaos_az("10d", "2h", "a")})
    for row in result.availability.itertuples():
        assert 120.0 <= row.full_outage_min <= 123.0, row
    assert set(result.incidents["cause"]) == {"az-outage"}


def test_one_az_refuses_a_multi_az_database() -> None:
    data = one_az()
    data["environments"]["prod"]["database"]["deployment"] = "multi-az"
    with pytest.raises(ScenarioError, match="needs at least 2 AZs"):
        isim.scenario_from_dict(data)


# -- capacity ---------------------------------------------------------------------------------


def _surge(env: dict[str, Any], rps: float, multiplier: float) -> None:
    """Flat demand that surges ×multiplier from 1h to 5h (the cluster must grow)."""
    env["demand"] = {
        "profile": "flat",
        "peak_rps": rps,
        "spikes": [{"at": "1h", "duration": "4h", "multiplier": multiplier}],
    }


def test_spot_without_on_demand_fallback() -> None:
    """Spot only, every launch fails for capacity: pods stay pending, the shortfall is recorded."""
    data = copy.deepcopy(DEV)
    data["horizon"] = "6h"
    data["failures"] = copy.deepcopy(NO_FAILURES)
    env = data["environments"]["dev"]
    env["database"]["maintenance"] = dict(NO_MAINTENANCE)
    env["cluster"]["node_pools"]["spot"]["capacity_type"] = ["spot"]
    env["cluster"]["karpenter"] = {"capacity_error_probability": "100%"}
    _surge(env, 100, 8)
    scenario = isim.scenario_from_dict(data)
    assert scenario.environments["dev"].cluster.node_pools["spot"].capacity_type == ["spot"]
    result = simulate(data)
    counters = result.counters
    assert (counters["karpenter_launches"] == 0).all()
    assert (counters["capacity_errors"] > 0).all()
    assert "capacity-shortfall" in set(result.incidents["cause"])
    assert (result.availability["request_availability"] < 1.0).all()
    timeline = result.timeline(0)
    assert timeline["pending_pods"].max() > 0
    # no Spot node beyond those running before the surge
    assert timeline["nodes_spot"].max() == timeline["nodes_spot"].iloc[0]


#: (pool name, its vCPUs, its vCPU limit, seen at a launch rather than after the warm start)
PoolVcpus = tuple[str, float, float | None, bool]


def _pool_vcpus(scenario: isim.Scenario, seed: int, replication: int) -> list[PoolVcpus]:
    """(pool, its vCPUs, its vCPU limit) after the warm start, then at every node launch."""
    model = build_model(scenario, seed, replication)
    seen: list[PoolVcpus] = []

    def added(node: Node) -> None:
        seen.append((node.pool.name, node.pool.vcpu(), node.pool.spec.limits.cpu, True))

    for environment in model.environments.values():
        if environment.cluster is not None:
            seen += [
                (pool.name, pool.vcpu(), pool.spec.limits.cpu, False)
                for pool in environment.cluster.pools.values()
            ]
            environment.cluster.on_node_added.append(added)
    model.run()
    return seen


def test_nodepool_limit_reached() -> None:
    """limits.cpu 4 under 20× the demand: pods pend, never more vCPUs than the limit."""
    data = prod("1d", failures=False)
    env = data["environments"]["prod"]
    env["cluster"]["node_pools"]["general"]["limits"] = {"cpu": 4}
    _surge(env, 1000, 20)
    result = simulate(data)
    # the same replications, watched at every launch
    seen = [
        sample
        for replication in range(result.replications)
        for sample in _pool_vcpus(result.scenario, result.seed, replication)
    ]
    general = [vcpu for pool, vcpu, _, launch in seen if pool == "general" and launch]
    assert general, "the limited pool launched nothing at all"
    assert max(general) <= 4
    assert all(limit is None or vcpu <= limit for _, vcpu, limit, _ in seen)
    assert "capacity-shortfall" in set(result.incidents["cause"])
    assert result.timeline(0)["pending_pods"].max() > 0
    assert (result.availability["request_availability"] < 1.0).all()


# -- the experiment layer ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def week_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edge") / "prod-week.yaml"
    path.write_text(
        f"extends: {SCENARIOS / 'prod.yaml'}\nname: prod-week\nhorizon: 7d\n", encoding="utf-8"
    )
    return path


def test_single_replication_has_an_undefined_ci_with_a_note(
    week_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = isim.simulate(isim.load_scenario(week_file), 1, 4)
    summary = result.summary()
    assert not summary.empty and (summary["n"] == 1).all()
    assert summary["mean"].notna().all()
    assert summary["ci_low"].isna().all() and summary["ci_high"].isna().all()
    assert (summary["ci_note"] == "CI undefined with n=1").all()
    # saved: the note travels, the bounds are null (JSON has no NaN)
    from innovate_sim.experiments.io import save_result

    save_result(result, tmp_path)
    import json

    saved = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["summary"]
    assert all(row["ci_low"] is None and row["ci_note"] for row in saved)
    # the command line says so in words
    capsys.readouterr()
    assert main(["run", str(week_file), "-n", "1", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "undefined" in out
    assert not re.search(r"\bnan\b", out, re.IGNORECASE), "a silent NaN in the output"


def test_two_replications_define_the_ci() -> None:
    summary = simulate(prod("7d"), 2).summary()
    assert summary["ci_low"].notna().all()
    # a week rarely sees a loss: those rows say their interval bounds nothing
    notes = summary.set_index("metric")["ci_note"]
    assert not notes.str.contains("undefined").any()
    lossless = summary[(summary["unit"] == "fraction") & (summary["mean"] == 1.0)]
    assert lossless["ci_note"].str.contains("no replication of 2 saw a loss").all()
    assert (summary.loc[summary["unit"].str.startswith("USD"), "ci_note"] == "").all()


MEMORY_SCRIPT = textwrap.dedent(
    """
    import copy, json, pickle, resource, sys
    from pathlib import Path

    import yaml

    import innovate_sim as isim

    data = yaml.safe_load(Path(sys.argv[1]).read_text())
    data["horizon"] = "30d"
    data["environments"]["prod"]["demand"].update(peak_rps=600, trough_fraction="50%")
    scenario = isim.scenario_from_dict(data)

    def rss_kib():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    warm = isim.simulate(scenario, 30, 1)
    before = rss_kib()
    many = isim.simulate(scenario, 300, 1)
    after = rss_kib()
    sizes = [len(pickle.dumps(o)) for o in many.outcomes]
    print(json.dumps({
        "rss_growth_kib": after - before,
        "failed": len(many.failed),
        "max_outcome_bytes": max(sizes),
        "mean_outcome_bytes": sum(sizes) / len(sizes),
        "timelines": sum(o.timeline is not None for o in many.outcomes),
        "warm": warm.replications,
    }))
    """
)


def test_memory_stays_bounded_over_many_replications() -> None:
    """300 replications of a 30-day scenario: memory grows by the small outcomes only.

    One replication's model (clusters, pods, recorders) takes about 200 KiB of
    Python objects while it runs; what a replication keeps (its outcome) is
    1–5 KiB. Peak RSS after 30 warm-up replications and again after 300 more
    may therefore grow by 300 × a few KiB plus allocator slack; if models or
    event histories were kept, it would grow by ≥ 300 × 200 KiB ≈ 60 MiB. The
    bound asserted, 16 MiB (≈ 55 KiB per replication), sits between the two
    with margin both ways. Run in a fresh process so that peak RSS means
    this experiment only.
    """
    import json

    completed = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(SCENARIOS / "prod.yaml")],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    assert figures["failed"] == 0
    assert figures["timelines"] == 0  # per-event history only when asked for
    assert figures["max_outcome_bytes"] < 32 * 1024, figures
    assert figures["rss_growth_kib"] < 16 * 1024, figures


def test_frames_have_no_silent_nan_for_a_normal_run() -> None:
    result = simulate(prod("7d"), 2)
    summary = result.summary()
    assert summary[["mean", "ci_low", "ci_high", "p5", "p50", "p95"]].notna().all().all()
    assert isinstance(result.availability, pd.DataFrame)
