"""Scenario variants for sweeps: dotted paths, merge-patch presets, grids and sweep files.

A sweep dimension is a dotted path into the scenario *as written* (the keys of
a scenario file, e.g. ``environments.prod.network.nat_gateways``) and a list of
values. A value is either set at the path, or — when it is a mapping — applied
there as a JSON merge patch (RFC 7386: mappings merge key by key, ``null``
deletes, anything else replaces). A :class:`Preset` (or the mapping
``{label: …, patch: …}``) names such a patch, so that a dimension that changes
several fields together reads as one value::

    {"environments.prod.cluster.node_pools": [
        Preset("arm64", {"general": {"arch": "arm64", "families": ["m7g", "m6g"]}}),
        Preset("amd64", {"general": {"arch": "amd64", "families": ["m7i", "m6i"]}}),
    ]}

Every variant is re-validated as a whole scenario, so a bad value is reported
like a bad scenario file.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from innovate_sim.errors import ScenarioError
from innovate_sim.scenario import Scenario, scenario_from_dict

__all__ = [
    "Dimension",
    "Preset",
    "Variant",
    "apply_at",
    "expand_variants",
    "merge_patch",
    "parse_grid",
]


@dataclass(frozen=True)
class Preset:
    """A named value of a sweep dimension: a merge patch applied at the dimension's path.

    Attributes:
        label: how the value appears in the results table and plots.
        patch: a mapping merged into the subtree at the path (RFC 7386), or
            any other value, which replaces it.
    """

    label: str
    patch: Any


@dataclass(frozen=True)
class Dimension:
    """One swept path with its values.

    Attributes:
        path: dotted path into the scenario as written.
        name: the results-table column (by default the shortest unique tail of the path).
        values: plain values or :class:`Preset` objects.
    """

    path: str
    name: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Variant:
    """One validated scenario of a sweep.

    Attributes:
        label: unique label (the values' labels joined with ``/``).
        scenario: the validated scenario.
        parameters: column name → the value (or preset label) of each swept dimension.
    """

    label: str
    scenario: Scenario
    parameters: dict[str, Any] = field(default_factory=dict)


def value_label(value: Any) -> str:
    """How a sweep value is shown: a preset's label, else its compact text."""
    if isinstance(value, Preset):
        return value.label
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return f"{value:g}"
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


def _as_value(value: Any) -> Any:
    """A grid value, turning a ``{label, patch}`` mapping into a :class:`Preset`."""
    if isinstance(value, Mapping) and set(value) == {"label", "patch"}:
        return Preset(str(value["label"]), value["patch"])
    return value


def parse_grid(grid: Mapping[str, Any] | None) -> list[Dimension]:
    """Dimensions from ``{path: [values…]}`` or ``{path: {name: col, values: [...]}}``."""
    if not grid:
        return []
    if not isinstance(grid, Mapping):
        raise ScenarioError(f"grid: expected a mapping of path → values, got {type(grid).__name__}")
    raw: list[tuple[str, str | None, tuple[Any, ...]]] = []
    for path, spec in grid.items():
        if not isinstance(path, str) or not path.strip():
            raise ScenarioError(f"grid: a path must be dotted text, got {path!r}")
        name = None
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"name", "values"}
            if unknown or "values" not in spec:
                raise ScenarioError(
                    f"grid: {path}: expected a list of values or a mapping with 'values' "
                    f"(and optional 'name'); got keys {sorted(map(str, spec))}"
                )
            name, spec = spec.get("name"), spec["values"]
        if isinstance(spec, str | bytes) or not isinstance(spec, Sequence):
            raise ScenarioError(
                f"grid: {path}: expected a list of values, got {spec!r}; "
                f"write a single value as a one-item list"
            )
        if not spec:
            raise ScenarioError(f"grid: {path}: the list of values is empty")
        raw.append((path.strip(), None if name is None else str(name), tuple(map(_as_value, spec))))
    names = _short_names([path for path, _, _ in raw])
    dims = [Dimension(p, n or names[p], v) for p, n, v in raw]
    seen: set[str] = set()
    for dim in dims:
        if dim.name in seen:
            raise ScenarioError(f"grid: two dimensions are named {dim.name!r}")
        seen.add(dim.name)
    return dims


def _short_names(paths: list[str]) -> dict[str, str]:
    """The shortest dotted tail of each path that no other path shares."""
    out = {}
    for path in paths:
        parts = path.split(".")
        for size in range(1, len(parts) + 1):
            tail = ".".join(parts[-size:])
            if not any(o != path and ".".join(o.split(".")[-size:]) == tail for o in paths):
                break
        out[path] = tail
    return out


def merge_patch(target: Any, patch: Any) -> Any:
    """``target`` with ``patch`` applied as an RFC 7386 JSON merge patch (a new object)."""
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _keys_at(prefix: tuple[str, ...], node: dict[str, Any]) -> list[str]:
    from innovate_sim.scenario.schema_paths import model_at, valid_keys

    if model_at(prefix) is not None:
        return valid_keys(prefix)
    return list(node)  # a mapping of names (environments, node pools, workloads …)


def apply_at(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of scenario data with ``value`` set (or merge-patched) at dotted ``path``.

    Raises:
        ScenarioError: a part of the path is not a key of the scenario there;
            the message lists the valid keys at that level.
    """
    from innovate_sim.scenario.base import suggest

    data = copy.deepcopy(data)
    parts = path.split(".")
    if any(not p for p in parts):
        raise ScenarioError(f"sweep path {path!r}: empty part; write keys joined by dots")
    patch = value.patch if isinstance(value, Preset) else value
    node: Any = data
    for i, part in enumerate(parts):
        where = ".".join(parts[:i]) or "the top level"
        key: str | int
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError(
                    f"sweep path {path!r}: {where} is a list of {len(node)} items; "
                    f"{part!r} is not an index 0…{len(node) - 1}"
                )
            key = int(part)
        elif isinstance(node, dict):
            valid = _keys_at(tuple(parts[:i]), node)
            if part not in valid:
                listing = ", ".join(valid) if valid else "none"
                raise ScenarioError(
                    f"sweep path {path!r}: unknown key {part!r} at {where}; "
                    f"{suggest(part, valid)}valid keys there: {listing}"
                )
            key = part
        else:
            raise ScenarioError(
                f"sweep path {path!r}: {where} is a value ({node!r}), not a mapping; "
                f"set it as a whole"
            )
        container: Any = node
        if i == len(parts) - 1:
            current = container[key] if isinstance(key, int) or key in container else None
            container[key] = merge_patch(current, patch)
        else:
            if isinstance(key, str) and key not in container:
                container[key] = {}
            node = container[key]
    return data


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, keys as written in files (re-validates to an equal scenario)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def _unique(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    return out


def expand_variants(bases: Sequence[Scenario], dimensions: Sequence[Dimension]) -> list[Variant]:
    """Every base scenario × every combination of the dimensions' values, validated.

    With one base, labels are the values' labels joined by ``/`` (`` | `` when
    a label holds a ``/``); with several, the base's name comes first. Variant scenarios are named
    ``"<base name> [<label>]"``.
    """
    if not bases:
        raise ScenarioError("a sweep needs a base scenario or at least one variant")
    combos = list(itertools.product(*(d.values for d in dimensions)))
    planned: list[tuple[Scenario, tuple[Any, ...]]] = [(b, c) for b in bases for c in combos]
    parts_of = []
    for base, combo in planned:
        parts = [value_label(v) for v in combo]
        if len(bases) > 1 or not parts:
            parts.insert(0, base.name)
        parts_of.append(parts)
    # "/" reads best, unless a value has one itself (a rate such as "0.1/y").
    separator = " | " if any("/" in p for parts in parts_of for p in parts) else "/"
    labels = [separator.join(parts) for parts in parts_of]
    variants: list[Variant] = []
    data_of = {id(base): scenario_data(base) for base in bases} if dimensions else {}
    for (base, combo), label in zip(planned, _unique(labels), strict=True):
        if not dimensions:
            variants.append(Variant(label, base, {}))
            continue
        patched = data_of[id(base)]
        for dim, value in zip(dimensions, combo, strict=True):
            patched = apply_at(patched, dim.path, value)
        patched["name"] = f"{base.name} [{label}]"[:120]
        try:
            scenario = scenario_from_dict(patched, source=f"variant {label!r}")
        except ScenarioError as exc:
            raise ScenarioError(
                f"sweep variant {label!r} is not a valid scenario:\n{exc}", exc.problems
            ) from None
        params = {
            d.name: v if isinstance(v, str | int | float | bool) else value_label(v)
            for d, v in zip(dimensions, combo, strict=True)
        }
        variants.append(Variant(label, scenario, params))
    return variants
