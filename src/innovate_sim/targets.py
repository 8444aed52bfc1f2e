"""Design targets checked against a simulation's forecasts (the public names in one place).

The catalogue, statistics and verdicts live in
:mod:`innovate_sim.experiments.judging`; their text form (console table,
report rows) in :mod:`innovate_sim.reporting.verdicts`. This module keeps the
names ``innovate_sim.targets.*`` that scripts and notebooks use.
"""

from __future__ import annotations

from innovate_sim.experiments.judging import (
    EXIT_FAIL,
    EXIT_PASS,
    EXIT_UNCERTAIN,
    PLANNED_CAUSES,
    TARGETS,
    Judged,
    TargetKind,
    TargetReport,
    Verdict,
    check_targets,
    judge,
    judged_statistic,
    planned,
    validate_targets,
)
from innovate_sim.formatting import format_value
from innovate_sim.reporting.verdicts import display_rows, render

__all__ = [
    "EXIT_FAIL",
    "EXIT_PASS",
    "EXIT_UNCERTAIN",
    "PLANNED_CAUSES",
    "TARGETS",
    "Judged",
    "TargetKind",
    "TargetReport",
    "Verdict",
    "check_targets",
    "display_rows",
    "format_value",
    "judge",
    "judged_statistic",
    "planned",
    "render",
    "validate_targets",
]
