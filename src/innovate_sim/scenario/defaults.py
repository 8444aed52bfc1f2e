"""The library's default figures, each with its source (package data ``defaults.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = ["DEFAULTS", "Default", "default"]


@dataclass(frozen=True)
class Default:
    """A default figure: the scenario path it applies to, its value and where it comes from.

    Attributes:
        key: dotted scenario path (``*`` for any environment, pool or workload).
        value: the value as a scenario file would write it (``"0.2/y"``, a distribution mapping).
        source: the public source of the figure, or the reasoning behind an assumption.
        assumption: true when no public figure exists and the value is an engineering choice.
        no_aws_figure: true when AWS publishes nothing the figure could rest on (a failure rate
            or duration of a component with no published SLA, rate or incident history).
        uncertainty: the range of the figure in the uncertain form of the scenario language
            (``parameter:`` names the distribution parameter it applies to), or None.
        uncertainty_source: where the range comes from, or why no source exists.
    """

    key: str
    value: Any
    source: str
    assumption: bool = False
    no_aws_figure: bool = False
    uncertainty: dict[str, Any] | None = None
    uncertainty_source: str = ""


@cache
def _load() -> dict[str, Default]:
    text = (files("innovate_sim") / "data" / "defaults.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {
        key: Default(
            key,
            entry["value"],
            " ".join(str(entry["source"]).split()),
            bool(entry.get("assumption", False)),
            bool(entry.get("no_aws_figure", False)),
            entry.get("uncertainty"),
            " ".join(str(entry.get("uncertainty_source", "")).split()),
        )
        for key, entry in raw.items()
    }


DEFAULTS: dict[str, Default] = _load()


def default(key: str) -> Any:
    """The value of the default figure ``key`` as a scenario file would write it.

    A fresh copy is returned for mappings so callers cannot alter the table.
    """
    value = DEFAULTS[key].value
    return dict(value) if isinstance(value, dict) else value
