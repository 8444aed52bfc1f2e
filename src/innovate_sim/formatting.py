"""How numbers are written for people: dollars, percentages, values in a unit, intervals.

One home for the text of every table, report, plot label and CLI line, so
that ``-$48.21`` or ``99.9500%`` reads the same everywhere. A value that is
missing (``None``) or not finite is written ``n/a``. This module sits with
``units.py`` at the bottom of the layers and imports nothing of the package.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = [
    "NOT_AVAILABLE",
    "count_noun",
    "display_unit",
    "format_interval",
    "format_percent",
    "format_unit_price",
    "format_usd",
    "format_usd_short",
    "format_value",
    "markdown_table",
]

#: The text of a missing or non-finite value.
NOT_AVAILABLE = "n/a"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def format_usd(usd: float, decimals: int | None = 2) -> str:
    """US dollars with thousands separators: ``$1,234.50``, ``-$48.21``.

    Args:
        usd: the amount.
        decimals: digits after the point; ``None`` writes 2 below $100 and 0
            from $100 (for labels, where cents of large amounts are noise).
    """
    if not _finite(usd):
        return NOT_AVAILABLE
    if decimals is None:
        decimals = 2 if abs(usd) < 100 else 0
    sign = "-" if usd < 0 else ""
    return f"{sign}${abs(usd):,.{decimals}f}"


def format_usd_short(usd: float) -> str:
    """Dollars for an axis tick: ``$850``, ``$12k``, ``$1.5M``, ``$0.5``."""
    magnitude = abs(usd)
    sign = "-" if usd < 0 else ""
    if magnitude >= 1e6:
        return f"{sign}${magnitude / 1e6:g}M"
    if magnitude >= 1e4:
        return f"{sign}${magnitude / 1e3:g}k"
    if magnitude >= 10 or magnitude == 0:
        return f"{sign}${magnitude:,.0f}"
    return f"{sign}${magnitude:g}"


def format_unit_price(usd: float) -> str:
    """A unit price with the digits it needs: ``$0.045``, ``$0.50``, ``$5.00``, ``$0.0004``."""
    if usd == 0:
        return "$0"
    if usd >= 1:
        return f"${usd:,.2f}"
    digits = f"{usd:.6f}".rstrip("0")
    decimals = max(2, len(digits.partition(".")[2]))
    return f"${usd:.{decimals}f}"


def format_percent(fraction: float, digits: int = 4) -> str:
    """A fraction as a percentage with ``digits`` decimals (``0.9995`` → ``99.9500%``)."""
    if not _finite(fraction):
        return NOT_AVAILABLE
    return f"{fraction * 100:.{digits}f}%"


def format_value(value: float | None, unit: str, decimals: int = 2) -> str:
    """A value in its unit as the summary tables write it.

    ``fraction`` → ``99.9500%``; ``USD…`` → ``$3,000.00``; ``requests`` → a whole
    number; anything else → ``decimals`` digits with thousands separators.
    """
    if value is None or not _finite(float(value)):
        return NOT_AVAILABLE
    if unit == "fraction":
        return format_percent(value)
    if unit.startswith("USD"):
        return format_usd(value)
    if unit == "requests":
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}"


def format_interval(
    low: float | None,
    high: float | None,
    fmt: Callable[[float], str],
    undefined: str = NOT_AVAILABLE,
) -> str:
    """``low – high`` written with ``fmt``, or ``undefined`` when either end is missing."""
    if not (_finite(low) and _finite(high)):
        return undefined
    assert low is not None and high is not None  # for the type checker
    return f"{fmt(low)} – {fmt(high)}"


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    """A GitHub-flavoured markdown table; columns in ``right`` (indices) are right-aligned."""
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def display_unit(unit: str) -> str:
    """The unit as a table shows it: a ``fraction`` is written as a percentage, so ``%``."""
    return "%" if unit == "fraction" else unit


def count_noun(count: int, noun: str, plural: str | None = None) -> str:
    """``1 replication``, ``3 replications`` (``plural`` for irregular nouns)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
