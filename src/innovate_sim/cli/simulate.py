"""Commands that simulate: run and compare."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from innovate_sim._frames import iter_rows
from innovate_sim.cli.app import FileArg, app, console, disclose, errors
from innovate_sim.cli.formats import FormatOption, chosen_format, emit
from innovate_sim.errors import InnovateSimError
from innovate_sim.formatting import count_noun, display_unit, format_interval, format_value

if TYPE_CHECKING:
    from innovate_sim.experiments import SimulationResult
    from innovate_sim.scenario import Scenario

__all__ = ["EXIT_REPLICATIONS_FAILED", "executor_for", "print_result", "report_failures"]

Replications = Annotated[
    int | None, typer.Option("-n", "--replications", help="Replications (default: the scenario's).")
]


def _valid_seed(value: int | None) -> int | None:
    """``--seed`` checked like the scenario's ``seed:`` field (exit 2 when outside it)."""
    from innovate_sim.rng import check_seed

    if value is None:
        return None
    try:
        return check_seed(value, "the seed")
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--seed'") from None


Seed = Annotated[
    int | None,
    typer.Option("--seed", help="Experiment seed (default: the scenario's).", callback=_valid_seed),
]
Workers = Annotated[int, typer.Option("--workers", "-w", help="Worker processes (1 = serial).")]
OutDir = Annotated[
    Path | None, typer.Option("--out", "-o", help="Folder for summary.json, CSV tables, report.")
]
DaskAddress = Annotated[
    str | None,
    typer.Option(
        "--dask",
        help="Run on a Dask cluster: the scheduler address (tcp://host:8786), or 'local' "
        "for a local cluster. Needs innovate_sim[dask].",
    ),
]


@contextmanager
def executor_for(dask: str | None) -> Iterator[Executor | None]:
    """The Dask executor for ``--dask ADDRESS`` (closed on exit), or None."""
    if dask is None:
        yield None
        return
    from innovate_sim.experiments.dask import dask_session

    with dask_session(dask) as executor:
        yield executor


def _progress() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


#: How a table writes an interval that one replication cannot give.
UNDEFINED_CI = "undefined (n=1)"


def _formatter(unit: str, decimals: int) -> Callable[[float], str]:
    """How to print a value of ``unit``: percent, dollars, or a plain number."""
    return partial(format_value, unit=unit, decimals=decimals)


def _row_text(row: Any, decimals: int) -> tuple[Callable[[float], str], str]:
    """The formatter of a summary row's unit and its CI as text."""
    fmt = _formatter(row.unit, decimals)
    low = row.ci_low if row.n >= 2 else None
    return fmt, format_interval(low, row.ci_high, fmt, UNDEFINED_CI)


def print_result(result: object, top: int = 5) -> None:
    """Print availability with CIs, downtime by cause and the worst incidents."""
    from innovate_sim.experiments import SimulationResult

    assert isinstance(result, SimulationResult)
    prov = result.provenance()
    console.print(
        f"scenario {prov['scenario']} (hash {prov['scenario_hash']}), seed {prov['seed']}, "
        f"{count_noun(prov['replications'], 'replication')} of {prov['horizon_h'] / 8760:g} y, "
        f"prices {prov['catalog_version']}, innovate_sim {prov['package_version']}, "
        f"{prov['wall_time_s']:.1f} s"
    )
    summary = result.summary()
    level = f"{result.confidence * 100:g}% CI"
    table = Table(title=f"Forecast (mean, {level}: {prov['ci_method']})")
    for column in ("environment", "metric", "mean", level, "p5 – p95"):
        table.add_column(column, justify="left" if column in ("environment", "metric") else "right")
    notes: list[str] = []
    for row in iter_rows(summary):
        fmt, ci = _row_text(row, decimals=1)
        if row.n >= 2 and row.ci_note:
            notes.append(f"[{len(notes) + 1}] {row.environment} {row.metric}: {row.ci_note}")
            ci = f"{'not estimable' if row.ci_low == row.ci_high else ci} [{len(notes)}]"
        table.add_row(
            row.environment,
            f"{row.metric} ({display_unit(row.unit)})",
            fmt(row.mean),
            ci,
            f"{fmt(row.p5)} – {fmt(row.p95)}",
        )
    console.print(table)
    for note in notes:
        console.print(note, markup=False)
    from innovate_sim.reporting.causes import used_defaults
    from innovate_sim.reporting.tables import (
        CAUSE_BASIS_NOTE,
        DOWNTIME_BY_CAUSE_COLUMNS,
        WORST_INCIDENT_COLUMNS,
        downtime_by_cause_rows,
        worst_incidents,
    )

    print_excluded_risks(result)
    used = used_defaults(result.scenario)
    years = result.horizon_years
    by_cause = result.downtime_by_cause
    if not by_cause.empty:
        _print_table(
            "Downtime by cause (mean per year over replications)",
            DOWNTIME_BY_CAUSE_COLUMNS,
            downtime_by_cause_rows(by_cause, years, used),
            CAUSE_BASIS_NOTE,
        )
    incidents = result.incidents
    if not incidents.empty:
        worst = worst_incidents(incidents, top, used)
        _print_table(
            f"Worst {len(worst)} incidents (by lost requests)", WORST_INCIDENT_COLUMNS, worst
        )


def print_excluded_risks(result: SimulationResult) -> None:
    """Print the risks the simulation excludes with their closed-form effect (if any)."""
    from innovate_sim.reporting.tables import (
        EXCLUDED_RISK_COLUMNS,
        EXCLUDED_RISK_NOTE,
        excluded_risk_rows,
    )

    _print_table(
        "Excluded risks (closed-form estimate)",
        EXCLUDED_RISK_COLUMNS,
        excluded_risk_rows(result.excluded_risks, result.availability),
        EXCLUDED_RISK_NOTE,
    )


def _print_table(
    title: str, columns: tuple[str, ...], rows: list[list[str]], note: str = ""
) -> None:
    """Print a table (text columns left, figures right) and a note under it; nothing if empty."""
    if not rows:
        return
    table = Table(title=title)
    left = {"environment", "cause", "risk (not simulated)", "basis"}
    for column in columns:
        table.add_column(column, justify="left" if column in left else "right")
    for cells in rows:
        table.add_row(*cells)
    console.print(table)
    if note:
        console.print(note, style="dim")


@app.command()
def run(
    file: FileArg,
    replications: Replications = None,
    seed: Seed = None,
    workers: Workers = 1,
    out: OutDir = None,
    dask: DaskAddress = None,
    format: FormatOption = "table",
) -> None:
    """Simulate a scenario and print availability and cost forecasts with CIs."""
    from innovate_sim.cli.documents import result_document
    from innovate_sim.cost.pricecheck import load_priced_scenario

    chosen = chosen_format(format)
    result = simulate_scenario(load_priced_scenario(file), replications, seed, workers, dask)
    if chosen == "table":
        print_result(result)
        disclose(result.scenario)
    else:
        emit(result_document(result), chosen)
    if out is not None:
        save_outputs(result, out, quiet=chosen != "table")
    raise typer.Exit(report_failures(result))


#: Exit status of ``run`` and ``check`` when a replication raised.
EXIT_REPLICATIONS_FAILED = 4


def report_failures(result: SimulationResult) -> int:
    """Print how many replications failed and the first error; the exit status to use.

    Returns:
        0 when every replication completed, else :data:`EXIT_REPLICATIONS_FAILED`.
    """
    if not result.failed:
        return 0
    first, error = result.failed[0]
    lines = [line for line in error.splitlines() if line.strip()]
    errors.print(
        f"[red]{len(result.failed)} of {count_noun(len(result.outcomes), 'replication')} "
        f"failed[/]; the first (replication {first}): {lines[0] if lines else 'no message'}",
        markup=True,
        highlight=False,
    )
    return EXIT_REPLICATIONS_FAILED


def simulate_scenario(
    scenario: Scenario,
    replications: int | None,
    seed: int | None,
    workers: int,
    dask: str | None,
) -> SimulationResult:
    """Simulate with the command line's options and a progress bar."""
    from innovate_sim.experiments import simulate

    if replications is not None and replications < 1:
        raise InnovateSimError("--replications must be at least 1")
    if workers < 1:
        raise InnovateSimError("--workers must be at least 1")
    count = replications or scenario.replications
    with executor_for(dask) as executor, _progress() as bar:
        task = bar.add_task("simulating", total=count)
        return simulate(
            scenario,
            count,
            seed,
            executor,
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done),
        )


def save_outputs(result: SimulationResult, out: Path, *, quiet: bool = False) -> None:
    """Write the result's tables and its report into ``out`` (atomically).

    The line saying so goes to stderr when ``quiet`` (stdout holds JSON, CSV or markdown).
    """
    from innovate_sim.experiments.io import save_result
    from innovate_sim.reporting.report import write_report

    written = save_result(result, out)
    written += write_report(result, out)
    (errors if quiet else console).print(f"wrote {len(written)} files to {out}")


@app.command()
def compare(
    a: Annotated[Path, typer.Argument(help="Baseline scenario (A).")],
    b: Annotated[Path, typer.Argument(help="Variant scenario (B).")],
    replications: Replications = None,
    seed: Seed = None,
    workers: Workers = 1,
    dask: DaskAddress = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for differences.csv and differences.png."),
    ] = None,
    format: FormatOption = "table",
) -> None:
    """Run two scenarios with common random numbers; print paired differences B − A."""
    from innovate_sim.cli.documents import compare_document
    from innovate_sim.cost.pricecheck import load_priced_scenario
    from innovate_sim.experiments import compare as run_compare

    chosen = chosen_format(format)
    scenario_a, scenario_b = load_priced_scenario(a), load_priced_scenario(b)
    count = replications or scenario_a.replications
    with executor_for(dask) as executor, _progress() as bar:
        task = bar.add_task("simulating A and B", total=2 * count)
        comparison = run_compare(
            scenario_a,
            scenario_b,
            count,
            seed,
            executor,
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    diff = comparison.differences
    if chosen == "table":
        _print_differences(comparison, count)
    else:
        emit(compare_document(comparison), chosen)
    if out is not None:
        _write_differences(diff, out)
        (errors if chosen != "table" else console).print(
            f"wrote differences.csv and differences.png to {out}"
        )


def _print_differences(comparison: Any, count: int) -> None:
    """The table of paired differences B − A with their intervals."""
    diff = comparison.differences
    scenario_a, scenario_b = comparison.a.scenario, comparison.b.scenario
    level = f"{comparison.a.confidence * 100:g}% CI"
    table = Table(
        title=f"B − A, paired over {count_noun(count, 'replication')} with common random numbers "
        f"(A = {scenario_a.name}, B = {scenario_b.name})"
    )
    for column in ("environment", "metric", "A", "B", "B − A", level):
        table.add_column(column, justify="left" if column in ("environment", "metric") else "right")
    for row in iter_rows(diff):
        fmt, ci = _row_text(row, decimals=2)
        table.add_row(
            row.environment,
            f"{row.metric} ({display_unit(row.unit)})",
            fmt(row.mean_a),
            fmt(row.mean_b),
            fmt(row.mean_difference),
            ci,
        )
    console.print(table)


def _write_differences(diff: pd.DataFrame, out: Path) -> None:
    """``differences.csv`` (the whole table) and a dot-and-whisker PNG of it."""
    import io

    from matplotlib.figure import Figure

    from innovate_sim.experiments.io import atomic_write_bytes, atomic_write_text
    from innovate_sim.reporting.plots import plot_paired_differences

    atomic_write_text(out / "differences.csv", diff.to_csv(index=False))
    frame = diff.assign(metric=diff["environment"] + ": " + diff["metric"])
    figure = Figure(figsize=(9.0, max(3.0, 0.45 * len(frame) + 1.5)))
    plot_paired_differences(
        frame[["metric", "mean_difference", "ci_low", "ci_high", "unit"]], ax=figure.add_subplot()
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    atomic_write_bytes(out / "differences.png", buffer.getvalue())
