"""Design targets checked against a simulation's forecasts.

A scenario lists targets per environment (or, for cost, per account) under
``targets:``. :func:`check_targets` turns every target into one row: the
per-replication statistic it is compared with, the mean of that statistic
over replications and its confidence interval (Student-t, the scenario's
``simulation.confidence_level``), and a verdict:

* ``pass`` — the whole interval meets the target;
* ``fail`` — the whole interval misses it;
* ``uncertain`` — the interval straddles it (with the number of replications
  that would likely settle it), or it is undefined (one replication).

"Meets" means *at least* the threshold for availability targets (higher is
better) and *at most* the threshold for every other target (lower is better).
The statistic of each target (one value per replication):

==============================  ============================================================
target                          statistic per replication
==============================  ============================================================
request_availability            served / demanded requests of the environment
time_availability               share of time with at least the threshold share of requests
                                served (``simulation.time_availability_threshold``)
full_outage_minutes_per_year    minutes with no request served, scaled to 525,600 min/year
rto                             the longest incident (minutes; 0 without incidents); the
                                note adds the share of incidents longer than the RTO
rpo                             the largest data-loss window of an incident (minutes)
monthly_cost_usd                USD of forecast month ``cost_month`` (1 = first 730 h) of
                                the environment, or of every cost of the account when the
                                key names an account only (its environments plus its
                                static rows, e.g. the management account's)
cost_per_million_requests_usd   USD of the environment (or account) over the horizon
                                divided by its demanded requests / 10⁶
==============================  ============================================================

A key that names both an environment and an account (``prod``) is read as the
environment. Availability targets need an environment; ``cost_month`` must lie
within the simulated horizon. Bad targets raise :class:`InnovateSimError`.

The check reads only result tables (``availability``, ``incidents``,
``monthly_cost``) and the scenario, so it works on a live
:class:`~innovate_sim.experiments.SimulationResult` and on a result read back
from disk alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import pandas as pd

from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.stats import Estimate, estimate, replications_to_settle
from innovate_sim.units import HOURS_PER_MONTH, MINUTES_PER_YEAR

if TYPE_CHECKING:
    from rich.console import Console

    from innovate_sim.scenario import Scenario

__all__ = [
    "TARGETS",
    "TargetKind",
    "TargetReport",
    "Verdict",
    "check_targets",
    "format_value",
    "judge",
    "statistic_values",
    "validate_targets",
]

Verdict = Literal["pass", "fail", "uncertain"]

#: Exit status of ``innovate-sim check`` per outcome.
EXIT_PASS, EXIT_FAIL, EXIT_UNCERTAIN = 0, 1, 3

ROW_COLUMNS = [
    "scope",
    "target",
    "unit",
    "threshold",
    "statistic",
    "mean",
    "ci_low",
    "ci_high",
    "verdict",
    "replications_to_settle",
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
    def monthly_cost(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class TargetKind:
    """One kind of target: its unit, direction and the statistic compared.

    Attributes:
        name: the field name under ``targets.<key>`` in a scenario.
        unit: unit of the threshold and statistic (``fraction``, ``min``, …).
        higher_is_better: availability targets are minimums; the rest maxima.
        statistic: what is computed per replication (averaged over replications).
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
        TargetKind("rto", "min", False, "mean of the longest incident per replication", True),
        TargetKind(
            "rpo", "min", False, "mean of the largest data-loss window per replication", True
        ),
        TargetKind("monthly_cost_usd", "USD/month", False, "mean cost of month {month}", False),
        TargetKind(
            "cost_per_million_requests_usd",
            "USD/1M requests",
            False,
            "mean cost over the horizon per million demanded requests",
            False,
        ),
    )
}


# -- verdicts -------------------------------------------------------------------------------------


def judge(
    est: Estimate, threshold: float, higher_is_better: bool
) -> tuple[Verdict, int | None, str]:
    """Verdict of one target from the estimate of its statistic.

    Args:
        est: mean and confidence interval of the per-replication statistic.
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
    settle = _settle(est, threshold)
    if settle is None:
        note = "CI straddles the target; the mean equals it, more replications may not settle it"
    else:
        note = f"CI straddles the target: about {settle} replications would likely settle it"
    return "uncertain", settle, note


def _settle(est: Estimate, threshold: float) -> int | None:
    """Replications after which the interval would likely exclude ``threshold``."""
    return replications_to_settle(est, threshold)


# -- checking -------------------------------------------------------------------------------------


def validate_targets(scenario: Scenario, *, require: bool = True) -> None:
    """Check that the scenario's targets can be evaluated, before simulating.

    Raises:
        InnovateSimError: no targets (when ``require``); an availability,
            RTO or RPO target keyed by an account rather than an environment;
            or a ``cost_month`` beyond the simulated horizon.
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
        if targets.monthly_cost_usd is not None and targets.cost_month > months:
            raise InnovateSimError(
                f"targets.{key}.cost_month is {targets.cost_month}, but the horizon "
                f"({scenario.horizon:g} h) covers {months} month(s) of 730 h; "
                f"lower cost_month or lengthen the horizon"
            )


def check_targets(result: ResultTables) -> TargetReport:
    """Compare a result's forecasts with its scenario's targets.

    Args:
        result: a :class:`~innovate_sim.experiments.SimulationResult` or any
            object with ``scenario``, ``confidence`` and the ``availability``,
            ``incidents`` and ``monthly_cost`` tables.

    Returns:
        A :class:`TargetReport` with one row per target set in the scenario.

    Raises:
        InnovateSimError: the scenario has no targets or one cannot be evaluated
            (see :func:`validate_targets`).
    """
    scenario = result.scenario
    validate_targets(scenario)
    level = result.confidence
    replications = _replications(result.availability)
    rows = []
    for key, targets in scenario.targets.items():
        for name in _set_targets(targets):
            kind = TARGETS[name]
            threshold = _threshold(name, getattr(targets, name))
            values, note = _values(result, key, name, targets.cost_month, replications)
            unit = "fraction" if name in ("request_availability", "time_availability") else ""
            bounds = (0.0, 1.0) if unit == "fraction" else (0.0, math.inf)
            est = estimate(values, level, bounds)
            verdict, settle, why = judge(est, threshold, kind.higher_is_better)
            statistic = kind.statistic.format(month=targets.cost_month)
            rows.append(
                {
                    "scope": key,
                    "target": name,
                    "unit": kind.unit,
                    "threshold": threshold,
                    "statistic": statistic,
                    "mean": est.mean,
                    "ci_low": est.ci_low,
                    "ci_high": est.ci_high,
                    "verdict": verdict,
                    "replications_to_settle": settle,
                    "note": "; ".join(part for part in (why, note) if part),
                    "n": est.n,
                    "higher_is_better": kind.higher_is_better,
                }
            )
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS)
    frame["replications_to_settle"] = frame["replications_to_settle"].astype("Int64")
    return TargetReport(frame, level)


def statistic_values(result: ResultTables, key: str, name: str) -> np.ndarray:
    """Per-replication values of the statistic target ``name`` at ``key`` is judged on.

    Uses the scenario's ``cost_month`` of ``targets.<key>``; the target must be set.
    """
    month = result.scenario.targets[key].cost_month
    return _values(result, key, name, month, _replications(result.availability))[0]


def _set_targets(targets: Any) -> list[str]:
    return [name for name in TARGETS if getattr(targets, name) is not None]


def _threshold(name: str, value: float) -> float:
    # RTO and RPO are durations in hours in the scenario; compare in minutes.
    return float(value) * 60.0 if name in ("rto", "rpo") else float(value)


def _environments_of(scenario: Scenario, key: str) -> list[str]:
    if key in scenario.environments:
        return [key]
    return [name for name, env in scenario.environments.items() if env.account == key]


def _replications(availability: pd.DataFrame) -> pd.Index:
    return pd.Index(sorted(availability["replication"].unique()), name="replication")


def _per_replication(series: pd.Series, replications: pd.Index, fill: float) -> np.ndarray:
    return series.reindex(replications, fill_value=fill).to_numpy(float)


def _values(
    result: ResultTables, key: str, name: str, month: int, replications: pd.Index
) -> tuple[np.ndarray, str]:
    """Per-replication values of the statistic of target ``name`` at ``key``, and a note."""
    getter = _STATISTICS[name]
    return getter(result, key, month, replications)


def _availability_rows(result: ResultTables, key: str) -> pd.DataFrame:
    frame = result.availability
    return frame[frame["environment"] == key].set_index("replication")


def _request_availability(
    result: ResultTables, key: str, _month: int, replications: pd.Index
) -> tuple[np.ndarray, str]:
    rows = _availability_rows(result, key)
    return _per_replication(rows["request_availability"], replications, math.nan), ""


def _time_availability(
    result: ResultTables, key: str, _month: int, replications: pd.Index
) -> tuple[np.ndarray, str]:
    rows = _availability_rows(result, key)
    threshold = result.scenario.simulation.time_availability_threshold
    note = f"time counts as up when ≥ {threshold * 100:g}% of requests succeed"
    return _per_replication(rows["time_availability"], replications, math.nan), note


def _full_outage(
    result: ResultTables, key: str, _month: int, replications: pd.Index
) -> tuple[np.ndarray, str]:
    rows = _availability_rows(result, key)
    per_year = rows["full_outage_min"] / (rows["horizon_h"] * 60.0 / MINUTES_PER_YEAR)
    return _per_replication(per_year, replications, math.nan), ""


def _incidents_of(result: ResultTables, key: str) -> pd.DataFrame:
    frame = result.incidents
    return frame[frame["environment"] == key]


def _rto(
    result: ResultTables, key: str, _month: int, replications: pd.Index
) -> tuple[np.ndarray, str]:
    incidents = _incidents_of(result, key)
    worst = incidents.groupby("replication")["duration_min"].max()
    rto_min = _threshold("rto", result.scenario.targets[key].rto or 0.0)
    if incidents.empty:
        note = "no incidents"
    else:
        longer = int((incidents["duration_min"] > rto_min).sum())
        share = longer / len(incidents)
        note = f"{share:.1%} of {len(incidents)} incidents last longer than the RTO"
    return _per_replication(worst, replications, 0.0), note


def _rpo(
    result: ResultTables, key: str, _month: int, replications: pd.Index
) -> tuple[np.ndarray, str]:
    incidents = _incidents_of(result, key)
    worst = incidents.groupby("replication")["rpo_min"].max()
    rpo_min = _threshold("rpo", result.scenario.targets[key].rpo or 0.0)
    losing = incidents[incidents["rpo_min"] > 0]
    if losing.empty:
        note = "no incident lost data"
    else:
        longer = int((losing["rpo_min"] > rpo_min).sum())
        note = f"{len(losing)} incidents lost data, {longer} beyond the RPO"
    return _per_replication(worst, replications, 0.0), note


def _cost_rows(result: ResultTables, key: str) -> tuple[pd.DataFrame, str]:
    frame = result.monthly_cost
    scenario = result.scenario
    if key in scenario.environments:
        return frame[frame["environment"] == key], f"environment {key}"
    return frame[frame["account"] == key], f"account {key} (all its costs)"


def _monthly_cost(
    result: ResultTables, key: str, month: int, replications: pd.Index
) -> tuple[np.ndarray, str]:
    rows, scope = _cost_rows(result, key)
    rows = rows[rows["month"] == month]
    if rows.empty:
        raise InnovateSimError(f"targets.{key}.monthly_cost_usd: no cost rows for {scope}")
    totals = rows.groupby("replication")["usd"].sum()
    note = scope
    horizon_h = result.scenario.horizon
    covered_h = min(HOURS_PER_MONTH, horizon_h - (month - 1) * HOURS_PER_MONTH)
    if covered_h < HOURS_PER_MONTH - 1e-9:
        # the partial month accrued its simulated share: scale it to a full month
        totals = totals * (HOURS_PER_MONTH / covered_h)
        note += f"; month {month} is partial ({covered_h:g} of 730 h simulated, scaled to 730 h)"
    return _per_replication(totals, replications, 0.0), note


def _cost_per_million(
    result: ResultTables, key: str, _month: int, replications: pd.Index
) -> tuple[np.ndarray, str]:
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
    return (totals / (demand / 1e6)).to_numpy(float), scope


_STATISTICS: dict[str, Callable[[ResultTables, str, int, pd.Index], tuple[np.ndarray, str]]] = {
    "request_availability": _request_availability,
    "time_availability": _time_availability,
    "full_outage_minutes_per_year": _full_outage,
    "rto": _rto,
    "rpo": _rpo,
    "monthly_cost_usd": _monthly_cost,
    "cost_per_million_requests_usd": _cost_per_million,
}


# -- the report -----------------------------------------------------------------------------------


def format_value(value: float, unit: str) -> str:
    """Format a threshold or statistic in its unit (``99.9500%``, ``$3,000.00``, ``12.30``)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if unit == "fraction":
        return f"{value * 100:.4f}%"
    if unit.startswith("USD"):
        return f"${value:,.2f}"
    return f"{value:,.2f}"


def _with_unit(value: float, unit: str) -> str:
    text = format_value(value, unit)
    if unit in ("fraction", "USD/month") or text == "n/a":
        return text
    if unit.startswith("USD/"):
        return f"{text}/{unit.removeprefix('USD/')}"
    return f"{text} {unit}"


_VERDICT_STYLE = {"pass": "bold green", "fail": "bold red", "uncertain": "bold yellow"}


class TargetReport:
    """The outcome of a target check.

    Attributes:
        rows: one row per target: ``scope`` (environment or account),
            ``target``, ``unit``, ``threshold``, ``statistic`` (what was
            compared), ``mean``, ``ci_low``, ``ci_high``, ``verdict``
            (``pass``/``fail``/``uncertain``), ``replications_to_settle``
            (uncertain rows), ``note``, ``n`` (replications) and
            ``higher_is_better``. Availability is a fraction, RTO and RPO are
            minutes, costs USD.
        confidence: confidence level of the intervals.
    """

    def __init__(self, rows: pd.DataFrame, confidence: float) -> None:
        self.rows = rows
        self.confidence = confidence

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

    def summary_line(self) -> str:
        """One line: how many targets passed, failed, stayed uncertain."""
        c = self.counts
        outcome = {EXIT_PASS: "PASS", EXIT_FAIL: "FAIL", EXIT_UNCERTAIN: "UNCERTAIN"}[
            self.exit_code
        ]
        return (
            f"{outcome}: {len(self.rows)} targets — {c['pass']} pass, {c['fail']} fail, "
            f"{c['uncertain']} uncertain"
        )

    def display_rows(self) -> list[dict[str, str]]:
        """The rows as formatted text (shared by the console table and the report)."""
        level = f"{self.confidence * 100:g}% CI"
        out = []
        for record in self.rows.to_dict(orient="records"):
            row: dict[str, Any] = {str(k): v for k, v in record.items()}
            unit = str(row["unit"])
            op = "≥" if row["higher_is_better"] else "≤"
            n = int(row["n"])
            if n < 2 or not math.isfinite(float(row["ci_low"])):
                ci = f"undefined (n={n})"
            else:
                ci = f"{format_value(row['ci_low'], unit)} – {format_value(row['ci_high'], unit)}"
            settle = row["replications_to_settle"]
            out.append(
                {
                    "scope": str(row["scope"]),
                    "target": f"{row['target']} {op} {_with_unit(row['threshold'], unit)}",
                    "unit": unit,
                    "statistic": str(row["statistic"]),
                    "mean": format_value(row["mean"], unit),
                    level: ci,
                    "verdict": str(row["verdict"]),
                    "to settle": "" if pd.isna(settle) else f"n≈{int(settle)}",
                    "note": str(row["note"]),
                }
            )
        return out

    def render(self, console: Console | None = None) -> None:
        """Print the target table (verdicts coloured) and the summary line."""
        from rich.console import Console
        from rich.table import Table

        console = console or Console()
        rows = self.display_rows()
        level = f"{self.confidence * 100:g}% CI"
        table = Table(title=f"Targets (mean over replications, {level})")
        columns = ["scope", "target", "statistic", "mean", level, "verdict", "to settle", "note"]
        for column in columns:
            right = column in ("mean", level, "to settle")
            table.add_column(
                column,
                justify="right" if right else "left",
                overflow="fold",
                no_wrap=column in ("scope", "target", "mean", level, "verdict", "to settle"),
            )
        for row in rows:
            cells = [row[c] for c in columns]
            style = _VERDICT_STYLE[row["verdict"]]
            cells[columns.index("verdict")] = f"[{style}]{row['verdict']}[/]"
            table.add_row(*(_escape(c) if i != 5 else c for i, c in enumerate(cells)))
        console.print(table)
        console.print(self.summary_line(), style=_VERDICT_STYLE[_worst(self.counts)])

    def __repr__(self) -> str:
        return f"TargetReport({self.summary_line()})"


def _worst(counts: dict[str, int]) -> str:
    if counts["fail"]:
        return "fail"
    if counts["uncertain"]:
        return "uncertain"
    return "pass"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
