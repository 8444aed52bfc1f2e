"""Probability distributions of durations, as scenario files write them.

A distribution is written as a mapping with a ``dist`` key (DESIGN §3.3)::

    {dist: lognormal, median: 2.5h, p90: 10h}
    {dist: exponential, mean: 10h}          # or rate: 0.1/h
    {dist: uniform, low: 60s, high: 120s}
    {dist: weibull, shape: 1.5, scale: 10h}
    {dist: empirical, samples: [2h, 3h, 6h, 10h]}
    {dist: fixed, value: 90s}               # or simply "90s"

Every distribution knows its mean and variance in hours (used by oracles and
tests) and draws samples from a :class:`innovate_sim.rng.Stream`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from innovate_sim.scenario.types import Duration, Rate

__all__ = [
    "Distribution",
    "Empirical",
    "Exponential",
    "Fixed",
    "Lognormal",
    "Uniform",
    "Weibull",
]

#: Standard normal quantile at 0.90, used to turn a p90 into a lognormal sigma.
_Z90 = 1.2815515655446004


class _Source(Protocol):
    """What a distribution draws from: :class:`innovate_sim.rng.Stream` satisfies it."""

    def random(self) -> float: ...

    def normal(self) -> float: ...


def _dist_required(schema: dict[str, Any]) -> None:
    """The loader needs ``dist`` to pick a variant, so the JSON Schema requires it too.

    A mapping without ``dist`` is an uncertain fixed duration (``{low: 5m, high: 2h}``),
    read by the shorthand below, never one of these variants.
    """
    schema["required"] = ["dist", *(k for k in schema.get("required", []) if k != "dist")]


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_dist_required)

    @property
    def mean(self) -> float:
        """Mean in hours."""
        raise NotImplementedError

    @property
    def variance(self) -> float:
        """Variance in hours squared."""
        raise NotImplementedError

    def sampler(self, source: _Source) -> Callable[[], float]:
        """Return a function that draws one value (hours) per call from ``source``."""
        raise NotImplementedError


class Fixed(_Dist):
    """Always the same duration."""

    dist: Literal["fixed"] = "fixed"
    value: Duration

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def sampler(self, source: _Source) -> Callable[[], float]:
        value = self.value
        return lambda: value


class Exponential(_Dist):
    """Exponential duration, given by its ``mean`` or its ``rate``."""

    dist: Literal["exponential"] = "exponential"
    mean_h: Duration | None = Field(default=None, alias="mean")
    rate: Rate | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _one_parameter(self) -> Exponential:
        if (self.mean_h is None) == (self.rate is None):
            raise ValueError("give exactly one of 'mean' (a duration) or 'rate' (e.g. '6/h')")
        if (self.mean_h is not None and self.mean_h <= 0) or (
            self.rate is not None and self.rate <= 0
        ):
            raise ValueError("an exponential needs a mean (or rate) greater than zero")
        return self

    @property
    def mean(self) -> float:
        return self.mean_h if self.mean_h is not None else 1.0 / float(self.rate or 1.0)

    @property
    def variance(self) -> float:
        return self.mean**2

    def sampler(self, source: _Source) -> Callable[[], float]:
        mean = self.mean
        draw = source.random
        log = math.log
        return lambda: -mean * log(1.0 - draw())


class Uniform(_Dist):
    """Uniform duration between ``low`` and ``high``."""

    dist: Literal["uniform"] = "uniform"
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("'low' must not exceed 'high'")
        return self

    @property
    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12.0

    def sampler(self, source: _Source) -> Callable[[], float]:
        low, width = self.low, self.high - self.low
        draw = source.random
        return lambda: low + width * draw()


class Lognormal(_Dist):
    """Lognormal duration given by its ``median`` and either ``p90`` or ``sigma``."""

    dist: Literal["lognormal"] = "lognormal"
    median: Duration
    p90: Duration | None = None
    sigma: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_spread(self) -> Lognormal:
        if (self.p90 is None) == (self.sigma is None):
            raise ValueError("give exactly one of 'p90' (a duration) or 'sigma' (log-space sd)")
        if self.median <= 0:
            raise ValueError("'median' must be greater than zero")
        if self.p90 is not None and self.p90 <= self.median:
            raise ValueError("'p90' must be greater than 'median'")
        return self

    @property
    def mu(self) -> float:
        """Mean of the logarithm (log-hours)."""
        return math.log(self.median)

    @property
    def log_sigma(self) -> float:
        """Standard deviation of the logarithm."""
        if self.sigma is not None:
            return self.sigma
        assert self.p90 is not None
        return math.log(self.p90 / self.median) / _Z90

    @property
    def mean(self) -> float:
        return math.exp(self.mu + 0.5 * self.log_sigma**2)

    @property
    def variance(self) -> float:
        s2 = self.log_sigma**2
        return (math.exp(s2) - 1.0) * math.exp(2.0 * self.mu + s2)

    def sampler(self, source: _Source) -> Callable[[], float]:
        mu, sigma = self.mu, self.log_sigma
        normal = source.normal
        exp = math.exp
        return lambda: exp(mu + sigma * normal())


class Weibull(_Dist):
    """Weibull duration with ``shape`` k and ``scale`` λ (a duration)."""

    dist: Literal["weibull"] = "weibull"
    shape: float = Field(gt=0)
    scale: Duration

    @property
    def mean(self) -> float:
        return self.scale * math.gamma(1.0 + 1.0 / self.shape)

    @property
    def variance(self) -> float:
        g1 = math.gamma(1.0 + 1.0 / self.shape)
        g2 = math.gamma(1.0 + 2.0 / self.shape)
        return self.scale**2 * (g2 - g1**2)

    def sampler(self, source: _Source) -> Callable[[], float]:
        scale, inverse_shape = self.scale, 1.0 / self.shape
        draw = source.random
        log = math.log
        return lambda: scale * (-log(1.0 - draw())) ** inverse_shape


class Empirical(_Dist):
    """Resample uniformly, with replacement, from observed durations."""

    dist: Literal["empirical"] = "empirical"
    samples: list[Duration] = Field(min_length=1, max_length=100_000)

    @property
    def mean(self) -> float:
        return math.fsum(self.samples) / len(self.samples)

    @property
    def variance(self) -> float:
        mean = self.mean
        return math.fsum((x - mean) ** 2 for x in self.samples) / len(self.samples)

    def sampler(self, source: _Source) -> Callable[[], float]:
        values = tuple(self.samples)
        count = len(values)
        draw = source.random
        return lambda: values[min(int(draw() * count), count - 1)]


def _shorthand(value: object) -> object:
    """A bare duration means a fixed duration, also when written uncertain (no ``dist`` key)."""
    if isinstance(value, str):
        return {"dist": "fixed", "value": value}
    if isinstance(value, dict) and "dist" not in value:
        stray = sorted(str(key) for key in value if key not in _UNCERTAIN_KEYS)
        if stray:
            raise ValueError(
                f"a distribution needs 'dist' (one of {', '.join(_FORMS)}) to say what "
                f"{', '.join(map(repr, stray))} mean(s); without 'dist' a mapping is an "
                "uncertain fixed duration {low, high[, central]}"
            )
        return {"dist": "fixed", "value": value}
    return value


#: The keys of an uncertain fixed duration written without ``dist`` (a uniform).
_UNCERTAIN_KEYS = frozenset({"low", "high", "central"})
#: The ``dist`` names of the distribution variants.
_FORMS = tuple(
    variant.model_fields["dist"].default
    for variant in (Fixed, Exponential, Uniform, Lognormal, Weibull, Empirical)
)


_Tagged = Annotated[
    Fixed | Exponential | Uniform | Lognormal | Weibull | Empirical,
    Field(discriminator="dist"),
]
Distribution = Annotated[
    _Tagged, BeforeValidator(_shorthand, json_schema_input_type=Duration | _Tagged)
]
"""One of the duration distributions, chosen by its ``dist`` key."""
