"""Parsing and formatting of quantities written with units.

The simulation clock is a float in **hours**. Scenario files write durations
(``"90s"``, ``"5m"``, ``"2h"``, ``"7d"``, ``"1y"``), rates (``"0.2/y"``,
``"1/1000h"``, ``"5%/month"``), percentages (``"99.95%"``), CPU (``"500m"``),
memory (``"1Gi"``) and money (``"$6,000"``). Each is parsed once, here.

Calendar conventions (DESIGN §3.1): a month is 730 hours, a year 8,760 hours
(365 days), as AWS's pricing calculator and SLA conversions use.
"""

from __future__ import annotations

import math
import re

from innovate_sim.errors import UnitError

__all__ = [
    "AZ_LETTERS",
    "HOURS_PER_DAY",
    "HOURS_PER_MONTH",
    "HOURS_PER_WEEK",
    "HOURS_PER_YEAR",
    "MINUTES_PER_YEAR",
    "SECONDS_PER_HOUR",
    "format_duration",
    "month_of",
    "month_share",
    "month_window_h",
    "months_spanned",
    "parse_cpu",
    "parse_duration",
    "parse_memory_gib",
    "parse_money",
    "parse_percent",
    "parse_rate",
    "split_by_month",
    "zone_name",
]

SECONDS_PER_HOUR = 3600.0
HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 168.0
HOURS_PER_MONTH = 730.0
HOURS_PER_YEAR = 8760.0
MINUTES_PER_YEAR = 525_600.0

#: Letters of the AZs of a region, by 0-based index (``0`` → ``a``).
AZ_LETTERS = "abcdef"


def zone_name(zone: int) -> str:
    """Name of a 0-based AZ index as the model and the bill show it: ``0`` → ``"az-a"``."""
    return f"az-{AZ_LETTERS[zone]}"


def month_of(t_h: float) -> int:
    """The 730-hour month (from 1) that time ``t_h`` (hours from the start) falls in."""
    return int(t_h // HOURS_PER_MONTH) + 1


def month_window_h(month: int) -> tuple[float, float]:
    """Start and end (hours) of the 730-hour month ``month`` (1-based)."""
    if month < 1:
        raise ValueError(f"months count from 1, got {month}")
    return (month - 1) * HOURS_PER_MONTH, month * HOURS_PER_MONTH


def months_spanned(horizon_h: float) -> int:
    """Number of 730-hour months a horizon of ``horizon_h`` hours touches (at least 1)."""
    return max(1, -int(-horizon_h // HOURS_PER_MONTH))


def month_share(horizon_h: float, month: int) -> float:
    """Share of 730-hour month ``month`` (from 1) inside a horizon of ``horizon_h`` hours."""
    start = (month - 1) * HOURS_PER_MONTH
    return max(0.0, min(1.0, (horizon_h - start) / HOURS_PER_MONTH))


def split_by_month(start_h: float, end_h: float) -> list[tuple[int, float]]:
    """Split ``[start_h, end_h)`` at 730-hour month boundaries: ``[(month, hours), …]``."""
    out = []
    while end_h > start_h:
        month = month_of(start_h)
        boundary = min(end_h, month * HOURS_PER_MONTH)
        out.append((month, boundary - start_h))
        start_h = boundary
    return out


#: Hours per duration unit. Longer spellings first so the regex prefers them.
_DURATION_UNITS_H: dict[str, float] = {
    "ms": 1.0 / 3_600_000.0,
    "s": 1.0 / 3600.0,
    "sec": 1.0 / 3600.0,
    "second": 1.0 / 3600.0,
    "m": 1.0 / 60.0,
    "min": 1.0 / 60.0,
    "minute": 1.0 / 60.0,
    "h": 1.0,
    "hr": 1.0,
    "hour": 1.0,
    "d": HOURS_PER_DAY,
    "day": HOURS_PER_DAY,
    "w": HOURS_PER_WEEK,
    "week": HOURS_PER_WEEK,
    "mo": HOURS_PER_MONTH,
    "month": HOURS_PER_MONTH,
    "y": HOURS_PER_YEAR,
    "yr": HOURS_PER_YEAR,
    "year": HOURS_PER_YEAR,
}
_UNIT_ALTERNATION = "|".join(sorted(_DURATION_UNITS_H, key=len, reverse=True))
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION_PART = re.compile(rf"\s*({_NUMBER})\s*({_UNIT_ALTERNATION})s?\s*", re.IGNORECASE)


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


#: ECMA-262 pattern (for JSON Schema) of exactly the strings :func:`parse_duration` reads.
DURATION_PATTERN = (
    rf"^\s*(?:{_NUMBER}\s*(?:"
    + "|".join(_any_case(u) for u in sorted(_DURATION_UNITS_H, key=len, reverse=True))
    + r")s?\s*)+$"
)
_VALID_DURATION = "a number and a unit, e.g. '90s', '5m', '2h', '7d', '1y' or '1h30m'"


def parse_duration(value: object) -> float:
    """Parse a duration with a unit and return it in hours.

    Args:
        value: a string such as ``"90s"``, ``"5m"``, ``"2h"``, ``"1.5d"``,
            ``"1y"`` or a compound ``"1h30m"``. Bare numbers are refused: a
            duration without a unit is ambiguous.

    Returns:
        The duration in hours (non-negative).

    Raises:
        UnitError: the value is not a duration with a unit.
    """
    if isinstance(value, bool):
        raise UnitError(f"expected a duration, {_VALID_DURATION}; got the boolean {value!r}")
    if not isinstance(value, str):
        if isinstance(value, int | float):
            raise UnitError(f"{value!r} has no unit; write a duration as {_VALID_DURATION}")
        raise UnitError(f"expected a duration string, {_VALID_DURATION}; got {value!r}")
    text = value.strip()
    if not text:
        raise UnitError(f"empty duration; write {_VALID_DURATION}")
    total = 0.0
    pos = 0
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if match is None:
            raise UnitError(f"cannot read {value!r} as a duration; write {_VALID_DURATION}")
        total += float(match.group(1)) * _DURATION_UNITS_H[match.group(2).lower()]
        pos = match.end()
    if not math.isfinite(total):
        raise UnitError(f"duration {value!r} is not finite")
    return total


def format_duration(hours: float) -> str:
    """Format a duration in hours with the largest unit that reads exactly.

    ``parse_duration(format_duration(h)) == h`` for every finite ``h >= 0``.
    """
    if hours == 0:
        return "0s"
    for unit, size in (
        ("y", HOURS_PER_YEAR),
        ("d", HOURS_PER_DAY),
        ("h", 1.0),
        ("m", 1.0 / 60.0),
        ("s", 1.0 / 3600.0),
    ):
        count = hours / size
        if count >= 1 and abs(count - round(count)) < 1e-9:
            text = f"{round(count)}{unit}"
            if parse_duration(text) == hours:
                return text
    for unit, size in (("h", 1.0), ("s", 1.0 / 3600.0)):
        text = f"{hours / size!r}{unit}"
        if parse_duration(text) == hours:
            return text
    return f"{hours!r}h"


_RATE = re.compile(rf"^\s*({_NUMBER})\s*(%?)\s*(?:/|per\s+)\s*({_NUMBER})?\s*([a-zA-Z]+)\s*$")
_VALID_RATE = "events per unit of time, e.g. '0.2/y', '1/1000h', '3/month' or '5%/month'"


def parse_rate(value: object) -> float:
    """Parse a rate of events and return it in events per hour.

    Args:
        value: ``"0.2/y"`` (0.2 per year), ``"1/1000h"`` (one per 1,000 hours),
            ``"5%/month"`` (0.05 per month), or the number ``0`` for "never".

    Raises:
        UnitError: the value is not a rate with a time unit.
    """
    if isinstance(value, bool):
        raise UnitError(f"expected a rate, {_VALID_RATE}; got {value!r}")
    if isinstance(value, int | float):
        if value == 0:
            return 0.0
        raise UnitError(f"{value!r} has no time unit; write a rate as {_VALID_RATE}")
    if not isinstance(value, str):
        raise UnitError(f"expected a rate, {_VALID_RATE}; got {value!r}")
    match = _RATE.match(value)
    if match is None:
        raise UnitError(f"cannot read {value!r} as a rate; write {_VALID_RATE}")
    count = float(match.group(1)) / (100.0 if match.group(2) else 1.0)
    per = float(match.group(3)) if match.group(3) else 1.0
    unit = match.group(4).lower()
    if unit.endswith("s") and unit[:-1] in _DURATION_UNITS_H:
        unit = unit[:-1]
    if unit not in _DURATION_UNITS_H:
        raise UnitError(
            f"unknown time unit {match.group(4)!r} in rate {value!r}; "
            f"use one of s, m, h, d, w, month, y"
        )
    if per <= 0:
        raise UnitError(f"rate {value!r} divides by zero time")
    rate = count / (per * _DURATION_UNITS_H[unit])
    if not math.isfinite(rate):
        raise UnitError(f"rate {value!r} is not finite")
    return rate


def parse_percent(value: object, *, allow_fraction: bool = True) -> float:
    """Parse a percentage and return it as a fraction (``"99.95%"`` → 0.9995).

    Args:
        value: ``"99.95%"``; or a plain number in [0, 1] read as a fraction
            when ``allow_fraction`` is true. A plain number above 1 is refused
            because ``99.95`` most likely means ``99.95%``.
    """
    if isinstance(value, bool):
        raise UnitError(f"expected a percentage such as '99.95%'; got {value!r}")
    if isinstance(value, int | float):
        if allow_fraction and 0 <= value <= 1:
            return float(value)
        raise UnitError(
            f"{value!r} is ambiguous as a percentage; write '{value}%' "
            f"(or a fraction between 0 and 1)"
        )
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            try:
                number = float(text[:-1].replace(",", ""))
            except ValueError:
                pass
            else:
                if math.isfinite(number):
                    return number / 100.0
        elif allow_fraction:
            try:
                number = float(text)
            except ValueError:
                pass
            else:
                return parse_percent(number, allow_fraction=True)
    raise UnitError(f"cannot read {value!r} as a percentage; write e.g. '99.95%'")


_CPU = re.compile(rf"^\s*({_NUMBER})\s*(m?)\s*$")


def parse_cpu(value: object) -> float:
    """Parse a Kubernetes CPU quantity and return cores (``"500m"`` → 0.5, ``2`` → 2.0)."""
    if isinstance(value, bool):
        raise UnitError(f"expected a CPU quantity such as '500m' or 2; got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        match = _CPU.match(value)
        if match:
            number = float(match.group(1))
            return number / 1000.0 if match.group(2) else number
    raise UnitError(f"cannot read {value!r} as CPU; write millicores '500m' or cores '2'")


_MEMORY_GIB = {
    "ki": 1.0 / 1024**2,
    "mi": 1.0 / 1024,
    "gi": 1.0,
    "ti": 1024.0,
    "k": 1e3 / 1024**3,
    "m": 1e6 / 1024**3,
    "g": 1e9 / 1024**3,
    "t": 1e12 / 1024**3,
}
_MEMORY = re.compile(rf"^\s*({_NUMBER})\s*([KMGTkmgt]i?)\s*$")


def parse_memory_gib(value: object) -> float:
    """Parse a Kubernetes memory quantity and return GiB (``"512Mi"`` → 0.5)."""
    if isinstance(value, str):
        match = _MEMORY.match(value)
        if match:
            return float(match.group(1)) * _MEMORY_GIB[match.group(2).lower()]
    raise UnitError(f"cannot read {value!r} as memory; write e.g. '512Mi', '1Gi' or '2G'")


_MONEY = re.compile(r"^\s*(?:USD\s*)?\$?\s*([0-9][0-9,]*(?:\.\d+)?|\.\d+)\s*(?:USD)?\s*$")


def parse_money(value: object) -> float:
    """Parse an amount of US dollars (``6000``, ``"$6,000"``, ``"6000 USD"``)."""
    if isinstance(value, bool):
        raise UnitError(f"expected an amount in USD; got {value!r}")
    if isinstance(value, int | float):
        if math.isfinite(value):
            return float(value)
    elif isinstance(value, str):
        match = _MONEY.match(value)
        if match:
            return float(match.group(1).replace(",", ""))
    raise UnitError(f"cannot read {value!r} as an amount in USD; write e.g. 6000 or '$6,000'")
