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
    help="Availability and cost forecasts for the Innovate Inc. AWS architecture.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

FileArg = Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)]


def disclose(scenario: Any, bill: Any = None, *, to_stderr: bool = False) -> None:
    """Print the defaults that put money on the bill and the usage left at zero.

    On stderr when stdout carries CSV or JSON.
    """
    from innovate_sim.reporting.disclosures import disclosure_lines

    target = errors if to_stderr else console
    for line in disclosure_lines(scenario, bill):
        target.print(line, markup=False, style="yellow" if not to_stderr else None)
