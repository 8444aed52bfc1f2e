"""The sweep's resume store: one JSON file per finished variant, reloaded on a rerun.

A variant's file is named by a hash of (scenario hash, seed, replications) and
written atomically as soon as its last replication finishes. A rerun loads it
instead of simulating again only if it matches exactly: the same scenario,
seed, replication count, package version and price-catalog version.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innovate_sim._version import __version__
from innovate_sim.cost.estimate import scenario_catalog
from innovate_sim.experiments.io import atomic_write_text
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.scenario import Scenario

__all__ = ["RECORD_FORMAT", "VariantRecord", "load_record", "save_record"]

#: Version of the per-variant resume file format.
RECORD_FORMAT = 1


@dataclass
class VariantRecord:
    """What a sweep keeps of one variant: per-replication figures, summary and provenance.

    Attributes:
        label: the variant's label.
        scenario_hash: hash of the variant's scenario.
        seed: experiment seed.
        requested: replications asked for.
        replication: numbers of the replications that completed, in order.
        monthly_cost_usd: per replication, mean monthly cost of the whole scenario.
        request_availability: per environment, per replication.
        downtime_min_per_year: per environment, per replication (time below the threshold).
        failed: numbers of the replications that raised.
        summary: :meth:`SimulationResult.summary` rows.
        provenance: :meth:`SimulationResult.provenance`.
        resumed: loaded from a resume file rather than simulated now.
    """

    label: str
    scenario_hash: str
    seed: int
    requested: int
    replication: list[int]
    monthly_cost_usd: list[float]
    request_availability: dict[str, list[float]]
    downtime_min_per_year: dict[str, list[float]]
    failed: list[int] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    resumed: bool = False

    @classmethod
    def from_result(cls, label: str, result: SimulationResult, requested: int) -> VariantRecord:
        """Reduce a result to the figures a sweep table needs (as its ``summary()`` does)."""
        years = result.horizon_years
        request: dict[str, list[float]] = {}
        downtime: dict[str, list[float]] = {}
        for env, group in result.availability.groupby("environment", sort=False):
            request[str(env)] = group["request_availability"].astype(float).tolist()
            downtime[str(env)] = (group["below_threshold_min"] / years).astype(float).tolist()
        whole = result.mean_monthly_cost().get("all")
        return cls(
            label=label,
            scenario_hash=result.scenario_hash,
            seed=result.seed,
            requested=requested,
            replication=[o.replication for o in result.outcomes if o.error is None],
            monthly_cost_usd=[] if whole is None else whole.astype(float).tolist(),
            request_availability=request,
            downtime_min_per_year=downtime,
            failed=[r for r, _ in result.failed],
            summary=[
                {str(k): v for k, v in row.items()} for row in result.summary().to_dict("records")
            ],
            provenance=result.provenance(),
        )

    def to_json(self) -> str:
        """The record as JSON (NaN written as null)."""
        payload = {"format": RECORD_FORMAT, **self.__dict__}
        payload.pop("resumed")
        return json.dumps(_clean(payload), indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> VariantRecord:
        """Read a record written by :meth:`to_json` (``ValueError`` if it is not one)."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.pop("format", None) != RECORD_FORMAT:
            raise ValueError("not a sweep variant record of this format")
        return cls(**data, resumed=True)

    def summary_frame(self) -> pd.DataFrame:
        """The variant's :meth:`SimulationResult.summary` as a DataFrame."""
        frame = pd.DataFrame(self.summary)
        for column in ("mean", "ci_low", "ci_high", "p5", "p50", "p95"):
            if column in frame:
                frame[column] = frame[column].astype(float)
        return frame


def _clean(value: Any) -> Any:
    """``value`` as plain JSON data: NaN and infinities become None, numpy scalars Python ones."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        return _clean(value.item())
    return value


def record_path(folder: Path, scenario_hash: str, seed: int, replications: int) -> Path:
    """Where the record of a variant run with this seed and replication count lives."""
    key = hashlib.sha256(f"{scenario_hash}:{seed}:{replications}".encode()).hexdigest()[:16]
    return folder / f"variant-{key}.json"


def save_record(folder: Path, record: VariantRecord) -> None:
    """Write ``record`` atomically into the resume folder."""
    path = record_path(folder, record.scenario_hash, record.seed, record.requested)
    atomic_write_text(path, record.to_json())


def load_record(
    folder: Path, label: str, scenario: Scenario, seed: int, replications: int
) -> VariantRecord | None:
    """The saved record of a variant if it matches this run exactly, else None."""
    scenario_hash = scenario.content_hash()
    try:
        text = record_path(folder, scenario_hash, seed, replications).read_text(encoding="utf-8")
        record = VariantRecord.from_json(text)
    except (OSError, ValueError, TypeError):
        return None
    prov = record.provenance
    matches = (
        record.scenario_hash == scenario_hash
        and record.seed == seed
        and record.requested == replications
        and prov.get("package_version") == __version__
        and prov.get("catalog_version") == scenario_catalog(scenario).version
    )
    if not matches:
        return None
    record.label = label
    return record
