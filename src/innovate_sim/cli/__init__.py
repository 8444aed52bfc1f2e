"""The ``innovate-sim`` command line.

Bad input exits with status 2 and a one-paragraph message, never a traceback
(set ``INNOVATE_SIM_DEBUG=1`` to see one for an internal error). Each module
of this package registers its commands on the shared Typer ``app``.
"""

from __future__ import annotations

import os
import sys

import typer

from innovate_sim.cli import (  # noqa: F401  (register commands)
    basic,
    importing,
    sensitivity,
    simulate,
    sweep,
    targets,
)
from innovate_sim.cli.app import app, errors
from innovate_sim.cli.help import tidy_command
from innovate_sim.errors import InnovateSimError

__all__ = ["app", "main", "run"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``innovate-sim`` script; returns the exit status."""
    try:
        command = tidy_command(typer.main.get_command(app))
        status = command.main(args=argv, prog_name="innovate-sim", standalone_mode=False)
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
