"""The ALB's nodes as clients reach them: one per AZ, found through DNS.

The load balancer's DNS name resolves to one node per AZ and clients spread
their requests over the addresses they hold. When an AZ fails, its node dies
with it but stays in clients' hands until DNS health checks remove its address
and their cached answers expire (``ingress.dns_removal``); the requests they
send it meanwhile fail. Cross-zone load balancing means the surviving nodes
reach every healthy target, so nothing else is lost at the front door.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from innovate_sim.aws.infrastructure import Zone
from innovate_sim.engine import Simulation, Timer

__all__ = ["LoadBalancerNodes"]


class LoadBalancerNodes:
    """Which ALB nodes clients still send requests to.

    Args:
        sim: the simulation.
        zones: the environment's zones (one ALB node each).
        dns_removal: draws the time from an AZ failure to clients no longer using its node (h).
        on_change: called when the share of requests sent to dead nodes changes.
    """

    def __init__(
        self,
        sim: Simulation,
        zones: list[Zone],
        dns_removal: Callable[[], float],
        on_change: Callable[[], None],
    ) -> None:
        self.sim = sim
        self.zones = zones
        self.dns_removal = dns_removal
        self.on_change = on_change
        self.in_dns = [True] * len(zones)
        self._timers: list[Timer | None] = [None] * len(zones)
        self.events: list[tuple[float, str]] | None = None
        for zone in zones:
            zone.listeners.append(partial(self._zone_changed, zone))

    def _log(self, what: str) -> None:
        if self.events is not None:
            self.events.append((self.sim.now, what))

    def _zone_changed(self, zone: Zone) -> None:
        i = zone.index
        timer = self._timers[i]
        if timer is not None:
            timer.cancel()
            self._timers[i] = None
        if zone.up:
            if not self.in_dns[i]:
                self.in_dns[i] = True
                self._log(f"alb-dns-added:{zone.name}")
            return
        self._log(f"alb-node-down:{zone.name}")
        self._timers[i] = self.sim.after(self.dns_removal(), partial(self._remove, zone))

    def _remove(self, zone: Zone) -> None:
        self._timers[zone.index] = None
        if zone.up:
            return
        self.in_dns[zone.index] = False
        self._log(f"alb-dns-removed:{zone.name}")
        self.on_change()

    def dead_share(self) -> tuple[float, str]:
        """Share of client requests sent to dead ALB nodes, and why those nodes are dead."""
        if all(zone.up for zone in self.zones):
            return 0.0, ""
        listed = [z for z, listed in zip(self.zones, self.in_dns, strict=True) if listed]
        dead = [z for z in listed if not z.up]
        if not dead:
            return 0.0, ""
        return len(dead) / len(listed), dead[0].cause
