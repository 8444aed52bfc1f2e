"""Small helpers for reading pandas DataFrames."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

__all__ = ["iter_rows"]


def iter_rows(frame: pd.DataFrame) -> Iterator[Any]:
    """The rows of ``frame`` as named tuples (attribute per column).

    Typed ``Any``: pandas-stubs types every cell as any scalar, which no
    caller that knows its columns needs.
    """
    return iter(frame.itertuples(index=False))
