"""The statistic every design target is judged on, computed from result tables.

One function per target kind (see the table in :mod:`innovate_sim.experiments.judging`):
each returns a :class:`Judged` — the estimate and its interval, what exactly was
judged (the month, the quantile), the causes that drive it and its
per-replication values. :mod:`~innovate_sim.experiments.judging` turns them
into verdicts; :mod:`innovate_sim.uncertainty` reads them point by point.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
from scipy import stats

from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.stats import Estimate, estimate, interval_note
from innovate_sim.formatting import count_noun
from innovate_sim.units import HOURS_PER_MONTH, MINUTES_PER_YEAR

if TYPE_CHECKING:
    from innovate_sim.experiments.cost_digest import MonthlyCostDigest, Scope, ScopeCosts
    from innovate_sim.scenario import Scenario
    from innovate_sim.scenario.model import Targets

__all__ = [
    "PLANNED_CAUSES",
    "STATISTICS",
    "Context",
    "Judged",
    "ResultTables",
    "environments_of",
    "format_causes",
    "incidents_to_bound",
    "planned",
    "quantile_interval",
    "threshold_in_minutes",
]

#: Causes of planned downtime: RDS OS patches and engine upgrades, applied in the
#: weekly maintenance window the scenario sets. An incident is planned when every
#: cause that lost requests in it is planned.
PLANNED_CAUSES = frozenset({"rds-maintenance"})


class ResultTables(Protocol):
    """What the check reads from a result (live or loaded from disk)."""

    scenario: Scenario
    confidence: float

    @property
    def availability(self) -> pd.DataFrame: ...

    @property
    def incidents(self) -> pd.DataFrame: ...

    @property
    def downtime_by_cause(self) -> pd.DataFrame: ...

    @property
    def monthly_cost_digest(self) -> MonthlyCostDigest: ...


@dataclass(frozen=True)
class Judged:
    """What one target is compared with.

    Attributes:
        estimate: the statistic's estimate and confidence interval.
        judged: what exactly was judged (``month 12 (the costliest)``,
            ``95th percentile of 180 incidents``).
        note: remarks on the figure (scope, trust of the interval).
        causes: the causes (or cost services) that drive the figure, largest first.
        settle: replications likely to settle an uncertain verdict, when the
            statistic knows better than the generic estimate.
        settle_note: why, for ``settle``.
        month: the month a cost target judged (``None`` for the mean over months).
        quantile: the quantile an RTO target judged.
        untrusted: the per-replication values when the interval cannot be
            trusted (too few replications saw a loss), else ``None``.
        values: the per-replication values of the statistic (for an RTO, each
            replication's quantile of its counted incidents; 0 without any).
    """

    estimate: Estimate
    judged: str
    note: str = ""
    causes: str = ""
    settle: int | None = None
    settle_note: str = ""
    month: int | None = None
    quantile: float | None = None
    untrusted: np.ndarray | None = None
    values: np.ndarray | None = None


@dataclass(frozen=True)
class Context:
    """What every statistic reads: the result, its replications and the confidence level."""

    result: ResultTables
    replications: pd.Index
    level: float


def threshold_in_minutes(name: str, value: float) -> float:
    """A target's threshold in its statistic's unit (RTO and RPO: hours → minutes)."""
    return float(value) * 60.0 if name in ("rto", "rpo") else float(value)


def environments_of(scenario: Scenario, key: str) -> list[str]:
    if key in scenario.environments:
        return [key]
    return [name for name, env in scenario.environments.items() if env.account == key]


def _per_replication(series: pd.Series, replications: pd.Index, fill: float) -> np.ndarray:
    return series.reindex(replications, fill_value=fill).to_numpy(float)


def _mean_estimate(
    context: Context, values: np.ndarray, unit: str, perfect: float | None
) -> tuple[Estimate, str]:
    """Estimate of the mean of per-replication ``values`` and its interval's trust note."""
    bounds = (0.0, 1.0) if unit == "fraction" else (0.0, math.inf)
    return estimate(values, context.level, bounds), interval_note(values, perfect)


def _untrusted(values: np.ndarray, note: str) -> np.ndarray | None:
    """``values`` when ``note`` says their interval cannot be trusted (n ≥ 2), else None."""
    return values if note and values.size >= 2 else None


def format_causes(weights: pd.Series, top: int = 3) -> str:
    """``cause share%, …`` for the largest ``top`` positive weights (``""`` when none)."""
    weights = weights[weights > 0].sort_values(ascending=False)
    total = float(weights.sum())
    if total <= 0:
        return ""
    parts = [f"{cause} {value / total:.0%}" for cause, value in weights.head(top).items()]
    if len(weights) > top:
        parts.append(f"{len(weights) - top} more")
    return ", ".join(parts)


def planned(incidents: pd.DataFrame) -> pd.Series:
    """Whether each incident is planned: every cause that lost requests in it is planned."""
    causes = incidents["causes"].fillna(incidents["cause"]).astype(str)
    return causes.map(lambda text: set(text.split(";")) <= PLANNED_CAUSES).astype(bool)


# -- the statistic of every target ----------------------------------------------------------------


def _availability_rows(result: ResultTables, key: str) -> pd.DataFrame:
    frame = result.availability
    return frame[frame["environment"] == key].set_index("replication")


def _incidents_of(result: ResultTables, key: str) -> pd.DataFrame:
    frame = result.incidents
    return frame[frame["environment"] == key]


def _lost_by_cause(result: ResultTables, key: str) -> str:
    table = result.downtime_by_cause
    rows = table[table["environment"] == key]
    return format_causes(rows.groupby("cause")["lost_requests"].sum())


def _minutes_by_cause(incidents: pd.DataFrame) -> str:
    return format_causes(incidents.groupby("cause")["duration_min"].sum())


def _request_availability(context: Context, key: str, _targets: Targets) -> Judged:
    rows = _availability_rows(context.result, key)
    values = _per_replication(rows["request_availability"], context.replications, math.nan)
    est, note = _mean_estimate(context, values, "fraction", 1.0)
    causes = _lost_by_cause(context.result, key)
    return Judged(
        est,
        "mean over replications",
        note,
        f"lost requests: {causes}" if causes else "",
        untrusted=_untrusted(values, note),
        values=values,
    )


def _time_availability(context: Context, key: str, _targets: Targets) -> Judged:
    result = context.result
    rows = _availability_rows(result, key)
    values = _per_replication(rows["time_availability"], context.replications, math.nan)
    est, trust = _mean_estimate(context, values, "fraction", 1.0)
    threshold = result.scenario.simulation.time_availability_threshold
    incidents = _incidents_of(result, key)
    causes = _minutes_by_cause(incidents[incidents["min_success_fraction"] < threshold])
    note = "; ".join(
        part
        for part in (f"time counts as up when ≥ {threshold * 100:g}% of requests succeed", trust)
        if part
    )
    return Judged(
        est,
        "mean over replications",
        note,
        f"incident minutes: {causes}" if causes else "",
        untrusted=_untrusted(values, trust),
        values=values,
    )


def _full_outage(context: Context, key: str, _targets: Targets) -> Judged:
    result = context.result
    rows = _availability_rows(result, key)
    per_year = rows["full_outage_min"] / (rows["horizon_h"] * 60.0 / MINUTES_PER_YEAR)
    values = _per_replication(per_year, context.replications, math.nan)
    est, note = _mean_estimate(context, values, "min/year", 0.0)
    incidents = _incidents_of(result, key)
    causes = _minutes_by_cause(incidents[incidents["min_success_fraction"] <= 0.0])
    return Judged(
        est,
        "mean over replications",
        note,
        f"full-outage incidents: {causes}" if causes else "",
        untrusted=_untrusted(values, note),
        values=values,
    )


def _ordinal(q: float) -> str:
    value = q * 100
    text = f"{value:g}"
    suffix = "th"
    if value == int(value) and int(value) % 100 not in (11, 12, 13):
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(int(value) % 10, "th")
    return f"{text}{suffix} percentile"


def quantile_interval(
    values: np.ndarray, q: float, confidence: float
) -> tuple[float, float, float]:
    """Distribution-free interval for the ``q`` quantile of independent ``values``.

    The order statistics x₍ₗ₎ ≤ x₍ᵤ₎ with ranks from the Binomial(N, q)
    distribution of the number of values below the quantile (Conover,
    *Practical Nonparametric Statistics*, §3.2): exact whatever the
    distribution. A bound whose rank falls outside 1 … N is not estimable
    from N values (−∞ or +∞).

    Returns:
        ``(point, low, high)``: the sample quantile and the interval.
    """
    data = np.sort(np.asarray(values, dtype=float))
    n = data.size
    point = float(np.quantile(data, q, method="inverted_cdf"))
    alpha = 1.0 - confidence
    low_rank = int(stats.binom.ppf(alpha / 2.0, n, q))  # P(B ≤ l − 1) ≤ α/2 → x₍ₗ₎
    high_rank = int(stats.binom.ppf(1.0 - alpha / 2.0, n, q)) + 1  # P(B ≤ u − 1) ≥ 1 − α/2
    low = float(data[low_rank - 1]) if low_rank >= 1 else -math.inf
    high = float(data[high_rank - 1]) if high_rank <= n else math.inf
    return point, low, high


def incidents_to_bound(q: float, confidence: float) -> int:
    """Fewest incidents for which the ``q`` quantile has a finite upper bound."""
    return math.ceil(math.log((1.0 - confidence) / 2.0) / math.log(q)) if q < 1 else 1_000_000


def _rto(context: Context, key: str, targets: Targets) -> Judged:
    result = context.result
    incidents = _incidents_of(result, key)
    q, severity = targets.rto_quantile, targets.rto_severity
    counted = incidents[
        ~planned(incidents) & (incidents["min_success_fraction"] < severity - 1e-12)
    ]
    n_rep = len(context.replications)
    durations = counted["duration_min"].to_numpy(float)
    which = (
        f"{_ordinal(q)} of {count_noun(len(durations), 'unplanned incident')} "
        f"below {severity:.0%} success"
    )
    rto_min = threshold_in_minutes("rto", targets.rto or 0.0)
    if durations.size == 0:
        est = Estimate(0.0, 0.0, 0.0, 0.0, n_rep, 0.0, 0.0, 0.0, context.level)
        note = (
            f"no unplanned incident below {severity:.0%} success in {n_rep} replications: "
            "nothing to recover from (the interval bounds nothing)"
        )
        return Judged(est, which, note, quantile=q, values=np.zeros(n_rep))
    point, low, high = quantile_interval(durations, q, context.level)
    p5, p50, p95 = (float(v) for v in np.quantile(durations, [0.05, 0.5, 0.95]))
    est = Estimate(point, max(low, 0.0), high, math.nan, n_rep, p5, p50, p95, context.level)
    within = float(np.mean(durations <= rto_min))
    note = f"{within:.1%} of them recover within the RTO"
    slow = counted[counted["duration_min"] > rto_min]
    causes = _minutes_by_cause(slow)
    settle, settle_note = None, ""
    if not math.isfinite(high):
        needed = incidents_to_bound(q, context.level)
        per_replication = durations.size / n_rep
        settle = math.ceil(needed / per_replication)
        settle_note = (
            f"{durations.size} incidents give no upper bound on the {_ordinal(q)}: "
            f"{needed} are needed, about {settle} replications at this incident rate"
        )
    return Judged(
        est,
        which,
        note,
        f"incidents beyond the RTO: {causes}" if causes else "",
        settle,
        settle_note,
        quantile=q,
        values=_replication_quantiles(counted, q, context.replications),
    )


def _replication_quantiles(incidents: pd.DataFrame, q: float, replications: pd.Index) -> np.ndarray:
    """Each replication's ``q`` quantile of its incidents' durations (0 without any)."""
    per = incidents.groupby("replication")["duration_min"].quantile(q, interpolation="higher")
    return _per_replication(per, replications, 0.0)


def _planned_downtime(context: Context, key: str, _targets: Targets) -> Judged:
    result = context.result
    incidents = _incidents_of(result, key)
    rows = _availability_rows(result, key)
    years = rows["horizon_h"] * 60.0 / MINUTES_PER_YEAR
    maintenance = incidents[planned(incidents)]
    minutes = maintenance.groupby("replication")["duration_min"].sum()
    per_year = minutes.reindex(rows.index, fill_value=0.0) / years
    values = _per_replication(per_year, context.replications, math.nan)
    est, note = _mean_estimate(context, values, "min/year", 0.0)
    causes = _minutes_by_cause(maintenance)
    return Judged(
        est,
        f"mean over replications ({', '.join(sorted(PLANNED_CAUSES))})",
        note,
        f"planned incidents: {causes}" if causes else "",
        untrusted=_untrusted(values, note),
        values=values,
    )


def _rpo(context: Context, key: str, targets: Targets) -> Judged:
    incidents = _incidents_of(context.result, key)
    worst = incidents.groupby("replication")["rpo_min"].max()
    values = _per_replication(worst, context.replications, 0.0)
    est, trust = _mean_estimate(context, values, "min", 0.0)
    rpo_min = threshold_in_minutes("rpo", targets.rpo or 0.0)
    losing = incidents[incidents["rpo_min"] > 0]
    if losing.empty:
        note = "no incident lost data"
    else:
        longer = int((losing["rpo_min"] > rpo_min).sum())
        note = f"{count_noun(len(losing), 'incident')} lost data, {longer} beyond the RPO"
    causes = format_causes(losing.groupby("cause")["rpo_min"].sum())
    return Judged(
        est,
        "mean over replications of the largest window",
        "; ".join(p for p in (note, trust if not losing.empty else "") if p),
        f"data-losing incidents: {causes}" if causes else "",
        untrusted=_untrusted(values, trust),
        values=values,
    )


def _cost_scope(result: ResultTables, key: str) -> tuple[Scope, str]:
    """Whether ``key`` is an environment or an account, and how a note names it."""
    if key in result.scenario.environments:
        return "environment", f"environment {key}"
    return "account", f"account {key} (all its costs)"


def _month_totals(
    costs: ScopeCosts, by: Scope, key: str, replications: pd.Index, horizon_h: float
) -> pd.DataFrame:
    """USD per replication (rows) × month (columns), partial months scaled to 730 h."""
    table = costs.month_table(by, key).reindex(replications).fillna(0.0)
    for month in table.columns:
        covered_h = min(HOURS_PER_MONTH, horizon_h - (int(month) - 1) * HOURS_PER_MONTH)
        if covered_h < HOURS_PER_MONTH - 1e-9:
            table[month] = table[month] * (HOURS_PER_MONTH / covered_h)
    return table


def _monthly_cost(context: Context, key: str, targets: Targets) -> Judged:
    result = context.result
    by, scope = _cost_scope(result, key)
    costs = result.monthly_cost_digest.scopes
    if not costs.covers(by, key):
        raise InnovateSimError(f"targets.{key}.monthly_cost_usd: no cost rows for {scope}")
    table = _month_totals(costs, by, key, context.replications, result.scenario.horizon)
    choice = targets.cost_month
    means = table.mean(axis=0)
    if choice == "mean":
        values = table.mean(axis=1).to_numpy(float)
        judged = f"mean of months 1–{int(table.columns.max())}"
        months = [int(m) for m in table.columns]
    else:
        if choice == "worst":
            month = int(table.columns[int(means.to_numpy().argmax())])
            judged = f"month {month} (the costliest of {len(means)})"
        elif choice == "last":
            month = int(table.columns.max())
            judged = f"month {month} (the last)"
        else:
            assert isinstance(choice, int)
            month = choice
            judged = f"month {month}"
        values = table[month].to_numpy(float)
        months = [month]
    est, _ = _mean_estimate(context, values, "USD/month", None)
    note = scope
    covered_h = result.scenario.horizon - (max(months) - 1) * HOURS_PER_MONTH
    if choice != "mean" and covered_h < HOURS_PER_MONTH - 1e-9:
        note += f"; month {months[0]} is partial ({covered_h:g} of 730 h, scaled to 730 h)"
    services = costs.by_service(by, key, months)
    month_judged = None if choice == "mean" else months[0]
    return Judged(
        est, judged, note, f"cost: {format_causes(services)}", month=month_judged, values=values
    )


def _cost_per_million(context: Context, key: str, _targets: Targets) -> Judged:
    result = context.result
    replications = context.replications
    by, scope = _cost_scope(result, key)
    costs = result.monthly_cost_digest.scopes
    totals = costs.over_horizon(by, key).reindex(replications, fill_value=0.0)
    envs = environments_of(result.scenario, key)
    availability = result.availability
    demand = (
        availability[availability["environment"].isin(envs)]
        .groupby("replication")["demand_requests"]
        .sum()
        .reindex(replications, fill_value=0.0)
    )
    if (demand <= 0).any():
        raise InnovateSimError(
            f"targets.{key}.cost_per_million_requests_usd: {scope} has no demanded requests"
        )
    values = (totals / (demand / 1e6)).to_numpy(float)
    est, _ = _mean_estimate(context, values, "USD", None)
    causes = format_causes(costs.by_service(by, key))
    return Judged(
        est, "mean over replications of the horizon", scope, f"cost: {causes}", values=values
    )


STATISTICS: dict[str, Callable[[Context, str, Targets], Judged]] = {
    "request_availability": _request_availability,
    "time_availability": _time_availability,
    "full_outage_minutes_per_year": _full_outage,
    "rto": _rto,
    "planned_downtime_min_per_year": _planned_downtime,
    "rpo": _rpo,
    "monthly_cost_usd": _monthly_cost,
    "cost_per_million_requests_usd": _cost_per_million,
}
