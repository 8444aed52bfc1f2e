"""Commands about assumption uncertainty: ``sensitivity``, and ``check --uncertainty``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from innovate_sim._frames import iter_rows
from innovate_sim.cli.app import FileArg, app, console, errors
from innovate_sim.cli.simulate import OutDir, Seed, Workers, _progress
from innovate_sim.errors import InnovateSimError

if TYPE_CHECKING:
    from innovate_sim.scenario import Scenario
    from innovate_sim.uncertainty import SensitivityResult
    from innovate_sim.uncertainty.total import UncertaintyResult

__all__ = ["check_uncertain", "sensitivity"]


@app.command()
def sensitivity(
    file: FileArg,
    replications: Annotated[
        int, typer.Option("-n", "--replications", help="Replications per model point.")
    ] = 2,
    samples: Annotated[
        int, typer.Option("--samples", help="Sobol' base sample N (N·(d+2) points; a power of 2).")
    ] = 16,
    trajectories: Annotated[
        int, typer.Option("--trajectories", help="Morris trajectories of the screening step.")
    ] = 6,
    max_sobol: Annotated[
        int, typer.Option("--max-sobol", help="At most this many inputs get Sobol' indices.")
    ] = 4,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults/--no-defaults",
            help="Include the ranges of the package defaults the scenario relies on.",
        ),
    ] = True,
    flips: Annotated[
        bool, typer.Option("--flips/--no-flips", help="Search each target's flip points.")
    ] = True,
    flip_replications: Annotated[
        int | None,
        typer.Option(
            "--flip-replications",
            help="Replications per point of the flip searches (default: the scenario's, "
            "so the central verdict is check's).",
        ),
    ] = None,
    seed: Seed = None,
    workers: Workers = 1,
    output_format: Annotated[
        Literal["table", "json"], typer.Option("--format", help="table or json (to stdout).")
    ] = "table",
    out: OutDir = None,
) -> None:
    """Rank the uncertain inputs by influence on each forecast; where each verdict flips."""
    from innovate_sim.scenario import load_scenario
    from innovate_sim.uncertainty import sensitivity as run_sensitivity

    if samples < 2 or samples & (samples - 1):
        raise InnovateSimError(f"--samples must be a power of 2 (Sobol' design); got {samples}")
    scenario = load_scenario(file)
    with _progress() as bar:
        task = bar.add_task("sensitivity", total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        result = run_sensitivity(
            scenario,
            replications=replications,
            samples=samples,
            trajectories=trajectories,
            max_sobol=max_sobol,
            flips=flips,
            flip_replications=flip_replications,
            defaults=defaults,
            seed=seed,
            workers=workers,
            progress=progress,
        )
    if output_format == "json":
        typer.echo(result.to_json())
    else:
        print_sensitivity(result)
    if out is not None:
        # with --format json, stdout holds the JSON only
        written = _save_sensitivity(result, out)
        (errors if output_format == "json" else console).print(f"wrote {written} files to {out}")


def print_sensitivity(result: SensitivityResult, top: int = 5) -> None:
    """Print the ranking of every forecast and the what-you-must-believe table."""
    from innovate_sim.reporting.sensitivity import design_text, flip_rows

    from_defaults = sum(item.source != "scenario" for item in result.inputs)
    settings = result.settings
    console.print(
        f"scenario {result.scenario.name}: {len(result.inputs)} uncertain inputs "
        f"({from_defaults} from package default ranges); {design_text(settings)}, "
        f"seed {settings['seed']} (common random numbers); {result.wall_time_s:.1f} s"
    )
    if result.unexercised:
        console.print(
            f"[yellow]not measured:[/] {', '.join(result.unexercised)} changed no output at any "
            "point: either the event they shape never occurred in the "
            f"{settings['replications_per_point']} replications per point (common random "
            "numbers; raise -n) or they have no effect in this architecture; their zeros below "
            "do not tell which"
        )
    level = f"{settings['confidence_level'] * 100:g}% CI"
    for output in result.outputs:
        table = Table(title=f"{output.label} ({output.unit}): top inputs")
        for column in ("input", f"S1 [{level}]", f"ST [{level}]"):
            table.add_column(column, justify="left" if column == "input" else "right")
        for row in iter_rows(result.ranking(output.key, top)):
            if row.screened_out:
                table.add_row(row.input, "screened out", "screened out")
                continue
            table.add_row(
                row.input,
                f"{row.S1:.3f} [{row.S1_low:.3f}, {row.S1_high:.3f}]",
                f"{row.ST:.3f} [{row.ST_low:.3f}, {row.ST_high:.3f}]",
            )
        console.print(table)
    if result.flips.empty:
        return
    table = Table(
        title="What you must believe (others at central values, same seeds, "
        f"{settings['flip_replications_per_point']} replications per point)"
    )
    for column in ("target", "input", "central", "verdict", "flips at", "so you must believe"):
        table.add_column(column)
    for row in flip_rows(result):
        table.add_row(*row)
    console.print(table)


def _save_sensitivity(result: SensitivityResult, out: Path) -> int:
    from innovate_sim.experiments.io import atomic_write_text
    from innovate_sim.reporting.sensitivity import write_uncertainty_report

    written = [out / "sensitivity.json"]
    atomic_write_text(written[0], result.to_json())
    for name, frame in (
        ("indices", result.indices),
        ("screening", result.screening),
        ("flips", result.flips.drop(columns=["flip_values"])),
    ):
        path = out / f"{name}.csv"
        atomic_write_text(path, frame.to_csv(index=False))
        written.append(path)
    written += write_uncertainty_report(out, sensitivity=result)
    return len(written)


def check_uncertain(
    scenario: Scenario,
    samples: int,
    confidence: float,
    replications: int | None,
    seed: int | None,
    workers: int,
    out: Path | None,
) -> int:
    """Run ``samples`` input sets and gate on each target's probability; returns the exit code."""
    from innovate_sim.uncertainty import simulate

    if not 0 < confidence < 1:
        raise InnovateSimError(f"--confidence must lie between 0 and 1; got {confidence}")
    with _progress() as bar:
        task = bar.add_task("input sets", total=samples)
        result = simulate(
            scenario,
            replications,
            seed,
            workers=workers,
            uncertainty=samples,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    print_uncertainty(result, confidence)
    if out is not None:
        from innovate_sim.reporting.sensitivity import write_uncertainty_report

        written = write_uncertainty_report(out, uncertainty=result, confidence=confidence)
        console.print(f"wrote {len(written)} files to {out}")
    return 0 if result.passed(confidence) else 1


def print_uncertainty(result: UncertaintyResult, confidence: float) -> None:
    """Print forecasts with their input/Monte Carlo split and each target's probability."""
    from innovate_sim.formatting import format_value as fmt
    from innovate_sim.reporting.sensitivity import format_share

    console.print(
        f"scenario {result.scenario.name}: {result.samples} input sets (Latin hypercube over "
        f"{len(result.inputs)} uncertain inputs) × {result.replications} replications, seed "
        f"{result.seed} for every set; {result.wall_time_s:.1f} s"
    )
    level = f"{result.confidence * 100:g}%"
    table = Table(title=f"Forecasts with input uncertainty ({level} range over the input sets)")
    for column in ("forecast", "mean", "interval", "input sd", "Monte Carlo sd", "input share"):
        table.add_column(column, justify="left" if column == "forecast" else "right")
    for row in iter_rows(result.summary()):
        table.add_row(
            row.label,
            fmt(row.mean, row.unit),
            f"{fmt(row.low, row.unit)} – {fmt(row.high, row.unit)}",
            fmt(row.input_sd, row.unit),
            fmt(row.monte_carlo_sd, row.unit),
            format_share(row.input_share),
        )
    console.print(table)
    probabilities = result.probabilities(confidence)
    table = Table(title=f"Targets: probability of being met (pass when ≥ {confidence * 100:g}%)")
    for column in ("target", "threshold", "probability", f"{level} Wilson CI", "verdict"):
        table.add_column(column, justify="left" if column in ("target", "verdict") else "right")
    for row in iter_rows(probabilities):
        style = "bold green" if row.verdict == "pass" else "bold red"
        table.add_row(
            row.target,
            fmt(row.threshold, row.unit),
            f"{row.probability * 100:.0f}%",
            f"{row.probability_low * 100:.0f}% – {row.probability_high * 100:.0f}%",
            f"[{style}]{row.verdict}[/]",
        )
    console.print(table)
    verdict = "PASS" if result.passed(confidence) else "FAIL"
    console.print(
        f"{verdict}: every target met with probability ≥ {confidence * 100:g}%"
        if verdict == "PASS"
        else f"{verdict}: some target is met with probability < {confidence * 100:g}%"
    )
