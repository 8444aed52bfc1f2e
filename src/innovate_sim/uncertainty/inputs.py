"""The uncertain inputs of a scenario: where they are, what is known of them, how to set them.

An input is a scenario field holding an :class:`~innovate_sim.scenario.uncertain.Uncertain`
value — written uncertain in the scenario file, or a package default the
scenario relies on whose ``defaults.yaml`` entry carries an ``uncertainty:``
range (:func:`with_default_ranges`). A sample of the inputs is a scenario with
plain values at those fields (:func:`with_values`); everything else is the
scenario as written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from innovate_sim.errors import InnovateSimError
from innovate_sim.scenario import Scenario
from innovate_sim.scenario.defaults import DEFAULTS, Default
from innovate_sim.scenario.uncertain import InputDistribution, Uncertain
from innovate_sim.units import HOURS_PER_YEAR

__all__ = [
    "UncertainInput",
    "find_inputs",
    "format_input_value",
    "with_default_ranges",
    "with_values",
]

Path = tuple[str | int, ...]
Kind = Literal["duration", "rate", "percent", "number"]


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input of a scenario.

    Attributes:
        path: the field's path in the scenario model (attribute names and mapping keys).
        name: the dotted path as a scenario file writes it, e.g.
            ``failures.nat_gateway.duration`` (``environments.`` and a fixed
            duration's ``.value`` dropped).
        distribution: what is known of its value, in the field's internal unit.
        kind: how the field is written: ``duration`` (hours), ``rate`` (per hour),
            ``percent`` (a fraction) or ``number``.
        source: ``scenario`` when written in the scenario file, else the
            ``defaults.yaml`` key whose range it is.
        note: where the range comes from (for a package default), else empty.
    """

    path: Path
    name: str
    distribution: InputDistribution
    kind: Kind
    source: str = "scenario"
    note: str = ""

    @property
    def central(self) -> float:
        """The value plain runs use."""
        return self.distribution.central

    def format(self, value: float) -> str:
        """``value`` (internal unit) as a reader would write it: ``7.2 min``, ``0.35/y``."""
        return format_input_value(self.kind, value)


def format_input_value(kind: Kind, value: float) -> str:
    """A value of an input of ``kind`` in a readable unit."""
    if kind == "rate":
        return f"{value * HOURS_PER_YEAR:.3g}/y"
    if kind == "percent":
        return f"{value * 100:.3g}%"
    if kind == "number":
        return f"{value:.4g}"
    seconds = value * 3600.0
    if seconds < 120:
        return f"{seconds:.3g} s"
    if value < 2:
        return f"{value * 60:.3g} min"
    if value < 48:
        return f"{value:.3g} h"
    return f"{value / 24:.3g} d"


# -- walking the model ----------------------------------------------------------------------------


def _children(node: Any) -> Iterator[tuple[str | int, Any]]:
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield name, getattr(node, name)
    elif isinstance(node, dict):
        yield from node.items()
    elif isinstance(node, (list, tuple)):
        yield from enumerate(node)


def _written(node: Any, key: str | int) -> str:
    """How a scenario file names the child ``key`` of ``node`` (a field's alias)."""
    if isinstance(node, BaseModel):
        return type(node).model_fields[str(key)].alias or str(key)
    return str(key)


def _walk(node: Any, path: Path, names: tuple[str, ...]) -> Iterator[tuple[Path, str, Any, Any]]:
    """(path, written name, parent, value) of every Uncertain value below ``node``."""
    for key, child in _children(node):
        name = (*names, _written(node, key))
        if isinstance(child, Uncertain):
            yield (*path, key), _display(name), node, child
        elif isinstance(child, (BaseModel, dict, list, tuple)):
            yield from _walk(child, (*path, key), name)


def _display(names: tuple[str, ...]) -> str:
    if names[0] == "environments":
        names = names[1:]
    if names[-1] == "value":
        names = names[:-1]
    return ".".join(names)


def _get(node: Any, path: Path) -> Any:
    for key in path:
        node = getattr(node, str(key)) if isinstance(node, BaseModel) else node[key]
    return node


def _replace(node: Any, path: Path, value: Any) -> Any:
    """A copy of ``node`` with the field at ``path`` set to ``value`` (no re-validation)."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(node, BaseModel):
        return node.model_copy(update={str(key): _replace(getattr(node, str(key)), rest, value)})
    if isinstance(node, dict):
        return {**node, key: _replace(node[key], rest, value)}
    items = list(node)
    items[int(key)] = _replace(items[int(key)], rest, value)
    return type(node)(items)


def _kind(parent: Any, key: str | int) -> Kind:
    """How the field is written, read from how the parent serialises it."""
    if not isinstance(parent, BaseModel):
        return "number"
    written = parent.model_dump(mode="json", by_alias=False)[str(key)]
    sample = next((v for k, v in written.items() if k != "dist"), None)
    if not isinstance(sample, str):
        return "number"
    if sample.endswith("%"):
        return "percent"
    return "rate" if "/" in sample else "duration"


def find_inputs(scenario: Scenario) -> list[UncertainInput]:
    """Every field of ``scenario`` that holds an uncertain value, in model order."""
    defaults = _default_ranges(scenario)
    found = []
    for path, name, parent, value in _walk(scenario, (), ()):
        entry = defaults.get(path)
        source, note = "scenario", ""
        if entry is not None and entry[1] == value.distribution:
            source, note = entry[0].key, entry[0].uncertainty_source
        kind = _kind(parent, path[-1])
        found.append(UncertainInput(path, name, value.distribution, kind, source, note))
    return found


def with_values(
    scenario: Scenario, inputs: Sequence[UncertainInput], values: Sequence[float]
) -> Scenario:
    """The scenario with plain ``values`` (internal units) at the inputs' fields."""
    if len(inputs) != len(values):
        raise ValueError(f"{len(inputs)} inputs but {len(values)} values")
    for item, value in zip(inputs, values, strict=True):
        scenario = _replace(scenario, item.path, float(value))
    return scenario


# -- ranges of package defaults -------------------------------------------------------------------

_RELEVANT = {
    "failures.nat_gateway.": lambda s: any(
        e.network.nat_gateways != "none" for e in s.environments.values()
    ),
    "failures.rds_instance.": lambda s: any(
        e.database is not None for e in s.environments.values()
    ),
}


def _default_paths(scenario: Scenario, entry: Default) -> list[Path]:
    """The scenario fields a ``defaults.yaml`` key fills (environments expanded)."""
    parts: tuple[str, ...] = tuple(entry.key.split("."))
    if parts[0] == "failures":
        return [parts]
    if parts[:2] != ("cluster", "karpenter"):
        return []
    return [
        ("environments", name, *parts)
        for name, env in scenario.environments.items()
        if env.cluster is not None
        and env.cluster.karpenter.enabled
        and any(pool.provisioner == "karpenter" for pool in env.cluster.node_pools.values())
    ]


def _range_at(scenario: Scenario, entry: Default, path: Path) -> tuple[Path, Uncertain] | None:
    """The full path (down to the parameter) and the Uncertain value of ``entry``'s range there."""
    spec = dict(entry.uncertainty or {})
    parameter = spec.pop("parameter", None)
    full = (*path, parameter) if parameter else path
    try:
        parent = _get(scenario, full[:-1])
        current = _get(scenario, full)
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    if not isinstance(parent, BaseModel) or not isinstance(current, float):
        return None
    field = str(full[-1])
    fresh = type(parent).model_validate({**parent.model_dump(), field: spec})
    return full, getattr(fresh, field)


def _default_ranges(scenario: Scenario) -> dict[Path, tuple[Default, InputDistribution]]:
    """Per field a package default with a range fills: the default and its range."""
    ranges = {}
    for entry in DEFAULTS.values():
        if entry.uncertainty is None:
            continue
        relevant = next((t for p, t in _RELEVANT.items() if entry.key.startswith(p)), None)
        if relevant is not None and not relevant(scenario):
            continue
        for path in _default_paths(scenario, entry):
            found = _range_at(scenario, entry, path)
            if found is not None:
                ranges[found[0]] = (entry, found[1].distribution)
    return ranges


def with_default_ranges(scenario: Scenario) -> Scenario:
    """The scenario with the ranges of the package defaults it relies on made uncertain.

    Each ``defaults.yaml`` entry with an ``uncertainty:`` range becomes an
    uncertain input wherever the scenario uses that default unchanged and the
    component exists; fields the scenario sets itself (plainly or uncertain)
    keep what it says. The central value of every range equals the default, so
    plain runs of the returned scenario equal those of ``scenario``.
    """
    for path, (_entry, distribution) in _default_ranges(scenario).items():
        current = _get(scenario, path)
        if isinstance(current, Uncertain):
            continue
        if abs(distribution.central - current) > 1e-9 * max(1.0, abs(current)):
            continue  # the scenario overrides the default
        scenario = _replace(scenario, path, Uncertain(distribution))
    return scenario


def require_inputs(scenario: Scenario) -> list[UncertainInput]:
    """The scenario's inputs, or a clear error when it has none."""
    inputs = find_inputs(scenario)
    if not inputs:
        raise InnovateSimError(
            f"scenario {scenario.name!r} has no uncertain inputs: write a field with an "
            "uncertainty, e.g. rate: {low: 0.05/y, high: 1/y} (docs/scenario.md#uncertain-values), "
            "or keep the package defaults' ranges (defaults=True)"
        )
    return inputs
