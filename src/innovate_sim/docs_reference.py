"""The scenario reference and the defaults table, generated from the models.

``docs/scenario.md`` is the output of :func:`render_reference`: every field of
:class:`~innovate_sim.scenario.Scenario`, found by walking ``model_fields``
through nested models, ``dict[Name, Model]`` (written ``<name>``), lists
(``[]``), optionals and unions, with its type as a scenario file writes it,
its unit, its default and its description (the field's docstring). Defaults
that come from ``defaults.yaml`` carry their source and whether they are an
engineering assumption. :func:`render_defaults` is the defaults table embedded
in ``docs/modelling.md`` between :data:`DEFAULTS_START` and :data:`DEFAULTS_END`.

Regenerate the documentation with::

    python -m innovate_sim.docs_reference > docs/scenario.md
    python -m innovate_sim.docs_reference --write-docs docs   # both files
"""

from __future__ import annotations

import argparse
import inspect
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from innovate_sim.scenario import distributions as dists
from innovate_sim.scenario import types as unit_types
from innovate_sim.scenario.base import ScenarioModel
from innovate_sim.scenario.defaults import DEFAULTS, Default
from innovate_sim.scenario.model import Scenario
from innovate_sim.scenario.uncertain import reference_section

__all__ = [
    "DEFAULTS_END",
    "DEFAULTS_START",
    "embed_defaults",
    "main",
    "render_defaults",
    "render_reference",
]

DEFAULTS_START = "<!-- defaults:start -->"
DEFAULTS_END = "<!-- defaults:end -->"

_DIST_ANCHOR = "distributions"
_DIST_FORMS: tuple[type[BaseModel], ...] = (
    dists.Fixed,
    dists.Exponential,
    dists.Uniform,
    dists.Lognormal,
    dists.Weibull,
    dists.Empirical,
)

#: The unit types of :mod:`innovate_sim.scenario.types`: (annotation, name, unit, stored as).
_UNIT_TYPES: tuple[tuple[Any, str, str, str], ...] = (
    (unit_types.PositiveDuration, "duration > 0", "time", "hours"),
    (unit_types.Duration, "duration", "time", "hours"),
    (unit_types.Rate, "rate", "events / time", "events per hour"),
    (unit_types.Fraction, "percentage 0–100 %", "%", "a fraction 0–1"),
    (unit_types.Percent, "percentage", "%", "a fraction"),
    (unit_types.Cpu, "CPU", "cores", "cores"),
    (unit_types.MemoryGiB, "memory", "GiB", "GiB"),
    (unit_types.Money, "USD", "USD", "USD"),
    (unit_types.ZoneRef, "AZ", "", "0-based AZ index"),
    (unit_types.Name, "name", "", "text"),
)

#: Units of plain numbers, read from the field name (STYLE: the unit is in the name).
_NAME_UNITS: tuple[tuple[str, str], ...] = (
    ("_kb_per_request", "KB per request"),
    ("_gb_per_month", "GB per month"),
    ("_gb_per_node", "GB per node launch"),
    ("_requests_per_month", "requests per month"),
    ("_minutes_per_year", "minutes per year"),
    ("_min_per_year", "minutes per year"),
    ("_per_million_requests_usd", "USD per 10⁶ requests"),
    ("exports_per_month", "exports per month"),
    ("rps_per_replica", "requests/s per replica"),
    ("requests_per_connection", "requests per connection"),
    ("rule_evaluations_per_request", "rules per request"),
    ("_usd", "USD"),
    ("_gb", "GB"),
    ("peak_rps", "requests/s"),
    ("_days", "days"),
    ("iops", "IOPS"),
    ("peak_hour", "hour of day (UTC)"),
    ("cost_month", "730-hour month"),
    ("multiplier", "× demand"),
    ("weekly", "× demand"),
    ("factor", "× throughput"),
    ("max_skew", "pods"),
    ("scale_up_pods", "pods"),
    ("min_nodes", "nodes"),
    ("max_nodes", "nodes"),
    ("availability_zones", "AZs"),
)

#: Shorthands accepted by a field's before-validator, keyed "Model.field".
_FIELD_SHORTHANDS: dict[str, str] = {
    "NodePool.capacity_type": "a single value stands for a one-item list",
    "NodePool.arch": "a single value stands for a one-item list",
    "NodePool.families": "a single value stands for a one-item list",
    "NodePool.instance_types": "a single value stands for a one-item list",
    "Backups.export_to_s3": "`true` means the default export settings, `false` none",
    "Database.engine_version": "a number is read as text",
}

#: Shorthands for a whole model (a model-level before-validator).
_MODEL_SHORTHANDS: dict[str, str] = {
    "Account": (
        "An account may be written as its name alone: `accounts: [management, prod]`; "
        "`management` and `shared-services` then take that role, any other name `workload`."
    ),
    "Replicas": "A number `n` stands for `{min: n, max: n}`.",
}

#: Defaults that apply to a field under a condition, by normalised field path.
_CONDITIONAL_DEFAULTS: dict[str, tuple[str, str]] = {
    "node_pools.*.launch_latency": (
        "node_pools.managed.launch_latency",
        "managed pools; Karpenter pools use `cluster.karpenter.launch_latency`",
    ),
}


#: What each distribution form means, beyond its docstring.
_DIST_NOTES: dict[str, str] = {
    "exponential": "Give exactly one of `mean` (a duration) or `rate` (e.g. `6/h`). "
    "Mean = `mean`, variance = mean².",
    "uniform": "Mean (low + high) / 2, variance (high − low)² / 12.",
    "lognormal": "Give exactly one of `p90` (a duration above the median) or `sigma` (the "
    "standard deviation of the logarithm); σ = ln(p90 / median) / 1.2816. "
    "Mean = median · exp(σ² / 2).",
    "weibull": "Mean = scale · Γ(1 + 1/shape).",
    "empirical": "Resampled uniformly with replacement; mean and variance are those of the "
    "samples (1 to 100,000 of them).",
}


@dataclass
class _Row:
    path: str
    type: str
    unit: str
    default: str
    description: str


@dataclass
class _Section:
    path: str
    model: type[BaseModel]
    rows: list[_Row]


# -- types ----------------------------------------------------------------------------------------


def _anchor(path: str) -> str:
    text = path.replace("<name>", "name").replace("[]", "")
    slug = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "field-" + "-".join(part for part in slug.split("-") if part)


def _unit_type(hint: Any) -> tuple[str, str] | None:
    for annotation, label, unit, _ in _UNIT_TYPES:
        if hint == annotation:
            return label, unit
    return None


def _is_distribution(hint: Any) -> bool:
    return bool(hint == dists.Distribution)


def _strip_annotated(hint: Any) -> Any:
    while typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    return hint


def _union_args(hint: Any) -> list[Any] | None:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return list(typing.get_args(hint))
    return None


def _literal_text(values: tuple[Any, ...]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _type_label(hint: Any, path: str) -> tuple[str, str]:
    """(type as written in a file, unit) of an annotation."""
    known = _unit_type(hint)
    if known is not None:
        return known
    if _is_distribution(hint):
        return f"[distribution](#{_DIST_ANCHOR})", "time"
    args = _union_args(hint)
    if args is not None:
        parts = [a for a in args if a is not type(None)]
        labels = [_type_label(a, path) for a in parts]
        units = [u for _, u in labels if u]
        text = " or ".join(label for label, _ in labels)
        return text, units[0] if units else ""
    base = _strip_annotated(hint)
    if base is not hint:
        return _type_label(base, path)
    origin = typing.get_origin(hint)
    if origin is Literal:
        values = typing.get_args(hint)
        return (f"`{values[0]}`" if len(values) == 1 else f"one of {_literal_text(values)}"), ""
    if origin is list:
        (item,) = typing.get_args(hint)
        label, unit = _type_label(item, path + "[]")
        if label.startswith("one of "):
            return "list of " + label[len("one of ") :], unit
        return f"list of {label}", unit
    if origin is dict:
        key, value = typing.get_args(hint)
        key_label = "name" if key == unit_types.Name else "text"
        label, unit = _type_label(value, path + (".<name>" if key == unit_types.Name else ".<key>"))
        return f"mapping of {key_label} → {label}", unit
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return f"[mapping](#{_anchor(path)})", ""
    simple = {bool: "boolean", int: "integer", float: "number", str: "text"}
    return simple.get(hint, str(hint)), ""


def _constraints(metadata: list[Any], text: bool = False) -> str:
    parts = []
    noun = "character" if text else "item"
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            parts.append(f"≥ {_number(item.ge)}")
        elif isinstance(item, annotated_types.Gt):
            parts.append(f"> {_number(item.gt)}")
        elif isinstance(item, annotated_types.Le):
            parts.append(f"≤ {_number(item.le)}")
        elif isinstance(item, annotated_types.Lt):
            parts.append(f"< {_number(item.lt)}")
        elif isinstance(item, annotated_types.MinLen):
            parts.append(f"at least {item.min_length} {noun}{'s' * (item.min_length != 1)}")
        elif isinstance(item, annotated_types.MaxLen):
            parts.append(f"at most {item.max_length} {noun}s")
    return ", ".join(parts)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}" if value < 10**12 else f"2^{value.bit_length()} − 1"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _name_unit(name: str) -> str:
    for suffix, unit in _NAME_UNITS:
        if name.endswith(suffix) or name == suffix:
            return unit
    return ""


# -- values and defaults --------------------------------------------------------------------------


def _yaml(value: Any) -> str:
    """A value as a scenario file would write it, in YAML flow style."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value).replace(",", "")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, BaseModel):
        return _yaml(value.model_dump(mode="json", by_alias=True, exclude_defaults=False))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    return str(value)


def _normalise(path: str) -> list[str]:
    return [part.removesuffix("[]") if part != "<name>" else "*" for part in path.split(".")]


def _library_default(path: str) -> tuple[Default, Any, bool] | None:
    """The defaults.yaml entry filling ``path``, the value it gives there, and whether the
    entry is a mapping of the parent model (its source is then given once, on the section)."""
    parts = _normalise(path)
    for start in range(len(parts)):
        key = ".".join(parts[start:])
        if key in DEFAULTS:
            return DEFAULTS[key], DEFAULTS[key].value, False
        parent = ".".join(parts[start:-1])
        if parent in DEFAULTS and isinstance(DEFAULTS[parent].value, dict):
            value = DEFAULTS[parent].value
            if parts[-1] in value:
                return DEFAULTS[parent], value[parts[-1]], True
    return None


def _source_text(entry: Default) -> str:
    kind = "assumption" if entry.assumption else "sourced"
    return f"*Default `{entry.key}` ({kind}):* {entry.source}"


def _is_percent(hint: Any) -> bool:
    return bool(hint == unit_types.Percent or hint == unit_types.Fraction)


def _default(field: Any, hint: Any, path: str, nested: bool) -> tuple[str, str]:
    """(default as written, source note) of a field at ``path``."""
    found = _library_default(path)
    if found is not None and not nested:
        entry, value, via_parent = found
        if via_parent:
            kind = "assumption" if entry.assumption else "sourced"
            return f"`{_yaml(value)}`", f"*Default `{entry.key}` ({kind}), source above.*"
        return f"`{_yaml(value)}`", _source_text(entry)
    parts = _normalise(path)
    for start in range(len(parts)):
        conditional = _CONDITIONAL_DEFAULTS.get(".".join(parts[start:]))
        if conditional is not None:
            entry = DEFAULTS[conditional[0]]
            return (
                f"not set: `{_yaml(entry.value)}` for {conditional[1]}",
                _source_text(entry),
            )
    note = ""
    if field.default_factory is not None:
        made = field.default_factory()
        if isinstance(made, BaseModel):
            return "see its fields", note
        return f"`{_yaml(made)}`", note
    if field.default is PydanticUndefined:
        return "**required**", note
    if field.default is None:
        return "not set", note
    if isinstance(field.default, float | int) and _is_percent(hint):
        return f"`{field.default * 100:g}%`", note
    return f"`{_yaml(field.default)}`", note


# -- the walk -------------------------------------------------------------------------------------


def _nested(hint: Any, path: str) -> list[tuple[type[BaseModel], str]]:
    """Scenario models below an annotation, with the path of each."""
    if _unit_type(hint) is not None or _is_distribution(hint):
        return []
    args = _union_args(hint)
    if args is not None:
        return [found for arg in args for found in _nested(arg, path)]
    base = _strip_annotated(hint)
    if base is not hint:
        return _nested(base, path)
    origin = typing.get_origin(hint)
    if origin is list:
        return _nested(typing.get_args(hint)[0], path + "[]")
    if origin is dict:
        key, value = typing.get_args(hint)
        return _nested(value, path + (".<name>" if key == unit_types.Name else ".<key>"))
    if isinstance(hint, type) and issubclass(hint, ScenarioModel):
        return [(hint, path)]
    return []


def _description(model: type[BaseModel], name: str, field: Any, hint: Any) -> str:
    text = field.description or ""
    if not text:
        nested = _nested(hint, "")
        if nested:
            text = _first_line(nested[0][0].__doc__)
    shorthand = _FIELD_SHORTHANDS.get(f"{model.__name__}.{name}")
    if shorthand:
        text += f" Shorthand: {shorthand}."
    return _md(" ".join(text.split()))


def _first_line(doc: str | None) -> str:
    return _md(inspect.cleandoc(doc or "").split("\n\n")[0].replace("\n", " "))


def _md(text: str) -> str:
    """Docstring text as Markdown (reST ``literals`` become `code`)."""
    return text.replace("``", "`")


def _walk(model: type[BaseModel], prefix: str, sections: list[_Section]) -> None:
    hints = typing.get_type_hints(model, include_extras=True)
    section = _Section(prefix, model, [])
    sections.append(section)
    children: list[tuple[type[BaseModel], str]] = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        path = f"{prefix}.{key}" if prefix else key
        hint = hints[name]
        nested = _nested(hint, path)
        label, unit = _type_label(hint, path)
        limits = _constraints(field.metadata, text=_strip_annotated(hint) is str)
        if limits:
            label = f"{label} ({limits})"
        if not unit:
            unit = _name_unit(name)
        default, source = _default(field, hint, path, bool(nested))
        description = _description(model, name, field, hint)
        if source:
            description = f"{description}<br>{source}" if description else source
        section.rows.append(_Row(path, label, unit, default, description))
        children.extend(nested)
    for child, path in children:
        _walk(child, path, sections)


def _sections() -> list[_Section]:
    sections: list[_Section] = []
    _walk(Scenario, "", sections)
    return sections


def field_paths() -> list[str]:
    """Every documented field path, in document order."""
    return [row.path for section in _sections() for row in section.rows]


# -- rendering ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _unit_types_table() -> list[str]:
    rows = []
    for annotation, label, _, stored in _UNIT_TYPES:
        schema: dict[str, Any] = {}
        for item in getattr(annotation, "__metadata__", ()):
            json_schema = getattr(item, "json_schema", None)
            if isinstance(json_schema, dict):
                schema = json_schema
        description = schema.get("description", "")
        if annotation == unit_types.PositiveDuration:
            description = "A duration greater than zero."
        elif annotation == unit_types.Fraction:
            description = "A percentage between 0 % and 100 % ('99.95%' or 0.9995)."
        elif annotation == unit_types.Name:
            description = "Lower-case letters, digits and hyphens, at most 63 characters."
        rows.append([label, description, stored])
    lines = _table(["type", "written as", "stored as"], rows)
    lines += [
        "",
        "Duration units: `ms`, `s`, `m` (minutes), `h`, `d`, `w`, `mo`/`month` (730 h), "
        "`y` (8,760 h); parts may be combined (`1h30m`). Rates are events per unit of "
        "time (`0.2/y`, `1/1000h`, `5%/month`) or `0` for never.",
    ]
    return lines


def _distribution_section() -> list[str]:
    lines = [f'<a id="{_DIST_ANCHOR}"></a>', "", "## Distributions", ""]
    doc = inspect.cleandoc(dists.__doc__ or "")
    lines += [doc.split("\n\n")[0].replace("\n", " "), ""]
    example = doc.split("::", 1)[1].split("\n\n")[1] if "::" in doc else ""
    if example:
        lines += ["```yaml", inspect.cleandoc(example), "```", ""]
    lines += [
        "A bare duration (`90s`) is a `fixed` distribution. Every distribution knows its "
        "mean and variance in hours (`innovate_sim.scenario.Lognormal(...).mean`), which the "
        "oracles and tests use.",
        "",
    ]
    for form in _DIST_FORMS:
        hints = typing.get_type_hints(form, include_extras=True)
        tag = form.model_fields["dist"].default
        lines += [f"### `dist: {tag}`", "", _first_line(form.__doc__), ""]
        note = _DIST_NOTES.get(tag)
        if note:
            lines += [note, ""]
        rows = []
        for name, field in form.model_fields.items():
            if name == "dist":
                continue
            key = field.alias or name
            label, unit = _type_label(hints[name], f"{tag}.{key}")
            limits = _constraints(field.metadata)
            if limits:
                label = f"{label} ({limits})"
            required = field.is_required()
            rows.append([f"`{tag}.{key}`", label, unit, "**required**" if required else "—"])
        lines += _table(["field", "type", "unit", "default"], rows)
        lines.append("")
    return lines


def _section_default(path: str) -> Default | None:
    """The defaults.yaml mapping that fills a whole model at ``path``, if any."""
    parts = _normalise(path)
    for start in range(len(parts)):
        entry = DEFAULTS.get(".".join(parts[start:]))
        if entry is not None and isinstance(entry.value, dict) and "dist" not in entry.value:
            return entry
    return None


#: The scenario written from scratch that opens the reference, relative to the docs folder.
MINIMAL_SCENARIO = Path("examples/minimal.yaml")


def _minimal_section(docs: Path) -> list[str]:
    """The reference's opening: the smallest useful scenario, read from the docs' example file."""
    text = (docs / MINIMAL_SCENARIO).read_text(encoding="utf-8")
    link = MINIMAL_SCENARIO.as_posix()
    return [
        "## A minimal scenario",
        "",
        f"Written from scratch, [`docs/{link}`]({link}) sets only what has no default: "
        "an account, an environment in it with a load balancer, one node pool, one "
        "workload that serves requests, the demand and a target. Everything else — "
        "three AZs with a NAT Gateway each, the failure processes, a year of 200 "
        "replications — takes the defaults listed below.",
        "",
        "```yaml",
        text.rstrip("\n"),
        "```",
        "",
        f"`innovate-sim validate docs/{link}` checks it, `innovate-sim cost docs/{link}` "
        f"prints its monthly bill and `innovate-sim check docs/{link} -n 20` judges its "
        "target. The sections below are the whole language.",
        "",
    ]


def render_reference(docs: Path = Path("docs")) -> str:
    """The scenario reference (``docs/scenario.md``) as Markdown.

    ``docs`` is the documentation folder, whose ``examples/minimal.yaml`` opens the page.
    """
    sections = _sections()
    lines = [
        "<!-- Generated by `python -m innovate_sim.docs_reference > docs/scenario.md` "
        "from the pydantic models; do not edit by hand. -->",
        "",
        "# Scenario reference",
        "",
        "A scenario is one YAML file describing the architecture to simulate: its accounts, "
        "its environments (VPC, ingress, EKS cluster, workloads, demand, RDS database), the "
        "failure processes, scheduled chaos events, the design targets and run settings. "
        "This page lists every field. The bundled files in "
        "[`scenarios/`](../scenarios/) are complete examples "
        "([`prod.yaml`](../scenarios/prod.yaml) is the seed design's production environment).",
        "",
        *_minimal_section(docs),
        "## Conventions",
        "",
        "- **Paths** are dotted: `environments.<name>.database.storage.allocated_gb`. "
        "`<name>` stands for a key you choose (an environment, node pool or workload name); "
        "`[]` marks an item of a list.",
        "- **Unknown keys are errors** (with the valid keys and a suggestion), and so are "
        "values out of range; errors name the file, the line and the field path.",
        "- **Defaults** marked *Default `key`* come from the library's table of figures "
        "(`src/innovate_sim/data/defaults.yaml`, also in [modelling.md](modelling.md#defaults))"
        "; *assumption* means no public figure exists and the value is an engineering choice "
        "you should review.",
        "- `extends: base.yaml` (or a list of files) loads the base first and applies this "
        "file on top as a JSON merge patch: mappings merge key by key, `null` deletes a key, "
        "anything else (including lists) replaces.",
        "- `innovate-sim schema` prints the JSON Schema of this language for editors.",
        "",
        "## Value types",
        "",
        *_unit_types_table(),
        "",
        "## Contents",
        "",
    ]
    for section in sections:
        title = f"`{section.path}`" if section.path else "Top level"
        lines.append(f"- [{title}](#{_anchor(section.path or 'top')}) — {section.model.__name__}")
    lines += [f"- [Distributions](#{_DIST_ANCHOR})", "- [Uncertain values](#uncertain-values)", ""]
    for section in sections:
        anchor = _anchor(section.path or "top")
        title = f"`{section.path}`" if section.path else "Top level"
        lines += [f'<a id="{anchor}"></a>', "", f"## {title}", ""]
        doc = inspect.cleandoc(section.model.__doc__ or "")
        if doc:
            for paragraph in doc.split("\n\n"):
                lines += [_md(" ".join(paragraph.split())), ""]
        entry = _section_default(section.path) if section.path else None
        if entry is not None:
            kind = "an assumption" if entry.assumption else "sourced"
            lines += [f"Defaults from `{entry.key}` ({kind}): {entry.source}", ""]
        shorthand = _MODEL_SHORTHANDS.get(section.model.__name__)
        if shorthand:
            lines += [shorthand, ""]
        rows = [
            [f"`{row.path}`", row.type, row.unit, row.default, row.description]
            for row in section.rows
        ]
        lines += _table(["field", "type", "unit", "default", "description"], rows)
        lines.append("")
    lines += _distribution_section()
    lines += reference_section()
    text = "\n".join(lines)
    constants = [entry for key, entry in DEFAULTS.items() if f"`{key}`" not in text]
    if constants:
        lines += [
            "",
            "## Library constants",
            "",
            "Figures the model uses that a scenario does not set, with their sources.",
            "",
            *_table(
                ["constant", "value", "source"],
                [[f"`{e.key}`", f"`{_yaml(e.value)}`", e.source] for e in constants],
            ),
        ]
    return "\n".join(lines).rstrip() + "\n"


def render_defaults() -> str:
    """The table of default figures with their sources (embedded in ``docs/modelling.md``)."""
    rows = []
    for entry in DEFAULTS.values():
        rows.append(
            [
                f"`{entry.key}`",
                f"`{_yaml(entry.value)}`",
                "assumption" if entry.assumption else "sourced",
                entry.source,
            ]
        )
    lines = [
        "<!-- Generated from src/innovate_sim/data/defaults.yaml by "
        "`python -m innovate_sim.docs_reference --write-docs docs`; do not edit. -->",
        "",
        *_table(["default (scenario path; * = any name)", "value", "kind", "source"], rows),
    ]
    return "\n".join(lines) + "\n"


def embed_defaults(text: str) -> str:
    """``text`` with the block between the defaults markers replaced by the current table."""
    head, start, rest = text.partition(DEFAULTS_START)
    _, end, tail = rest.partition(DEFAULTS_END)
    if not start or not end:
        raise ValueError(f"markers {DEFAULTS_START} and {DEFAULTS_END} not found")
    return f"{head}{DEFAULTS_START}\n{render_defaults()}{DEFAULTS_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Print the scenario reference, or the defaults table, or rewrite both doc files."""
    parser = argparse.ArgumentParser(prog="python -m innovate_sim.docs_reference")
    parser.add_argument("--defaults", action="store_true", help="print the defaults table")
    parser.add_argument(
        "--write-docs",
        metavar="DIR",
        type=Path,
        help="write DIR/scenario.md and refresh the defaults block of DIR/modelling.md",
    )
    args = parser.parse_args(argv)
    if args.write_docs is not None:
        (args.write_docs / "scenario.md").write_text(
            render_reference(args.write_docs), encoding="utf-8"
        )
        modelling = args.write_docs / "modelling.md"
        modelling.write_text(embed_defaults(modelling.read_text(encoding="utf-8")), "utf-8")
        return 0
    sys.stdout.write(render_defaults() if args.defaults else render_reference())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
