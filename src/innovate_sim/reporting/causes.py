"""Where the figures behind each incident cause come from.

A cause's losses are only as good as the failure process that drives them.
Where that process runs on the library's defaults and those are assumptions
— worse, assumptions with no AWS figure to rest on — every table that
reports the cause says so, next to it.
"""

from __future__ import annotations

from innovate_sim.reporting.assumptions import applicable_defaults
from innovate_sim.scenario import Scenario
from innovate_sim.scenario.defaults import DEFAULTS

__all__ = ["CAUSE_FIGURES", "NO_AWS_FIGURE", "cause_basis", "used_defaults"]

#: The default figures (rate, duration) of the failure process behind each cause.
CAUSE_FIGURES: dict[str, tuple[str, ...]] = {
    "az-outage": ("failures.az_outage.rate", "failures.az_outage.duration"),
    "nat-failure": ("failures.nat_gateway.rate", "failures.nat_gateway.duration"),
    "node-failure": ("failures.node.rate",),
    "eks-control-plane": ("failures.eks_control_plane.rate", "failures.eks_control_plane.duration"),
    "rds-failover": ("failures.rds_instance.rate",),
    "rds-maintenance": (
        "database.maintenance.os_patch_rate",
        "database.maintenance.engine_upgrade_rate",
        "database.maintenance.engine_upgrade_duration",
    ),
    "spot-interruption": ("failures.spot_interruption.rate",),
}

#: Basis of a cause whose default figures rest on no AWS publication at all.
NO_AWS_FIGURE = "assumption, no AWS figure"


def used_defaults(scenario: Scenario) -> frozenset[str]:
    """Keys of the default figures ``scenario`` relies on somewhere."""
    return frozenset(applied.default.key for applied in applicable_defaults(scenario)[0])


def cause_basis(cause: str, used: frozenset[str] | None = None) -> str:
    """How the figures behind ``cause`` are grounded, for a table cell.

    Args:
        cause: an incident cause (``nat-failure``, ``az-outage``…).
        used: the default figures the scenario relies on (:func:`used_defaults`);
            figures it sets itself are its own (``scenario``), not the library's
            assumptions. ``None`` takes every default as used.

    Returns:
        ``"assumption, no AWS figure"``, ``"assumption"``, ``"sourced"``,
        ``"scenario"``, or ``""`` for causes no failure process drives
        (capacity shortfalls, consolidation, expiry).
    """
    keys = CAUSE_FIGURES.get(cause)
    if not keys:
        return ""
    if used is not None:
        keys = tuple(k for k in keys if k in used)
        if not keys:
            return "scenario"
    entries = [DEFAULTS[k] for k in keys]
    if any(e.no_aws_figure for e in entries):
        return NO_AWS_FIGURE
    if any(e.assumption for e in entries):
        return "assumption"
    return "sourced"
