"""The JSON Schema ``innovate-sim schema`` prints: the scenario schema plus the
catalog's names (instance types, families, DB classes, Kubernetes versions) as
``examples``, so editors complete them.

They are examples, not an ``enum``: ``pricing.overrides`` and other regions'
catalogs may price names the bundled catalog does not, and the loader, not the
schema, decides against the scenario's own catalog.
"""

from __future__ import annotations

from typing import Any

__all__ = ["editor_schema"]


def _add_examples(node: Any, field: str, names: list[str]) -> None:
    """Put ``names`` as examples on every string (or string-item) schema of ``field``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict) and field in value:
                _set_examples(value[field], names)
            _add_examples(value, field, names)
    elif isinstance(node, list):
        for item in node:
            _add_examples(item, field, names)


def _set_examples(node: Any, names: list[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string":
            node["examples"] = names
        for value in node.values():
            _set_examples(value, names)
    elif isinstance(node, list):
        for item in node:
            _set_examples(item, names)


def editor_schema(region: str = "us-east-1") -> dict[str, Any]:
    """The scenario JSON Schema with the ``region`` catalog's names as completions."""
    from innovate_sim.pricing import load_catalog
    from innovate_sim.scenario import scenario_json_schema

    schema = scenario_json_schema()
    catalog = load_catalog(region)
    types = sorted(t.name for t in catalog.instance_types())
    families = sorted({name.split(".")[0] for name in types})
    versions = [v.kubernetes_version for v in catalog.eks_versions()]
    for field, names in (
        ("instance_types", types),
        ("families", families),
        ("instance_class", sorted(catalog.rds_instance_classes())),
        ("kubernetes_version", versions),
    ):
        _add_examples(schema["$defs"], field, names)
    return schema
