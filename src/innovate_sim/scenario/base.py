"""The base class of every scenario model: frozen, strict about unknown keys."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

__all__ = ["LocatedError", "ScenarioModel", "located", "suggest"]


class ScenarioModel(BaseModel):
    """Frozen pydantic model that forbids unknown keys and validates its defaults."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_default=True,
        populate_by_name=True,
        serialize_by_alias=True,
        use_attribute_docstrings=True,
        # "True" is not a boolean and "0.7" not a number: a scenario writes true and 0.7,
        # as its JSON Schema says (unit strings such as "5m" are parsed by their types).
        strict=True,
    )


class LocatedError(ValueError):
    """A cross-field error that knows the field path (relative to its model) it belongs to."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def located(loc: tuple[str | int, ...], message: str) -> LocatedError:
    """An error for the field at ``loc`` below the model being validated."""
    return LocatedError(loc, message)


def suggest(value: str, choices: Iterable[str]) -> str:
    """'did you mean X? ' for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""
