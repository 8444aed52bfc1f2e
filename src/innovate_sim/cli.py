"""The ``innovate-sim`` command line.

Bad input exits with status 2 and a one-paragraph message, never a traceback
(set ``INNOVATE_SIM_DEBUG=1`` to see one for an internal error).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from innovate_sim.errors import InnovateSimError

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="innovate-sim",
    help="Availability and cost forecasts for the Innovate Inc. AWS architecture.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

FileArg = Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)]


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
) -> None:
    """Check scenario files; print one line per file. Exit 2 if any is invalid."""
    from innovate_sim.scenario import load_scenario

    failed = 0
    for path in files:
        try:
            scenario = load_scenario(path)
        except InnovateSimError as exc:
            failed += 1
            errors.print(f"[bold red]invalid[/] {escape(str(exc))}", markup=True)
        else:
            envs = ", ".join(scenario.environments) or "no environments"
            console.print(f"ok {path}: {scenario.name} ({envs}; hash {scenario.content_hash()})")
    if failed:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion and validation)."""
    from innovate_sim.scenario import scenario_json_schema

    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2) + "\n")


@app.command()
def prices(
    region: Annotated[str, typer.Option(help="AWS region of the catalog.")] = "us-east-1",
) -> None:
    """Show the shipped price catalog with its date and sources."""
    from innovate_sim.pricing import load_catalog
    from innovate_sim.pricing.render import render_catalog

    render_catalog(load_catalog(region), console=console)


@app.command()
def cost(
    file: FileArg,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    month: Annotated[int, typer.Option(help="Forecast month (1 = the first 730 hours).")] = 1,
) -> None:
    """Print the static monthly bill by account and service (no simulation)."""
    from innovate_sim.cost import estimate_cost
    from innovate_sim.cost.render import render_estimate
    from innovate_sim.scenario import load_scenario

    if format not in ("table", "csv", "json"):
        raise InnovateSimError(f"--format must be table, csv or json, not {format!r}")
    if month < 1:
        raise InnovateSimError("--month starts at 1")
    estimate = estimate_cost(load_scenario(file), month=month)
    text = render_estimate(estimate, format=format, console=console)  # type: ignore[arg-type]
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``innovate-sim`` script; returns the exit status."""
    try:
        status = app(args=argv, standalone_mode=False)
    except InnovateSimError as exc:
        errors.print(f"error: {exc}", markup=False)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except (typer.Abort, KeyboardInterrupt):
        errors.print("interrupted", markup=False)
        return 130
    except Exception as exc:  # usage errors and internal errors
        show = getattr(exc, "show", None)
        if callable(show) and type(exc).__name__.endswith(
            (
                "UsageError",
                "BadParameter",
                "NoSuchOption",
                "MissingParameter",
                "BadOptionUsage",
                "BadArgumentUsage",
                "ClickException",
                "FileError",
            )
        ):
            show(file=sys.stderr)
            return 2
        if os.environ.get("INNOVATE_SIM_DEBUG"):
            raise
        errors.print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in innovate_sim; rerun with INNOVATE_SIM_DEBUG=1 for a traceback.",
            markup=False,
        )
        return 1
    return status if isinstance(status, int) else 0


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s status."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
