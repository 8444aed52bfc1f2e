"""Chaos events: failures a scenario schedules at fixed times (its ``chaos:`` list).

This module reads the scenario's event kinds and calls what each breaks
through the small interfaces below, which the simulated architecture
implements; it knows nothing else of the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Protocol

from innovate_sim.engine import Simulation
from innovate_sim.scenario.failures import ChaosEvent

__all__ = ["Breakable", "ChaosTarget", "schedule_chaos", "schedule_outage"]


class Breakable(Protocol):
    """A component that fails and is repaired (an AZ, a NAT Gateway, a control plane…)."""

    def fail(self) -> None: ...

    def repair(self) -> None: ...


class _Database(Protocol):
    def fail_primary(self) -> None: ...

    def reboot_with_failover(self) -> None: ...


class ChaosTarget(Protocol):
    """What chaos can break in one environment."""

    @property
    def zones(self) -> Sequence[Breakable]: ...

    @property
    def control_plane(self) -> Breakable: ...

    @property
    def database(self) -> _Database | None: ...

    @property
    def cluster(self) -> object | None: ...

    def nat_gateway_for(self, zone: int) -> Breakable | None: ...

    def break_node(self, zone: int, *, spot_only: bool) -> None: ...


def schedule_outage(sim: Simulation, at_h: float, duration_h: float, target: Breakable) -> None:
    """Fail ``target`` at ``at_h`` and repair it ``duration_h`` later."""

    def begin() -> None:
        target.fail()
        sim.after(duration_h, target.repair)

    sim.at(at_h, begin)


def schedule_chaos(
    sim: Simulation,
    events: Sequence[ChaosEvent],
    environments: Mapping[str, ChaosTarget],
    region: Breakable,
) -> None:
    """Schedule every chaos event of a scenario.

    Args:
        sim: the simulation.
        events: the scenario's ``chaos`` list (validated: its environments,
            AZs and components exist).
        environments: the simulated environments by name.
        region: the region (a ``region`` event takes every AZ down).
    """
    for event in events:
        env = environments[event.environment]
        zone = event.az or 0
        duration = event.duration or 0.0
        kind = event.fail
        if kind == "az":
            schedule_outage(sim, event.at, duration, env.zones[zone])
        elif kind == "region":
            schedule_outage(sim, event.at, duration, region)
        elif kind == "nat-gateway":
            nat = env.nat_gateway_for(zone)
            if nat is not None:
                schedule_outage(sim, event.at, duration, nat)
        elif kind == "eks-control-plane":
            schedule_outage(sim, event.at, duration, env.control_plane)
        elif kind == "rds-primary" and env.database is not None:
            sim.at(event.at, env.database.fail_primary)
        elif kind == "rds-reboot-failover" and env.database is not None:
            sim.at(event.at, env.database.reboot_with_failover)
        elif kind in ("node", "spot-interruption") and env.cluster is not None:
            sim.at(event.at, partial(env.break_node, zone, spot_only=kind == "spot-interruption"))
