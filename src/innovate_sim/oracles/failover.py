"""Availability of an active primary with a hot standby that fails over.

The model of AVAILABILITY.md §7.6 (e.g. RDS Multi-AZ, whose failovers take
60-120 s): two identical units with independent repair; the service is down
while both are down, and for a fixed outage τ each time the active unit fails
while the standby is up.
"""

from __future__ import annotations

from innovate_sim.oracles._checks import check_non_negative, check_positive_h

__all__ = ["failover_availability", "failover_downtime_min_per_year", "failover_rate"]


def failover_rate(mtbf_h: float, mttr_h: float) -> float:
    """Long-run rate of failovers: λ · P(both units up).

    A failover happens when the active unit fails while the standby is up.
    With independent repair P(both up) = a², a = MTBF/(MTBF + MTTR).

    Args:
        mtbf_h: mean time between failures of each unit, hours, > 0.
        mttr_h: mean time to repair each unit, hours, > 0.

    Returns:
        Failovers per hour (multiply by ``HOURS_PER_YEAR`` for per year).

    Raises:
        ValueError: a time is not a finite positive number of hours.
    """
    mtbf = check_positive_h("mtbf_h", mtbf_h)
    mttr = check_positive_h("mttr_h", mttr_h)
    a = mtbf / (mtbf + mttr)
    return a * a / mtbf


def failover_availability(mtbf_h: float, mttr_h: float, failover_h: float) -> float:
    """Availability of an active primary plus hot standby with failover outages.

    Both units fail and are repaired independently with the same means. The
    service is down while both units are down, and for ``failover_h`` after
    every failure of the active unit while the standby is up:

        U = U_both + λ · P(both up) · τ,   U_both = U², P(both up) = a²,

    and A = 1 − U. This is the *first-order* form of AVAILABILITY.md §7.6: it
    neglects the overlap of a failover outage with further failures and the
    up time lost from P(both up) during failovers, so it is valid only for
    τ ≪ MTBF (and τ ≪ MTTR makes it tighter still). With τ = 0 it is exactly
    the 1-of-2 availability.

    Args:
        mtbf_h: mean time between failures of each unit, hours, > 0.
        mttr_h: mean time to repair each unit, hours, > 0.
        failover_h: outage τ caused by each failover, hours, >= 0
            (90 s is 0.025 h).

    Returns:
        The long-run fraction of time the service is up.

    Raises:
        ValueError: a time is out of range.
    """
    mtbf = check_positive_h("mtbf_h", mtbf_h)
    mttr = check_positive_h("mttr_h", mttr_h)
    tau = check_non_negative("failover_h", failover_h, "hours")
    u = mttr / (mtbf + mttr)
    unavailability = u * u + failover_rate(mtbf, mttr) * tau
    return max(0.0, 1.0 - unavailability)


def failover_downtime_min_per_year(failovers_per_year: float, mean_failover_h: float) -> float:
    """Downtime from failovers alone: failovers per year × mean failover time.

    For example 8.6 failovers a year of 90 s each cost 12.9 minutes a year.

    Args:
        failovers_per_year: expected number of failovers per year, >= 0
            (unplanned plus planned, e.g. maintenance).
        mean_failover_h: mean outage per failover, hours, >= 0.

    Returns:
        Minutes of downtime per year.

    Raises:
        ValueError: a negative or non-finite argument.
    """
    count = check_non_negative("failovers_per_year", failovers_per_year, "failovers")
    duration_h = check_non_negative("mean_failover_h", mean_failover_h, "hours")
    return count * duration_h * 60.0
