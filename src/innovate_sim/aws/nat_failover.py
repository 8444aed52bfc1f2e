"""The operator's remedy for a failed NAT Gateway: re-point the AZ's route table.

With one gateway per AZ, an AZ whose own gateway fails (the AZ itself still
up) loses internet egress. After ``after`` — the time to notice and act — its
private route table is pointed at a working gateway in another AZ; it is
pointed back as soon as its own gateway returns. The model keeps the remedy
deliberately simple: the first working gateway in AZ order is chosen, and a
route that fails over to a gateway that later fails waits another ``after``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from innovate_sim.aws.infrastructure import Egress
from innovate_sim.engine import Simulation, Timer

__all__ = ["NatFailover"]


class NatFailover:
    """Route-table failover between the NAT Gateways of an environment's AZs.

    Args:
        sim: the simulation.
        egress: the environment's egress routes (one gateway per AZ).
        after_h: time from a gateway failure to the route change (hours).
    """

    def __init__(self, sim: Simulation, egress: Egress, after_h: float) -> None:
        self.sim = sim
        self.egress = egress
        self.after_h = after_h
        self.on_change: list[Callable[[], None]] = []
        self.events: list[tuple[float, str]] | None = None
        self._pending: list[Timer | None] = [None] * len(egress.zones)
        for gateway in egress.gateways:
            gateway.listeners.append(self._changed)
        for zone in egress.zones:
            zone.listeners.append(self._changed)

    def _log(self, what: str) -> None:
        if self.events is not None:
            self.events.append((self.sim.now, what))

    def _changed(self) -> None:
        """A gateway or zone changed: fail back at once, arm failovers for newly cut AZs."""
        moved = False
        for index, zone in enumerate(self.egress.zones):
            if index in self.egress.rerouted:
                target = self.egress.rerouted.pop(index)
                own = self.egress.gateway_for(index)
                if own is not None and own.up:
                    self._log(f"nat-failback:{zone.name}")
                    moved = True
                else:
                    self.egress.rerouted[index] = target
            gateway = self.egress.gateway_for(index)
            cut = zone.up and gateway is not None and not gateway.up
            if cut and self._pending[index] is None:
                self._pending[index] = self.sim.after(self.after_h, partial(self._fail_over, index))
        if moved:
            self._notify()

    def _fail_over(self, index: int) -> None:
        self._pending[index] = None
        zone = self.egress.zones[index]
        gateway = self.egress.gateway_for(index)
        if not zone.up or gateway is None or gateway.up:
            return
        target = next((g for g in self.egress.gateways if g.up), None)
        if target is None:
            return  # nothing to fail over to; the next change re-arms
        self.egress.rerouted[index] = target.zone.index
        self._log(f"nat-failover:{zone.name}->{target.zone.name}")
        self._notify()

    def _notify(self) -> None:
        for listener in list(self.on_change):
            listener()
