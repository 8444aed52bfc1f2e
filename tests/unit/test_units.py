"""Quantities with units (durations, rates, percentages, CPU, memory, money) and distributions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from innovate_sim import units
from innovate_sim.errors import UnitError
from innovate_sim.rng import RandomStreams
from innovate_sim.scenario.distributions import Distribution

# --------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("90s", 90 / 3600),
        ("5m", 5 / 60),
        ("2h", 2.0),
        ("7d", 168.0),
        ("1w", 168.0),
        ("1y", 8760.0),
        ("1month", 730.0),
        ("2 months", 1460.0),
        ("1mo", 730.0),
        ("1.5d", 36.0),
        ("1h30m", 1.5),
        ("1h 30m 36s", 1.51),
        ("250ms", 0.25 / 3600),
        ("10 min", 10 / 60),
        ("3 hrs", 3.0),  # note: "3 hours" is refused (no "hour" unit), unlike "2 days"
        ("2 days", 48.0),
        ("  4H ", 4.0),
        ("0s", 0.0),
        ("1e3h", 1000.0),
        (".5h", 0.5),
    ],
)
def test_parse_duration(text: str, hours: float) -> None:
    assert units.parse_duration(text) == pytest.approx(hours, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (90, "has no unit"),
        (1.5, "has no unit"),
        ("90", "cannot read"),
        ("", "empty duration"),
        ("   ", "empty duration"),
        ("5 fortnights", "cannot read"),
        ("-5m", "cannot read"),
        ("5m garbage", "cannot read"),
        ("h", "cannot read"),
        (None, "expected a duration string"),
        ([1, "h"], "expected a duration string"),
        ("1e400h", "not finite"),
    ],
)
def test_parse_duration_errors(value: object, words: str) -> None:
    with pytest.raises(UnitError, match=words) as info:
        units.parse_duration(value)
    assert "'90s'" in str(info.value) or "not finite" in words


def test_parse_duration_refuses_booleans() -> None:
    with pytest.raises(UnitError):
        units.parse_duration(True)


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.0, "0s"),
        (8760.0, "1y"),
        (17520.0, "2y"),
        (24.0, "1d"),
        (168.0, "7d"),
        (2.0, "2h"),
        (0.5, "30m"),
        (1 / 3600, "1s"),
        (90 / 3600, "90s"),
        (1.5, "90m"),
    ],
)
def test_format_duration(hours: float, text: str) -> None:
    assert units.format_duration(hours) == text


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_duration_round_trip(hours: float) -> None:
    text = units.format_duration(hours)
    assert units.parse_duration(text) == hours


@given(st.integers(min_value=0, max_value=10 * 365 * 86400))
def test_duration_round_trip_whole_seconds(seconds: int) -> None:
    hours = units.parse_duration(f"{seconds}s")
    assert units.parse_duration(units.format_duration(hours)) == hours


# ------------------------------------------------------------------------- rates


@pytest.mark.parametrize(
    ("text", "per_hour"),
    [
        ("0.2/y", 0.2 / 8760),
        ("1/1000h", 1 / 1000),
        ("3/month", 3 / 730),
        ("5%/month", 0.05 / 730),
        ("6/h", 6.0),
        ("2 per day", 2 / 24),
        ("1/5000h", 1 / 5000),
        ("1/2 weeks", 1 / 336),
        ("0.1/yr", 0.1 / 8760),
        (0, 0.0),
        (0.0, 0.0),
    ],
)
def test_parse_rate(text: object, per_hour: float) -> None:
    assert units.parse_rate(text) == pytest.approx(per_hour, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0.2, "has no time unit"),
        (3, "has no time unit"),
        ("0.2", "cannot read"),
        ("0.2 per fortnight", "unknown time unit 'fortnight'"),
        ("1/0h", "divides by zero"),
        ("often", "cannot read"),
        (True, "expected a rate"),
        (None, "expected a rate"),
    ],
)
def test_parse_rate_errors(value: object, words: str) -> None:
    with pytest.raises(UnitError, match=words):
        units.parse_rate(value)


# ------------------------------------------------------------------- percentages


@pytest.mark.parametrize(
    ("value", "fraction"),
    [
        ("99.95%", 0.9995),
        ("5%", 0.05),
        (" 100 % ", 1.0),
        ("0%", 0.0),
        ("1,000%", 10.0),
        (0.3, 0.3),
        (1, 1.0),
        (0, 0.0),
        ("0.25", 0.25),
    ],
)
def test_parse_percent(value: object, fraction: float) -> None:
    assert units.parse_percent(value) == pytest.approx(fraction, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (99.95, "ambiguous as a percentage; write '99.95%'"),
        ("99.95", "ambiguous"),
        (-0.5, "ambiguous"),
        ("abc%", "cannot read"),
        ("high", "cannot read"),
        (True, "expected a percentage"),
        (None, "cannot read"),
    ],
)
def test_parse_percent_errors(value: object, words: str) -> None:
    with pytest.raises(UnitError, match=words):
        units.parse_percent(value)


def test_parse_percent_without_fractions() -> None:
    with pytest.raises(UnitError):
        units.parse_percent(0.5, allow_fraction=False)
    with pytest.raises(UnitError):
        units.parse_percent("0.5", allow_fraction=False)
    assert units.parse_percent("50%", allow_fraction=False) == 0.5


# ---------------------------------------------------------------- cpu and memory


@pytest.mark.parametrize(
    ("value", "cores"),
    [("500m", 0.5), ("250m", 0.25), ("2", 2.0), (2, 2.0), (0.5, 0.5), (" 1500 m ", 1.5)],
)
def test_parse_cpu(value: object, cores: float) -> None:
    assert units.parse_cpu(value) == pytest.approx(cores)


@pytest.mark.parametrize("value", ["500 millicores", "-500m", "1.5 cores", "", True, None])
def test_parse_cpu_errors(value: object) -> None:
    with pytest.raises(UnitError, match="CPU"):
        units.parse_cpu(value)


@pytest.mark.parametrize(
    ("value", "gib"),
    [
        ("512Mi", 0.5),
        ("1Gi", 1.0),
        ("1Ti", 1024.0),
        ("1048576Ki", 1.0),
        ("2G", 2e9 / 2**30),
        ("500M", 500e6 / 2**30),
        ("1.5Gi", 1.5),
        (" 256 Mi ", 0.25),
    ],
)
def test_parse_memory(value: str, gib: float) -> None:
    assert units.parse_memory_gib(value) == pytest.approx(gib, rel=1e-12)


@pytest.mark.parametrize("value", ["1GB", "1 gig", "1024", 1024, "-1Gi", "", None, True])
def test_parse_memory_errors(value: object) -> None:
    with pytest.raises(UnitError, match=r"memory.*'512Mi'"):
        units.parse_memory_gib(value)


# ------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("value", "usd"),
    [
        (6000, 6000.0),
        (0.5, 0.5),
        ("$6,000", 6000.0),
        ("6000 USD", 6000.0),
        ("USD 12.50", 12.5),
        ("$0.09", 0.09),
        (" 1,234,567.89 ", 1234567.89),
    ],
)
def test_parse_money(value: object, usd: float) -> None:
    assert units.parse_money(value) == pytest.approx(usd)


@pytest.mark.parametrize(
    "value", ["-5", "$-5", "six thousand", "€100", "", True, None, float("inf"), float("nan")]
)
def test_parse_money_errors(value: object) -> None:
    with pytest.raises(UnitError, match="USD"):
        units.parse_money(value)


def test_unit_error_is_a_value_error() -> None:
    assert issubclass(UnitError, ValueError)


# ----------------------------------------------------------------- distributions

_ADAPTER: TypeAdapter = TypeAdapter(Distribution)
_Z90 = 1.2815515655446004


def _dist(spec: object) -> Any:
    """Validate a distribution as a scenario field would."""
    return _ADAPTER.validate_python(spec)


#: (spec, closed-form mean in hours, closed-form variance in hours²)
CLOSED_FORMS = {
    "fixed": ({"dist": "fixed", "value": "90s"}, 90 / 3600, 0.0),
    "fixed-shorthand": ("2h", 2.0, 0.0),
    "exponential-mean": ({"dist": "exponential", "mean": "10h"}, 10.0, 100.0),
    "exponential-rate": ({"dist": "exponential", "rate": "6/h"}, 1 / 6, 1 / 36),
    "uniform": (
        {"dist": "uniform", "low": "60s", "high": "120s"},
        90 / 3600,
        (60 / 3600) ** 2 / 12,
    ),
    "lognormal-sigma": (
        {"dist": "lognormal", "median": "2h", "sigma": 0.5},
        2.0 * math.exp(0.125),
        (math.exp(0.25) - 1) * 4.0 * math.exp(0.25),
    ),
    "lognormal-p90": (
        {"dist": "lognormal", "median": "2.5h", "p90": "5h"},
        2.5 * math.exp(0.5 * (math.log(2) / _Z90) ** 2),
        (math.exp((math.log(2) / _Z90) ** 2) - 1) * 2.5**2 * math.exp((math.log(2) / _Z90) ** 2),
    ),
    "weibull-exponential": ({"dist": "weibull", "shape": 1, "scale": "3h"}, 3.0, 9.0),
    "weibull-rayleigh": (
        {"dist": "weibull", "shape": 2, "scale": "1h"},
        math.sqrt(math.pi) / 2,
        1 - math.pi / 4,
    ),
    "weibull-1.5": (
        {"dist": "weibull", "shape": 1.5, "scale": "10h"},
        10 * math.gamma(1 + 1 / 1.5),
        100 * (math.gamma(1 + 2 / 1.5) - math.gamma(1 + 1 / 1.5) ** 2),
    ),
    "empirical": ({"dist": "empirical", "samples": ["1h", "2h", "3h", "6h"]}, 3.0, 3.5),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_distribution_moments_match_closed_forms(name: str) -> None:
    spec, mean, variance = CLOSED_FORMS[name]
    dist = _dist(spec)
    assert dist.mean == pytest.approx(mean, rel=1e-12)
    assert dist.variance == pytest.approx(variance, rel=1e-12, abs=1e-15)


SAMPLE_SIZE = 100_000


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_distribution_samples_match_moments(name: str) -> None:
    spec, mean, variance = CLOSED_FORMS[name]
    dist = _dist(spec)
    draw = dist.sampler(RandomStreams(2026, 0).stream(f"test/{name}"))
    sample = np.array([draw() for _ in range(SAMPLE_SIZE)])
    assert (sample >= 0).all()
    if variance == 0:
        assert (sample == mean).all()
        return
    n = len(sample)
    mean_se = math.sqrt(variance / n)
    assert abs(sample.mean() - mean) <= 4 * mean_se, (sample.mean(), mean, mean_se)
    # Standard error of the sample variance: sqrt((mu4 - sigma^4) / n), mu4 estimated.
    mu4 = float(np.mean((sample - sample.mean()) ** 4))
    var_se = math.sqrt(max(mu4 - variance**2, 0.0) / n)
    assert abs(sample.var(ddof=1) - variance) <= 4 * var_se, (sample.var(), variance, var_se)


def test_lognormal_p90_is_the_90th_percentile() -> None:
    dist = _dist({"dist": "lognormal", "median": "2.5h", "p90": "10h"})
    draw = dist.sampler(RandomStreams(7, 0).stream("test/lognormal-quantiles"))
    sample = np.array([draw() for _ in range(SAMPLE_SIZE)])
    # Binomial standard error of an empirical quantile's coverage.
    for value, share in ((2.5, 0.5), (10.0, 0.9)):
        se = math.sqrt(share * (1 - share) / SAMPLE_SIZE)
        assert abs(np.mean(sample <= value) - share) <= 4 * se


def test_uniform_samples_stay_in_range() -> None:
    dist = _dist({"dist": "uniform", "low": "1h", "high": "2h"})
    draw = dist.sampler(RandomStreams(1, 3).stream("test/uniform-range"))
    sample = [draw() for _ in range(10_000)]
    assert min(sample) >= 1.0 and max(sample) < 2.0


def test_empirical_resamples_only_its_values() -> None:
    dist = _dist({"dist": "empirical", "samples": ["1h", "2h", "3h"]})
    draw = dist.sampler(RandomStreams(1, 0).stream("test/empirical-values"))
    assert {draw() for _ in range(1000)} == {1.0, 2.0, 3.0}


def test_samplers_are_reproducible() -> None:
    spec = {"dist": "lognormal", "median": "2h", "p90": "8h"}
    first = _dist(spec).sampler(RandomStreams(5, 2).stream("x"))
    second = _dist(spec).sampler(RandomStreams(5, 2).stream("x"))
    other = _dist(spec).sampler(RandomStreams(5, 3).stream("x"))
    a = [first() for _ in range(200)]
    assert a == [second() for _ in range(200)]
    assert a != [other() for _ in range(200)]


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"dist": "exponential"}, "exactly one of 'mean'"),
        ({"dist": "exponential", "mean": "1h", "rate": "1/h"}, "exactly one of 'mean'"),
        ({"dist": "exponential", "mean": "0s"}, "greater than zero"),
        ({"dist": "uniform", "low": "2h", "high": "1h"}, "'low' must not exceed 'high'"),
        ({"dist": "lognormal", "median": "2h"}, "exactly one of 'p90'"),
        ({"dist": "lognormal", "median": "2h", "p90": "1h"}, "'p90' must be greater"),
        ({"dist": "weibull", "shape": 0, "scale": "1h"}, "greater than 0"),
        ({"dist": "empirical", "samples": []}, "at least 1"),
        ({"dist": "gamma", "mean": "1h"}, "'gamma'"),
        ({"dist": "fixed", "value": 90}, "has no unit"),
        ({"dist": "fixed", "value": "1h", "extra": 1}, "Extra inputs"),
    ],
)
def test_invalid_distributions(spec: object, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        _dist(spec)
