"""Internet egress through NAT Gateways across Availability Zones.

The model of DESIGN §3.4: an environment spans ``n_az`` AZs, each up
independently with availability ``az_a``; each NAT Gateway has its own
failure process, up with availability ``nat_a`` independently of its AZ, and
is down whenever its AZ is down. An AZ *has egress* when the AZ itself is up
and its route leads to a NAT Gateway that is up and whose AZ is up.

- ``per_az``: one NAT Gateway in each AZ, each AZ routing to its own. AZ i
  has egress with probability ``az_a · nat_a``, independently of the others.
- ``single``: one NAT Gateway in one AZ (the "NAT AZ") shared by every AZ.
  The NAT AZ has egress with probability ``az_a · nat_a``; any other AZ with
  probability ``az_a · nat_a · az_a`` (itself, the NAT AZ and the NAT must
  be up), and all AZs lose egress together when the NAT or its AZ is down.
- ``none``: no NAT Gateway; no AZ has egress.

A workload may need egress for only a share ``e`` of its requests; its pods
in an AZ without egress still serve the rest (:func:`egress_request_availability`).
"""

from __future__ import annotations

from typing import Literal

from innovate_sim.oracles._checks import check_availability, check_count
from innovate_sim.scenario.network import NatPlacement

__all__ = [
    "NatMode",
    "egress_availability",
    "egress_request_availability",
    "per_az_egress_fraction",
]

NatMode = Literal["per_az", "single", "none"] | NatPlacement


def egress_availability(az_a: float, nat_a: float, n_az: int, mode: NatMode) -> float:
    """Probability that at least one AZ has internet egress.

    - ``per_az``: 1 − (1 − az_a · nat_a)^n_az (independent parallel paths).
    - ``single``: az_a · nat_a (the NAT and its AZ are in series, whatever
      ``n_az``; when they are up the NAT AZ itself has egress).
    - ``none``: 0.

    Args:
        az_a: availability of one AZ, a fraction in [0, 1].
        nat_a: availability of one NAT Gateway from its own failures (on top
            of its AZ's outages), a fraction in [0, 1].
        n_az: number of AZs the environment spans, >= 1.
        mode: ``"per_az"``, ``"single"`` or ``"none"`` (or a :class:`NatPlacement`).

    Returns:
        The long-run fraction of time some AZ can reach the internet.

    Raises:
        ValueError: an availability outside [0, 1], ``n_az`` < 1 or an
            unknown mode.
    """
    az, nat, n, placement = _check(az_a, nat_a, n_az, mode)
    if placement is NatPlacement.PER_AZ:
        return 1.0 - (1.0 - az * nat) ** n
    if placement is NatPlacement.SINGLE:
        return az * nat
    return 0.0


def per_az_egress_fraction(az_a: float, nat_a: float, n_az: int, mode: NatMode) -> float:
    """Expected fraction of AZs that have internet egress at a random instant.

    This is the share of egress-dependent capacity that works when load is
    spread evenly over the AZs.

    - ``per_az``: az_a · nat_a (each AZ on its own).
    - ``single``: az_a · nat_a · (1 + (n_az − 1) · az_a) / n_az, the mean of
      az_a · nat_a for the NAT AZ and az_a · nat_a · az_a for each other AZ.
    - ``none``: 0.

    Args:
        az_a: availability of one AZ, a fraction in [0, 1].
        nat_a: availability of one NAT Gateway from its own failures (on top
            of its AZ's outages), a fraction in [0, 1].
        n_az: number of AZs the environment spans, >= 1.
        mode: ``"per_az"``, ``"single"`` or ``"none"`` (or a :class:`NatPlacement`).

    Returns:
        The expected fraction of AZs with egress, in [0, 1].

    Raises:
        ValueError: an availability outside [0, 1], ``n_az`` < 1 or an
            unknown mode.
    """
    az, nat, n, placement = _check(az_a, nat_a, n_az, mode)
    if placement is NatPlacement.PER_AZ:
        return az * nat
    if placement is NatPlacement.SINGLE:
        return az * nat * (1.0 + (n - 1) * az) / n
    return 0.0


def egress_request_availability(
    az_a: float, nat_a: float, n_az: int, mode: NatMode, egress_share: float
) -> float:
    """Long-run share of a workload's requests served when a share of them needs egress.

    Requests go only to pods in AZs that are up (the ALB drops a dead AZ at
    once), capacity suffices in any AZ that is up, and a pod in an AZ without
    egress serves the ``1 − e`` of its requests that need none. Given the AZs
    that are up, the served share is ``1 − e · (share of those requests routed
    to AZs without egress)``; with no AZ up, nothing is served. Hence, with
    ``a`` = ``az_a``, ``g`` = ``nat_a`` and ``n`` = ``n_az``:

    - ``per_az``: (1 − (1 − a)^n) · (1 − e (1 − g)) — each up AZ's own gateway
      is up with probability g, whatever the others do, so the expected share
      of requests without egress is 1 − g however pods are spread.
    - ``single``: a (1 − e (1 − g)) + (1 − a)(1 − (1 − a)^(n−1))(1 − e) — with
      the gateway's AZ up, every up AZ has egress exactly when the gateway is
      up; with it down, no AZ has.
    - ``none``: (1 − (1 − a)^n)(1 − e).

    Args:
        az_a: availability of one AZ, a fraction in [0, 1].
        nat_a: availability of one NAT Gateway from its own failures, in [0, 1].
        n_az: number of AZs, >= 1.
        mode: ``"per_az"``, ``"single"`` or ``"none"`` (or a :class:`NatPlacement`).
        egress_share: e, the share of the workload's requests that need egress, in [0, 1].

    Returns:
        The expected share of the workload's requests served.

    Raises:
        ValueError: an availability or share outside [0, 1], ``n_az`` < 1 or an
            unknown mode.
    """
    a, g, n, placement = _check(az_a, nat_a, n_az, mode)
    e = check_availability("egress_share", egress_share)
    any_up = 1.0 - (1.0 - a) ** n
    if placement is NatPlacement.PER_AZ:
        return any_up * (1.0 - e * (1.0 - g))
    if placement is NatPlacement.SINGLE:
        others_up = 1.0 - (1.0 - a) ** (n - 1)
        return a * (1.0 - e * (1.0 - g)) + (1.0 - a) * others_up * (1.0 - e)
    return any_up * (1.0 - e)


def _check(
    az_a: float, nat_a: float, n_az: int, mode: NatMode
) -> tuple[float, float, int, NatPlacement]:
    try:
        placement = NatPlacement(mode)
    except ValueError:
        valid = ", ".join(repr(p.value) for p in NatPlacement)
        raise ValueError(f"mode must be one of {valid}; got {mode!r}") from None
    return (
        check_availability("az_a", az_a),
        check_availability("nat_a", nat_a),
        check_count("n_az", n_az),
        placement,
    )
