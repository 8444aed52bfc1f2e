"""What-if sweeps: many scenario variants, common random numbers, one table, the Pareto set.

Every variant runs with the same seed, so replication *r* of each sees the
same failure history (random streams are named per process, DESIGN §3.2):
differences between rows are differences of design, not of luck.

Variants × chunks of replications are submitted to the executor as
independent tasks (:func:`innovate_sim.experiments.runner.run_chunk`), so a
process pool or a Dask cluster balances the load across variants; the
numbers are identical to a serial run. With ``resume_dir`` each variant is
saved atomically as soon as its last replication finishes, and a rerun loads
the variants already done instead of simulating them again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innovate_sim.cost.accrual import horizon_months
from innovate_sim.errors import ScenarioError
from innovate_sim.experiments.io import atomic_write_text
from innovate_sim.experiments.records import ReplicationRecord, compact
from innovate_sim.experiments.replication import run_replication
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.experiments.runner import Progress, run_chunk
from innovate_sim.experiments.stats import estimate
from innovate_sim.experiments.variants import Variant, expand_variants, parse_grid
from innovate_sim.scenario import Scenario, load_scenario
from innovate_sim.units import MINUTES_PER_YEAR

__all__ = ["SweepResult", "VariantRecord", "pareto_mask", "sweep"]

#: Version of the per-variant resume file format.
RECORD_FORMAT = 1

#: Columns of every sweep table after the variant label and the swept parameters.
METRIC_COLUMNS = [
    "monthly_cost_usd",
    "monthly_cost_ci_low",
    "monthly_cost_ci_high",
    "request_availability",
    "request_availability_ci_low",
    "request_availability_ci_high",
    "downtime_min_per_year",
    "downtime_min_per_year_ci_low",
    "downtime_min_per_year_ci_high",
    "replications",
    "pareto",
    "scenario_hash",
]

VariantCallback = Callable[[Variant, bool], None]


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
        """Reduce a result to the figures a sweep table needs."""
        years = result.scenario.horizon * 60.0 / MINUTES_PER_YEAR
        availability = result.availability
        request: dict[str, list[float]] = {}
        downtime: dict[str, list[float]] = {}
        for env, group in availability.groupby("environment", sort=False):
            request[str(env)] = group["request_availability"].astype(float).tolist()
            downtime[str(env)] = (group["below_threshold_min"] / years).astype(float).tolist()
        costs = result.monthly_cost
        cost: list[float] = []
        if not costs.empty:
            # The same arithmetic as SimulationResult.summary() for environment "all".
            totals = costs.groupby(["replication", "environment", "month"])["usd"].sum()
            org = totals.groupby(level="replication").sum() / horizon_months(result.scenario)
            cost = org.astype(float).tolist()
        return cls(
            label=label,
            scenario_hash=result.scenario_hash,
            seed=result.seed,
            requested=requested,
            replication=[o.replication for o in result.outcomes if o.error is None],
            monthly_cost_usd=cost,
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
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        return _clean(value.item())
    return value


#: Availabilities closer than this (0.1 parts per million) count as equal on the frontier.
AVAILABILITY_TIE = 1e-7


def pareto_mask(cost: Sequence[float], availability: Sequence[float]) -> list[bool]:
    """True where no other point is at least as cheap and as available, and better in one.

    Availabilities within :data:`AVAILABILITY_TIE` count as equal, so a variant
    is not on the frontier for a difference no replication count could show.
    Points with a missing (NaN) figure are never Pareto-optimal and dominate nothing.
    """
    c = np.asarray(cost, dtype=float)
    a = np.round(np.asarray(availability, dtype=float) / AVAILABILITY_TIE) * AVAILABILITY_TIE
    ok = np.isfinite(c) & np.isfinite(a)
    mask = []
    for i in range(len(c)):
        if not ok[i]:
            mask.append(False)
            continue
        dominated = ok & (c <= c[i]) & (a >= a[i]) & ((c < c[i]) | (a > a[i]))
        mask.append(not bool(dominated.any()))
    return mask


class SweepResult:
    """The outcome of :func:`sweep`.

    Attributes:
        table: one row per variant: ``variant``, one column per swept
            dimension, mean monthly cost of the whole scenario, request
            availability and downtime of ``environment``, each with its CI,
            ``replications`` completed, ``pareto`` and ``scenario_hash``.
        variants: the variants, in table order.
        records: per variant label, its :class:`VariantRecord`.
        results: per variant label, the full :class:`SimulationResult` of the
            variants simulated in this call (resumed variants have only records).
        environment: whose availability the table shows.
        seed: the common seed.
        replications: replications per variant.
        wall_time_s: wall-clock seconds of the sweep.
    """

    def __init__(
        self,
        variants: list[Variant],
        records: dict[str, VariantRecord],
        results: dict[str, SimulationResult],
        environment: str,
        seed: int,
        replications: int,
        wall_time_s: float,
    ) -> None:
        self.variants = variants
        self.records = records
        self.results = results
        self.environment = environment
        self.seed = seed
        self.replications = replications
        self.wall_time_s = wall_time_s
        self.table = self._table()

    @property
    def simulated(self) -> list[str]:
        """Labels of the variants simulated in this call."""
        return [v.label for v in self.variants if not self.records[v.label].resumed]

    @property
    def resumed(self) -> list[str]:
        """Labels of the variants loaded from the resume folder."""
        return [v.label for v in self.variants if self.records[v.label].resumed]

    @property
    def summaries(self) -> dict[str, pd.DataFrame]:
        """Per variant label, its full summary (as :meth:`SimulationResult.summary`)."""
        return {v.label: self.records[v.label].summary_frame() for v in self.variants}

    def frontier(self) -> pd.DataFrame:
        """The Pareto-optimal rows, cheapest first."""
        front = self.table[self.table["pareto"]]
        return front.sort_values("monthly_cost_usd", kind="stable").reset_index(drop=True)

    def provenance(self) -> dict[str, Any]:
        """Seed, replications, environment and each variant's scenario hash."""
        from innovate_sim import __version__

        return {
            "seed": self.seed,
            "replications": self.replications,
            "environment": self.environment,
            "common_random_numbers": True,
            "package_version": __version__,
            "variants": {v.label: self.records[v.label].scenario_hash for v in self.variants},
            "resumed": self.resumed,
            "wall_time_s": self.wall_time_s,
        }

    def _table(self) -> pd.DataFrame:
        rows = []
        for variant in self.variants:
            record = self.records[variant.label]
            level = variant.scenario.simulation.confidence_level
            # Intervals clipped to each quantity's range, as in SimulationResult.summary().
            cost = estimate(record.monthly_cost_usd, level, (0.0, math.inf))
            avail = estimate(
                record.request_availability.get(self.environment, []), level, (0.0, 1.0)
            )
            down = estimate(
                record.downtime_min_per_year.get(self.environment, []), level, (0.0, math.inf)
            )
            rows.append(
                {
                    "variant": variant.label,
                    **variant.parameters,
                    "monthly_cost_usd": cost.mean,
                    "monthly_cost_ci_low": cost.ci_low,
                    "monthly_cost_ci_high": cost.ci_high,
                    "request_availability": avail.mean,
                    "request_availability_ci_low": avail.ci_low,
                    "request_availability_ci_high": avail.ci_high,
                    "downtime_min_per_year": down.mean,
                    "downtime_min_per_year_ci_low": down.ci_low,
                    "downtime_min_per_year_ci_high": down.ci_high,
                    "replications": len(record.replication),
                    "pareto": False,
                    "scenario_hash": record.scenario_hash,
                }
            )
        table = pd.DataFrame(rows)
        if not table.empty:
            table["pareto"] = pareto_mask(
                table["monthly_cost_usd"].tolist(), table["request_availability"].tolist()
            )
        return table

    def __repr__(self) -> str:
        return (
            f"SweepResult({len(self.variants)} variants, {self.replications} replications, "
            f"seed={self.seed}, environment={self.environment!r})"
        )


def _record_path(folder: Path, scenario_hash: str, seed: int, replications: int) -> Path:
    key = hashlib.sha256(f"{scenario_hash}:{seed}:{replications}".encode()).hexdigest()[:16]
    return folder / f"variant-{key}.json"


def _load_record(
    path: Path, variant: Variant, seed: int, replications: int
) -> VariantRecord | None:
    """The saved record of a variant if it matches this run exactly, else None."""
    from innovate_sim.cost.estimate import scenario_catalog
    from innovate_sim.experiments.result import _version

    try:
        record = VariantRecord.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None
    prov = record.provenance
    matches = (
        record.scenario_hash == variant.scenario.content_hash()
        and record.seed == seed
        and record.requested == replications
        and prov.get("package_version") == _version()
        and prov.get("catalog_version") == scenario_catalog(variant.scenario).version
    )
    if not matches:
        return None
    record.label = variant.label
    return record


def _parallelism(executor: Executor, workers: int | None) -> int:
    if workers:
        return int(workers)
    count = getattr(executor, "_max_workers", None)
    if count:
        return int(count)
    client = getattr(executor, "_client", None)  # a Dask ClientExecutor
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # pragma: no cover - a client that cannot answer
            pass
    return os.cpu_count() or 1


def _chunk_size(tasks: int, parallel: int, replications: int) -> int:
    """Replications per task: about four tasks per worker, at most 50 and one variant."""
    return max(1, min(50, replications, tasks // max(1, 4 * parallel)))


def _default_environment(scenario: Scenario) -> str:
    if "prod" in scenario.environments:
        return "prod"
    if not scenario.environments:
        raise ScenarioError(f"scenario {scenario.name!r} has no environments to sweep")
    return next(iter(scenario.environments))


def sweep(
    scenario: Scenario | str | Path | None,
    grid: Mapping[str, Any] | None = None,
    *,
    variants: Sequence[Scenario | str | Path] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    resume_dir: str | Path | None = None,
    environment: str | None = None,
    on_variant: VariantCallback | None = None,
) -> SweepResult:
    """Simulate scenario variants with common random numbers; tabulate cost and availability.

    Args:
        scenario: the base scenario (or its file). May be None when ``variants`` are given.
        grid: ``{dotted.path: [values…]}`` over the scenario as written, e.g.
            ``{"environments.prod.network.nat_gateways": ["per_az", "single"]}``.
            A mapping value (or a :class:`~innovate_sim.experiments.variants.Preset`,
            or ``{"label": …, "patch": {…}}``) is merged into the subtree at
            the path, to change several fields together. ``{path: {"name":
            column, "values": [...]}}`` names the table column. Every
            combination is one variant.
        variants: further scenarios (or files) to run; the grid, if any, is
            applied to each of them and to ``scenario``.
        replications: per variant (default: the first scenario's).
        seed: the common seed (default: the first scenario's).
        executor: any ``concurrent.futures.Executor`` (process pool, Dask
            ``Client.get_executor()``); None runs here unless ``workers`` > 1.
        workers: with no executor, run in a process pool of this many workers.
        progress: called with (done, total) replications over the whole sweep.
        resume_dir: folder for one file per finished variant; variants whose
            file matches (scenario hash, seed, replications, package and price
            versions) are loaded instead of simulated.
        environment: whose availability goes in the table (default ``prod``
            if present, else the first environment).
        on_variant: called with (variant, resumed) as each variant completes.

    Returns:
        A :class:`SweepResult`; ``.table`` has one row per variant with the
        Pareto set on (cost, availability) flagged, ``.frontier()`` the Pareto rows.

    Raises:
        ScenarioError: an unknown path (the message lists the valid keys at the
            failing level) or a variant that is not a valid scenario.
    """
    started = time.perf_counter()
    bases = [load_scenario(s) if isinstance(s, str | Path) else s for s in variants or []]
    if scenario is not None:
        bases.insert(0, load_scenario(scenario) if isinstance(scenario, str | Path) else scenario)
    all_variants = expand_variants(bases, parse_grid(grid))
    first = bases[0]
    count = first.replications if replications is None else int(replications)
    if count < 1:
        raise ValueError("replications must be at least 1")
    seed = first.seed if seed is None else int(seed)
    environment = environment or _default_environment(first)
    if all(environment not in v.scenario.environments for v in all_variants):
        raise ScenarioError(
            f"environment {environment!r} is in none of the variants; "
            f"environments: {', '.join(first.environments) or 'none'}"
        )

    folder = Path(resume_dir) if resume_dir is not None else None
    records: dict[str, VariantRecord] = {}
    results: dict[str, SimulationResult] = {}
    todo: list[Variant] = []
    for variant in all_variants:
        saved = None
        if folder is not None:
            path = _record_path(folder, variant.scenario.content_hash(), seed, count)
            saved = _load_record(path, variant, seed, count)
        if saved is not None:
            records[variant.label] = saved
            if on_variant:
                on_variant(variant, True)
        else:
            todo.append(variant)
    total = count * len(all_variants)
    done = count * (len(all_variants) - len(todo))
    if progress and done:
        progress(done, total)

    def finish(variant: Variant, outcomes: list[ReplicationRecord]) -> None:
        outcomes.sort(key=lambda o: o.replication)
        wall = sum(o.wall_time_s for o in outcomes)
        result = SimulationResult(variant.scenario, seed, outcomes, wall)
        record = VariantRecord.from_result(variant.label, result, count)
        if folder is not None:
            path = _record_path(folder, record.scenario_hash, seed, count)
            atomic_write_text(path, record.to_json())
        records[variant.label] = record
        results[variant.label] = result
        if on_variant:
            on_variant(variant, False)

    own_pool = None
    if executor is None and workers is not None and workers > 1 and todo:
        own_pool = executor = ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1))
    futures: dict[Future[list[ReplicationRecord]], int] = {}
    try:
        if executor is None:
            for variant in todo:
                outcomes = []
                for r in range(count):
                    outcomes.append(compact(run_replication(variant.scenario, seed, r)))
                    done += 1
                    if progress:
                        progress(done, total)
                finish(variant, outcomes)
        elif todo:
            size = _chunk_size(count * len(todo), _parallelism(executor, workers), count)
            pending = [0] * len(todo)
            gathered: list[list[ReplicationRecord]] = [[] for _ in todo]
            for index, variant in enumerate(todo):  # variant-major: early variants finish first
                for start in range(0, count, size):
                    chunk = list(range(start, min(start + size, count)))
                    futures[executor.submit(run_chunk, variant.scenario, seed, chunk)] = index
                    pending[index] += 1
            for future in as_completed(futures):
                index = futures[future]
                chunk_outcomes = future.result()
                gathered[index].extend(chunk_outcomes)
                pending[index] -= 1
                done += len(chunk_outcomes)
                if progress:
                    progress(done, total)
                if pending[index] == 0:
                    finish(todo[index], gathered[index])
                    gathered[index] = []
    finally:
        for future in futures:
            future.cancel()
        if own_pool is not None:
            own_pool.shutdown(cancel_futures=True)
    return SweepResult(
        all_variants, records, results, environment, seed, count, time.perf_counter() - started
    )
