"""Find the scenario model at a field path, to list the keys valid there."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

__all__ = ["model_at", "valid_keys"]


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Annotated / Optional / Union."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def model_at(path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at ``path`` of a scenario."""
    from innovate_sim.scenario.model import Scenario

    current: list[Any] = [Scenario]
    for part in path:
        following: list[Any] = []
        for candidate in current:
            origin = typing.get_origin(candidate)
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                field = _field(candidate, str(part))
                if field is not None:
                    following.extend(_unwrap(field.annotation))
            elif origin is dict:
                following.extend(_unwrap(typing.get_args(candidate)[1]))
            elif origin is list:
                following.extend(_unwrap(typing.get_args(candidate)[0]))
        current = following
    for candidate in current:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _field(model: type[BaseModel], name: str) -> Any:
    for field_name, field in model.model_fields.items():
        if name in (field_name, field.alias):
            return field
    return None


def valid_keys(path: tuple[str | int, ...]) -> list[str]:
    """Keys accepted by the mapping at ``path`` (aliases as written in files)."""
    model = model_at(path)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]
