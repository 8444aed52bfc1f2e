"""Results of a simulation experiment, as DataFrames with confidence intervals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from innovate_sim._version import __version__
from innovate_sim.cost.accrual import accrued_rows, static_rows
from innovate_sim.experiments.cost_digest import Digester, MonthlyCostDigest, digest_costs
from innovate_sim.experiments.cost_tables import mean_monthly_cost, monthly_cost_table
from innovate_sim.experiments.excluded import excluded_risks
from innovate_sim.experiments.records import (
    AVAILABILITY_FIELDS,
    INCIDENT_FIELDS,
    ReplicationRecord,
    compact,
)
from innovate_sim.experiments.replication import ReplicationOutcome, run_replication
from innovate_sim.experiments.stats import CI_METHOD, estimate, interval_note, natural_range
from innovate_sim.scenario import Scenario
from innovate_sim.units import MINUTES_PER_YEAR

if TYPE_CHECKING:
    from innovate_sim.experiments.judging import TargetReport

__all__ = ["PIECE_REPLICATIONS", "SimulationResult"]

#: Replications per piece of a table written or digested piecewise (``SimulationResult.pieces``).
PIECE_REPLICATIONS = 100

COST_COLUMNS = [
    "replication",
    "month",
    "account",
    "environment",
    "service",
    "resource",
    "component",
    "quantity",
    "unit",
    "usd",
]
TIMELINE_COLUMNS = [
    "t_h",
    "environment",
    "demand_rps",
    "capacity_rps",
    "success_fraction",
    "ready_replicas",
    "pending_pods",
    "nodes",
    "nodes_spot",
    "nodes_on_demand",
    "cost_rate_usd_per_h",
]


class SimulationResult:
    """The outcome of :func:`innovate_sim.simulate`.

    Attributes:
        scenario: the simulated scenario.
        seed: the experiment seed.
        outcomes: one compact record per replication, in order
            (:class:`~innovate_sim.experiments.records.ReplicationRecord`).
        wall_time_s: wall-clock seconds of the whole experiment.
        scenario_hash: hash of the scenario's content.
        package_version: innovate_sim's version.
        catalog_version: the price catalog's version.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        outcomes: list[ReplicationOutcome] | list[ReplicationRecord],
        wall_time_s: float,
    ) -> None:
        from innovate_sim.cost.estimate import scenario_catalog

        self.scenario = scenario
        self.seed = seed
        self.outcomes = [compact(o) for o in outcomes]
        self.wall_time_s = wall_time_s
        self.scenario_hash = scenario.content_hash()
        self.package_version = __version__
        self.catalog_version = scenario_catalog(scenario).version
        self.confidence = scenario.simulation.confidence_level

    # -- provenance -----------------------------------------------------------------------------

    @property
    def replications(self) -> int:
        """Replications that completed."""
        return sum(o.error is None for o in self.outcomes)

    @property
    def failed(self) -> list[tuple[int, str]]:
        """(replication, error) of every replication that raised."""
        return [(o.replication, o.error) for o in self.outcomes if o.error is not None]

    def provenance(self) -> dict[str, Any]:
        """Where these numbers came from."""
        return {
            "scenario": self.scenario.name,
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "replications": self.replications,
            "failed_replications": [r for r, _ in self.failed],
            "horizon_h": self.scenario.horizon,
            "package_version": self.package_version,
            "catalog_version": self.catalog_version,
            "confidence_level": self.confidence,
            "ci_method": CI_METHOD,
            "wall_time_s": self.wall_time_s,
            "unverified_prices": self.unverified_prices,
        }

    @cached_property
    def unverified_prices(self) -> str:
        """Lines of month 1's static bill priced from a source a reader cannot check."""
        from innovate_sim.cost.estimate import estimate_cost

        bill = estimate_cost(self.scenario)
        if not bill.unverified:
            return "none"
        return (
            f"{len(bill.unverified)} of {len(bill.components)} lines of month 1's static bill, "
            f"${bill.unverified_usd:,.2f} of ${bill.total_usd:,.2f} (secondary or derived sources; "
            "`innovate-sim cost` marks them †)"
        )

    @property
    def _ok(self) -> list[ReplicationRecord]:
        return [o for o in self.outcomes if o.error is None]

    # -- tables ---------------------------------------------------------------------------------

    @cached_property
    def availability(self) -> pd.DataFrame:
        """One row per replication × environment with demand, availability and downtime."""
        rows = [{"replication": o.replication, **env} for o in self._ok for env in o.environments]
        columns = ["replication", *AVAILABILITY_FIELDS]
        return pd.DataFrame(rows, columns=columns)

    @cached_property
    def excluded_risks(self) -> pd.DataFrame:
        """Risks the simulation leaves out (region-wide events unless enabled), per environment,
        with their closed-form effect: downtime they would add and the factor that includes them
        in a simulated availability (:func:`innovate_sim.experiments.excluded.excluded_risks`)."""
        environments = list(dict.fromkeys(self.availability["environment"]))
        return excluded_risks(self.scenario, environments)

    @cached_property
    def incidents(self) -> pd.DataFrame:
        """One row per incident (episode with some requests failing)."""
        rows = [{"replication": o.replication, **i} for o in self._ok for i in o.incidents]
        columns = ["replication", *INCIDENT_FIELDS]
        return pd.DataFrame(rows, columns=columns)

    @cached_property
    def downtime_by_cause(self) -> pd.DataFrame:
        """Per replication × environment × cause: lost requests and incident minutes.

        Incident minutes are attributed to an incident's main cause; lost
        requests are split across every cause active while they were lost.
        Replications without a cause count as zero.
        """
        lost = pd.DataFrame(
            [(o.replication, e, c, v) for o in self._ok for e, c, v in o.lost_by_cause],
            columns=["replication", "environment", "cause", "lost_requests"],
        )
        grouped = self.incidents.groupby(["replication", "environment", "cause"], as_index=False)
        minutes = pd.DataFrame(grouped["duration_min"].sum()).rename(
            columns={"duration_min": "incident_min"}
        )
        table = lost.merge(minutes, how="outer", on=["replication", "environment", "cause"])
        if table.empty:
            return pd.DataFrame(
                columns=["replication", "environment", "cause", "lost_requests", "incident_min"]
            )
        keys = table[["environment", "cause"]].drop_duplicates()
        grid = pd.DataFrame({"replication": [o.replication for o in self._ok]}).merge(
            keys, how="cross"
        )
        table = grid.merge(table, how="left", on=["replication", "environment", "cause"])
        return table.fillna({"lost_requests": 0.0, "incident_min": 0.0})

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """Per replication × environment × month: demand, lost requests, error budget used."""
        return self._monthly_of(self._ok)

    def pieces(self, table: str) -> Iterator[pd.DataFrame]:
        """``table`` (``"monthly"`` or ``"monthly_cost"``) in pieces of whole replications.

        Concatenated, the pieces are the table; each holds at most
        :data:`PIECE_REPLICATIONS` replications' rows, so writing or digesting
        them one at a time keeps one piece in memory, not the table (unless
        it was already built on request). An empty table is one empty piece.
        """
        if table != "monthly_cost" or "monthly_cost_digest" in self.__dict__:
            yield from self._built_pieces(table)
            return
        # the cost pieces are digested on the way (the report and the checks read the digest)
        digester = Digester()
        for piece in self._built_pieces(table):
            digester.add(piece)
            yield piece
        self.__dict__.setdefault("monthly_cost_digest", digester.digest())

    def _built_pieces(self, table: str) -> Iterator[pd.DataFrame]:
        """:meth:`pieces` without digesting them (the whole table if already built)."""
        if table in self.__dict__:
            yield self.__dict__[table]
            return
        builders: dict[str, Callable[[list[ReplicationRecord]], pd.DataFrame]] = {
            "monthly": self._monthly_of,
            "monthly_cost": partial(monthly_cost_table, self.scenario),
        }
        build = builders[table]
        ok = self._ok
        for start in range(0, max(1, len(ok)), PIECE_REPLICATIONS):
            yield build(ok[start : start + PIECE_REPLICATIONS])

    @cached_property
    def monthly_cost_digest(self) -> MonthlyCostDigest:
        """What the report, target checks and comparisons read of :attr:`monthly_cost`, without it.

        Built from :meth:`pieces` (once: a pass that writes ``monthly_cost.csv``
        leaves it behind).
        """
        return digest_costs(self._built_pieces("monthly_cost"))

    def _monthly_of(self, records: list[ReplicationRecord]) -> pd.DataFrame:
        """The :attr:`monthly` rows of ``records``."""
        rows = [
            (o.replication, e, m, d, lost) for o in records for e, m, d, lost in o.monthly_rows()
        ]
        frame = pd.DataFrame(
            rows,
            columns=["replication", "environment", "month", "demand_requests", "lost_requests"],
        )
        slo = {
            env: t.request_availability
            for env, t in self.scenario.targets.items()
            if t.request_availability is not None
        }
        budget = frame["environment"].map(slo)
        allowed = frame["demand_requests"] * (1.0 - budget)
        frame["slo"] = budget
        frame["error_budget_used"] = frame["lost_requests"] / allowed.where(allowed > 0)
        return frame

    @cached_property
    def costs(self) -> pd.DataFrame:
        """Accrued cost: replication × month × account × environment × service × component.

        The full detail, built on request (about 2,500 rows per replication-decade);
        totals come from :attr:`monthly_cost`, which is built without it.
        """
        static = static_rows(self.scenario)
        frames = []
        for outcome in self._ok:
            rows = list(static) + accrued_rows(
                self.scenario, outcome.node_usage(), outcome.launch_counts
            )
            frame = pd.DataFrame(rows, columns=COST_COLUMNS[1:])
            frame.insert(0, "replication", outcome.replication)
            frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=COST_COLUMNS)
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def monthly_cost(self) -> pd.DataFrame:
        """Total USD per replication × month × account × environment × service.

        The sums of :attr:`costs` over components, computed from each
        replication's node-hours without building the per-component table.
        """
        return monthly_cost_table(self.scenario, self._ok)

    @cached_property
    def workload_costs(self) -> pd.DataFrame:
        """Node cost by workload, OpenCost convention: replication × month × environment × workload.

        A pod pays for its CPU and memory requests at its node's split price
        (OpenCost's CPU:RAM rate ratio); DaemonSets appear as
        ``system (DaemonSets)``; what no pod requested is ``idle``. The rows of
        an environment and month sum to its EC2 node cost.
        """
        rows = [
            (o.replication, m, e, w, usd) for o in self._ok for e, m, w, usd in o.allocation_rows()
        ]
        return pd.DataFrame(
            rows, columns=["replication", "month", "environment", "workload", "usd"]
        )

    @cached_property
    def counters(self) -> pd.DataFrame:
        """Per replication × environment: failovers, launches, scalings, outages."""
        rows = [{"replication": o.replication, **c} for o in self._ok for c in o.counters]
        return pd.DataFrame(rows)

    def timeline(self, replication: int = 0, *, nodes_by_kind: bool = False) -> pd.DataFrame:
        """The service and cluster state of one replication, at every change and demand step.

        The replication is simulated again with recording on; it is
        identical to the one summarised because its random streams depend only
        on the seed and the replication number.

        Args:
            replication: which replication.
            nodes_by_kind: instead of the state table, return the node count by
                instance type, AZ and capacity type at each of those moments
                (long format: t_h, environment, instance_type, zone, capacity_type, nodes).
        """
        outcome = run_replication(self.scenario, self.seed, replication, timeline=True)
        if outcome.error is not None:
            raise RuntimeError(f"replication {replication} failed: {outcome.error}")
        samples: list[tuple[str, Any]] = [
            (env, row) for env, rows in (outcome.timeline or {}).items() for row in rows
        ]
        if nodes_by_kind:
            kinds = [
                (row[0], env, itype, zone, capacity, count)
                for env, row in samples
                for (itype, zone, capacity), count in row[-1]
            ]
            return pd.DataFrame(
                kinds,
                columns=["t_h", "environment", "instance_type", "zone", "capacity_type", "nodes"],
            )
        rows = [(row[0], env, *row[1:-1]) for env, row in samples]
        return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)

    # -- summaries ------------------------------------------------------------------------------

    def summary(self, confidence: float | None = None) -> pd.DataFrame:
        """Mean, confidence interval and quantiles of the key figures, per environment.

        The interval is Hall's skewness-corrected t interval on the mean over
        replications (``ci_method``); with one replication it is undefined (NaN).
        ``ci_note`` says when it cannot be trusted: fewer than three
        replications saw any loss (zero width when none did).
        """
        level = self.confidence if confidence is None else confidence
        rows = []
        years = self.horizon_years
        availability = self.availability
        planned_min = self._planned_minutes()
        for env, group in availability.groupby("environment", sort=False):
            planned = (
                planned_min.get(str(env), pd.Series(dtype=float))
                .reindex(group["replication"], fill_value=0.0)
                .set_axis(group.index)
            )
            metrics = {
                ("request_availability", "fraction"): group["request_availability"],
                ("time_availability", "fraction"): group["time_availability"],
                ("downtime_min_per_year", "min/year"): group["below_threshold_min"] / years,
                ("full_outage_min_per_year", "min/year"): group["full_outage_min"] / years,
                ("degraded_min_per_year", "min/year"): group["degraded_min"] / years,
                ("planned_downtime_min_per_year", "min/year"): planned / years,
                ("incidents_per_year", "1/year"): group["incidents"] / years,
                ("lost_requests", "requests"): group["lost_requests"],
                ("egress_availability", "fraction"): group["egress_availability"],
                ("egress_any_az_availability", "fraction"): group["egress_any_az_availability"],
                ("database_availability", "fraction"): group["database_availability"],
            }
            for (metric, unit), values in metrics.items():
                rows.append(self._row(str(env), metric, unit, values.to_numpy(), level))
        for env, per_replication in self.mean_monthly_cost().items():
            rows.append(
                self._row(env, "monthly_cost_usd", "USD/month", per_replication.to_numpy(), level)
            )
        return pd.DataFrame(rows)

    def _planned_minutes(self) -> dict[str, pd.Series]:
        """Per environment: minutes of planned incidents (RDS maintenance) per replication."""
        from innovate_sim.experiments.judging import planned

        incidents = self.incidents
        if incidents.empty:
            return {}
        chosen = incidents[planned(incidents)]
        return {
            str(env): rows.groupby("replication")["duration_min"].sum()
            for env, rows in chosen.groupby("environment")
        }

    @property
    def horizon_years(self) -> float:
        """The simulated horizon in years (365-day), the divisor of every per-year figure."""
        return self.scenario.horizon * 60.0 / MINUTES_PER_YEAR

    def mean_monthly_cost(self) -> dict[str, pd.Series]:
        """Each replication's mean cost per 730-hour month, per environment and for ``"all"``.

        Environments come in name order (the cost table's), then ``"all"``, the
        whole scenario; organisation-wide lines (free services) count only in
        ``"all"``. Each Series is indexed by replication. Computed from the
        records without building :attr:`monthly_cost` (once: the CLI, the saved
        summary and the report all ask); empty without replications.
        """
        return {env: series.copy() for env, series in self._mean_monthly_cost.items()}

    @cached_property
    def _mean_monthly_cost(self) -> dict[str, pd.Series]:
        return mean_monthly_cost(self.scenario, self._ok)

    def _row(self, env: str, metric: str, unit: str, values: Any, level: float) -> dict[str, Any]:
        est = estimate(values, level, natural_range(unit))
        # a replication without loss: availability 1, downtime and counts 0 (costs have none)
        perfect = 1.0 if unit == "fraction" else None if unit.startswith("USD") else 0.0
        return {
            "environment": env,
            "metric": metric,
            "unit": unit,
            "mean": est.mean,
            "ci_low": est.ci_low,
            "ci_high": est.ci_high,
            "p5": est.p5,
            "p50": est.p50,
            "p95": est.p95,
            "n": est.n,
            "ci_note": interval_note(values, perfect),
        }

    def check(self) -> TargetReport:
        """Compare the forecasts with the scenario's targets."""
        from innovate_sim.experiments.judging import check_targets

        return check_targets(self)

    def plot(self, ax: Any = None, **options: Any) -> Any:
        """Request availability per replication with its mean and CI; returns the Axes.

        Options go to :func:`innovate_sim.reporting.plot_availability_distribution`
        (``environment``, ``target``, ``bins``).
        """
        from innovate_sim.experiments.views import draw

        return draw("result", self, ax=ax, **options)

    def _repr_html_(self) -> str:
        from innovate_sim.experiments.views import summary_html

        caption = (
            f"{self.scenario.name}: {self.replications} replications of "
            f"{self.horizon_years:g} y, seed {self.seed}, hash {self.scenario_hash}"
        )
        return summary_html(caption, self.summary(), self.confidence)

    def __repr__(self) -> str:
        return (
            f"SimulationResult(scenario={self.scenario.name!r}, replications={self.replications}, "
            f"seed={self.seed}, hash={self.scenario_hash})"
        )
