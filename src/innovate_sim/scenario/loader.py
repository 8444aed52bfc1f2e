"""Load scenario files: safe YAML with line numbers, ``extends:`` merging, located errors.

A scenario file is YAML read with PyYAML's *safe* composer; only the plain
YAML types are accepted (any ``!tag`` such as ``!!python/object`` is refused,
so loading never executes code). Every value remembers the file and line it
came from, so a validation error can say where to look::

    scenarios/bad.yaml:14: environments.prod.database.instance_class:
    'db.m6g.larg' is not a priced RDS for PostgreSQL class; did you mean 'db.m6g.large'? …

``extends: base.yaml`` (or a list of files) loads the base(s) first and
applies this file on top as a JSON merge patch (RFC 7386): mappings merge key
by key, ``null`` deletes a key, anything else replaces.
"""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from innovate_sim.errors import ScenarioError
from innovate_sim.scenario.base import LocatedError
from innovate_sim.scenario.catalog_checks import check_against_catalog
from innovate_sim.scenario.failures import Failures
from innovate_sim.scenario.model import Scenario

__all__ = ["load_scenario", "scenario_from_dict", "scenario_json_schema"]

#: Limits that keep a hostile file from exhausting memory or the stack.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 40
MAX_EXTENDS_DEPTH = 10
MAX_PROBLEMS_SHOWN = 30
"""A message lists at most this many problems (all are in ``ScenarioError.problems``)."""

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

Path_ = tuple[str | int, ...]
Origins = dict[Path_, tuple[str, int]]


class _Builder:
    """Turn a composed YAML node tree into plain data, recording where each value came from."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.origins: Origins = {}
        self.nodes = 0
        self._constructor = yaml.SafeLoader("")

    def build(self, node: Node, path: Path_ = ()) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error(
                node,
                path,
                f"the file expands to more than {MAX_NODES:,} values (aliases repeated too often?)",
            )
        if len(path) > MAX_DEPTH:
            raise self._error(
                node, path[:4], f"nesting deeper than {MAX_DEPTH} levels (below this field)"
            )
        self.origins.setdefault(path, (self.file, node.start_mark.line + 1))
        if node.tag not in _PLAIN_TAGS:
            raise self._error(
                node,
                path,
                f"YAML tag {node.tag!r} is not allowed; scenario files hold plain data only "
                "(no tags such as !!python/object)",
            )
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self._error(
                        key_node, path, "YAML merge keys ('<<') are not supported; use extends:"
                    )
                key = self.build(key_node, (*path, "<key>"))
                if not isinstance(key, str):
                    key = str(key) if isinstance(key, int | float | bool) else key
                if not isinstance(key, str):
                    raise self._error(key_node, path, f"mapping keys must be text, got {key!r}")
                if key in result:
                    raise self._error(key_node, (*path, key), f"key {key!r} appears twice")
                # A field is located at its key's line (a block value starts below it).
                self.origins.setdefault((*path, key), (self.file, key_node.start_mark.line + 1))
                result[key] = self.build(value_node, (*path, key))
            self.origins.pop((*path, "<key>"), None)
            return result
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        try:
            value = self._constructor.construct_object(node, deep=True)
            if isinstance(value, int) and not isinstance(value, bool):
                float(value)  # beyond any float: no field holds it, and unit parsing overflows
            return value
        except yaml.YAMLError as exc:
            raise self._error(node, path, f"cannot read value: {exc}") from None
        except Exception as exc:  # any failure to read one plain scalar
            # An explicit plain tag on a value it cannot hold ('!!int abc' raises
            # ValueError, '!!bool maybe' a KeyError inside PyYAML), or an integer
            # longer than Python converts (more than 4300 digits).
            raise self._error(node, path, f"cannot read value {node.value!r:.80}: {exc}") from None

    def _error(self, node: Node, path: Path_, message: str) -> ScenarioError:
        location = f"{self.file}:{node.start_mark.line + 1}"
        field = _field(path)
        return ScenarioError(f"{location}: {field}: {message}", [(f"{location}: {field}", message)])


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = str(part)
            if not text.strip() or text != text.strip() or not text.isprintable():
                # '', ' x' or 'a\nb': quote it, so that it is seen and stays on one line
                text = repr(text)
            out += ("." if out else "") + text
    return out


def _field(path: Path_) -> str:
    """The dotted field path, or '(top level)' for the document itself."""
    return _dotted(path) or "(top level)"


def _read_yaml(path: Path) -> tuple[Any, Origins]:
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError(f"{name}: no such file") from None
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot read the file ({exc.strerror})") from None
    if path.is_dir():
        raise ScenarioError(f"{name}: is a folder, not a scenario file")
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{name}: the file is {size:,} bytes; scenario files are limited to "
            f"{MAX_FILE_BYTES:,} bytes"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"{name}:{bad_line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        context = exc.context
        if context and exc.context_mark and mark and exc.context_mark.line != mark.line:
            context = f"{context} (started at line {exc.context_mark.line + 1})"
        problem = ": ".join(str(p) for p in (context, exc.problem) if p)
        raise ScenarioError(f"{name}{line}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{name}: YAML error: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{name}: nesting too deep to read") from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise ScenarioError(
            f"{name}:1: the file is empty; a scenario needs at least 'name' and 'accounts'"
        )
    if len(documents) > 1:
        raise ScenarioError(f"{name}: holds {len(documents)} YAML documents; one scenario per file")
    builder = _Builder(name)
    try:
        data = builder.build(documents[0])
    except RecursionError:
        raise ScenarioError(f"{name}: nesting too deep to read") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{name}:1: a scenario is a mapping of keys (name, accounts, environments, …), "
            f"not a {type(data).__name__}"
        )
    return data, builder.origins


def _merge(
    base: Any, patch: Any, base_origins: Origins, patch_origins: Origins, path: Path_ = ()
) -> Any:
    """Apply ``patch`` to ``base`` as an RFC 7386 merge patch, merging origins alike."""
    if not isinstance(patch, dict) or not isinstance(base, dict):
        for key in [k for k in base_origins if k[: len(path)] == path]:
            del base_origins[key]
        base_origins.update({k: v for k, v in patch_origins.items() if k[: len(path)] == path})
        return copy.deepcopy(patch)
    result = dict(base)
    for key, value in patch.items():
        child = (*path, key)
        if value is None and key not in result:
            # Nothing to delete: pass the null on, so validation judges the key (an
            # unknown or misspelt key is an error, never silently dropped).
            result[key] = None
            _adopt_origins(child, base_origins, patch_origins)
        elif value is None:
            result.pop(key, None)
            for origin in [k for k in base_origins if k[: len(child)] == child]:
                del base_origins[origin]
        else:
            result[key] = _merge(result.get(key), value, base_origins, patch_origins, child)
    if path in patch_origins:
        base_origins[path] = patch_origins[path]
    return result


def _adopt_origins(child: Path_, base_origins: Origins, patch_origins: Origins) -> None:
    base_origins.update({k: v for k, v in patch_origins.items() if k[: len(child)] == child})


def _resolve(path: Path, chain: tuple[Path, ...] = ()) -> tuple[dict[str, Any], Origins]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError(f"{path}: extends itself in a cycle: {cycle}")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(f"{path}: extends goes more than {MAX_EXTENDS_DEPTH} files deep")
    data, origins = _read_yaml(path)
    bases = data.pop("extends", None)
    if bases is None:
        _resolve_trace(data, path)
        return data, origins
    if isinstance(bases, str):
        bases = [bases]
    if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
        line = origins.get(("extends",), (str(path), 1))[1]
        raise ScenarioError(f"{path}:{line}: extends: expected a file name or a list of file names")
    merged: Any = {}
    merged_origins: Origins = {}
    for base in bases:
        base_path = path.parent / base
        line = origins.get(("extends",), (str(path), 1))[1]
        if not _exists(base_path):
            raise ScenarioError(
                f"{path}:{line}: extends: no such file {base!r} (looked in {path.parent})"
            )
        if base_path.is_dir():
            raise ScenarioError(
                f"{path}:{line}: extends: {base!r} is a folder, not a scenario file"
            )
        if base_path.resolve() in (*chain, resolved):
            cycle = " -> ".join(p.name for p in (*chain, resolved, base_path.resolve()))
            raise ScenarioError(f"{path}:{line}: extends: {base!r} makes a cycle: {cycle}")
        base_data, base_origins = _resolve(base_path, (*chain, resolved))
        merged = _merge(merged, base_data, merged_origins, base_origins)
    _resolve_trace(data, path)
    merged = _merge(merged, data, merged_origins, origins)
    return merged, merged_origins


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long for the OS, or holding a NUL byte
        return False


def _resolve_trace(data: dict[str, Any], path: Path) -> None:
    """Make demand trace file names (and the price catalog folder) absolute, relative to the
    file that names them."""
    pricing = data.get("pricing")
    if isinstance(pricing, dict) and isinstance(pricing.get("catalog"), str):
        with contextlib.suppress(OSError, ValueError):
            pricing["catalog"] = str((path.parent / pricing["catalog"]).resolve())
    environments = data.get("environments")
    if not isinstance(environments, dict):
        return
    for env in environments.values():
        demand = env.get("demand") if isinstance(env, dict) else None
        trace = demand.get("trace") if isinstance(demand, dict) else None
        if isinstance(trace, dict) and isinstance(trace.get("file"), str):
            # A name the OS refuses (too long, a NUL byte) stays as written.
            with contextlib.suppress(OSError, ValueError):
                trace["file"] = str((path.parent / trace["file"]).resolve())


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file.

    Args:
        path: a YAML scenario file; ``extends:`` names are relative to it.

    Returns:
        The validated, frozen :class:`Scenario`.

    Raises:
        ScenarioError: the file is missing, is not valid YAML, or breaks a rule
            of the scenario language. The message names the file, the line, the
            field and what would be valid.
    """
    path = Path(path)
    data, origins = _resolve(path)
    return _validate(data, origins, str(path))


def field_location(path: str | Path, loc: tuple[str | int, ...]) -> str:
    """Where a field of a scenario file is written: ``"file:line: field.path"``.

    Used to locate problems found after validation (e.g. a resource no price
    covers). The line is the field's own, or that of its nearest written parent.

    Args:
        path: the scenario file (its ``extends:`` chain is followed).
        loc: the field path, e.g. ``("environments", "prod", "database", "deployment")``.
    """
    _, origins = _resolve(Path(path))
    file, line = _origin(loc, origins, str(path))
    where = f"{file}:{line}" if line else file
    return f"{where}: {_field(loc)}"


def scenario_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> Scenario:
    """Validate a scenario given as plain data (e.g. built in a notebook)."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: a scenario is a mapping, not a {type(data).__name__}")
    data = copy.deepcopy(data)
    data.pop("extends", None)
    return _validate(data, {}, source)


def _validate(data: dict[str, Any], origins: Origins, source: str) -> Scenario:
    """Parse, then check what the parsed scenario names against the price catalog."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _scenario_error(exc, origins, source) from None
    try:
        check_against_catalog(scenario)
    except LocatedError as exc:
        where, message = _problem(exc.loc, str(exc), origins, source)
        raise ScenarioError(f"{where}: {message}", [(where, message)]) from None
    return scenario


Scenario.validate_data = staticmethod(lambda data, source: _validate(data, {}, source))  # type: ignore[assignment]


def _scenario_error(exc: ValidationError, origins: Origins, source: str) -> ScenarioError:
    problems: list[tuple[str, str]] = []
    for error in exc.errors(include_url=False):
        raw: Path_ = tuple(error["loc"])
        if error["type"] == "extra_forbidden" and raw:
            # the last part is the unknown key itself, even when it reads like a union
            # tag ('uniform', 'str' …): keep it, or the message loses its field
            loc: Path_ = (*(p for p in raw[:-1] if not _is_union_tag(p)), raw[-1])
        else:
            loc = tuple(p for p in raw if not _is_union_tag(p))
        if loc and loc[-1] == "[key]":  # a bad mapping key: locate the key itself
            loc = loc[:-1]
        message = error["msg"]
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, LocatedError):
            loc = (*loc, *cause.loc)
            message = str(cause)
        elif isinstance(cause, ValueError):
            message = str(cause)
        message = _explain(error["type"], message, error, loc)
        problems.append(_problem(loc, message, origins, source))
    seen: set[tuple[str, str]] = set()
    unique = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            unique.append(problem)
    unique.sort(key=_line_order)  # one pass, read top to bottom like the file
    lines = [f"{where}: {message}" for where, message in unique[:MAX_PROBLEMS_SHOWN]]
    if len(unique) > MAX_PROBLEMS_SHOWN:
        lines.append(f"… and {len(unique) - MAX_PROBLEMS_SHOWN} more problems")
    return ScenarioError("\n".join(lines), unique)


def _line_order(problem: tuple[str, str]) -> tuple[str, int]:
    """Sort key of a ``("file:line: field", message)`` problem: file, then line."""
    file, _, rest = problem[0].partition(":")
    line = rest.split(":", 1)[0]
    return (file, int(line) if line.isdigit() else 0)


def _problem(loc: Path_, message: str, origins: Origins, source: str) -> tuple[str, str]:
    """``("file:line: field", message)`` for a problem at ``loc``."""
    file, line = _origin(loc, origins, source)
    where = f"{file}:{line}" if line else file
    return f"{where}: {_field(loc)}", message


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and (
        part.startswith("function-")
        or part
        in (
            "fixed",
            "exponential",
            "uniform",
            "lognormal",
            "weibull",
            "empirical",
            "str",
            "int",
            "float",
            "literal['advisor']",
            "list[str]",
            "tagged-union",
        )
    )


def _explain(kind: str, message: str, error: Any, loc: Path_) -> str:
    """Make pydantic's message say what is valid, in the scenario's words."""
    if kind == "extra_forbidden":
        from innovate_sim.scenario.schema_paths import valid_keys

        valid = valid_keys(loc[:-1])
        from innovate_sim.scenario.base import suggest

        hint = suggest(str(loc[-1]), valid) if valid else ""
        listing = f"valid keys here: {', '.join(valid)}" if valid else ""
        return f"unknown key {loc[-1]!r}; {hint}{listing}".rstrip("; ")
    if kind == "missing":
        return "required but missing"
    if kind == "literal_error":
        got = error.get("input")
        return f"{got!r} is not allowed; {message.replace('Input should be', 'expected')}"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if message.startswith("Assertion failed, "):
        message = message[len("Assertion failed, ") :]
    got = error.get("input")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{message} (got {got!r})"
    return message


def _origin(loc: Path_, origins: Origins, source: str) -> tuple[str, int | None]:
    for cut in range(len(loc), -1, -1):
        hit = origins.get(tuple(loc[:cut]))
        if hit is not None:
            return hit
    return source, None


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editors and validators).

    A file without ``extends:`` must be a whole scenario (``$defs.Scenario``);
    a file with it is an RFC 7386 merge patch over its bases
    (``$defs.ScenarioPatch``): the same keys and value shapes, nothing
    required, and ``null`` to delete a key of the base.
    """
    full = Scenario.model_json_schema(by_alias=True, mode="validation")
    definitions = full.pop("$defs")
    _close_named_maps(full)
    _close_named_maps(definitions)
    # Failure processes that may be overridden in part: nothing in them is required.
    for name in Failures.PARTIAL:
        target = definitions["Failures"]["properties"][name]["$ref"].rsplit("/", 1)[1]
        override = f"{target}Override"
        definitions[override] = {k: v for k, v in definitions[target].items() if k != "required"}
        definitions["Failures"]["properties"][name] = {"$ref": f"#/$defs/{override}"}
    patches = {f"{name}{_PATCH}": _as_patch(body) for name, body in definitions.items()}
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "innovate_sim scenario",
        "description": full.get("description", ""),
        "type": "object",
        "$defs": {**definitions, **patches, "Scenario": full, "ScenarioPatch": _as_patch(full)},
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/$defs/ScenarioPatch"},
        "else": {"$ref": "#/$defs/Scenario"},
    }
    return json.loads(json.dumps(schema))


_PATCH = ".patch"


def _close_named_maps(node: Any) -> None:
    """Maps keyed by a Name (environments, node pools…) refuse keys that are not names,
    as the loader does: ``patternProperties`` alone would let any other key through."""
    if isinstance(node, dict):
        if "patternProperties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close_named_maps(value)
    elif isinstance(node, list):
        for item in node:
            _close_named_maps(item)


def _as_patch(node: Any) -> Any:
    """A schema node as a merge patch: no ``required``, refs to patch definitions,
    and every property may be ``null`` (delete the base's key)."""
    if isinstance(node, list):
        return [_as_patch(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("required", "minProperties"):  # a patch may leave out anything
            continue
        if key in ("items", "prefixItems"):  # a list is replaced whole, never patched
            out[key] = value
            continue
        if key == "oneOf":  # {} patches every variant of a union: any may match
            out["anyOf"] = _as_patch(value)
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
            out[key] = value + _PATCH
        elif key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {
                name: {"anyOf": [_as_patch(sub), {"type": "null"}]} for name, sub in value.items()
            }
        else:
            out[key] = _as_patch(value)
    return out
