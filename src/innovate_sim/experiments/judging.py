"""Design targets judged against a simulation's forecasts: catalogue, statistics, verdicts.

A scenario lists targets per environment (or, for cost, per account) under
``targets:``. :func:`check_targets` turns every target into one row: the
statistic it is compared with, its estimate and confidence interval at the
scenario's ``simulation.confidence_level``, what exactly was judged (the
month, the quantile), the causes that drive it, and a verdict:

* ``pass`` — the whole interval meets the target;
* ``fail`` — the whole interval misses it;
* ``uncertain`` — the interval straddles it (with the number of replications
  that would likely settle it), or it is undefined (one replication).

"Meets" means *at least* the threshold for availability targets (higher is
better) and *at most* the threshold for every other target (lower is better).

==============================  ============================================================
target                          statistic
==============================  ============================================================
request_availability            mean over replications of served / demanded requests
time_availability               mean share of time with at least the threshold share of
                                requests served (``simulation.time_availability_threshold``)
full_outage_minutes_per_year    mean minutes with no request served, per 525,600-min year
rto                             the ``rto_quantile`` quantile of time to recover over every
                                unplanned incident in which fewer than ``rto_severity`` of
                                requests succeeded at worst (pooled over replications;
                                order-statistic interval)
planned_downtime_min_per_year   mean minutes a year of planned incidents (RDS maintenance)
rpo                             mean of the largest data-loss window per replication
monthly_cost_usd                mean cost of the month chosen by ``cost_month``: the
                                costliest (``worst``, default), ``last``, the mean over
                                months (``mean``) or a month number
cost_per_million_requests_usd   mean cost over the horizon per million demanded requests
==============================  ============================================================

The check reads only result tables (``availability``, ``incidents``,
``downtime_by_cause``, ``monthly_cost``) and the scenario, so it works on a
live :class:`~innovate_sim.experiments.SimulationResult` and on a result read
back from disk alike. Its text form — the console table, the report's rows —
is :mod:`innovate_sim.reporting.verdicts` (``render(report)``,
``display_rows(report)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import pandas as pd
from scipy import stats

from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.stats import (
    Estimate,
    estimate,
    interval_note,
    replications_to_settle,
)
from innovate_sim.formatting import count_noun
from innovate_sim.units import HOURS_PER_MONTH, MINUTES_PER_YEAR

if TYPE_CHECKING:
    from innovate_sim.scenario import Scenario
    from innovate_sim.scenario.model import Targets

__all__ = [
    "PLANNED_CAUSES",
    "TARGETS",
    "Judged",
    "TargetKind",
    "TargetReport",
    "Verdict",
    "check_targets",
    "judge",
    "judged_statistic",
    "planned",
    "validate_targets",
]

Verdict = Literal["pass", "fail", "uncertain"]

#: Exit status of ``innovate-sim check`` per outcome.
EXIT_PASS, EXIT_FAIL, EXIT_UNCERTAIN = 0, 1, 3

#: Causes of planned downtime: RDS OS patches and engine upgrades, applied in the
#: weekly maintenance window the scenario sets. An incident is planned when every
#: cause that lost requests in it is planned.
PLANNED_CAUSES = frozenset({"rds-maintenance"})

ROW_COLUMNS = [
    "scope",
    "target",
    "unit",
    "threshold",
    "statistic",
    "judged",
    "month",
    "quantile",
    "mean",
    "ci_low",
    "ci_high",
    "verdict",
    "replications_to_settle",
    "causes",
    "note",
    "n",
    "higher_is_better",
]


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
    def monthly_cost(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class TargetKind:
    """One kind of target: its unit, direction and the statistic compared.

    Attributes:
        name: the field name under ``targets.<key>`` in a scenario.
        unit: unit of the threshold and statistic (``fraction``, ``min``, …).
        higher_is_better: availability targets are minimums; the rest maxima.
        statistic: what is compared.
        needs_environment: the key must name an environment (not only an account).
    """

    name: str
    unit: str
    higher_is_better: bool
    statistic: str
    needs_environment: bool


TARGETS: dict[str, TargetKind] = {
    kind.name: kind
    for kind in (
        TargetKind(
            "request_availability",
            "fraction",
            True,
            "mean request availability (served / demanded)",
            True,
        ),
        TargetKind(
            "time_availability",
            "fraction",
            True,
            "mean share of time above the success threshold",
            True,
        ),
        TargetKind(
            "full_outage_minutes_per_year",
            "min/year",
            False,
            "mean full-outage minutes per year",
            True,
        ),
        TargetKind(
            "rto", "min", False, "quantile of time to recover over unplanned incidents", True
        ),
        TargetKind(
            "planned_downtime_min_per_year",
            "min/year",
            False,
            "mean minutes of planned incidents per year",
            True,
        ),
        TargetKind(
            "rpo", "min", False, "mean of the largest data-loss window per replication", True
        ),
        TargetKind("monthly_cost_usd", "USD/month", False, "mean cost of one month", False),
        TargetKind(
            "cost_per_million_requests_usd",
            "USD/1M requests",
            False,
            "mean cost over the horizon per million demanded requests",
            False,
        ),
    )
}


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


# -- verdicts -------------------------------------------------------------------------------------


def judge(
    est: Estimate, threshold: float, higher_is_better: bool
) -> tuple[Verdict, int | None, str]:
    """Verdict of one target from the estimate of its statistic.

    Args:
        est: estimate and confidence interval of the statistic.
        threshold: the target, in the statistic's unit.
        higher_is_better: ``True`` when the target is a minimum (availability).

    Returns:
        ``(verdict, replications_to_settle, note)``: ``pass`` when the whole
        interval meets the target (equality meets it), ``fail`` when the whole
        interval misses it, otherwise ``uncertain`` with the number of
        replications after which the interval would likely exclude the target
        (``None`` when it cannot be estimated) and a note saying why.
    """
    if est.n == 0 or not math.isfinite(est.mean):
        return "uncertain", None, "no completed replication to estimate from"
    if not est.ci_defined:
        return (
            "uncertain",
            None,
            f"CI undefined with n={est.n}: run at least 2 replications",
        )
    low, high = est.ci_low, est.ci_high
    meets_all = low >= threshold if higher_is_better else high <= threshold
    misses_all = high < threshold if higher_is_better else low > threshold
    if meets_all:
        return "pass", None, ""
    if misses_all:
        return "fail", None, ""
    settle = replications_to_settle(est, threshold)
    if settle is None:
        note = "CI straddles the target; the mean equals it, more replications may not settle it"
    else:
        note = f"CI straddles the target: about {settle} replications would likely settle it"
    return "uncertain", settle, note


# -- validation -----------------------------------------------------------------------------------


def validate_targets(scenario: Scenario, *, require: bool = True) -> None:
    """Check that the scenario's targets can be evaluated, before simulating.

    Raises:
        InnovateSimError: no targets (when ``require``); an availability,
            RTO, planned-downtime or RPO target keyed by an account rather than
            an environment; or a ``cost_month`` beyond the simulated horizon.
    """
    from innovate_sim.cost.accrual import months_of

    if not scenario.targets:
        if require:
            raise InnovateSimError(
                f"scenario {scenario.name!r} has no targets to check; add a 'targets:' section, "
                "e.g. targets: {prod: {request_availability: 99.95%, monthly_cost_usd: 5000}} "
                "(see docs/targets.md)"
            )
        return
    months = months_of(scenario)
    for key, targets in scenario.targets.items():
        set_fields = _set_targets(targets)
        if not set_fields:
            raise InnovateSimError(f"targets.{key} sets no target; see docs/targets.md")
        if key not in scenario.environments:
            env_only = [name for name in set_fields if TARGETS[name].needs_environment]
            if env_only:
                raise InnovateSimError(
                    f"targets.{key}: {', '.join(env_only)} apply to an environment, and "
                    f"{key!r} is an account; environments: {', '.join(scenario.environments)}"
                )
            if (
                not _environments_of(scenario, key)
                and "cost_per_million_requests_usd" in set_fields
            ):
                raise InnovateSimError(
                    f"targets.{key}.cost_per_million_requests_usd: account {key!r} has no "
                    "environment, so no requests"
                )
        month = targets.cost_month
        if targets.monthly_cost_usd is not None and isinstance(month, int) and month > months:
            raise InnovateSimError(
                f"targets.{key}.cost_month is {month}, but the horizon "
                f"({scenario.horizon:g} h) covers {months} month(s) of 730 h; "
                "lower cost_month, use worst, last or mean, or lengthen the horizon"
            )


# -- checking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    result: ResultTables
    replications: pd.Index
    level: float


def check_targets(result: ResultTables) -> TargetReport:
    """Compare a result's forecasts with its scenario's targets.

    Args:
        result: a :class:`~innovate_sim.experiments.SimulationResult` or any
            object with ``scenario``, ``confidence`` and the ``availability``,
            ``incidents``, ``downtime_by_cause`` and ``monthly_cost`` tables.

    Returns:
        A :class:`TargetReport` with one row per target set in the scenario.

    Raises:
        InnovateSimError: the scenario has no targets or one cannot be evaluated
            (see :func:`validate_targets`).
    """
    scenario = result.scenario
    validate_targets(scenario)
    replications = pd.Index(sorted(result.availability["replication"].unique()), name="replication")
    context = _Context(result, replications, result.confidence)
    rows = []
    for key, targets in scenario.targets.items():
        for name in _set_targets(targets):
            kind = TARGETS[name]
            threshold = _threshold(name, getattr(targets, name))
            judged = _STATISTICS[name](context, key, targets)
            verdict, settle, why = judge(judged.estimate, threshold, kind.higher_is_better)
            if verdict == "uncertain" and judged.settle_note:
                settle, why = judged.settle, judged.settle_note
            if judged.untrusted is not None and verdict != "uncertain":
                if _unanimous(verdict, judged.untrusted, threshold, kind.higher_is_better):
                    why = f"every replication {'meets' if verdict == 'pass' else 'misses'} it"
                else:
                    verdict = "uncertain"
                    why = "the interval cannot be trusted and the replications disagree"
            est = judged.estimate
            rows.append(
                {
                    "scope": key,
                    "target": name,
                    "unit": kind.unit,
                    "threshold": threshold,
                    "statistic": kind.statistic,
                    "judged": judged.judged,
                    "month": judged.month,
                    "quantile": judged.quantile,
                    "mean": est.mean,
                    "ci_low": est.ci_low,
                    "ci_high": est.ci_high,
                    "verdict": verdict,
                    "replications_to_settle": settle,
                    "causes": judged.causes,
                    "note": "; ".join(part for part in (why, judged.note) if part),
                    "n": est.n,
                    "higher_is_better": kind.higher_is_better,
                }
            )
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS)
    frame["replications_to_settle"] = frame["replications_to_settle"].astype("Int64")
    frame["month"] = frame["month"].astype("Int64")
    return TargetReport(frame, context.level, scenario)


def judged_statistic(result: ResultTables, key: str, name: str) -> Judged:
    """The statistic target ``name`` at ``key`` is judged on, as ``check`` judges it.

    The target must be set in ``targets.<key>`` (its month, quantile and severity
    apply). ``estimate.mean`` is the figure compared with the threshold (for an
    RTO, the quantile of the pooled incidents), ``values`` its per-replication
    counterpart.
    """
    replications = pd.Index(sorted(result.availability["replication"].unique()), name="replication")
    context = _Context(result, replications, result.confidence)
    return _STATISTICS[name](context, key, result.scenario.targets[key])


def _unanimous(
    verdict: Verdict, values: np.ndarray, threshold: float, higher_is_better: bool
) -> bool:
    """Whether every replication agrees with a verdict reached on an untrusted interval.

    A ``pass`` stands when every replication meets the target, a ``fail`` when
    every one misses it; ``uncertain`` always stands.
    """
    if verdict == "uncertain":
        return True
    meets = values >= threshold if higher_is_better else values <= threshold
    return bool(meets.all()) if verdict == "pass" else bool((~meets).all())


def _set_targets(targets: Any) -> list[str]:
    return [name for name in TARGETS if getattr(targets, name) is not None]


def _threshold(name: str, value: float) -> float:
    # RTO and RPO are durations in hours in the scenario; compare in minutes.
    return float(value) * 60.0 if name in ("rto", "rpo") else float(value)


def _environments_of(scenario: Scenario, key: str) -> list[str]:
    if key in scenario.environments:
        return [key]
    return [name for name, env in scenario.environments.items() if env.account == key]


def _per_replication(series: pd.Series, replications: pd.Index, fill: float) -> np.ndarray:
    return series.reindex(replications, fill_value=fill).to_numpy(float)


def _mean_estimate(
    context: _Context, values: np.ndarray, unit: str, perfect: float | None
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


def _request_availability(context: _Context, key: str, _targets: Targets) -> Judged:
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


def _time_availability(context: _Context, key: str, _targets: Targets) -> Judged:
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


def _full_outage(context: _Context, key: str, _targets: Targets) -> Judged:
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


def _rto(context: _Context, key: str, targets: Targets) -> Judged:
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
    rto_min = _threshold("rto", targets.rto or 0.0)
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


def _planned_downtime(context: _Context, key: str, _targets: Targets) -> Judged:
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


def _rpo(context: _Context, key: str, targets: Targets) -> Judged:
    incidents = _incidents_of(context.result, key)
    worst = incidents.groupby("replication")["rpo_min"].max()
    values = _per_replication(worst, context.replications, 0.0)
    est, trust = _mean_estimate(context, values, "min", 0.0)
    rpo_min = _threshold("rpo", targets.rpo or 0.0)
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


def _cost_rows(result: ResultTables, key: str) -> tuple[pd.DataFrame, str]:
    frame = result.monthly_cost
    if key in result.scenario.environments:
        return frame[frame["environment"] == key], f"environment {key}"
    return frame[frame["account"] == key], f"account {key} (all its costs)"


def _month_totals(result: ResultTables, key: str, replications: pd.Index) -> pd.DataFrame:
    """USD per replication (rows) × month (columns), partial months scaled to 730 h."""
    rows, _scope = _cost_rows(result, key)
    table = rows.pivot_table(index="replication", columns="month", values="usd", aggfunc="sum")
    table = table.reindex(replications).fillna(0.0)
    horizon_h = result.scenario.horizon
    for month in table.columns:
        covered_h = min(HOURS_PER_MONTH, horizon_h - (int(month) - 1) * HOURS_PER_MONTH)
        if covered_h < HOURS_PER_MONTH - 1e-9:
            table[month] = table[month] * (HOURS_PER_MONTH / covered_h)
    return table


def _monthly_cost(context: _Context, key: str, targets: Targets) -> Judged:
    result = context.result
    rows, scope = _cost_rows(result, key)
    if rows.empty:
        raise InnovateSimError(f"targets.{key}.monthly_cost_usd: no cost rows for {scope}")
    table = _month_totals(result, key, context.replications)
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
    services = rows[rows["month"].isin(months)].groupby("service")["usd"].sum()
    month_judged = None if choice == "mean" else months[0]
    return Judged(
        est, judged, note, f"cost: {format_causes(services)}", month=month_judged, values=values
    )


def _cost_per_million(context: _Context, key: str, _targets: Targets) -> Judged:
    result = context.result
    replications = context.replications
    rows, scope = _cost_rows(result, key)
    totals = rows.groupby("replication")["usd"].sum().reindex(replications, fill_value=0.0)
    envs = _environments_of(result.scenario, key)
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
    causes = format_causes(rows.groupby("service")["usd"].sum())
    return Judged(
        est, "mean over replications of the horizon", scope, f"cost: {causes}", values=values
    )


_STATISTICS: dict[str, Callable[[_Context, str, Targets], Judged]] = {
    "request_availability": _request_availability,
    "time_availability": _time_availability,
    "full_outage_minutes_per_year": _full_outage,
    "rto": _rto,
    "planned_downtime_min_per_year": _planned_downtime,
    "rpo": _rpo,
    "monthly_cost_usd": _monthly_cost,
    "cost_per_million_requests_usd": _cost_per_million,
}


# -- the outcome ----------------------------------------------------------------------------------


class TargetReport:
    """The outcome of a target check.

    Attributes:
        rows: one row per target: ``scope`` (environment or account),
            ``target``, ``unit``, ``threshold``, ``statistic`` (what is
            compared), ``judged`` (the month, quantile or mean judged),
            ``mean`` (the estimate), ``ci_low``, ``ci_high``, ``verdict``
            (``pass``/``fail``/``uncertain``), ``replications_to_settle``
            (uncertain rows), ``causes`` (what drives the figure), ``note``,
            ``n`` (replications) and ``higher_is_better``. Availability is a
            fraction, RTO and RPO are minutes, costs USD.
        confidence: confidence level of the intervals.
        scenario: the scenario checked (to tell which causes rest on assumed figures).
    """

    def __init__(
        self, rows: pd.DataFrame, confidence: float, scenario: Scenario | None = None
    ) -> None:
        self.rows = rows
        self.confidence = confidence
        self.scenario = scenario

    @property
    def passed(self) -> bool:
        """Whether every target passes (``False`` when any fails or is uncertain)."""
        return bool(len(self.rows)) and bool((self.rows["verdict"] == "pass").all())

    @property
    def counts(self) -> dict[str, int]:
        """Number of targets per verdict."""
        return {v: int((self.rows["verdict"] == v).sum()) for v in ("pass", "fail", "uncertain")}

    @property
    def exit_code(self) -> int:
        """0 when all pass, 1 when any fails, 3 when none fails but some are uncertain."""
        counts = self.counts
        if counts["fail"]:
            return EXIT_FAIL
        if counts["uncertain"]:
            return EXIT_UNCERTAIN
        return EXIT_PASS

    @property
    def worst(self) -> Verdict:
        """The worst verdict: ``fail``, else ``uncertain``, else ``pass``."""
        counts = self.counts
        if counts["fail"]:
            return "fail"
        if counts["uncertain"]:
            return "uncertain"
        return "pass"

    def summary_line(self) -> str:
        """One line: how many targets passed, failed, stayed uncertain."""
        c = self.counts
        return (
            f"{self.worst.upper()}: {len(self.rows)} targets — {c['pass']} pass, "
            f"{c['fail']} fail, {c['uncertain']} uncertain"
        )

    def records(self) -> list[dict[str, Any]]:
        """The rows as plain records (for ``summary.json``)."""
        frame = self.rows.astype(object).where(self.rows.notna(), None)
        return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]

    def plot(self, ax: Any = None) -> Any:
        """Each target's mean and CI as a share of what it allows (1 = at the target)."""
        from innovate_sim.experiments.views import draw

        return draw("targets", self, ax=ax)

    def _repr_html_(self) -> str:
        from innovate_sim.experiments.views import html_table

        columns = ["scope", "target", "unit", "judged", "mean", "ci_low", "ci_high", "verdict"]
        shown = self.rows[[c for c in columns if c in self.rows.columns]]
        return html_table(self.summary_line(), shown)

    def __repr__(self) -> str:
        return f"TargetReport({self.summary_line()})"
