"""The monthly cost table reduced to what the report's cost section and plots read.

The table itself has a row per replication × month × account × environment ×
service (about 1,000 rows per replication of a ten-year scenario); tens of
thousands of replications do not fit in memory as a DataFrame. A
:class:`MonthlyCostDigest` is built from the table one piece of replications
at a time (:meth:`~innovate_sim.experiments.SimulationResult.pieces`) and
keeps only:

- the total of every replication and month (what the growth plot and the
  CI on a month's total read), exactly the sums over the whole table;
- the USD of every (replication, account, environment) in the first and the
  last month (the report's cost table), exactly as well;
- the USD per month and service summed over replications (the stacked bars):
  pieces' sums added, which differs from summing the whole column at once by
  float rounding only (relative 1e-15, invisible in a figure).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

__all__ = ["Digester", "MonthlyCostDigest", "digest_costs"]

_EDGE_KEYS = ["replication", "month", "account", "environment"]


@dataclass(frozen=True)
class MonthlyCostDigest:
    """What is read of a monthly cost table to report it.

    Attributes:
        replications: how many replications have cost rows.
        totals: USD per month (rows, sorted) and replication (columns); a
            replication without rows in a month counts 0.
        by_service: USD per month (rows) and service (columns), summed over replications.
        edges: USD per replication × month × account × environment, in the
            first and the last month only (columns ``replication``, ``month``,
            ``account``, ``environment``, ``usd``; rows sorted by those keys).
    """

    replications: int
    totals: pd.DataFrame
    by_service: pd.DataFrame
    edges: pd.DataFrame

    @property
    def empty(self) -> bool:
        """True when the table had no rows."""
        return self.replications == 0


def digest_costs(pieces: Iterable[pd.DataFrame]) -> MonthlyCostDigest:
    """Digest a monthly cost table given as pieces that hold whole replications.

    Args:
        pieces: the table's rows (columns ``replication``, ``month``,
            ``account``, ``environment``, ``service``, ``usd``) cut between
            replications; each replication's rows in one piece.
    """
    digester = Digester()
    for piece in pieces:
        digester.add(piece)
    return digester.digest()


class Digester:
    """Builds a :class:`MonthlyCostDigest` piece by piece (see :func:`digest_costs`)."""

    def __init__(self) -> None:
        self._totals: list[pd.DataFrame] = []
        self._by_service: pd.DataFrame | None = None
        self._edges: list[pd.DataFrame] = []
        self._replications = 0

    def add(self, piece: pd.DataFrame) -> None:
        """Take in the rows of some replications (all of each replication's rows)."""
        if piece.empty:
            return
        self._replications += piece["replication"].nunique()
        totals = piece.groupby(["month", "replication"])["usd"].sum().unstack("replication")
        self._totals.append(totals)
        sums = piece.groupby(["month", "service"])["usd"].sum().unstack("service")
        by_service = self._by_service
        self._by_service = sums if by_service is None else by_service.add(sums, fill_value=0.0)
        months = piece["month"]
        ends = piece[(months == months.min()) | (months == months.max())]
        self._edges.append(ends.groupby(_EDGE_KEYS, as_index=False)["usd"].sum())

    def digest(self) -> MonthlyCostDigest:
        """The digest of every piece added so far."""
        if self._by_service is None:
            empty = pd.DataFrame()
            return MonthlyCostDigest(0, empty, empty, pd.DataFrame(columns=[*_EDGE_KEYS, "usd"]))
        month_totals = pd.concat(self._totals, axis=1).sort_index().fillna(0.0)
        edges = pd.concat(self._edges, ignore_index=True)
        first, last = edges["month"].min(), edges["month"].max()
        edges = edges[edges["month"].isin([first, last])].reset_index(drop=True)
        return MonthlyCostDigest(
            self._replications, month_totals, self._by_service.sort_index(), edges
        )
