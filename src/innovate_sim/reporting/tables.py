"""Tables of results shared by the command line and the report."""

from __future__ import annotations

import pandas as pd

from innovate_sim._frames import iter_rows

__all__ = ["WORST_INCIDENT_COLUMNS", "worst_incidents"]

WORST_INCIDENT_COLUMNS = (
    "replication",
    "environment",
    "cause",
    "start (day)",
    "duration (min)",
    "lost requests",
    "min success",
    "RPO (min)",
)


def worst_incidents(incidents: pd.DataFrame, top: int) -> list[list[str]]:
    """The ``top`` incidents that lost the most requests, formatted as table rows.

    Ties are broken by replication and start time so the table is stable.
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
        ]
        for row in iter_rows(worst)
    ]
