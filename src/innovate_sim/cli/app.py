"""The Typer application and consoles shared by every command module."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

__all__ = ["FileArg", "app", "console", "disclose", "errors"]

app = typer.Typer(
    name="innovate-sim",
    no_args_is_help=False,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        from innovate_sim._compiled import describe
        from innovate_sim._version import __version__

        console.print(f"innovate-sim {__version__}, simulation {describe()}")
        raise typer.Exit(0)


@app.callback(
    invoke_without_command=True,
    epilog="Run 'innovate-sim COMMAND --help' for a command's options and examples.",
)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Availability and cost forecasts for an AWS architecture (EKS, Karpenter, RDS, NAT).

    Scenario files in, forecasts with confidence intervals out: start with
    'innovate-sim cost scenarios/prod.yaml' (the static bill, in a second) and
    'innovate-sim run scenarios/prod.yaml -n 20 --workers 2' (availability and cost).
    """
    if ctx.invoked_subcommand is None:
        console.print(ctx.get_help(), markup=False, highlight=False)
        raise typer.Exit(0)


FileArg = Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)]


def disclose(scenario: Any, bill: Any = None, *, to_stderr: bool = False) -> None:
    """Print the defaults that put money on the bill and the usage left at zero.

    On stderr when stdout carries CSV or JSON.
    """
    from innovate_sim.reporting.disclosures import disclosure_lines

    target = errors if to_stderr else console
    for line in disclosure_lines(scenario, bill):
        target.print(line, markup=False, style="yellow" if not to_stderr else None)
