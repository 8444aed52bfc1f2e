"""Pydantic field types for quantities written with units in scenario files.

Each type parses once (see :mod:`innovate_sim.units`) into a float in the
library's internal unit — hours, events per hour, a fraction, cores, GiB or
USD — and serialises back to a string that parses to the same value, so a
dumped scenario can be validated again unchanged.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

from innovate_sim import units
from innovate_sim.scenario.uncertain import (
    ACCEPT_UNCERTAIN,
    SERIALIZE_UNCERTAIN,
    UNCERTAIN_SCHEMA,
)

__all__ = [
    "AZ_LETTERS",
    "Cpu",
    "Duration",
    "Fraction",
    "MemoryGiB",
    "Money",
    "Name",
    "NonNegativeDuration",
    "Percent",
    "PositiveDuration",
    "Rate",
    "ZoneRef",
]


def _reraise(parse: Any) -> Any:
    """Turn a UnitError into the ValueError pydantic reports with the field path."""

    def wrapper(value: object) -> Any:
        try:
            return parse(value)
        except units.UnitError as exc:
            raise ValueError(str(exc)) from None

    return wrapper


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError("must be greater than zero")
    return value


def _rate_text(per_hour: float) -> str:
    return "0/y" if per_hour == 0 else f"{per_hour!r}/h"


_Duration = Annotated[
    float,
    BeforeValidator(_reraise(units.parse_duration)),
    PlainSerializer(units.format_duration, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": units.DURATION_PATTERN,
            "description": "A duration with a unit: '90s', '5m', '2h', '7d', '1y', '1h30m'.",
            "examples": ["90s", "5m", "2h", "1y"],
        }
    ),
]
Duration = Annotated[_Duration, ACCEPT_UNCERTAIN, SERIALIZE_UNCERTAIN, UNCERTAIN_SCHEMA]
"""A duration, stored in hours (may be written with an uncertainty)."""

NonNegativeDuration = Duration
PositiveDuration = Annotated[
    _Duration, AfterValidator(_positive), ACCEPT_UNCERTAIN, SERIALIZE_UNCERTAIN, UNCERTAIN_SCHEMA
]

_Rate = Annotated[
    float,
    BeforeValidator(_reraise(units.parse_rate)),
    PlainSerializer(_rate_text, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^.+/.+$"},
                {"const": 0},
            ],
            "description": "Events per unit of time: '0.2/y', '1/1000h', '5%/month', or 0.",
            "examples": ["0.2/y", "1/1000h", "5%/month"],
        }
    ),
]
Rate = Annotated[_Rate, ACCEPT_UNCERTAIN, SERIALIZE_UNCERTAIN, UNCERTAIN_SCHEMA]
"""A rate of events, stored in events per hour (may be written with an uncertainty)."""


def _fraction_text(value: float) -> str:
    return f"{value * 100!r}%"


def _unbounded_percent(value: Any) -> float:
    """Parse a percentage that has no natural bound (growth, step sizes).

    Only ``"…%"`` or 0 are read: a plain ``1`` could be 1 % or 100 % and ``5``
    5 % or 500 %, so every plain number but 0 is refused alike.
    """
    if isinstance(value, int | float) and not isinstance(value, bool) and value != 0:
        raise units.UnitError(
            f"{value!r} is ambiguous as a percentage; write '{value!r}%'"
            + (f" or '{value * 100:g}%'" if abs(value) < 1 else "")
        )
    return units.parse_percent(value)


_Percent = Annotated[
    float,
    BeforeValidator(_reraise(_unbounded_percent)),
    PlainSerializer(_fraction_text, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*[+-]?[0-9.eE+-]+\s*%\s*$"},
                {"const": 0},
            ],
            "description": "A percentage, e.g. '5%' or '-2.5%' (a plain number is ambiguous).",
        }
    ),
]
Percent = Annotated[_Percent, ACCEPT_UNCERTAIN, SERIALIZE_UNCERTAIN, UNCERTAIN_SCHEMA]
"""A percentage without bounds, stored as a fraction (``"5%"`` → 0.05); may be written uncertain."""


def _unit_interval(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"must be between 0% and 100%, got {value * 100:g}%")
    return value


_Fraction = Annotated[
    float,
    BeforeValidator(_reraise(units.parse_percent)),
    AfterValidator(_unit_interval),
    PlainSerializer(_fraction_text, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*[0-9.eE+-]+\s*%\s*$"},
                {"type": "number", "minimum": 0, "maximum": 1},
            ],
            "description": "A percentage '99.95%' or a fraction between 0 and 1.",
        }
    ),
]
Fraction = Annotated[_Fraction, ACCEPT_UNCERTAIN, SERIALIZE_UNCERTAIN, UNCERTAIN_SCHEMA]
"""A percentage in [0 %, 100 %], stored as a fraction; a plain number in [0, 1] is a fraction.

May be written uncertain."""


def _cpu_text(cores: float) -> str:
    milli = cores * 1000.0
    return f"{round(milli)}m" if abs(milli - round(milli)) < 1e-9 else repr(cores)


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must not be negative")
    return value


Cpu = Annotated[
    float,
    BeforeValidator(_reraise(units.parse_cpu)),
    AfterValidator(_non_negative),
    PlainSerializer(_cpu_text, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^\s*[0-9.]+\s*m?\s*$"}, {"type": "number"}],
            "description": "Kubernetes CPU: millicores '500m' or cores 2.",
        }
    ),
]
"""CPU, stored in cores."""


def _memory_text(gib: float) -> str:
    mib = gib * 1024.0
    return f"{round(mib)}Mi" if abs(mib - round(mib)) < 1e-9 else f"{gib!r}Gi"


MemoryGiB = Annotated[
    float,
    BeforeValidator(_reraise(units.parse_memory_gib)),
    AfterValidator(_non_negative),
    PlainSerializer(_memory_text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*[0-9.]+\s*[KMGTkmgt]i?\s*$",
            "description": "Kubernetes memory: '512Mi', '1Gi', '2G'.",
        }
    ),
]
"""Memory, stored in GiB."""

Money = Annotated[
    float,
    BeforeValidator(_reraise(units.parse_money)),
    AfterValidator(_non_negative),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}],
            "description": "US dollars: 6000 or '$6,000'.",
        }
    ),
]
"""An amount of US dollars."""

AZ_LETTERS = units.AZ_LETTERS


def _parse_zone(value: object) -> int:
    """Read an AZ reference as a 0-based index: ``"b"``, ``"us-east-1b"`` or 2 (1-based)."""
    if isinstance(value, bool):
        raise ValueError(f"expected an AZ such as 'a', 'b' or 1; got {value!r}")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"AZ numbers start at 1 (1 = az-a); got {value}")
        return value - 1
    if isinstance(value, str):
        letter = value.strip().lower()[-1:] if value.strip() else ""
        if (
            letter
            and letter in AZ_LETTERS
            and (len(value.strip()) == 1 or value.strip()[-2:-1].isdigit())
        ):
            return AZ_LETTERS.index(letter)
    raise ValueError(
        f"expected an AZ such as 'a', 'b', 'us-east-1c' or a number from 1; got {value!r}"
    )


ZoneRef = Annotated[
    int,
    BeforeValidator(_parse_zone),
    PlainSerializer(lambda index: AZ_LETTERS[index], return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^([a-z]{2}-[a-z]+-\d)?[a-f]$"},
                {"type": "integer", "minimum": 1, "maximum": 6},
            ],
            "description": "An AZ of the environment: 'a', 'b', 'us-east-1c' or a 1-based number.",
        }
    ),
]
"""An Availability Zone, stored as a 0-based index into the environment's AZs."""

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
#: The pattern every name (account, environment, node pool, workload) matches.
NAME_PATTERN = _NAME.pattern


def _check_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            f"{value!r} is not a valid name: use lower-case letters, digits and hyphens, "
            "starting with a letter or digit (at most 63 characters)"
        )
    return value


Name = Annotated[
    str,
    AfterValidator(_check_name),
    WithJsonSchema({"type": "string", "pattern": _NAME.pattern}),
]
"""A lower-case name of letters, digits and hyphens."""
