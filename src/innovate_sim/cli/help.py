"""Help text as a reader wants it: plain metavars, usage lines and examples.

Typer renders argument and option types as ``{file}``, ``<list[Path]>`` or
``<int>``. :func:`tidy_command` rewrites every command's parameters once, after
all command modules have registered, so each reads ``FILE``, ``FILE...``,
``N`` or ``PATH``, and appends the command's examples from :data:`EXAMPLES`.
Keeping this in one place means the command modules stay plain Typer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from typer.core import TyperArgument, TyperOption

__all__ = ["EXAMPLES", "tidy_command"]

#: Examples shown at the end of each command's ``--help`` (and by bare ``innovate-sim``).
EXAMPLES: Mapping[str, tuple[str, ...]] = {
    "validate": ("innovate-sim validate scenarios/*.yaml",),
    "schema": ("innovate-sim schema > innovate-sim.schema.json",),
    "prices": ("innovate-sim prices --region us-east-1",),
    "cost": (
        "innovate-sim cost scenarios/organization.yaml",
        "innovate-sim cost scenarios/prod.yaml --month 12 --format csv",
        "innovate-sim cost scenarios/prod.yaml scenarios/prod-single-nat.yaml --format markdown",
    ),
    "run": (
        "innovate-sim run scenarios/prod.yaml -n 20 --workers 2 --out results/prod",
        "innovate-sim run scenarios/dev.yaml -n 5 --seed 7",
    ),
    "compare": (
        "innovate-sim compare scenarios/prod.yaml scenarios/prod-single-nat.yaml -n 20 -w 2",
    ),
    "sweep": (
        "innovate-sim sweep --grid scenarios/sweeps/prod-tradeoffs.yaml -n 20 -w 2 --out sweep",
    ),
    "check": ("innovate-sim check scenarios/prod.yaml -n 20 --workers 2 --out results/check",),
    "report": ("innovate-sim report results/prod",),
}

#: Metavars by annotation, for options whose help would otherwise say ``<int>``.
_TYPE_METAVARS = {int: "N", float: "X", str: "TEXT"}


def _argument_metavar(parameter: TyperArgument) -> str:
    name = (parameter.name or "value").upper()
    if parameter.nargs != 1:
        name = name.rstrip("S") + "..." if name.endswith("S") else name + "..."
    return name if parameter.required else f"[{name}]"


def _option_metavar(parameter: TyperOption) -> str | None:
    if getattr(parameter, "is_flag", False) or getattr(parameter, "count", False):
        return None
    descriptor = parameter.type_descriptor
    if descriptor.is_choice:
        return None  # the choices are listed
    if descriptor.is_path:
        return "PATH"
    return _TYPE_METAVARS.get(descriptor.annotation, "VALUE")


def _no_type(ctx: Any) -> None:
    return None


def _usage_pieces(command: Any) -> Any:
    """A ``collect_usage_pieces`` that names arguments by their metavar."""

    def pieces(ctx: Any) -> list[str]:
        out = [command.options_metavar] if command.options_metavar else []
        out += [p.metavar for p in command.params if isinstance(p, TyperArgument) and p.metavar]
        return out

    return pieces


def tidy_command(group: Any) -> Any:
    """Give every subcommand of ``group`` plain metavars, a plain usage line and examples."""
    for name, command in group.commands.items():
        for parameter in command.params:
            if isinstance(parameter, TyperArgument) and parameter.metavar is None:
                parameter.metavar = _argument_metavar(parameter)
                parameter.display_type_rich = _no_type  # type: ignore[method-assign]
            elif isinstance(parameter, TyperOption) and parameter.metavar is None:
                parameter.metavar = _option_metavar(parameter)
        command.collect_usage_pieces = _usage_pieces(command)  # type: ignore[method-assign]
        if command.help and not command.short_help:
            # The whole first line, not click's 45-character cut ("(for editor...").
            command.short_help = command.help.strip().splitlines()[0]
        examples = EXAMPLES.get(name)
        if examples and not command.epilog:
            # "\b" keeps click from re-wrapping the example block.
            command.epilog = "Examples:\n\n\b\n" + "\n".join(f"  $ {line}" for line in examples)
    return group
