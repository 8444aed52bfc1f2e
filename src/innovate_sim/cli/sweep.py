"""The ``sweep`` command: what-if variants side by side, with the cost–availability frontier."""

from __future__ import annotations

import io
import json
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from innovate_sim._frames import iter_rows
from innovate_sim.cli.app import app, console, errors
from innovate_sim.cli.formats import FormatOption, chosen_format, emit
from innovate_sim.cli.simulate import (
    DaskAddress,
    Replications,
    Seed,
    Workers,
    _progress,
    executor_for,
)
from innovate_sim.errors import InnovateSimError
from innovate_sim.formatting import format_interval, format_percent, format_usd

__all__ = ["parse_set", "print_sweep"]


def _split_values(text: str) -> list[str]:
    """Split on commas outside brackets and quotes: ``a,[b,c],{d: e}`` → three values."""
    parts, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [p.strip() for p in parts]


def parse_set(option: str) -> tuple[str, list[Any]]:
    """``PATH=V1,V2,…`` → (path, values); values are YAML (``5``, ``true``, ``{a: b}``)."""
    path, sep, values = option.partition("=")
    if not sep or not path.strip() or not values.strip():
        raise InnovateSimError(f"--set {option!r}: expected PATH=VALUE[,VALUE…]")
    parsed = []
    for text in _split_values(values):
        if not text:
            raise InnovateSimError(f"--set {option!r}: an empty value")
        try:
            parsed.append(yaml.safe_load(text))
        except yaml.YAMLError as exc:
            raise InnovateSimError(f"--set {option!r}: cannot read value {text!r}: {exc}") from None
    return path.strip(), parsed


#: The mark of each Pareto status in the sweep table.
_MARKS = {"efficient": "◆", "not distinguishable": "≈"}


def print_sweep(result: Any) -> None:
    """Print the sweep table (Pareto set marked ◆) and the frontier, cheapest first."""
    table = result.table
    columns = list(table.columns)
    parameters = columns[1 : columns.index("monthly_cost_usd")] or ["variant"]
    level = f"{result.variants[0].scenario.simulation.confidence_level * 100:g}% CI"
    view = Table(
        title=f"Sweep: {len(table)} variants × {result.replications} replications, "
        f"seed {result.seed}, common random numbers",
        caption=f"availability and downtime of {result.environment!r}; cost of the whole "
        "scenario; ◆ Pareto set; ≈ not distinguishable from another variant",
    )
    view.add_column("", justify="center")
    for name in parameters:
        view.add_column(name)
    for column in ("USD/month", level, "availability", level, "downtime min/y", level):
        view.add_column(column, justify="right")
    down = lambda v: f"{v:,.1f}"  # noqa: E731
    usd_whole = partial(format_usd, decimals=0)
    interval = partial(format_interval, undefined="n/a (n=1)")
    for row in table.to_dict(orient="records"):
        view.add_row(
            _MARKS.get(row["pareto_status"], ""),
            *(str(row[name]) for name in parameters),
            format_usd(row["monthly_cost_usd"]),
            interval(row["monthly_cost_ci_low"], row["monthly_cost_ci_high"], usd_whole),
            format_percent(row["request_availability"]),
            interval(
                row["request_availability_ci_low"],
                row["request_availability_ci_high"],
                format_percent,
            ),
            down(row["downtime_min_per_year"]),
            interval(
                row["downtime_min_per_year_ci_low"], row["downtime_min_per_year_ci_high"], down
            ),
            style="bold" if row["pareto"] else None,
        )
    console.print(view)
    frontier = result.frontier()
    console.print(
        "◆ Pareto set (told apart from every other variant, and no other is as cheap and as "
        "available: paired differences outside their intervals), cheapest first:"
    )
    for r in iter_rows(frontier):
        console.print(
            f"  {r.variant}: {format_usd(r.monthly_cost_usd)}/month, "
            f"{format_percent(r.request_availability)} of requests served"
        )
    unclear = table.loc[table["pareto_status"] == "not distinguishable", "variant"].tolist()
    if unclear:
        console.print(
            f"≈ not distinguishable with {result.replications} replications (run more): "
            + ", ".join(map(str, unclear))
        )


def _write_outputs(result: Any, out: Path) -> list[Path]:
    from matplotlib.figure import Figure

    from innovate_sim.experiments.io import atomic_write_bytes, atomic_write_text
    from innovate_sim.reporting.plots import plot_frontier

    written = [out / "sweep.csv", out / "sweep.json", out / "frontier.png"]
    atomic_write_text(written[0], result.table.to_csv(index=False))
    atomic_write_text(written[1], json.dumps(result.provenance(), indent=2) + "\n")
    figure = Figure(figsize=(9.0, 6.0))
    plot_frontier(result.table, ax=figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    atomic_write_bytes(written[2], buffer.getvalue())
    return written


@app.command()
def sweep(
    file: Annotated[
        Path | None,
        typer.Argument(help="The base scenario YAML (optional with --grid).", show_default=False),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="PATH=V1,V2",
            help="One swept dimension: dotted.path=V1,V2,… (repeatable; every combination "
            "runs). Values are YAML; a {mapping} is merged into the subtree at the path.",
        ),
    ] = None,
    grid: Annotated[
        Path | None,
        typer.Option(
            "--grid",
            metavar="SWEEP.yaml",
            help="A sweep file (base, grid, variants; see scenarios/sweeps).",
        ),
    ] = None,
    variant: Annotated[
        list[Path] | None,
        typer.Option(
            "--variant",
            metavar="FILE",
            help="A variant scenario file, run beside FILE (repeatable).",
        ),
    ] = None,
    replications: Replications = None,
    seed: Seed = None,
    workers: Workers = 1,
    dask: DaskAddress = None,
    environment: Annotated[
        str | None,
        typer.Option("--environment", "-e", help="Whose availability to tabulate (default prod)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for sweep.csv, sweep.json and frontier.png."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Save each finished variant in OUT/variants and skip those already there.",
        ),
    ] = False,
    format: FormatOption = "table",
) -> None:
    """Simulate scenario variants with common random numbers; print cost against availability."""
    from innovate_sim.cli.documents import sweep_document
    from innovate_sim.cost.pricecheck import load_priced_scenario as load_scenario
    from innovate_sim.experiments import load_sweep
    from innovate_sim.experiments import sweep as run_sweep

    chosen = chosen_format(format)
    say = console if chosen == "table" else errors
    if replications is not None and replications < 1:
        raise InnovateSimError("--replications must be at least 1")
    if workers < 1:
        raise InnovateSimError("--workers must be at least 1")
    if resume and out is None:
        raise InnovateSimError("--resume needs --out DIR (where finished variants are kept)")
    if file is None and grid is None:
        raise InnovateSimError("give a base scenario FILE, a sweep file with --grid, or both")
    plan = load_sweep(grid) if grid is not None else None
    base = load_scenario(file) if file is not None else (plan.base if plan else None)
    dimensions: dict[str, Any] = dict(plan.grid) if plan else {}
    for option in set_ or []:
        path, values = parse_set(option)
        dimensions[path] = values
    variants = [*(plan.variants if plan else []), *(load_scenario(v) for v in variant or [])]
    if base is None and not variants:
        raise InnovateSimError(f"{grid}: the sweep file names no base scenario; give FILE")
    first = base if base is not None else variants[0]
    count = replications or (plan.replications if plan else None) or first.replications
    seed = seed if seed is not None else (plan.seed if plan else None)
    environment = environment or (plan.environment if plan else None)

    def done(item: Any, resumed: bool) -> None:
        if resumed:
            say.print(f"  {item.label}: resumed from {out}/variants")

    with executor_for(dask) as executor, _progress() as bar:
        task = bar.add_task("simulating variants", total=None)
        result = run_sweep(
            base,
            dimensions,
            variants=variants,
            replications=count,
            seed=seed,
            executor=executor,
            workers=workers,
            environment=environment,
            resume_dir=out / "variants" if resume and out is not None else None,
            progress=lambda n, total: bar.update(task, completed=n, total=total),
            on_variant=done,
        )
    if chosen == "table":
        print_sweep(result)
    else:
        emit(sweep_document(result), chosen)
    say.print(
        f"{len(result.simulated)} variants simulated, {len(result.resumed)} resumed, "
        f"{result.wall_time_s:.1f} s"
    )
    if out is not None:
        written = _write_outputs(result, out)
        say.print(f"wrote {', '.join(p.name for p in written)} to {out}")
