"""The report of a simulation: ``report.md`` and a self-contained ``report.html``.

:func:`write_report` writes, into a results folder, ``report.md``,
``report.html`` (CSS inline, every figure embedded as base64 PNG, so the file
opens on its own) and the figures as ``plots/*.png``. Sections: provenance
(scenario, hash, seed, replications, versions, CI method), the target table
with verdicts, key figures with confidence intervals, availability, downtime
by cause, the worst incidents, monthly cost, the default figures the
scenario relies on (each with its source, assumptions marked) and what is out
of scope. :func:`rebuild_report` writes the same files again from what
:func:`~innovate_sim.experiments.io.save_result` saved.

The report reads results only; it never simulates. Figures are drawn on
figures of their own with matplotlib's Agg canvas (no pyplot, no global
backend change), so nothing is left open.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from innovate_sim._frames import iter_rows
from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.io import atomic_write_bytes, atomic_write_text, load_result
from innovate_sim.experiments.stats import NON_NEGATIVE, estimate
from innovate_sim.formatting import display_unit, format_interval, format_value
from innovate_sim.reporting.assumptions import (
    applicable_defaults,
    compact_places,
    format_default_value,
)
from innovate_sim.reporting.bill import bill_blocks
from innovate_sim.reporting.causes import used_defaults
from innovate_sim.reporting.plots_common import NothingToPlotError
from innovate_sim.reporting.tables import (
    CAUSE_BASIS_NOTE,
    DOWNTIME_BY_CAUSE_COLUMNS,
    EXCLUDED_RISK_COLUMNS,
    EXCLUDED_RISK_NOTE,
    WORST_INCIDENT_COLUMNS,
    downtime_by_cause_rows,
    excluded_risk_rows,
    worst_incidents,
)
from innovate_sim.reporting.templates import (
    Block,
    Contents,
    Figure,
    Heading,
    Items,
    Paragraph,
    Table,
    render_html,
    render_markdown,
)
from innovate_sim.reporting.verdicts import assumption_note, display_rows
from innovate_sim.scenario.defaults import DEFAULTS
from innovate_sim.units import HOURS_PER_YEAR

__all__ = ["figure_block", "rebuild_report", "report_blocks", "write_blocks", "write_report"]

_DPI = 110
_TOP_INCIDENTS = 10


def write_report(result: Any, out_dir: Path | str) -> list[Path]:
    """Write ``report.md``, ``report.html`` and ``plots/*.png`` for a result.

    Args:
        result: a :class:`~innovate_sim.experiments.SimulationResult` or a
            result read back with :func:`~innovate_sim.experiments.io.load_result`.
        out_dir: the results folder (created if needed). Every file is written
            atomically.

    Returns:
        The paths written.
    """
    title = f"innovate_sim report — {result.scenario.name}"
    return write_blocks(title, report_blocks(result), out_dir)


def write_blocks(title: str, blocks: list[Block], out_dir: Path | str) -> list[Path]:
    """Write blocks as ``report.md``, ``report.html`` and ``plots/*.png`` (atomically)."""
    out_dir = Path(out_dir)
    written = []
    for block in blocks:
        if isinstance(block, Figure) and block.png is not None:
            path = out_dir / "plots" / f"{block.name}.png"
            atomic_write_bytes(path, block.png)
            written.append(path)
    path = out_dir / "report.md"
    atomic_write_text(path, render_markdown(title, blocks))
    written.append(path)
    path = out_dir / "report.html"
    atomic_write_text(path, render_html(title, blocks))
    written.append(path)
    return written


def rebuild_report(out_dir: Path | str) -> list[Path]:
    """Write the report of a saved results folder again, from its saved tables.

    Raises:
        InnovateSimError: the folder holds no saved result.
    """
    return write_report(load_result(Path(out_dir)), out_dir)


def report_blocks(result: Any) -> list[Block]:
    """The report's content as blocks (see :mod:`innovate_sim.reporting.templates`)."""
    blocks: list[Block] = []
    blocks += _targets(result)  # verdicts first
    blocks.append(Contents())
    blocks += _provenance(result)
    blocks += _key_figures(result)
    blocks += _availability(result)
    blocks += _downtime(result)
    blocks += _incidents(result)
    blocks += _cost(result)
    blocks += bill_blocks(result)
    blocks += _assumptions(result)
    blocks += _out_of_scope(result)
    return blocks


# -- formatting -----------------------------------------------------------------------------------


def _ci(low: Any, high: Any, unit: str, n: int) -> str:
    fmt = partial(format_value, unit=unit)
    return format_interval(low if n >= 2 else None, high, fmt, f"undefined (n={n})")


def _png(draw: Callable[[Axes], Any], size: tuple[float, float]) -> bytes:
    """Draw on a new Agg figure and return it as PNG bytes (no pyplot state)."""
    fig = MplFigure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    draw(ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _figure(
    name: str, caption: str, draw: Callable[[Axes], Any], size: tuple[float, float]
) -> Figure:
    """A figure block drawn by ``draw``, or the reason there is nothing to draw."""
    try:
        return Figure(name, caption, _png(draw, size))
    except NothingToPlotError as exc:
        return Figure(name, caption, None, _nothing(str(exc)))


figure_block = _figure


def _nothing(message: str) -> str:
    if "incidents" in message:
        return "no incidents in the simulated replications"
    return f"nothing to plot ({message})"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


# -- sections -------------------------------------------------------------------------------------


def _provenance(result: Any) -> list[Block]:
    prov = result.provenance()
    scenario = result.scenario
    failed = prov.get("failed_replications") or []
    rows = [
        [
            "scenario",
            f"{scenario.name}" + (f" — {scenario.description}" if scenario.description else ""),
        ],
        ["scenario hash", str(prov["scenario_hash"])],
        ["seed", str(prov["seed"])],
        [
            "replications",
            f"{prov['replications']}"
            + (f" ({len(failed)} failed: {failed[:10]})" if failed else ""),
        ],
        ["horizon", f"{prov['horizon_h']:g} h ({prov['horizon_h'] / HOURS_PER_YEAR:.3g} y)"],
        ["environments", ", ".join(scenario.environments) or "none"],
        ["innovate_sim version", str(prov["package_version"])],
        ["price catalog", str(prov["catalog_version"])],
        ["unverified prices", str(prov.get("unverified_prices", "not recorded"))],
        [
            "confidence intervals",
            f"{prov['confidence_level'] * 100:g}% — {prov['ci_method']}",
        ],
        ["wall time", f"{prov['wall_time_s']:.1f} s"],
    ]
    return [Heading("Run"), Table(["", ""], rows)]


def _targets(result: Any) -> list[Block]:
    blocks: list[Block] = [Heading("Targets")]
    if not result.scenario.targets:
        return [*blocks, Paragraph("The scenario declares no targets.", "note")]
    try:
        report = result.check()
    except InnovateSimError as exc:
        return [*blocks, Paragraph(f"The targets could not be checked: {exc}", "fail")]
    level = f"{report.confidence * 100:g}% CI"
    columns = [
        "scope",
        "target",
        "judged",
        "forecast",
        level,
        "verdict",
        "to settle",
        "causes",
        "note",
    ]
    rows = [[row[c] for c in columns] for row in display_rows(report)]
    classes = [["", "", "", "", "", row[5], "", "small", "small"] for row in rows]
    blocks.append(Paragraph(report.summary_line(), _worst(report.counts)))
    blocks.append(Table(columns, rows, frozenset({3, 4, 6}), classes))
    note = assumption_note(report)
    if note:
        blocks.append(Paragraph(note, "uncertain"))
    blocks.append(
        Paragraph(
            "pass: the whole confidence interval meets the target; fail: the whole "
            "interval misses it; uncertain: the interval straddles it (run about the number of "
            "replications shown) or is undefined. Availability targets are minimums, the others "
            "maximums. A cost target judges the month shown (by default the costliest); the RTO "
            "judges a quantile of time to recover over unplanned incidents. See docs/targets.md.",
            "note",
        )
    )
    return blocks


def _worst(counts: dict[str, int]) -> str:
    if counts["fail"]:
        return "fail"
    return "uncertain" if counts["uncertain"] else "pass"


def _key_figures(result: Any) -> list[Block]:
    summary = result.summary()
    if summary.empty:
        return [Heading("Key figures"), Paragraph("No replication completed.", "fail")]
    level = f"{result.confidence * 100:g}% CI"
    rows = []
    for row in iter_rows(summary):
        n = int(row.n)
        rows.append(
            [
                str(row.environment),
                f"{row.metric} ({display_unit(row.unit)})",
                format_value(row.mean, row.unit),
                _ci(row.ci_low, row.ci_high, row.unit, n),
                f"{format_value(row.p5, row.unit)} – {format_value(row.p95, row.unit)}",
            ]
        )
    columns = ["environment", "metric", "mean", level, "p5 – p95 of replications"]
    blocks: list[Block] = [
        Heading("Key figures"),
        Paragraph(
            "Mean over replications with the confidence interval of the mean; p5–p95 is the "
            "spread of single replications (one simulated horizon each).",
            "note",
        ),
        Table(columns, rows, frozenset({2, 3, 4})),
    ]
    excluded = excluded_risk_rows(result.excluded_risks, result.availability)
    if excluded:
        blocks.append(Paragraph("Excluded risks (closed-form estimate)"))
        blocks.append(Table(list(EXCLUDED_RISK_COLUMNS), excluded, frozenset({2, 3, 4, 5})))
        blocks.append(Paragraph(EXCLUDED_RISK_NOTE, "note"))
    return blocks


def _availability(result: Any) -> list[Block]:
    from innovate_sim.reporting.plots import plot_availability_distribution

    availability = result.availability
    blocks: list[Block] = [Heading("Availability")]
    if availability.empty:
        return [*blocks, Paragraph("No availability rows.", "missing")]
    for env in availability["environment"].drop_duplicates():
        targets = result.scenario.targets.get(env)
        target = targets.request_availability if targets is not None else None

        def draw(ax: Axes, env: str = str(env), target: float | None = target) -> None:
            plot_availability_distribution(
                availability, env, target, ax, confidence=result.confidence
            )

        caption = f"Request availability per replication — {env}" + (
            f" (target {target * 100:g}%)" if target is not None else ""
        )
        blocks.append(_figure(f"availability_{_slug(str(env))}", caption, draw, (9.0, 4.5)))
    return blocks


def _downtime(result: Any) -> list[Block]:
    from innovate_sim.reporting.plots import plot_downtime_by_cause

    blocks: list[Block] = [Heading("Downtime by cause")]
    by_cause = result.downtime_by_cause
    years = result.scenario.horizon / HOURS_PER_YEAR
    if by_cause is None or by_cause.empty:
        return [*blocks, Paragraph("No incidents in the simulated replications.", "missing")]
    rows = downtime_by_cause_rows(by_cause, years, used_defaults(result.scenario))
    columns = list(DOWNTIME_BY_CAUSE_COLUMNS)
    blocks.append(Table(columns, rows, frozenset({2, 3, 4})))
    blocks.append(Paragraph(CAUSE_BASIS_NOTE, "note"))
    incidents, availability = result.incidents, result.availability
    count = max(1, len(rows))

    def draw(ax: Axes) -> None:
        plot_downtime_by_cause(incidents, availability, ax=ax, confidence=result.confidence)

    blocks.append(
        _figure(
            "downtime_by_cause",
            "Mean incident minutes per year by cause, with the CI of the mean",
            draw,
            (9.0, max(2.8, 0.45 * count + 1.6)),
        )
    )
    return blocks


def _incidents(result: Any) -> list[Block]:
    from innovate_sim.reporting.plots import plot_incident_timeline

    blocks: list[Block] = [Heading("Worst incidents")]
    incidents = result.incidents
    if incidents.empty:
        return [*blocks, Paragraph("No incidents in the simulated replications.", "missing")]
    rows = worst_incidents(incidents, _TOP_INCIDENTS, used_defaults(result.scenario))
    columns = list(WORST_INCIDENT_COLUMNS)
    blocks.append(Paragraph(f"The {len(rows)} incidents that lost the most requests.", "note"))
    blocks.append(Table(columns, rows, frozenset({0, 3, 4, 5, 6, 7})))
    lost = result.availability.groupby("replication")["lost_requests"].sum()
    replication = int(lost.sort_index().idxmax())
    horizon_h = result.scenario.horizon

    def draw(ax: Axes) -> None:
        plot_incident_timeline(incidents, replication, horizon_h=horizon_h, ax=ax)

    groups = incidents[incidents["replication"] == replication][["environment", "cause"]]
    count = max(1, len(groups.drop_duplicates()))
    blocks.append(
        _figure(
            "incident_timeline",
            f"Incidents of replication {replication}, the one that lost the most requests",
            draw,
            (10.0, max(2.8, 0.5 * count + 1.6)),
        )
    )
    return blocks


def _cost(result: Any) -> list[Block]:
    from innovate_sim.reporting.plots import plot_cost_growth, plot_monthly_cost

    blocks: list[Block] = [Heading("Monthly cost")]
    costs = result.monthly_cost_digest
    if costs.empty:
        return [*blocks, Paragraph("No cost rows.", "missing")]
    level = result.confidence
    totals = costs.edges
    first, last = int(totals["month"].min()), int(totals["month"].max())
    rows = []
    for (account, env), group in totals.groupby(["account", "environment"], sort=False):
        cells = [str(account), str(env)]
        for month in dict.fromkeys((first, last)):
            values = group[group["month"] == month]["usd"].to_numpy(float)
            est = estimate(values, level, NON_NEGATIVE)
            cells += [format_value(est.mean, "USD"), _ci(est.ci_low, est.ci_high, "USD", est.n)]
        if first == last:
            cells += ["", ""]
        rows.append(cells)
    pct = f"{level * 100:g}% CI"
    columns = [
        "account",
        "environment",
        f"month {first} mean",
        f"month {first} {pct}",
        f"month {last} mean",
        f"month {last} {pct}",
    ]
    blocks.append(
        Paragraph(
            "Accrued cost in USD per 730-hour month of the forecast, at list prices of the "
            "catalog named above (after the scenario's discounts).",
            "note",
        )
    )
    blocks.append(Table(columns, rows, frozenset({2, 3, 4, 5})))

    def stacked(ax: Axes) -> None:
        plot_monthly_cost(costs, "service", ax, confidence=level)

    def growth(ax: Axes) -> None:
        plot_cost_growth(costs, ax, confidence=level)

    blocks.append(
        _figure(
            "monthly_cost",
            "Mean monthly cost stacked by service, with the CI of the total",
            stacked,
            (10.5, 5.0),
        )
    )
    blocks.append(
        _figure("cost_growth", "Total monthly cost over the forecast", growth, (9.0, 4.5))
    )
    return blocks


def _assumptions(result: Any) -> list[Block]:
    applied, unused = applicable_defaults(result.scenario)
    rows, classes = [], []
    for item in applied:
        entry = item.default
        where = compact_places(item.used_in)
        if item.overridden_in:
            where += f" (overridden in {compact_places(item.overridden_in)})"
        rows.append(
            [
                entry.key,
                format_default_value(entry.value),
                "assumption" if entry.assumption else "published",
                where,
                entry.source,
            ]
        )
        classes.append(["", "", "uncertain" if entry.assumption else "", "small", "small"])
    blocks: list[Block] = [
        Heading("Assumptions"),
        Paragraph(
            "Library defaults the scenario relies on (it does not set them itself), each with its "
            "source. 'assumption' marks an engineering choice where no public figure exists; "
            "override any of them in the scenario file. Figures the scenario file sets are its "
            "own (see the comments in the file).",
            "note",
        ),
        Table(["default", "value", "kind", "used in", "source"], rows, frozenset(), classes),
    ]
    blocks += _disclosures(result.scenario)
    if unused:
        keys = ", ".join(entry.key for entry in unused)
        blocks.append(Paragraph(f"Defaults not used by this scenario: {keys}.", "note"))
    return blocks


def _disclosures(scenario: Any) -> list[Block]:
    """Bill lines from unwritten defaults, usage left at zero, assumption-driven causes."""
    from innovate_sim.cost import estimate_cost
    from innovate_sim.reporting.disclosures import (
        assumption_driven_causes,
        billed_defaults,
        zero_usage,
    )

    blocks: list[Block] = []
    billed = billed_defaults(scenario, estimate_cost(scenario).to_frame())
    if billed:
        blocks.append(
            Paragraph(
                "Bill lines from defaults: fields the scenario file does not write whose built-in "
                "value adds money to the bill (USD in the static estimate of month 1).",
                "note",
            )
        )
        rows = [
            [b.environment, b.field, b.value, b.service, f"${b.monthly_usd:,.2f}"] for b in billed
        ]
        blocks.append(Table(["environment", "field", "value", "service", "USD/month"], rows))
    for env, fields in zero_usage(scenario).items():
        blocks.append(
            Paragraph(
                f"Usage left at zero in {env} (nothing is billed for it): {', '.join(fields)}.",
                "uncertain",
            )
        )
    causes = assumption_driven_causes(scenario)
    if causes:
        text = "; ".join(f"{cause} ({', '.join(keys)})" for cause, keys in causes.items())
        blocks.append(
            Paragraph(
                "Assumption-driven causes: these causes of lost requests rest on library figures "
                f"with no AWS source, so every figure they drive is an assumption too — {text}.",
                "uncertain",
            )
        )
    return blocks


def _out_of_scope(result: Any) -> list[Block]:
    region = result.scenario.failures.region_outage
    rate = DEFAULTS["failures.region_outage.rate"].value
    duration = format_default_value(DEFAULTS["failures.region_outage.duration"].value)
    if region.enabled:
        region_text = (
            "Region-wide events are enabled in this scenario and included in every figure."
        )
    else:
        added = result.excluded_risks["downtime_min_per_year"]
        effect = (
            f" At the scenario's rate they would add about {added.iloc[0]:,.0f} min/year"
            if len(added)
            else ""
        )
        region_text = (
            "Region-wide events (every AZ down at once) are not simulated: a single-region "
            f"design cannot survive one. The library's estimate is {rate} per region, lasting "
            f"{duration}.{effect} (closed form, see Key figures); set "
            "failures.region_outage.enabled to include them."
        )
    items = [
        region_text,
        "Software faults, bad deployments, configuration changes and human error are not "
        "modelled: the forecasts cover infrastructure failures only.",
        "Services outside the scenario (DNS, IAM/STS, third-party APIs reached through NAT) are "
        "taken as always available.",
        "Costs are list prices of the shipped catalog minus the scenario's discounts; taxes, "
        "AWS Support plans and credits are not included.",
    ]
    return [Heading("Out of scope"), Items(items)]
