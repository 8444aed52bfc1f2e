"""One formatter module: dollars, percentages, values in a unit and intervals read the same
in the CLI, the report, the plots and the bill."""

from __future__ import annotations

import math

import pytest

from innovate_sim.formatting import (
    format_interval,
    format_percent,
    format_unit_price,
    format_usd,
    format_usd_short,
    format_value,
)


def test_format_percent() -> None:
    assert format_percent(0.9995) == "99.9500%"
    assert format_percent(0.5, digits=1) == "50.0%"
    assert format_percent(math.nan) == "n/a"


@pytest.mark.parametrize(
    ("usd", "decimals", "text"),
    [
        (1234.5, 2, "$1,234.50"),
        (-48.21, 2, "-$48.21"),
        (12.5, None, "$12.50"),
        (1234.5, None, "$1,234"),
        (-30.0, None, "-$30.00"),
        (1234.5, 0, "$1,234"),
        (math.inf, 2, "n/a"),
        (math.nan, None, "n/a"),
    ],
)
def test_format_usd(usd: float, decimals: int | None, text: str) -> None:
    assert format_usd(usd, decimals) == text


@pytest.mark.parametrize(
    ("usd", "text"),
    [
        (850, "$850"),
        (12_000, "$12k"),
        (1_500_000, "$1.5M"),
        (0.5, "$0.5"),
        (0, "$0"),
        (-2e4, "-$20k"),
    ],
)
def test_format_usd_short(usd: float, text: str) -> None:
    assert format_usd_short(usd) == text


def test_format_unit_price_keeps_the_digits_a_price_needs() -> None:
    assert format_unit_price(0.045) == "$0.045"
    assert format_unit_price(5) == "$5.00"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.9995, "fraction", "99.9500%"),
        (3000.0, "USD/month", "$3,000.00"),
        (-48.21, "USD", "-$48.21"),
        (1234.4, "requests", "1,234"),
        (12.345, "min/year", "12.35"),
        (None, "USD", "n/a"),
        (math.nan, "fraction", "n/a"),
    ],
)
def test_format_value(value: float | None, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_format_interval_and_its_undefined_text() -> None:
    assert format_interval(1.0, 2.0, "{:.1f}".format) == "1.0 – 2.0"
    assert format_interval(math.nan, 2.0, "{:.1f}".format) == "n/a"
    assert format_interval(None, 2.0, str, "undefined (n=1)") == "undefined (n=1)"
