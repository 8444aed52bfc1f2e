"""Design targets judged against a simulation's forecasts: catalogue and verdicts.

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

The statistics themselves are :mod:`innovate_sim.experiments.target_statistics`.
The check reads only result tables (``availability``, ``incidents``,
``downtime_by_cause``, and of the monthly cost table only its digest,
``monthly_cost_digest``, built piece by piece) and the scenario, so it works on a
live :class:`~innovate_sim.experiments.SimulationResult` and on a result read
back from disk alike. Its text form — the console table, the report's rows —
is :mod:`innovate_sim.reporting.verdicts` (``render(report)``,
``display_rows(report)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.stats import Estimate, replications_to_settle
from innovate_sim.experiments.target_statistics import (
    PLANNED_CAUSES,
    STATISTICS,
    Context,
    Judged,
    ResultTables,
    environments_of,
    planned,
    threshold_in_minutes,
)

if TYPE_CHECKING:
    from innovate_sim.scenario import Scenario

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
            if not environments_of(scenario, key) and "cost_per_million_requests_usd" in set_fields:
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


def check_targets(result: ResultTables) -> TargetReport:
    """Compare a result's forecasts with its scenario's targets.

    Args:
        result: a :class:`~innovate_sim.experiments.SimulationResult` or any
            object with ``scenario``, ``confidence``, the ``availability``,
            ``incidents`` and ``downtime_by_cause`` tables and ``monthly_cost_digest``.

    Returns:
        A :class:`TargetReport` with one row per target set in the scenario.

    Raises:
        InnovateSimError: the scenario has no targets or one cannot be evaluated
            (see :func:`validate_targets`).
    """
    scenario = result.scenario
    validate_targets(scenario)
    replications = pd.Index(sorted(result.availability["replication"].unique()), name="replication")
    context = Context(result, replications, result.confidence)
    rows = []
    for key, targets in scenario.targets.items():
        for name in _set_targets(targets):
            kind = TARGETS[name]
            threshold = threshold_in_minutes(name, getattr(targets, name))
            judged = STATISTICS[name](context, key, targets)
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
    context = Context(result, replications, result.confidence)
    return STATISTICS[name](context, key, result.scenario.targets[key])


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
