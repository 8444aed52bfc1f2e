"""The monthly cost table, built from compact records without the per-component rows.

A replication's bill is the scenario's static lines (the same in every
replication) plus its accrued lines: instance-hours and root volumes of the
nodes that ran, and image pulls of the nodes launched. Summed per month,
account, environment and service, the static part is computed once and the
accrued part with array arithmetic per replication, so the table costs a few
bytes per row instead of a DataFrame of every component of every replication
(:attr:`~innovate_sim.experiments.SimulationResult.costs`, still available on
request). Sums agree with summing the per-component rows to float rounding
(relative 1e-15).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from innovate_sim.cost.accrual import accrued_rows, horizon_months, months_of, static_rows
from innovate_sim.cost.estimate import scenario_catalog
from innovate_sim.experiments.records import ReplicationRecord
from innovate_sim.pricing import PriceCatalog
from innovate_sim.scenario import Scenario
from innovate_sim.scenario.cluster import RootVolume
from innovate_sim.units import HOURS_PER_MONTH

__all__ = ["MONTHLY_COST_COLUMNS", "mean_monthly_cost", "monthly_cost_table"]

MONTHLY_COST_COLUMNS = ["replication", "month", "account", "environment", "service", "usd"]

Key = tuple[int, str, str, str]  # (month, account, environment, service)
_NONE = np.empty(0)


class _KeyIndex:
    """Positions of (month, account, environment, service) keys, assigned on first sight."""

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.position: dict[Key, int] = {}
        #: (environment, service) → positions of its months 1, 2, …
        self.months: dict[tuple[str, str], np.ndarray] = {}

    def __call__(self, key: Key) -> int:
        found = self.position.get(key)
        if found is None:
            found = self.position[key] = len(self.keys)
            self.keys.append(key)
        return found


def monthly_cost_table(scenario: Scenario, records: Sequence[ReplicationRecord]) -> pd.DataFrame:
    """USD per replication × month × account × environment × service, sorted by those keys.

    Args:
        scenario: the simulated scenario.
        records: the completed replications' records.
    """
    if not records:
        return pd.DataFrame(columns=MONTHLY_COST_COLUMNS)
    catalog = scenario_catalog(scenario)
    keys = _KeyIndex()
    static_sum = _static_sums(scenario)
    static_at = [keys((int(k[0]), str(k[1]), str(k[2]), str(k[3]))) for k in static_sum.index]
    per_record: list[tuple[np.ndarray, np.ndarray]] = []
    for record in records:
        positions, usd = _accrued(scenario, record, catalog, keys)
        per_record.append((positions, usd))
    size = len(keys.keys)
    base = np.zeros(size)
    base[static_at] = static_sum.to_numpy(float)
    present_static = np.zeros(size, dtype=bool)
    present_static[static_at] = True
    order = sorted(range(size), key=keys.keys.__getitem__)
    months = np.array([keys.keys[i][0] for i in order], dtype=np.int64)
    texts = [np.array([keys.keys[i][j] for i in order], dtype=object) for j in (1, 2, 3)]
    rank = np.empty(size, dtype=np.int64)
    rank[order] = np.arange(size)
    counts, where_col, usd_col = [], [], []
    for index, (positions, usd) in enumerate(per_record):
        total = base.copy()
        np.add.at(total, positions, usd)
        present = present_static.copy()
        present[positions] = True
        where = np.sort(rank[np.flatnonzero(present)]).astype(np.int32)
        usd_sorted = np.empty(size)
        usd_sorted[rank] = total
        per_record[index] = (_NONE, _NONE)  # let the accrued lines go as the table grows
        counts.append(len(where))
        where_col.append(where)
        usd_col.append(usd_sorted[where])
    where = np.concatenate(where_col)
    del where_col
    replications = np.array([r.replication for r in records], dtype=np.int64)
    # copy=False keeps one block per column (no consolidation copy of the whole table)
    return pd.DataFrame(
        {
            "replication": np.repeat(replications, counts),
            "month": months[where],
            "account": texts[0][where],
            "environment": texts[1][where],
            "service": texts[2][where],
            "usd": np.concatenate(usd_col),
        },
        copy=False,
    )


def mean_monthly_cost(
    scenario: Scenario, records: Sequence[ReplicationRecord]
) -> dict[str, pd.Series]:
    """Each replication's mean USD per 730-hour month, per environment and for ``"all"``.

    The totals of :func:`monthly_cost_table` without building it: the static
    lines' sum per environment (once) plus each replication's accrued lines.
    Environments in name order, then ``"all"`` (the whole scenario, with the
    organisation-wide lines that belong to no simulated environment).

    Args:
        scenario: the simulated scenario.
        records: the completed replications' records.
    """
    if not records:
        return {}
    catalog = scenario_catalog(scenario)
    keys = _KeyIndex()
    static_sum = _static_sums(scenario)
    static_by_env: dict[str, float] = {}
    for key, usd in static_sum.items():
        env = str(key[2])  # type: ignore[index]  # (month, account, environment, service)
        static_by_env[env] = static_by_env.get(env, 0.0) + float(usd)
    simulated = {k[0] for r in records for k in r.node_kinds}
    names = sorted(
        static_by_env.keys() | simulated | {k[0] for r in records for k, _ in r.launches}
    )
    code = {name: i for i, name in enumerate(names)}
    base = np.array([static_by_env.get(name, 0.0) for name in names])
    per_env = np.empty((len(records), len(names)))
    env_of_key = np.empty(0, dtype=np.int64)
    for row, record in enumerate(records):
        positions, usd = _accrued(scenario, record, catalog, keys)
        if len(env_of_key) < len(keys.keys):  # new keys seen: extend their environments
            env_of_key = np.array([code[k[2]] for k in keys.keys], dtype=np.int64)
        per_env[row] = base + np.bincount(env_of_key[positions], usd, minlength=len(names))
    months = horizon_months(scenario)
    index = pd.Index([r.replication for r in records], name="replication")
    out = {
        name: pd.Series(per_env[:, i] / months, index=index, name="usd")
        for i, name in enumerate(names)
        if name in scenario.environments
    }
    out["all"] = pd.Series(per_env.sum(axis=1) / months, index=index, name="usd")
    return out


def _static_sums(scenario: Scenario) -> pd.Series:
    """The static lines' USD per (month, account, environment, service)."""
    static = pd.DataFrame(
        list(static_rows(scenario)),
        columns=["month", "account", "environment", "service", "r", "c", "q", "u", "usd"],
    )
    return static.groupby(["month", "account", "environment", "service"])["usd"].sum()


def _accrued(
    scenario: Scenario, record: ReplicationRecord, catalog: PriceCatalog, keys: _KeyIndex
) -> tuple[np.ndarray, np.ndarray]:
    """Key positions and USD of one replication's accrued lines (nodes, root volumes, pulls)."""
    positions: list[np.ndarray] = []
    amounts: list[np.ndarray] = []
    codes, values = record.nodes
    if len(codes):
        kind = codes[:, 0].astype(np.int64)
        month = codes[:, 1].astype(np.int64)
        hours = values[:, 0]
        kinds = record.node_kinds
        envs = list(dict.fromkeys(k[0] for k in kinds))
        env_of = np.array([envs.index(k[0]) for k in kinds], dtype=np.int64)[kind]
        price = np.array([k[5] for k in kinds])
        volumes = [_root_volume(scenario, k[0], k[1]) for k in kinds]
        volume_gb = np.array([float(v.size_gb) for v in volumes])
        volume_usd = np.array([catalog.price("EBS", f"{v.type} storage").usd for v in volumes])
        for service, usd in (
            ("EC2", hours * price[kind]),
            ("EBS", volume_gb[kind] * hours / HOURS_PER_MONTH * volume_usd[kind]),
        ):
            at = np.empty(len(kind), dtype=np.int64)
            for e, env in enumerate(envs):
                rows = env_of == e
                at[rows] = _month_positions(scenario, env, service, keys)[month[rows] - 1]
            positions.append(at)
            amounts.append(usd)
    pulls = accrued_rows(scenario, (), record.launch_counts, catalog)
    if pulls:
        positions.append(np.array([keys((r[0], r[1], r[2], r[3])) for r in pulls], dtype=np.int64))
        amounts.append(np.array([r[8] for r in pulls]))
    if not positions:
        return np.empty(0, dtype=np.int64), np.empty(0)
    return np.concatenate(positions), np.concatenate(amounts)


def _root_volume(scenario: Scenario, environment: str, pool: str) -> RootVolume:
    cluster = scenario.environments[environment].cluster
    assert cluster is not None
    return cluster.node_pools[pool].root_volume


def _month_positions(scenario: Scenario, env: str, service: str, keys: _KeyIndex) -> np.ndarray:
    """Key positions of ``service`` in ``env`` for months 1, 2, … of the horizon."""
    cached = keys.months.get((env, service))
    if cached is None:
        account = scenario.environments[env].account
        cached = keys.months[(env, service)] = np.array(
            [keys((m, account, env, service)) for m in range(1, months_of(scenario) + 1)],
            dtype=np.int64,
        )
    return cached
