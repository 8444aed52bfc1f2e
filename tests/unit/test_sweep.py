"""Sweeps: dotted paths and presets, the results table and Pareto set, resuming a killed sweep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import innovate_sim as isim
from innovate_sim.cli import main
from innovate_sim.errors import ScenarioError
from innovate_sim.experiments.sweep import pareto_mask
from innovate_sim.experiments.variants import (
    Preset,
    apply_at,
    expand_variants,
    parse_grid,
    scenario_data,
)

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
TRADEOFFS = SCENARIOS / "sweeps" / "prod-tradeoffs.yaml"
NAT = "environments.prod.network.nat_gateways"
RDS = "environments.prod.database.deployment"


def short_prod(horizon: str = "30d") -> isim.Scenario:
    """prod.yaml with a short horizon (tests stay fast)."""
    data = scenario_data(isim.load_scenario(SCENARIOS / "prod.yaml"))
    data["horizon"] = horizon
    return isim.scenario_from_dict(data)


def _without_names(scenario: isim.Scenario) -> dict[str, object]:
    return scenario.model_dump(mode="json", exclude={"name", "description"})


# -- paths, presets, variants ------------------------------------------------------------------


def test_dumped_scenarios_revalidate_to_the_same_scenario() -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = isim.load_scenario(path)
        again = isim.scenario_from_dict(scenario_data(scenario))
        assert again == scenario, path.name
        assert again.content_hash() == scenario.content_hash(), path.name


def test_unknown_path_names_the_path_and_the_valid_keys() -> None:
    data = scenario_data(short_prod())
    with pytest.raises(ScenarioError) as info:
        apply_at(data, "environments.prod.network.nat_gatway", "single")
    message = str(info.value)
    assert "environments.prod.network.nat_gatway" in message
    assert "did you mean 'nat_gateways'" in message
    assert "nat_gateways, endpoints, traffic" in message
    with pytest.raises(ScenarioError, match=r"unknown key 'staging' at environments; .*prod"):
        apply_at(data, "environments.staging.network.nat_gateways", "single")
    with pytest.raises(ScenarioError, match="is a value"):
        apply_at(data, "environments.prod.network.nat_gateways.mode", "single")
    with pytest.raises(ScenarioError, match="unknown key 'nope' at the top level"):
        isim.sweep(short_prod(), {"nope": [1]}, replications=1)


def test_a_bad_value_is_reported_as_an_invalid_variant() -> None:
    with pytest.raises(ScenarioError, match="variant 'per_a' is not a valid scenario"):
        isim.sweep(short_prod(), {NAT: ["per_a"]}, replications=1)


def test_mapping_values_are_merge_patches_at_the_path() -> None:
    data = scenario_data(short_prod())
    patched = apply_at(
        data, "environments.prod.cluster.node_pools.general", {"families": ["m7g"], "weight": 5}
    )
    general = patched["environments"]["prod"]["cluster"]["node_pools"]["general"]
    assert general["families"] == ["m7g"] and general["weight"] == 5
    assert general["provisioner"] == "karpenter"  # the rest of the subtree is kept
    assert data["environments"]["prod"]["cluster"]["node_pools"]["general"]["weight"] == 10


def test_tradeoffs_sweep_file_gives_the_handwritten_what_ifs() -> None:
    plan = isim.load_sweep(TRADEOFFS)
    assert plan.base is not None and plan.environment == "prod"
    variants = expand_variants([plan.base], parse_grid(plan.grid))
    assert len(variants) == 8
    assert [v.parameters for v in variants[:2]] == [
        {"nat": "per_az", "rds": "multi-az", "arch": "arm64"},
        {"nat": "per_az", "rds": "multi-az", "arch": "amd64"},
    ]
    by_label = {v.label: v.scenario for v in variants}
    expected = {
        "per_az/multi-az/arm64": "prod.yaml",
        "per_az/multi-az/amd64": "prod-x86.yaml",
        "single/multi-az/arm64": "prod-single-nat.yaml",
        "per_az/single-az/arm64": "prod-rds-single-az.yaml",
    }
    for label, file in expected.items():
        assert _without_names(by_label[label]) == _without_names(
            isim.load_scenario(SCENARIOS / file)
        ), label
    assert by_label["single/single-az/amd64"].name == "prod [single/single-az/amd64]"


def test_grid_names_and_presets() -> None:
    dims = parse_grid(
        {
            NAT: ["per_az", "single"],
            "environments.prod.cluster.node_pools": {
                "name": "arch",
                "values": [Preset("graviton", {}), {"label": "x86", "patch": {}}],
            },
        }
    )
    assert [d.name for d in dims] == ["nat_gateways", "arch"]
    assert [v.label for v in dims[1].values] == ["graviton", "x86"]
    assert [d.name for d in parse_grid({"a.b.x": [1], "c.b.x": [2]})] == ["a.b.x", "c.b.x"]
    with pytest.raises(ScenarioError, match="list of values"):
        parse_grid({NAT: "single"})


def test_pareto_mask() -> None:
    cost = [10.0, 20.0, 15.0, 10.0, 30.0, float("nan")]
    avail = [0.99, 0.999, 0.99, 0.995, 0.999, 1.0]
    # 0 is dominated by 3 (as cheap, more available); 2 by 3; 4 by 1 (as available, cheaper).
    assert pareto_mask(cost, avail) == [False, True, False, True, False, False]


# -- running ----------------------------------------------------------------------------------


def test_sweep_table_matches_each_variants_own_simulation() -> None:
    base = short_prod()
    result = isim.sweep(
        base, {NAT: ["per_az", "single"], RDS: ["multi-az", "single-az"]}, replications=2, seed=7
    )
    table = result.table
    assert list(table["variant"]) == [
        "per_az/multi-az",
        "per_az/single-az",
        "single/multi-az",
        "single/single-az",
    ]
    assert list(table.columns[:3]) == ["variant", "nat_gateways", "deployment"]
    for column in (
        "monthly_cost_usd",
        "monthly_cost_ci_low",
        "monthly_cost_ci_high",
        "request_availability",
        "request_availability_ci_low",
        "request_availability_ci_high",
        "downtime_min_per_year",
        "pareto",
    ):
        assert column in table
    assert (table["replications"] == 2).all()
    assert result.simulated == list(table["variant"]) and result.resumed == []
    # Each row is the variant's own simulation with the common seed.
    variant = result.variants[2]
    own = isim.simulate(variant.scenario, 2, 7).summary().set_index(["environment", "metric"])
    row = table.iloc[2]
    assert row["monthly_cost_usd"] == pytest.approx(
        own.loc[("all", "monthly_cost_usd"), "mean"], rel=1e-12
    )
    for column, (env, metric) in {
        "request_availability": ("prod", "request_availability"),
        "downtime_min_per_year": ("prod", "downtime_min_per_year"),
    }.items():
        for suffix, stat in (("", "mean"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high")):
            assert row[column + suffix] == pytest.approx(own.loc[(env, metric), stat], rel=1e-12)
    assert row["monthly_cost_ci_high"] == pytest.approx(
        own.loc[("all", "monthly_cost_usd"), "ci_high"], rel=1e-12
    )
    pd.testing.assert_frame_equal(
        result.summaries[variant.label], result.results[variant.label].summary()
    )
    # Common random numbers: the same AZ-outage history in every variant.
    outages = [
        list(r.counters.sort_values("replication")["az_outages"]) for r in result.results.values()
    ]
    assert all(o == outages[0] for o in outages)
    # A single NAT Gateway is cheaper than one per AZ, all else equal.
    assert table.iloc[2]["monthly_cost_usd"] < table.iloc[0]["monthly_cost_usd"]
    front = result.frontier()
    assert front["pareto"].all()
    assert list(front["monthly_cost_usd"]) == sorted(front["monthly_cost_usd"])


def test_variant_files_run_beside_the_base() -> None:
    base = short_prod()
    other = isim.scenario_from_dict(
        {**scenario_data(base), "name": "prod-single-nat"}
        | {"environments": apply_at(scenario_data(base), NAT, "single")["environments"]}
    )
    result = isim.sweep(base, variants=[other], replications=1)
    assert list(result.table["variant"]) == ["prod", "prod-single-nat"]
    assert result.table["monthly_cost_ci_low"].isna().all()  # one replication: no interval


_KILLED_SWEEP = """
import sys
import time
from pathlib import Path
import innovate_sim as isim
sys.path.insert(0, {tests!r})
from test_sweep import NAT, RDS, short_prod
# Pause after each saved variant so the test can kill the sweep between variants.
isim.sweep(short_prod("60d"), {{NAT: ["per_az", "single"], RDS: ["multi-az", "single-az"]}},
           replications=3, seed=11, resume_dir=Path({folder!r}),
           on_variant=lambda variant, resumed: time.sleep(2))
print("finished")
"""


def test_a_killed_sweep_resumes_with_only_the_missing_variants(tmp_path: Path) -> None:
    folder = tmp_path / "variants"
    code = _KILLED_SWEEP.format(tests=str(Path(__file__).parent), folder=str(folder))
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while not list(folder.glob("variant-*.json")):
            assert process.poll() is None, "the sweep ended before writing a variant"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    saved = sorted(p.name for p in folder.glob("variant-*.json"))
    assert 1 <= len(saved) < 4
    assert not list(folder.glob(".*.tmp"))  # atomic writes: no half-written file left behind

    grid = {NAT: ["per_az", "single"], RDS: ["multi-az", "single-az"]}
    ran: list[tuple[str, bool]] = []
    resumed = isim.sweep(
        short_prod("60d"),
        grid,
        replications=3,
        seed=11,
        resume_dir=folder,
        on_variant=lambda v, was_resumed: ran.append((v.label, was_resumed)),
    )
    assert len(resumed.resumed) == len(saved)
    assert sorted(label for label, was in ran if not was) == sorted(resumed.simulated)
    assert len(resumed.simulated) == 4 - len(saved)
    assert len(list(folder.glob("variant-*.json"))) == 4

    fresh = isim.sweep(short_prod("60d"), grid, replications=3, seed=11)
    pd.testing.assert_frame_equal(resumed.table, fresh.table)

    # A changed seed or replication count does not reuse the files.
    again = isim.sweep(short_prod("60d"), grid, replications=2, seed=11, resume_dir=folder)
    assert again.resumed == []


def test_cli_sweep_writes_table_plot_and_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "short.yaml"
    scenario.write_text(f"extends: {SCENARIOS / 'prod.yaml'}\nname: short\nhorizon: 30d\n")
    out = tmp_path / "out"
    args = ["sweep", str(scenario), "--set", f"{NAT}=per_az,single", "-n", "2", "--out", str(out)]
    assert main([*args, "--resume"]) == 0
    first = capsys.readouterr().out
    assert "2 variants simulated, 0 resumed" in first
    assert "Pareto set" in first and "◆" in first
    table = pd.read_csv(out / "sweep.csv")
    assert list(table["variant"]) == ["per_az", "single"]
    assert (out / "frontier.png").stat().st_size > 0
    assert main([*args, "--resume"]) == 0
    assert "0 variants simulated, 2 resumed" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(out / "sweep.csv"), table)


def test_cli_sweep_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = SCENARIOS / "prod.yaml"
    assert main(["sweep", str(scenario), "--set", "environments.prod.nat=a"]) == 2
    assert "valid keys there" in capsys.readouterr().err
    assert main(["sweep", str(scenario), "--set", "no-equals-sign"]) == 2
    assert main(["sweep", str(scenario), "--resume"]) == 2
    assert main(["sweep"]) == 2


def test_cli_compare_writes_differences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(f"extends: {SCENARIOS / 'prod.yaml'}\nname: a\nhorizon: 30d\n")
    b.write_text(f"extends: {SCENARIOS / 'prod-single-nat.yaml'}\nname: b\nhorizon: 30d\n")
    assert main(["compare", str(a), str(b), "-n", "2", "--out", str(tmp_path / "cmp")]) == 0
    diff = pd.read_csv(tmp_path / "cmp" / "differences.csv")
    assert {"environment", "metric", "mean_difference", "ci_low", "ci_high"} <= set(diff)
    assert (tmp_path / "cmp" / "differences.png").stat().st_size > 0
