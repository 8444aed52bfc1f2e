"""Compact per-replication records: what a finished replication keeps in the main process.

A :class:`~innovate_sim.experiments.replication.ReplicationOutcome` holds
Python objects — a dict per environment and incident, a dataclass per node
kind and month — about 100 KiB for a ten-year replication. An experiment of
tens of thousands of replications keeps only the :class:`ReplicationRecord`
of each: the same figures as rows of small numeric arrays whose text columns
(environment, pool, workload…) are indices into short tuples, about 20 KiB
for the same replication. Workers compact their outcomes before sending them,
so the records are also what crosses process boundaries.

Rows keep the outcome's order, so every table built from the records is the
one the outcomes would have given.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from innovate_sim.cost.accrual import NodeUsage
from innovate_sim.experiments.replication import ReplicationOutcome

__all__ = ["AVAILABILITY_FIELDS", "INCIDENT_FIELDS", "ReplicationRecord", "Rows", "compact"]

#: A table of a record: integer codes and float values, one row each per outcome row.
Rows = tuple[np.ndarray, np.ndarray]

#: Keys of an outcome's per-environment totals, in table order.
AVAILABILITY_FIELDS = (
    "environment",
    "horizon_h",
    "demand_requests",
    "served_requests",
    "lost_requests",
    "request_availability",
    "time_availability",
    "full_outage_min",
    "degraded_min",
    "below_threshold_min",
    "incidents",
    "egress_availability",
    "egress_any_az_availability",
    "database_availability",
)
#: Keys of an outcome's incidents, in table order.
INCIDENT_FIELDS = (
    "environment",
    "incident",
    "cause",
    "causes",
    "start_h",
    "end_h",
    "duration_min",
    "lost_requests",
    "min_success_fraction",
    "rpo_min",
)


@dataclass(frozen=True, eq=False, slots=True)
class ReplicationRecord:
    """One replication's results, compact.

    Attributes:
        replication: its number.
        error: the exception text if it failed (the other fields are then empty).
        wall_time_s: seconds it took.
        events: simpy events processed (like ``wall_time_s``, by the run that simulated
            it, when several scenarios share the replication).
        availability_values: per environment, the values of :data:`AVAILABILITY_FIELDS`.
        incident_values: per incident, the values of :data:`INCIDENT_FIELDS`.
        lost_by_cause: (environment, cause, lost requests).
        counters: component counts per environment.
        launches: node launches by (environment, month, AZ index).
        names: the text values the arrays below refer to by index.
        monthly: rows (environment index, month) and (demand requests, lost requests).
        node_kinds: (environment, pool, zone, instance type, capacity type, USD/h) of each kind.
        nodes: rows (node kind index, month) and (hours,).
        allocation: rows (environment index, month, workload index) and (USD,).

    Each table is a pair of arrays with one row per outcome row: 32-bit
    integer codes and 64-bit float values (so no figure is rounded).
    """

    replication: int
    error: str | None = None
    wall_time_s: float = 0.0
    events: int = 0
    availability_values: tuple[tuple[Any, ...], ...] = ()
    incident_values: tuple[tuple[Any, ...], ...] = ()
    lost_by_cause: tuple[tuple[str, str, float], ...] = ()
    counters: tuple[dict[str, Any], ...] = ()
    launches: tuple[tuple[tuple[str, int, int], int], ...] = ()
    names: tuple[str, ...] = ()
    monthly: Rows = field(default_factory=lambda: _split([], 2, 4))
    node_kinds: tuple[tuple[str, str, int, str, str, float], ...] = ()
    nodes: Rows = field(default_factory=lambda: _split([], 2, 3))
    allocation: Rows = field(default_factory=lambda: _split([], 3, 4))

    # -- the outcome's rows, rebuilt -------------------------------------------------------------

    @property
    def environments(self) -> list[dict[str, Any]]:
        """The per-environment totals as the outcome had them (keys :data:`AVAILABILITY_FIELDS`)."""
        return [dict(zip(AVAILABILITY_FIELDS, v, strict=True)) for v in self.availability_values]

    @property
    def incidents(self) -> list[dict[str, Any]]:
        """The incidents as the outcome had them (keys :data:`INCIDENT_FIELDS`)."""
        return [dict(zip(INCIDENT_FIELDS, v, strict=True)) for v in self.incident_values]

    def monthly_rows(self) -> Iterator[tuple[str, int, float, float]]:
        """(environment, month, demand requests, lost requests)."""
        names = self.names
        codes, values = self.monthly
        for (env, month), (demand, lost) in zip(codes.tolist(), values.tolist(), strict=True):
            yield names[env], month, demand, lost

    def node_usage(self) -> Iterator[NodeUsage]:
        """Node-hours by month and kind, in the outcome's order."""
        kinds = self.node_kinds
        codes, values = self.nodes
        for (kind, month), (hours,) in zip(codes.tolist(), values.tolist(), strict=True):
            env, pool, zone, itype, capacity, price = kinds[kind]
            yield NodeUsage(month, env, pool, zone, itype, capacity, price, hours)

    def allocation_rows(self) -> Iterator[tuple[str, int, str, float]]:
        """(environment, month, workload, USD) of the OpenCost allocation."""
        names = self.names
        codes, values = self.allocation
        for (env, month, workload), (usd,) in zip(codes.tolist(), values.tolist(), strict=True):
            yield names[env], month, names[workload], usd

    @property
    def timeline(self) -> None:
        """Records keep no per-event history (``SimulationResult.timeline(r)`` re-simulates)."""
        return None

    @property
    def launch_counts(self) -> dict[tuple[str, int, int], int]:
        """Node launches by (environment, month, AZ index)."""
        return dict(self.launches)


def compact(outcome: ReplicationOutcome | ReplicationRecord) -> ReplicationRecord:
    """The compact record of an outcome (a record is returned as it is)."""
    if isinstance(outcome, ReplicationRecord):
        return outcome
    index: dict[str, int] = {}

    def code(name: str) -> int:
        return index.setdefault(name, len(index))

    kinds: dict[tuple[str, str, int, str, str, float], int] = {}
    nodes = [
        (
            kinds.setdefault(
                (
                    n.environment,
                    n.pool,
                    n.zone,
                    n.instance_type,
                    n.capacity_type,
                    n.price_usd_per_hour,
                ),
                len(kinds),
            ),
            n.month,
            n.hours,
        )
        for n in outcome.nodes
    ]
    monthly = [(code(env), month, demand, lost) for env, month, demand, lost in outcome.monthly]
    allocation = [
        (code(env), month, code(workload), usd) for env, month, workload, usd in outcome.allocation
    ]
    return ReplicationRecord(
        replication=outcome.replication,
        error=outcome.error,
        wall_time_s=outcome.wall_time_s,
        events=outcome.events,
        availability_values=tuple(
            tuple(env[key] for key in AVAILABILITY_FIELDS) for env in outcome.environments
        ),
        incident_values=tuple(tuple(i[key] for key in INCIDENT_FIELDS) for i in outcome.incidents),
        lost_by_cause=tuple(outcome.lost_by_cause),
        counters=tuple(outcome.counters),
        launches=tuple(outcome.launches.items()),
        names=tuple(index),
        monthly=_split(monthly, 2, 4),
        node_kinds=tuple(kinds),
        nodes=_split(nodes, 2, 3),
        allocation=_split(allocation, 3, 4),
    )


def _split(rows: list[tuple[Any, ...]], codes: int, width: int) -> Rows:
    """Rows as (int32 array of the first ``codes`` columns, float64 array of the others)."""
    table = np.array(rows, dtype=float).reshape(len(rows), width)
    return table[:, :codes].astype(np.int32), np.ascontiguousarray(table[:, codes:])
