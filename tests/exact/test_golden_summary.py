"""A pinned-seed golden summary of prod: any change to what the simulation computes shows here.

Three replications of ``scenarios/prod.yaml`` over its whole one-year horizon
with the scenario's own seed, summarised by :meth:`SimulationResult.summary`
(means, intervals and quantiles of availability, downtime, incidents and
monthly cost per environment). A refactor must leave the file unchanged; a
deliberate change of behaviour is one reviewed diff: regenerate it with
``UPDATE_GOLDEN=1``. Figures are written to 12 significant digits, so the
last bits of floating-point summation order do not count as a change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import innovate_sim as isim
from _results import succeeded

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "scenarios" / "prod.yaml"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "prod_summary.csv"
REPLICATIONS = 3


def _summary_csv() -> str:
    scenario = isim.load_scenario(PROD)
    result = succeeded(isim.simulate(scenario, REPLICATIONS, scenario.seed), REPLICATIONS)
    return result.summary().to_csv(index=False, float_format="%.12g", lineterminator="\n")


def test_prod_summary_matches_the_golden_file() -> None:
    text = _summary_csv()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing; run with UPDATE_GOLDEN=1 to create it")
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        "prod's simulated summary changed; review the diff and rerun with UPDATE_GOLDEN=1"
    )
