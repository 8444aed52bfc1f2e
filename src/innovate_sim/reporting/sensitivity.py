"""Report sections on assumption uncertainty: tornado charts, what you must believe, the split.

:func:`write_uncertainty_report` writes ``report.md``/``report.html`` (and
``plots/*.png``) of a sensitivity analysis, a total-uncertainty run, or both.
It reads results only.
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes

from innovate_sim._frames import iter_rows
from innovate_sim.formatting import NOT_AVAILABLE, format_value
from innovate_sim.reporting.plots_sensitivity import plot_interval_split, plot_tornado
from innovate_sim.reporting.report import figure_block, write_blocks
from innovate_sim.reporting.templates import Block, Heading, Items, Paragraph, Table

__all__ = [
    "format_share",
    "sensitivity_blocks",
    "uncertainty_blocks",
    "write_uncertainty_report",
]


def format_share(share: float) -> str:
    """A share as a whole percentage, or n/a when undefined (one replication per set)."""
    return NOT_AVAILABLE if math.isnan(share) else f"{share * 100:.0f}%"


def _ci(value: float, low: float, high: float) -> str:
    return f"{value:.3f} [{low:.3f}, {high:.3f}]"


def design_text(settings: dict[str, Any]) -> str:
    """``N points × R replications`` of the ranking, then the flip searches'."""
    text = (
        f"{settings['ranking_points']} points × {settings['replications_per_point']} replications"
    )
    if settings["flip_points"]:
        text += (
            f" + {settings['flip_points']} flip-search points × "
            f"{settings['flip_replications_per_point']} replications"
        )
    if "simulated_ranking_replications" in settings:
        asked = (
            settings["ranking_points"] * settings["replications_per_point"]
            + settings["flip_points"] * settings["flip_replications_per_point"]
        )
        simulated = (
            settings["simulated_ranking_replications"] + settings["simulated_flip_replications"]
        )
        if simulated < asked:
            text += (
                f"; {simulated:,} of the {asked:,} replications simulated, the others shared "
                "(points that differ only in usage figures, or in failures that never came)"
            )
    return text


def flip_rows(result: Any) -> list[list[str]]:
    """The what-you-must-believe table's rows: target, input, central value, verdict there,
    flip point (— when none) and the sentence to believe."""
    return [
        [
            row.target,
            row.input,
            row.central,
            row.verdict_at_central,
            row.flips_at or "—",
            row.belief,
        ]
        for row in iter_rows(result.flips)
    ]


def sensitivity_blocks(result: Any, top: int = 5) -> list[Block]:
    """Tornado chart and index table per forecast, then the what-you-must-believe table."""
    settings = result.settings
    blocks: list[Block] = [
        Heading("Sensitivity to assumptions"),
        Paragraph(
            f"{len(result.inputs)} uncertain inputs; {design_text(settings)}, "
            f"all with seed {settings['seed']} (common random numbers); Sobol' base sample "
            f"{settings['sobol_base_samples']}"
            + (
                f" after Morris screening ({settings['morris_trajectories']} trajectories)"
                if settings["morris_trajectories"]
                else ""
            )
            + f"; intervals are {settings['confidence_level'] * 100:g}% bootstrap intervals; "
            f"{result.wall_time_s:.0f} s."
        ),
        *(
            [
                Paragraph(
                    f"Not measured: {', '.join(result.unexercised)} changed no output at any "
                    "point: either the event they shape never occurred in the replications run "
                    "(common random numbers; more replications measure it) or they have no "
                    "effect in this architecture; their zeros do not tell which.",
                    "note",
                )
            ]
            if result.unexercised
            else []
        ),
        Items(
            [
                f"{item.name}: {item.distribution.form} "
                + ", ".join(f"{k} {item.format(v)}" for k, v in item.distribution.params)
                + (f" (default range, {item.note})" if item.source != "scenario" else "")
                for item in result.inputs
            ]
        ),
    ]
    for output in result.outputs:
        ranking = result.ranking(output.key, top)
        blocks.append(Heading(output.label, 3))
        blocks.append(
            figure_block(
                f"tornado-{output.key}",
                f"Sobol' indices of {output.label}",
                partial(_tornado, result, output.key),
                (7.5, 0.45 * max(1, len(ranking)) + 1.4),
            )
        )
        rows = [
            [
                row.input,
                "screened out" if row.screened_out else _ci(row.S1, row.S1_low, row.S1_high),
                "screened out" if row.screened_out else _ci(row.ST, row.ST_low, row.ST_high),
            ]
            for row in iter_rows(ranking)
        ]
        blocks.append(
            Table(["input", "first-order S1 [CI]", "total ST [CI]"], rows, frozenset({1, 2}))
        )
    blocks += believe_blocks(result)
    return blocks


def _tornado(result: Any, output: str, ax: Axes) -> Axes:
    return plot_tornado(result, output, ax)


def believe_blocks(result: Any) -> list[Block]:
    """The "what you must believe" table: where each target's verdict flips."""
    blocks: list[Block] = [Heading("What you must believe")]
    if result.flips.empty:
        return [*blocks, Paragraph("No target, or no influential input to search.", "note")]
    blocks.append(
        Paragraph(
            "Each influential input swept across its range with the others at their central "
            f"values and the same seeds, {result.settings['flip_replications_per_point']} "
            "replications per point; the verdict compares the target's statistic, as check "
            "computes it, with the threshold."
        )
    )
    rows = flip_rows(result)
    classes = [["", "", "", row[3], "", ""] for row in rows]
    blocks.append(
        Table(
            [
                "target",
                "input",
                "central value",
                "verdict at central",
                "flips at",
                "so you must believe",
            ],
            rows,
            cell_classes=classes,
        )
    )
    return blocks


def uncertainty_blocks(result: Any, confidence: float | None = None) -> list[Block]:
    """Forecast intervals with input uncertainty, their split, and targets' probabilities."""
    level = result.confidence * 100
    blocks: list[Block] = [
        Heading("Forecasts with input uncertainty"),
        Paragraph(
            f"{result.samples} input sets (Latin hypercube) × {result.replications} replications, "
            f"seed {result.seed} for every set. The interval is the {level:g}% range of the set "
            "means; its variance splits into the input assumptions' part and the Monte Carlo "
            "part (law of total variance)."
        ),
        figure_block(
            "interval-split",
            "Input versus Monte Carlo share of each forecast's variance",
            lambda ax: plot_interval_split(result, ax),
            (7.5, 3.5),
        ),
    ]
    rows = [
        [
            row.label,
            format_value(row.mean, row.unit),
            f"{format_value(row.low, row.unit)} – {format_value(row.high, row.unit)}",
            format_value(row.input_sd, row.unit),
            format_value(row.monte_carlo_sd, row.unit),
            format_share(row.input_share),
        ]
        for row in iter_rows(result.summary())
    ]
    blocks.append(
        Table(
            [
                "forecast",
                "mean",
                f"{level:g}% interval",
                "input sd",
                "Monte Carlo sd",
                "input share",
            ],
            rows,
            frozenset({1, 2, 3, 4, 5}),
        )
    )
    probabilities = result.probabilities(confidence)
    if not probabilities.empty:
        need = (result.confidence if confidence is None else confidence) * 100
        prob_rows = [
            [
                row.target,
                format_value(row.threshold, row.unit),
                f"{row.probability * 100:.0f}% [{row.probability_low * 100:.0f}%, "
                f"{row.probability_high * 100:.0f}%]",
                row.verdict,
            ]
            for row in iter_rows(probabilities)
        ]
        blocks.append(Heading("Probability of meeting each target", 3))
        blocks.append(
            Table(
                ["target", "threshold", "probability [Wilson CI]", f"verdict (≥ {need:g}%)"],
                prob_rows,
                cell_classes=[["", "", "", row[3]] for row in prob_rows],
            )
        )
    return blocks


def write_uncertainty_report(
    out_dir: Path | str,
    *,
    sensitivity: Any = None,
    uncertainty: Any = None,
    confidence: float | None = None,
) -> list[Path]:
    """Write the report of a sensitivity analysis and/or a total-uncertainty run."""
    blocks: list[Block] = []
    scenario = (sensitivity or uncertainty).scenario
    if uncertainty is not None:
        blocks += uncertainty_blocks(uncertainty, confidence)
    if sensitivity is not None:
        blocks += sensitivity_blocks(sensitivity)
    return write_blocks(f"innovate_sim assumptions report — {scenario.name}", blocks, out_dir)
