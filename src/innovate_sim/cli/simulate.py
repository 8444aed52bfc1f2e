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
from innovate_sim.cli.app import FileArg, app, console
from innovate_sim.errors import InnovateSimError
from innovate_sim.formatting import format_interval, format_value

if TYPE_CHECKING:
    from innovate_sim.experiments import SimulationResult
    from innovate_sim.scenario import Scenario

__all__ = ["executor_for", "print_result"]

Replications = Annotated[
    int | None, typer.Option("-n", "--replications", help="Replications (default: the scenario's).")
]
Seed = Annotated[
    int | None, typer.Option("--seed", help="Experiment seed (default: the scenario's).")
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
        f"{prov['replications']} replications of {prov['horizon_h'] / 8760:g} y, "
        f"prices {prov['catalog_version']}, innovate_sim {prov['package_version']}, "
        f"{prov['wall_time_s']:.1f} s"
    )
    if result.failed:
        console.print(
            f"[red]{len(result.failed)} replications failed[/]: "
            + ", ".join(str(r) for r, _ in result.failed[:10])
        )
    summary = result.summary()
    level = f"{result.confidence * 100:g}% CI"
    table = Table(title=f"Forecast (mean, {level}: {prov['ci_method']})")
    for column in ("environment", "metric", "mean", level, "p5 – p95"):
        table.add_column(column, justify="left" if column in ("environment", "metric") else "right")
    for row in iter_rows(summary):
        fmt, ci = _row_text(row, decimals=1)
        table.add_row(
            row.environment,
            f"{row.metric} ({row.unit})",
            fmt(row.mean),
            ci,
            f"{fmt(row.p5)} – {fmt(row.p95)}",
        )
    console.print(table)
    years = result.horizon_years
    by_cause = result.downtime_by_cause
    if not by_cause.empty:
        causes = Table(title="Downtime by cause (mean per year over replications)")
        for column in (
            "environment",
            "cause",
            "incident minutes/year",
            "lost requests/year",
            "share of lost requests",
        ):
            causes.add_column(
                column, justify="left" if column in ("environment", "cause") else "right"
            )
        means = by_cause.groupby(["environment", "cause"], as_index=False)[
            ["incident_min", "lost_requests"]
        ].mean()
        for env, group in means.groupby("environment", sort=False):
            total = group["lost_requests"].sum()
            for row in iter_rows(group.sort_values("lost_requests", ascending=False)):
                share = row.lost_requests / total if total > 0 else 0.0
                causes.add_row(
                    str(env),
                    row.cause,
                    f"{row.incident_min / years:,.2f}",
                    f"{row.lost_requests / years:,.0f}",
                    f"{share * 100:.1f}%",
                )
        console.print(causes)
    incidents = result.incidents
    if not incidents.empty:
        from innovate_sim.reporting.tables import WORST_INCIDENT_COLUMNS, worst_incidents

        worst = worst_incidents(incidents, top)
        table = Table(title=f"Worst {len(worst)} incidents (by lost requests)")
        for column in WORST_INCIDENT_COLUMNS:
            table.add_column(column, justify="right")
        for cells in worst:
            table.add_row(*cells)
        console.print(table)


@app.command()
def run(
    file: FileArg,
    replications: Replications = None,
    seed: Seed = None,
    workers: Workers = 1,
    out: OutDir = None,
    dask: DaskAddress = None,
) -> None:
    """Simulate a scenario and print availability and cost forecasts with CIs."""
    from innovate_sim.scenario import load_scenario

    result = simulate_scenario(load_scenario(file), replications, seed, workers, dask)
    print_result(result)
    if out is not None:
        save_outputs(result, out)


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


def save_outputs(result: SimulationResult, out: Path) -> None:
    """Write the result's tables and its report into ``out`` (atomically)."""
    from innovate_sim.experiments.io import save_result
    from innovate_sim.reporting.report import write_report

    written = save_result(result, out)
    written += write_report(result, out)
    console.print(f"wrote {len(written)} files to {out}")


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
) -> None:
    """Run two scenarios with common random numbers; print paired differences B − A."""
    from innovate_sim.experiments import compare as run_compare
    from innovate_sim.scenario import load_scenario

    scenario_a, scenario_b = load_scenario(a), load_scenario(b)
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
    level = f"{comparison.a.confidence * 100:g}% CI"
    table = Table(
        title=f"B − A, paired over {count} replications with common random numbers "
        f"(A = {scenario_a.name}, B = {scenario_b.name})"
    )
    for column in ("environment", "metric", "A", "B", "B − A", level):
        table.add_column(column, justify="left" if column in ("environment", "metric") else "right")
    for row in iter_rows(diff):
        fmt, ci = _row_text(row, decimals=2)
        table.add_row(
            row.environment,
            f"{row.metric} ({row.unit})",
            fmt(row.mean_a),
            fmt(row.mean_b),
            fmt(row.mean_difference),
            ci,
        )
    console.print(table)
    if out is not None:
        _write_differences(diff, out)
        console.print(f"wrote differences.csv and differences.png to {out}")


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
