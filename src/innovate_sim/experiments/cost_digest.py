"""The monthly cost table reduced to what reports, target checks and comparisons read.

The table itself has a row per replication × month × account × environment ×
service (about 1,000 rows per replication of a ten-year scenario); tens of
thousands of replications do not fit in memory as a DataFrame. A
:class:`MonthlyCostDigest` is built from the table one piece of replications
at a time (:meth:`~innovate_sim.experiments.SimulationResult.pieces`) and
keeps only:

- the total of every replication and month (what the growth plot and the
  CI on a month's total read): the whole table's sums up to the last bit (a
  piece of one replication is grouped, and so summed, in another order:
  relative differences of 1e-16, invisible in a figure or an interval);
- the USD of every (replication, account, environment) in the first and the
  last month (the report's cost table), exactly as well;
- the USD per month and service summed over replications (the stacked bars):
  pieces' sums added, which differs from summing the whole column at once by
  float rounding only (relative 1e-15, invisible in a figure);
- the :class:`ScopeCosts` that target checks, comparisons and the uncertainty
  analysis read: every replication's USD per environment and per account,
  the floats the whole table's group sums give (see there).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

__all__ = ["Digester", "MonthlyCostDigest", "Scope", "ScopeCosts", "digest_costs"]

_EDGE_KEYS = ["replication", "month", "account", "environment"]
_SERVICE_KEYS = ["month", "account", "environment", "service"]

#: The column a cost scope names: an environment or an account (all its environments).
Scope = Literal["environment", "account"]
_SCOPES: tuple[Scope, ...] = ("environment", "account")


@dataclass(frozen=True)
class ScopeCosts:
    """Every replication's USD per environment and per account, per month and in all.

    What target checks, comparisons and the uncertainty analysis read of the
    monthly cost table. Every figure but ``services`` is computed by the
    pandas group sum those readers ran on the whole table, on the same rows
    in the same order, so it is the same float: pandas adds a group with
    ``numpy.add.reduceat`` when the rows come sorted by group and with
    compensated summation otherwise, so the float depends on how the rows
    are grouped, not only on which rows are added (a piece is grouped as the
    whole table is: ``environments`` relies on every replication billing the
    same environments, which each environment's fixed monthly lines ensure;
    and no cost is NaN). ``services`` adds the pieces' sums (float rounding,
    relative 1e-15).

    Attributes:
        months: per scope: USD indexed by (the scope's name, ``replication``,
            ``month``): the rows of the name summed by replication and month.
        totals: per scope: USD indexed by (the scope's name, ``replication``):
            the rows of the name summed by replication.
        environments: USD indexed by (``replication``, ``environment``): the
            whole table summed by replication and environment.
        replications: USD per replication: the whole table summed by replication.
        services: USD per (``month``, ``account``, ``environment``,
            ``service``) summed over replications.
    """

    months: dict[Scope, pd.Series]
    totals: dict[Scope, pd.Series]
    environments: pd.Series
    replications: pd.Series
    services: pd.Series

    def covers(self, by: Scope, name: str) -> bool:
        """Whether environment or account ``name`` has any cost row."""
        return name in self.totals[by].index.get_level_values(0)

    def month_table(self, by: Scope, name: str) -> pd.DataFrame:
        """USD per replication (rows) × month (columns) of ``name``.

        Only replications and months with rows of ``name`` appear (a missing
        cell is NaN), as in a pivot of the table's rows of ``name``.
        """
        if not self.covers(by, name):
            return pd.DataFrame(index=pd.Index([], name="replication"))
        return self.months[by].xs(name, level=0).unstack("month")

    def over_horizon(self, by: Scope, name: str) -> pd.Series:
        """USD of ``name`` over the whole horizon, per replication that has rows of it."""
        if not self.covers(by, name):
            return pd.Series(index=pd.Index([], name="replication"), dtype=float)
        return self.totals[by].xs(name, level=0)

    def by_service(self, by: Scope, name: str, months: Iterable[int] | None = None) -> pd.Series:
        """USD of ``name`` per service summed over replications (and ``months``, default all)."""
        services = self.services
        keep = services.index.get_level_values(by) == name
        if months is not None:
            keep &= services.index.get_level_values("month").isin(list(months))
        return services[keep].groupby(level="service").sum()


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
        scopes: every replication's USD per environment and per account.
    """

    replications: int
    totals: pd.DataFrame
    by_service: pd.DataFrame
    edges: pd.DataFrame
    scopes: ScopeCosts

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
        self._scopes = _ScopeSums()

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
        self._scopes.add(piece)

    def digest(self) -> MonthlyCostDigest:
        """The digest of every piece added so far."""
        if self._by_service is None:
            empty = pd.DataFrame()
            edges = pd.DataFrame(columns=[*_EDGE_KEYS, "usd"])
            return MonthlyCostDigest(0, empty, empty, edges, self._scopes.costs())
        month_totals = pd.concat(self._totals, axis=1).sort_index().fillna(0.0)
        edges = pd.concat(self._edges, ignore_index=True)
        first, last = edges["month"].min(), edges["month"].max()
        edges = edges[edges["month"].isin([first, last])].reset_index(drop=True)
        return MonthlyCostDigest(
            self._replications,
            month_totals,
            self._by_service.sort_index(),
            edges,
            self._scopes.costs(),
        )


class _ScopeSums:
    """Builds :class:`ScopeCosts` piece by piece (see there for why each sum is grouped so)."""

    def __init__(self) -> None:
        self._months: dict[Scope, dict[str, list[pd.Series]]] = {by: {} for by in _SCOPES}
        self._totals: dict[Scope, dict[str, list[pd.Series]]] = {by: {} for by in _SCOPES}
        self._environments: list[pd.Series] = []
        self._replications: list[pd.Series] = []
        self._services: pd.Series | None = None

    def add(self, piece: pd.DataFrame) -> None:
        """Take in the rows of some replications (all of each replication's rows)."""
        for by in _SCOPES:
            for name, rows in piece.groupby(by, sort=False):  # each name's rows, in order
                usd = rows["usd"]
                months = usd.groupby([rows["replication"], rows["month"]]).sum()
                self._months[by].setdefault(str(name), []).append(months)
                totals = usd.groupby(rows["replication"]).sum()
                self._totals[by].setdefault(str(name), []).append(totals)
        self._environments.append(piece.groupby(["replication", "environment"])["usd"].sum())
        self._replications.append(piece.groupby("replication")["usd"].sum())
        services = piece.groupby(_SERVICE_KEYS)["usd"].sum()
        known = self._services
        self._services = services if known is None else known.add(services, fill_value=0.0)

    def costs(self) -> ScopeCosts:
        """The scope costs of every piece added so far."""
        return ScopeCosts(
            {by: _by_name(self._months[by], by) for by in _SCOPES},
            {by: _by_name(self._totals[by], by) for by in _SCOPES},
            _joined(self._environments, ["replication", "environment"]),
            _joined(self._replications, ["replication"]),
            _joined([] if self._services is None else [self._services], _SERVICE_KEYS),
        )


def _by_name(parts: dict[str, list[pd.Series]], by: Scope) -> pd.Series:
    """Each name's pieces joined, under a first index level ``by`` (sorted)."""
    if not parts:
        return _joined([], [by, "replication"])
    joined = {name: pd.concat(series) for name, series in sorted(parts.items())}
    return pd.concat(joined, names=[by]).sort_index()


def _joined(parts: list[pd.Series], keys: list[str]) -> pd.Series:
    """The pieces' group sums as one Series sorted by ``keys`` (empty, so indexed, without any)."""
    if parts:
        return pd.concat(parts).sort_index()
    if len(keys) == 1:
        return pd.Series(index=pd.Index([], name=keys[0]), dtype=float)
    return pd.Series(index=pd.MultiIndex.from_arrays([[]] * len(keys), names=keys), dtype=float)
