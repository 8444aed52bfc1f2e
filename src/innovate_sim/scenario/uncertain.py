"""Assumptions written with an uncertainty: ``rate: {low: 0.05/y, high: 1/y}``.

Any numeric scenario field that stands for an assumption (a failure rate, a
duration, KB per response, peak demand …) may be written as a mapping that
describes what is known about its value instead of a single number::

    rate: {low: 0.05/y, high: 1/y}                       # uniform
    rate: {dist: loguniform, low: 0.05/y, high: 1/y}     # uniform in log-space
    median: {dist: triangular, low: 10m, mode: 30m, high: 2h}
    rate: {dist: lognormal, median: 0.2/y, p90: 1/y}

Each parameter is written in the field's own unit and validated by the
field's own rules. The field then holds an :class:`Uncertain` value: a
``float`` equal to the *central* value (the midpoint of a uniform, the
geometric midpoint of a log-uniform, the mode of a triangular, the median of
a lognormal, or an explicit ``central:``), so every plain simulation uses the
central value exactly as if it had been written alone. Sampling and
sensitivity analysis (:mod:`innovate_sim.uncertainty`) read the
:class:`InputDistribution` it carries.

This is parameter uncertainty (what the true rate is), not the randomness of
a duration: ``duration: {dist: lognormal, median: 2.5h, p90: 10h}`` remains a
random outage duration; its median can be uncertain
(``median: {low: 1h, high: 6h}``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Annotated, Any, Literal

from pydantic import (
    GetJsonSchemaHandler,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapSerializer,
    WrapValidator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema as cs

__all__ = [
    "ACCEPT_UNCERTAIN",
    "FORMS",
    "SERIALIZE_UNCERTAIN",
    "TAIL",
    "UNCERTAIN_SCHEMA",
    "UNCERTAIN_TITLE",
    "InputDistribution",
    "Uncertain",
    "UncertainNumber",
    "reference_section",
]

Form = Literal["uniform", "loguniform", "triangular", "lognormal"]

#: Parameters of each form: required, then optional.
FORMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("low", "high"), ("central",)),
    "loguniform": (("low", "high"), ("central",)),
    "triangular": (("low", "mode", "high"), ()),
    "lognormal": (("median", "p90"), ()),
}

_Z90 = NormalDist().inv_cdf(0.9)

#: JSON Schema title of the uncertain form of a field.
UNCERTAIN_TITLE = "Uncertain value"

#: Quantiles that bound an unbounded (lognormal) input in searches and plots.
TAIL = 0.01


@dataclass(frozen=True)
class InputDistribution:
    """What is known about an uncertain input, in the field's internal unit.

    Attributes:
        form: ``uniform``, ``loguniform``, ``triangular`` or ``lognormal``.
        params: the parameters (``low``, ``high``, ``mode``, ``median``,
            ``p90``, ``central``) in the field's internal unit (hours, events
            per hour, a fraction, a plain number).
    """

    form: Form
    params: tuple[tuple[str, float], ...]

    def __getitem__(self, name: str) -> float:
        return dict(self.params)[name]

    def get(self, name: str) -> float | None:
        """A parameter, or None when not given."""
        return dict(self.params).get(name)

    @property
    def central(self) -> float:
        """The value a plain (non-uncertain) simulation uses."""
        given = self.get("central")
        if given is not None:
            return given
        if self.form == "uniform":
            return 0.5 * (self["low"] + self["high"])
        if self.form == "loguniform":
            return math.sqrt(self["low"] * self["high"])
        if self.form == "triangular":
            return self["mode"]
        return self["median"]

    def ppf(self, u: float) -> float:
        """The value at quantile ``u`` in (0, 1) (inverse CDF)."""
        if self.form == "uniform":
            return self["low"] + u * (self["high"] - self["low"])
        if self.form == "loguniform":
            low, high = math.log(self["low"]), math.log(self["high"])
            return math.exp(low + u * (high - low))
        if self.form == "triangular":
            return _triangular_ppf(u, self["low"], self["mode"], self["high"])
        sigma = math.log(self["p90"] / self["median"]) / _Z90
        return self["median"] * math.exp(
            sigma * NormalDist().inv_cdf(min(max(u, 1e-12), 1 - 1e-12))
        )

    def cdf(self, x: float) -> float:
        """The probability of a value at most ``x``."""
        if self.form == "lognormal":
            if x <= 0:
                return 0.0
            sigma = math.log(self["p90"] / self["median"]) / _Z90
            return NormalDist().cdf(math.log(x / self["median"]) / sigma)
        low, high = self.support
        if x <= low:
            return 0.0
        if x >= high:
            return 1.0
        if self.form == "uniform":
            return (x - low) / (high - low)
        if self.form == "loguniform":
            return math.log(x / low) / math.log(high / low)
        mode = self["mode"]
        if x <= mode:
            return (x - low) ** 2 / ((high - low) * (mode - low))
        return 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))

    @property
    def support(self) -> tuple[float, float]:
        """The range searched and plotted: the bounds, or the 1 % and 99 % quantiles."""
        if self.form == "lognormal":
            return self.ppf(TAIL), self.ppf(1.0 - TAIL)
        return self["low"], self["high"]


def _triangular_ppf(u: float, low: float, mode: float, high: float) -> float:
    if high == low:
        return low
    split = (mode - low) / (high - low)
    if u < split:
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1.0 - u) * (high - low) * (high - mode))


class Uncertain(float):
    """A field value written with an uncertainty: the central value, carrying its distribution."""

    distribution: InputDistribution

    def __new__(cls, distribution: InputDistribution) -> Uncertain:
        value = super().__new__(cls, distribution.central)
        value.distribution = distribution
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return (Uncertain, (self.distribution,))


def _check_order(form: str, params: dict[str, float]) -> None:
    if form in ("uniform", "loguniform", "triangular") and params["low"] >= params["high"]:
        raise ValueError("'low' must be below 'high'")
    if form == "loguniform" and params["low"] <= 0:
        raise ValueError("a loguniform needs 'low' greater than zero")
    if form == "triangular" and not params["low"] <= params["mode"] <= params["high"]:
        raise ValueError("'mode' must lie between 'low' and 'high'")
    if form == "lognormal" and not 0 < params["median"] < params["p90"]:
        raise ValueError("a lognormal needs 0 < 'median' < 'p90'")
    central = params.get("central")
    if central is not None and not params["low"] <= central <= params["high"]:
        raise ValueError("'central' must lie between 'low' and 'high'")


def _parse(value: Mapping[Any, Any], handler: ValidatorFunctionWrapHandler) -> Uncertain:
    """Read an uncertain value; each parameter is validated as the field itself would be."""
    form = value.get("dist", "uniform")
    if form not in FORMS:
        raise ValueError(
            f"unknown uncertainty dist {form!r}; valid: {', '.join(FORMS)} "
            "(e.g. {low: 0.05/y, high: 1/y} or {dist: lognormal, median: 0.2/y, p90: 1/y})"
        )
    required, optional = FORMS[form]
    unknown = sorted(str(k) for k in value if k not in {"dist", *required, *optional})
    missing = [k for k in required if k not in value]
    if unknown or missing:
        problems = [f"unknown key(s) {', '.join(unknown)}" if unknown else ""]
        problems.append(f"missing {', '.join(missing)}" if missing else "")
        raise ValueError(
            f"an uncertain value of form {form!r} takes {', '.join(required + optional)}; "
            + "; ".join(p for p in problems if p)
        )
    params: dict[str, float] = {}
    for key in (*required, *optional):
        if key in value:
            try:
                params[key] = float(handler(value[key]))
            except ValidationError as exc:
                raise ValueError(f"{key}: {exc.errors()[0]['msg']}") from None
    _check_order(form, params)
    return Uncertain(InputDistribution(form, tuple(params.items())))


def _validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if isinstance(value, Uncertain):
        return value
    if isinstance(value, Mapping):
        return _parse(value, handler)
    return handler(value)


def _serialize(value: Any, handler: SerializerFunctionWrapHandler) -> Any:
    if isinstance(value, Uncertain):
        dist = value.distribution
        return {"dist": dist.form, **{key: handler(x) for key, x in dist.params}}
    return handler(value)


def _form_schema(form: str, plain: JsonSchemaValue) -> JsonSchemaValue:
    """The keys one form takes, as the loader reads them (``dist`` optional for uniform)."""
    required, optional = FORMS[form]
    return {
        "properties": {"dist": {"const": form}, **{key: plain for key in required + optional}},
        "required": [*required] if form == "uniform" else ["dist", *required],
        "additionalProperties": False,
    }


class _UncertainJsonSchema:
    """Adds the uncertain mapping as an alternative to the field's own JSON Schema."""

    def __get_pydantic_json_schema__(
        self, schema: cs.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        inner = handler(schema)
        plain = {k: v for k, v in inner.items() if k not in ("title", "default")}
        mapping = {
            "title": UNCERTAIN_TITLE,
            "type": "object",
            "description": (
                "An uncertain assumption: {low, high} (uniform) or {dist: uniform | loguniform | "
                "triangular | lognormal, ...}; each parameter in the field's unit. Plain runs use "
                "the central value (midpoint, geometric midpoint, mode or median)."
            ),
            "oneOf": [_form_schema(form, plain) for form in FORMS],
        }
        extra = {k: v for k, v in inner.items() if k in ("title", "default")}
        return {**extra, "anyOf": [plain, mapping]}


#: Annotated metadata that lets a field type also accept an uncertain mapping:
#: ``Annotated[base, ACCEPT_UNCERTAIN, SERIALIZE_UNCERTAIN, UNCERTAIN_SCHEMA]``.
ACCEPT_UNCERTAIN = WrapValidator(_validate)
SERIALIZE_UNCERTAIN = WrapSerializer(_serialize)
UNCERTAIN_SCHEMA = _UncertainJsonSchema()

UncertainNumber = Annotated[float, ACCEPT_UNCERTAIN, SERIALIZE_UNCERTAIN, UNCERTAIN_SCHEMA]
"""A plain number (KB per request, requests per second …) that may be written uncertain."""


def reference_section() -> list[str]:
    """The 'Uncertain values' section of the generated scenario reference (Markdown lines)."""
    return [
        '<a id="uncertain-values"></a>',
        "",
        "## Uncertain values",
        "",
        "Every duration, rate, percentage and traffic or demand figure (the fields typed "
        "duration, rate, percent, fraction or number above) may be written with an "
        "uncertainty instead of one value, each parameter in the field's own unit:",
        "",
        "```yaml",
        "rate: {low: 0.05/y, high: 1/y}                    # uniform",
        "rate: {dist: loguniform, low: 0.05/y, high: 1/y}  # uniform in log-space",
        "median: {dist: triangular, low: 10m, mode: 30m, high: 2h}",
        "response_kb_per_request: {dist: lognormal, median: 16, p90: 64}",
        "duration: {low: 5m, high: 2h}                     # an uncertain fixed duration",
        "```",
        "",
        "| `dist` | parameters | central value (used by plain runs) |",
        "|---|---|---|",
        "| `uniform` (default) | `low`, `high`, optional `central` "
        "| `central`, else the midpoint |",
        "| `loguniform` | `low` > 0, `high`, optional `central` | `central`, else √(low·high) |",
        "| `triangular` | `low`, `mode`, `high` | `mode` |",
        "| `lognormal` | `median`, `p90` | `median` |",
        "",
        "Sampling truncates a lognormal to its 1 % – 99 % quantiles. "
        "A plain `simulate`, `run` or `check` uses the central value, exactly as if it had "
        "been written alone. `innovate-sim sensitivity` ranks the uncertain inputs by their "
        "influence on each forecast, and `check --uncertainty K` samples them "
        "([sensitivity.md](sensitivity.md)). This is uncertainty about a parameter, not the "
        "randomness of a duration: in a field that takes a distribution, a mapping with a "
        "`dist:` key of the distribution forms is a random duration, and a mapping without "
        "`dist:` (`{low: 5m, high: 2h}`) is an uncertain fixed duration; write "
        "`{dist: fixed, value: {dist: lognormal, median: 30m, p90: 2h}}` for a lognormal "
        "uncertainty on a fixed duration, or make a parameter uncertain "
        "(`{dist: lognormal, median: {low: 1h, high: 6h}, p90: 10h}`).",
        "",
    ]
