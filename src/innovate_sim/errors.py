"""Error types a user can act on.

Every error raised for bad input derives from :class:`InnovateSimError`; the
command line prints its message and exits with status 2, never a traceback.
"""

from __future__ import annotations

__all__ = [
    "InnovateSimError",
    "PriceNotFound",
    "RegionNotSupported",
    "ScenarioError",
    "UnitError",
]


class InnovateSimError(Exception):
    """Base class of every error innovate_sim raises on purpose."""


class UnitError(InnovateSimError, ValueError):
    """A quantity string (duration, rate, percentage, size) could not be parsed."""


class ScenarioError(InnovateSimError):
    """A scenario file or object is invalid.

    The message names the file, the line, the field path, what was wrong and
    what would be valid.

    Attributes:
        problems: one ``(location, message)`` pair per problem found, where the
            location reads ``file:line: field.path``.
    """

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class PriceNotFound(InnovateSimError, KeyError):
    """A price was asked for that the catalog does not hold (never priced as zero)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "price not found"


class RegionNotSupported(InnovateSimError):
    """The price catalog has no snapshot for the requested AWS region."""
