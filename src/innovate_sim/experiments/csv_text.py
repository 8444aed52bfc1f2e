"""CSV text of a DataFrame, the bytes ``DataFrame.to_csv(index=False)`` writes, faster.

The large tables of a run (``monthly_cost.csv``, ``monthly.csv``) have
millions of rows of few distinct values: the same services, months and
static prices in every replication. pandas formats every cell; here each
column's distinct values are formatted once, the way pandas formats them
(numbers as ``numpy``'s ``astype(str)``, missing values empty, text quoted
by the :mod:`csv` module's minimal quoting), and the rows are joined from
those strings. Columns of any other kind (dates, categories, booleans…) are
left to pandas.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

__all__ = ["csv_text"]


def csv_text(frame: pd.DataFrame, *, header: bool = True) -> str:
    """``frame.to_csv(index=False, header=header)``, byte for byte."""
    columns = [_texts(frame[name]) for name in frame.columns]
    if not columns or any(column is None for column in columns):
        return frame.to_csv(index=False, header=header)
    lines = [_row(map(str, frame.columns))] if header else []
    lines.extend(map(",".join, zip(*columns, strict=True)))  # type: ignore[misc]
    return "".join(line + "\n" for line in lines)


def _texts(column: pd.Series) -> list[str] | None:
    """Each cell of ``column`` as pandas writes it, or None for a kind not handled here."""
    kind = column.dtype.kind
    if kind not in "iufOT" or isinstance(column.dtype, pd.CategoricalDtype):
        return None
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = np.asarray(uniques)
    if kind in "iuf":
        formatted = values.astype(str).astype(object)
    elif all(isinstance(value, str) for value in values):
        formatted = np.array([_field(value) for value in values], dtype=object)
    else:
        return None
    # the missing-value sentinel -1 picks the last slot: pandas writes missing values empty
    table = np.append(formatted, "")
    return table[codes].tolist()  # type: ignore[no-any-return]


def _row(fields: object) -> str:
    """One CSV line (no terminator) as :mod:`csv` writes it with minimal quoting."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)  # type: ignore[arg-type]
    return buffer.getvalue()[:-1]


def _field(value: str) -> str:
    """A text cell as :mod:`csv` writes it among others (quoted only when it must be)."""
    return _row([value, ""])[:-1]
