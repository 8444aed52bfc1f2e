"""What ``run``, ``check``, ``compare`` and ``sweep`` report, as :class:`~.formats.Document`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from innovate_sim.cli.formats import Document, records
from innovate_sim.experiments.pareto import NOT_DISTINGUISHABLE
from innovate_sim.formatting import count_noun, format_percent, format_usd
from innovate_sim.reporting.verdicts import display_rows

if TYPE_CHECKING:
    from innovate_sim.experiments import Comparison, SimulationResult, SweepResult
    from innovate_sim.targets import TargetReport

__all__ = ["check_document", "compare_document", "result_document", "sweep_document"]

_SUMMARY_COLUMNS = ["environment", "metric", "unit", "mean", "ci_low", "ci_high", "p5", "p95", "n"]


def _context(result: SimulationResult) -> list[str]:
    prov = result.provenance()
    lines = [
        f"scenario `{prov['scenario']}` (hash `{prov['scenario_hash']}`), seed {prov['seed']}, "
        f"{count_noun(prov['replications'], 'replication')} of {prov['horizon_h'] / 8760:g} y",
        f"prices `{prov['catalog_version']}`, innovate_sim {prov['package_version']}; "
        f"{result.confidence * 100:g}% CI: {prov['ci_method']}",
    ]
    if result.failed:
        lines.append(f"**{count_noun(len(result.failed), 'replication')} failed**")
    return lines


def _downtime_by_cause(result: SimulationResult) -> pd.DataFrame:
    """Mean incident minutes and lost requests per year, by environment and cause."""
    by_cause = result.downtime_by_cause
    if by_cause.empty:
        return pd.DataFrame(columns=["environment", "cause", "incident_min_per_year"])
    years = result.horizon_years
    means = by_cause.groupby(["environment", "cause"], as_index=False)[
        ["incident_min", "lost_requests"]
    ].mean()
    return pd.DataFrame(
        {
            "environment": means["environment"],
            "cause": means["cause"],
            "incident_min_per_year": means["incident_min"] / years,
            "lost_requests_per_year": means["lost_requests"] / years,
        }
    ).sort_values(["environment", "lost_requests_per_year"], ascending=[True, False])


def result_document(result: SimulationResult) -> Document:
    """``run``: the forecast summary and downtime by cause."""
    summary = result.summary()[_SUMMARY_COLUMNS]
    causes = _downtime_by_cause(result)
    return Document(
        heading=f"Forecast: {result.scenario.name}",
        context=_context(result),
        tables=[("Forecast", summary), ("Downtime by cause (mean per year)", causes)],
        csv=summary,
        payload={
            "provenance": result.provenance(),
            "summary": records(summary),
            "downtime_by_cause": records(causes),
        },
    )


_VERDICT_MARK = {"PASS": "✅", "FAIL": "❌", "UNCERTAIN": "⚠️"}


def check_document(result: SimulationResult, report: TargetReport) -> Document:
    """``check``: the verdict first, then every target with its interval."""
    columns = [
        "scope",
        "target",
        "unit",
        "threshold",
        "mean",
        "ci_low",
        "ci_high",
        "verdict",
        "replications_to_settle",
        "note",
    ]
    # what was judged (the month, the quantile) and what drives each verdict
    columns += [c for c in ("judged", "month", "quantile", "causes") if c in report.rows.columns]
    rows = report.rows[columns]
    shown = pd.DataFrame(display_rows(report)).drop(columns="unit")
    line = report.summary_line()
    outcome = line.split(":", 1)[0]
    return Document(
        heading=f"{_VERDICT_MARK[outcome]} {line} ({result.scenario.name})",
        context=_context(result),
        tables=[("Targets (mean over replications)", shown)],
        csv=rows,
        payload={
            "verdict": outcome.lower(),
            "exit_code": report.exit_code,
            "counts": report.counts,
            "confidence_level": report.confidence,
            "targets": records(report.rows),
            "provenance": result.provenance(),
        },
    )


def compare_document(comparison: Comparison) -> Document:
    """``compare``: paired differences B − A with their intervals."""
    a, b = comparison.a, comparison.b
    columns = ["environment", "metric", "unit", "mean_a", "mean_b", "mean_difference"]
    columns += ["ci_low", "ci_high", "n"]
    diff = comparison.differences[[c for c in columns if c in comparison.differences]]
    return Document(
        heading=f"B − A: {b.scenario.name} against {a.scenario.name}",
        context=[
            f"paired over {count_noun(a.replications, 'replication')} with common random numbers, "
            f"seed {a.seed}; {a.confidence * 100:g}% CI of the paired differences",
            f"A = `{a.scenario.name}` (hash `{a.scenario_hash}`), "
            f"B = `{b.scenario.name}` (hash `{b.scenario_hash}`)",
        ],
        tables=[("Paired differences B − A", diff)],
        csv=diff,
        payload={"a": a.provenance(), "b": b.provenance(), "differences": records(diff)},
    )


def sweep_document(result: SweepResult) -> Document:
    """``sweep``: every variant with its intervals, and the Pareto set."""
    table = result.table.drop(columns=["scenario_hash"])
    frontier = result.frontier()
    front = [
        f"{r['variant']}: {format_usd(r['monthly_cost_usd'])}/month, "
        f"{format_percent(r['request_availability'])} of requests served"
        for r in frontier.to_dict(orient="records")
    ]
    unclear = [
        str(label)
        for label, status in zip(table["variant"], table["pareto_status"], strict=True)
        if status == NOT_DISTINGUISHABLE
    ]
    payload: dict[str, Any] = {
        "provenance": result.provenance(),
        "variants": records(result.table),
        "pareto": frontier["variant"].tolist(),
    }
    return Document(
        heading=f"Sweep: {count_noun(len(table), 'variant')} × "
        f"{count_noun(result.replications, 'replication')}",
        context=[
            f"seed {result.seed}, common random numbers; availability and downtime of "
            f"`{result.environment}`, cost of the whole scenario",
            "Pareto set (differences outside the intervals), cheapest first: "
            + ("; ".join(front) or "none"),
            "not distinguishable with these replications: " + (", ".join(unclear) or "none"),
        ],
        tables=[("Variants", table)],
        csv=result.table,
        payload=payload,
    )
