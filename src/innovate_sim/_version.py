"""The package's version, read from its installed metadata (a leaf: imports nothing of the package).

Kept apart from ``innovate_sim/__init__.py`` so that the layers below the
entry points (experiments record it in every result's provenance) never
import the package root.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__: str = version("innovate_sim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
