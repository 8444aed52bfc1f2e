"""Tables of results shared by the command line and the report."""

from __future__ import annotations

import pandas as pd

from innovate_sim._frames import iter_rows
from innovate_sim.reporting.causes import cause_basis

__all__ = [
    "CAUSE_BASIS_NOTE",
    "DOWNTIME_BY_CAUSE_COLUMNS",
    "EXCLUDED_RISK_COLUMNS",
    "EXCLUDED_RISK_NOTE",
    "WORST_INCIDENT_COLUMNS",
    "downtime_by_cause_rows",
    "excluded_risk_rows",
    "worst_incidents",
]

#: What the basis column of the cause tables means.
CAUSE_BASIS_NOTE = (
    "basis: where the figures of the failure process behind a cause come from; "
    "'assumption, no AWS figure' marks a library default that rests on no AWS publication "
    "(see docs/modelling.md), so that cause's share is as uncertain as the assumption."
)
#: What the excluded-risk table means.
EXCLUDED_RISK_NOTE = (
    "Not simulated (failures.region_outage.enabled: false): a region-wide event takes every AZ "
    "down and a single-region design cannot survive it. Closed-form effect from the scenario's "
    "rate and mean duration; the availability shown is the simulated mean times "
    "MTBF / (MTBF + MTTR) of the region."
)
DOWNTIME_BY_CAUSE_COLUMNS = (
    "environment",
    "cause",
    "incident min/year",
    "lost requests/year",
    "share of lost requests",
    "basis",
)

WORST_INCIDENT_COLUMNS = (
    "replication",
    "environment",
    "cause",
    "start (day)",
    "duration (min)",
    "lost requests",
    "min success",
    "RPO (min)",
    "basis",
)


def worst_incidents(
    incidents: pd.DataFrame, top: int, used: frozenset[str] | None = None
) -> list[list[str]]:
    """The ``top`` incidents that lost the most requests, formatted as table rows.

    Ties are broken by replication and start time so the table is stable.
    ``used`` are the default figures the scenario relies on (for the basis column).
    """
    worst = incidents.sort_values(
        ["lost_requests", "replication", "start_h"], ascending=[False, True, True]
    ).head(top)
    return [
        [
            str(int(row.replication)),
            str(row.environment),
            str(row.cause),
            f"{row.start_h / 24:.2f}",
            f"{row.duration_min:.2f}",
            f"{row.lost_requests:,.0f}",
            f"{row.min_success_fraction * 100:.1f}%",
            f"{row.rpo_min:.2f}",
            cause_basis(str(row.cause), used),
        ]
        for row in iter_rows(worst)
    ]


def downtime_by_cause_rows(
    by_cause: pd.DataFrame, years: float, used: frozenset[str] | None = None
) -> list[list[str]]:
    """Mean incident minutes and lost requests per year by cause, as table rows.

    Args:
        by_cause: ``SimulationResult.downtime_by_cause``.
        years: the horizon in years.
        used: the default figures the scenario relies on (for the basis column).
    """
    means = by_cause.groupby(["environment", "cause"], as_index=False, sort=False)[
        ["incident_min", "lost_requests"]
    ].mean()
    rows = []
    for env, group in means.groupby("environment", sort=False):
        total = group["lost_requests"].sum()
        ordered = group.sort_values(["lost_requests", "cause"], ascending=[False, True])
        for row in iter_rows(ordered):
            share = row.lost_requests / total if total > 0 else 0.0
            rows.append(
                [
                    str(env),
                    str(row.cause),
                    f"{row.incident_min / years:,.2f}",
                    f"{row.lost_requests / years:,.0f}",
                    f"{share * 100:.1f}%",
                    cause_basis(str(row.cause), used),
                ]
            )
    return rows


EXCLUDED_RISK_COLUMNS = (
    "environment",
    "risk (not simulated)",
    "assumed rate",
    "mean duration",
    "would add (min/year)",
    "request availability with it",
)


def excluded_risk_rows(excluded: pd.DataFrame, availability: pd.DataFrame) -> list[list[str]]:
    """The excluded risks with their closed-form effect on the mean request availability.

    Args:
        excluded: ``SimulationResult.excluded_risks``.
        availability: ``SimulationResult.availability``.
    """
    means = availability.groupby("environment")["request_availability"].mean()
    return [
        [
            str(row.environment),
            str(row.risk),
            f"{row.rate_per_year:g}/year",
            f"{row.mean_duration_h:g} h",
            f"{row.downtime_min_per_year:,.1f}",
            f"{means[row.environment] * row.availability_factor * 100:.4f}% "
            f"(simulated {means[row.environment] * 100:.4f}%)",
        ]
        for row in iter_rows(excluded)
    ]
