"""Read ``terraform show -json`` output: a plan or a state, flattened to resources.

The format is Terraform's documented JSON output format
(https://developer.hashicorp.com/terraform/internals/json-format): a plan has
``planned_values.root_module``, a state has ``values.root_module``; each module
holds ``resources`` and ``child_modules`` (nested modules, recursively). A
resource carries its ``address`` (``module.vpc.aws_subnet.private[0]``),
``mode`` (``managed`` or ``data``), ``type``, ``name``, ``index`` (the
``count`` number or ``for_each`` key), ``provider_name`` and ``values``.

Only format version 1.x is read (the format's rule: reject another major
version). Anything else is a :class:`TerraformImportError` naming the file and,
for broken JSON, the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innovate_sim.errors import InnovateSimError

__all__ = ["PlanFile", "TerraformImportError", "TfResource", "parse_plan", "read_plan"]

#: Plans bigger than this are refused before parsing (a hostile or wrong file).
MAX_PLAN_BYTES = 200 * 1024 * 1024
_AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


class TerraformImportError(InnovateSimError):
    """A Terraform plan or state cannot be imported; the message says why and where."""


@dataclass(frozen=True)
class TfResource:
    """One managed resource instance of a plan or state.

    Attributes:
        address: full address, e.g. ``module.eks.aws_eks_node_group.this["baseline"]``.
        type: resource type, e.g. ``aws_eks_node_group``.
        name: the name in the configuration (``this``).
        index: the ``count`` index or ``for_each`` key, None for a single resource.
        provider: the provider's source address (``registry.terraform.io/hashicorp/aws``).
        values: the attribute values; unknown (computed) attributes are absent.
    """

    address: str
    type: str
    name: str
    index: int | str | None
    provider: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_aws(self) -> bool:
        """Whether the AWS provider manages this resource."""
        return self.provider.endswith("/aws") or self.provider == "aws"

    def get(self, key: str, default: Any = None) -> Any:
        """An attribute value, or ``default`` when absent or null."""
        value = self.values.get(key)
        return default if value is None else value

    def block(self, key: str) -> Mapping[str, Any]:
        """The first element of a nested block (Terraform shows blocks as lists)."""
        value = self.values.get(key)
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            return value[0]
        if isinstance(value, Mapping):
            return value
        return {}

    def tag(self, name: str) -> str | None:
        """A tag value from ``tags`` or, failing that, ``tags_all``."""
        for key in ("tags", "tags_all"):
            tags = self.values.get(key)
            if isinstance(tags, Mapping) and isinstance(tags.get(name), str):
                return str(tags[name])
        return None


@dataclass(frozen=True)
class PlanFile:
    """The resources of a plan or state and what the file says about itself.

    Attributes:
        path: the file read.
        kind: ``"plan"`` or ``"state"``.
        terraform_version: as the file states it (``"1.9.5"``), or ``"unknown"``.
        format_version: the JSON format version (``"1.2"``).
        resources: managed resources, in file order (data sources are left out:
            they read, they do not create).
        region: the ``aws`` provider's region when the configuration states it.
    """

    path: str
    kind: str
    terraform_version: str
    format_version: str
    resources: tuple[TfResource, ...]
    region: str | None = None

    def of_type(self, *types: str) -> list[TfResource]:
        """The resources of the given types, in file order."""
        return [r for r in self.resources if r.type in types]


def read_plan(path: str | Path) -> PlanFile:
    """Read the JSON a ``terraform show -json`` printed for a plan or a state.

    Args:
        path: a ``.json`` file.

    Raises:
        TerraformImportError: the file is missing, is not JSON, is not Terraform's
            JSON format (major version 1), or holds no resources.
    """
    path = Path(path)
    return parse_plan(_load_json(path), str(path))


def parse_plan(document: Any, where: str = "<plan>") -> PlanFile:
    """Read an already parsed ``terraform show -json`` document (see :func:`read_plan`).

    Args:
        document: the parsed JSON.
        where: how errors name it (a file name).
    """
    if not isinstance(document, dict) or "format_version" not in document:
        raise TerraformImportError(
            f"{where}: not the JSON of `terraform show -json` (no 'format_version' key); "
            "run `terraform plan -out=plan.tfplan && terraform show -json plan.tfplan > plan.json`"
        )
    version = str(document["format_version"])
    if version.split(".")[0] != "1":
        raise TerraformImportError(
            f"{where}: format_version {version!r} is not supported; this reader knows 1.x"
        )
    if isinstance(document.get("planned_values"), dict):
        kind, root = "plan", document["planned_values"].get("root_module")
    elif isinstance(document.get("values"), dict):
        kind, root = "state", document["values"].get("root_module")
    else:
        raise TerraformImportError(
            f"{where}: neither 'planned_values' (a plan) nor 'values' (a state) is present; "
            "an empty state has no resources to import"
        )
    if not isinstance(root, dict):
        raise TerraformImportError(f"{where}: {kind} has no 'root_module'")
    resources = _in_index_order(list(_module_resources(root, where)))
    if not resources:
        raise TerraformImportError(f"{where}: the {kind} holds no managed resources")
    return PlanFile(
        path=where,
        kind=kind,
        terraform_version=str(document.get("terraform_version", "unknown")),
        format_version=version,
        resources=resources,
        region=_provider_region(document),
    )


def _load_json(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise TerraformImportError(f"{path}: no such file") from None
    except OSError as exc:
        raise TerraformImportError(f"{path}: cannot read the file ({exc.strerror})") from None
    if path.is_dir():
        raise TerraformImportError(f"{path}: is a folder, not a plan file")
    if size > MAX_PLAN_BYTES:
        raise TerraformImportError(f"{path}: {size:,} bytes is over the {MAX_PLAN_BYTES:,} limit")
    try:
        return json.loads(path.read_bytes())
    except json.JSONDecodeError as exc:
        raise TerraformImportError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg} at column {exc.colno}); "
            "a plan is imported from `terraform show -json`, not from the binary plan file"
        ) from None
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise TerraformImportError(f"{path}: not readable as JSON ({exc})") from None


def _module_resources(module: Mapping[str, Any], where: str) -> Iterator[TfResource]:
    for raw in _list(module.get("resources")):
        if not isinstance(raw, dict) or raw.get("mode", "managed") != "managed":
            continue
        address, kind = raw.get("address"), raw.get("type")
        if not isinstance(address, str) or not isinstance(kind, str):
            raise TerraformImportError(
                f"{where}: a resource without 'address' or 'type': {raw!r}"[:300]
            )
        values = raw.get("values")
        index = raw.get("index")
        yield TfResource(
            address=address,
            type=kind,
            name=str(raw.get("name", "")),
            index=index if isinstance(index, (int, str)) else None,
            provider=str(raw.get("provider_name", "")),
            values=values if isinstance(values, dict) else {},
        )
    for child in _list(module.get("child_modules")):
        if isinstance(child, dict):
            yield from _module_resources(child, where)


def _in_index_order(resources: list[TfResource]) -> tuple[TfResource, ...]:
    """File order, except that the instances of one block follow their numeric ``count`` index.

    Terraform sorts addresses as text, so ``x[10]`` comes before ``x[2]``; the
    order of a ``count`` list is the order the configuration wrote it in.
    """
    first_seen: dict[str, int] = {}
    for position, resource in enumerate(resources):
        first_seen.setdefault(_block_address(resource), position)

    def key(resource: TfResource) -> tuple[int, int]:
        index = resource.index if isinstance(resource.index, int) else 0
        return first_seen[_block_address(resource)], index

    return tuple(sorted(resources, key=key))


def _block_address(resource: TfResource) -> str:
    address = resource.address
    return address[: address.rindex("[")] if address.endswith("]") else address


def _provider_region(document: Mapping[str, Any]) -> str | None:
    """The aws provider's region: a constant, or a root variable's value."""
    config = document.get("configuration")
    providers = config.get("provider_config") if isinstance(config, dict) else None
    if not isinstance(providers, dict):
        return None
    variables = document.get("variables")
    for provider in providers.values():
        if not isinstance(provider, dict) or provider.get("name") != "aws":
            continue
        region = (provider.get("expressions") or {}).get("region")
        if not isinstance(region, dict):
            continue
        if isinstance(region.get("constant_value"), str):
            return str(region["constant_value"])
        for reference in region.get("references") or []:
            name = str(reference).removeprefix("var.")
            value = (variables or {}).get(name, {}) if isinstance(variables, dict) else {}
            if isinstance(value, dict) and isinstance(value.get("value"), str):
                return str(value["value"])
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
