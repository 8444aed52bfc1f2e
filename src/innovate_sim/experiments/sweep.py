"""What-if sweeps: many scenario variants, common random numbers, one table, the Pareto set.

Every variant runs with the same seed, so replication *r* of each sees the
same failure history (random streams are named per process, DESIGN §3.2):
differences between rows are differences of design, not of luck.

The variants' replications go through the one executor path,
:func:`innovate_sim.experiments.runner.run_batches`, in chunks, so a process
pool or a Dask cluster balances the load across variants; the numbers are
identical to a serial run. With ``resume_dir`` each variant is saved as soon
as its last replication finishes (:mod:`innovate_sim.experiments.resume`),
and a rerun loads the variants already done instead of simulating them again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import pandas as pd

from innovate_sim._version import __version__
from innovate_sim.errors import ScenarioError
from innovate_sim.experiments.pareto import EFFICIENT, pareto_mask, pareto_status
from innovate_sim.experiments.records import ReplicationRecord
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.experiments.resume import VariantRecord, load_record, save_record
from innovate_sim.experiments.runner import Progress, run_batches
from innovate_sim.experiments.stats import estimate, natural_range
from innovate_sim.experiments.variants import Variant, expand_variants, parse_grid
from innovate_sim.rng import check_seed
from innovate_sim.scenario import Scenario, load_scenario

__all__ = ["SweepResult", "VariantRecord", "pareto_mask", "sweep"]

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


class SweepResult:
    """The outcome of :func:`sweep`.

    Attributes:
        table: one row per variant: ``variant``, one column per swept
            dimension, mean monthly cost of the whole scenario, request
            availability and downtime of ``environment``, each with its CI,
            ``replications`` completed, ``pareto_status`` (``efficient``,
            ``dominated`` or ``not distinguishable``: judged on paired
            differences outside their intervals), ``pareto`` (efficient) and
            ``scenario_hash``.
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
        # in variant order, whichever finished first (parallel runs finish in any order)
        self.records = {v.label: records[v.label] for v in variants}
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
            cost = estimate(record.monthly_cost_usd, level, natural_range("USD/month"))
            avail = estimate(
                record.request_availability.get(self.environment, []),
                level,
                natural_range("fraction"),
            )
            down = estimate(
                record.downtime_min_per_year.get(self.environment, []),
                level,
                natural_range("min/year"),
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
            table["pareto_status"] = self._pareto_status()
            table["pareto"] = table["pareto_status"] == EFFICIENT
        return table

    def _pareto_status(self) -> list[str]:
        """Efficient, dominated or not distinguishable, on paired differences (common seeds)."""
        records = [self.records[v.label] for v in self.variants]
        cost = [dict(zip(r.replication, r.monthly_cost_usd, strict=True)) for r in records]
        availability = [
            dict(zip(r.replication, r.request_availability.get(self.environment, []), strict=False))
            for r in records
        ]
        level = self.variants[0].scenario.simulation.confidence_level
        return pareto_status(cost, availability, level)

    def plot(self, ax: Any = None, **options: Any) -> Any:
        """Cost against availability per variant, with CIs and the Pareto set; returns the Axes."""
        from innovate_sim.experiments.views import draw

        return draw("sweep", self, ax=ax, **options)

    def _repr_html_(self) -> str:
        from innovate_sim.experiments.views import html_table

        caption = (
            f"{len(self.variants)} variants × {self.replications} replications, seed {self.seed}; "
            f"availability of {self.environment!r}; pareto = efficient"
        )
        shown = self.table.drop(columns=["scenario_hash"])
        return html_table(caption, shown, {"pareto": lambda flag: "◆" if flag else ""})

    def __repr__(self) -> str:
        return (
            f"SweepResult({len(self.variants)} variants, {self.replications} replications, "
            f"seed={self.seed}, environment={self.environment!r})"
        )


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
    seed = first.seed if seed is None else check_seed(seed)
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
            saved = load_record(folder, variant.label, variant.scenario, seed, count)
        if saved is not None:
            records[variant.label] = saved
            if on_variant:
                on_variant(variant, True)
        else:
            todo.append(variant)
    resumed = count * (len(all_variants) - len(todo))
    if progress and resumed:
        progress(resumed, count * len(all_variants))

    def finish(index: int, outcomes: list[ReplicationRecord]) -> None:
        variant = todo[index]
        wall = sum(o.wall_time_s for o in outcomes)
        result = SimulationResult(variant.scenario, seed, outcomes, wall)
        record = VariantRecord.from_result(variant.label, result, count)
        if folder is not None:
            save_record(folder, record)
        records[variant.label] = record
        results[variant.label] = result
        if on_variant:
            on_variant(variant, False)

    run_batches(
        [v.scenario for v in todo],
        seed,
        count,
        finish,
        executor=executor,
        workers=workers,
        progress=progress,
        already_done=resumed,
    )
    return SweepResult(
        all_variants, records, results, environment, seed, count, time.perf_counter() - started
    )
