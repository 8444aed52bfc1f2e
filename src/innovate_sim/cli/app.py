"""The Typer application and consoles shared by every command module."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["FileArg", "app", "console", "errors"]

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
