"""Zonal infrastructure: Availability Zones, NAT Gateways, egress routes, the EKS control plane.

Components hold a state and a list of listeners; a failure process changes the
state and the component tells its dependents (the SimPy machine-shop pattern,
with interrupts replaced by direct notifications where no process is waiting).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from innovate_sim.rng import Stream
from innovate_sim.scenario.network import HealthCheck
from innovate_sim.units import zone_name
from innovate_sim.workload.topology import Topology

__all__ = ["AlbDetection", "ControlPlane", "Egress", "NatGateway", "Region", "Zone"]

Listener = Callable[[], None]


@dataclass(eq=False)
class Region:
    """The region: a region-wide event takes every zone down at once."""

    up: bool = True
    cause: str = ""
    zones: list[Zone] = field(default_factory=list)

    def set_up(self, up: bool, cause: str = "region-outage") -> None:
        """Change the region's state and propagate it to every zone."""
        if up == self.up:
            return
        self.up = up
        self.cause = "" if up else cause
        for zone in self.zones:
            zone._changed()

    def fail(self) -> None:
        """A region-wide outage begins."""
        self.set_up(False)

    def repair(self) -> None:
        """A region-wide outage ends."""
        self.set_up(True)


@dataclass(eq=False)
class Zone:
    """An Availability Zone of one environment's VPC.

    Overlapping outages (a random one and a chaos event) are counted, so the
    zone comes back only when the last of them ends.
    """

    index: int
    region: Region
    down_count: int = 0
    own_cause: str = ""
    outages: int = 0
    listeners: list[Listener] = field(default_factory=list)

    @property
    def own_up(self) -> bool:
        return self.down_count == 0

    @property
    def name(self) -> str:
        """'az-a', 'az-b', …"""
        return zone_name(self.index)

    up: bool = True
    """Whether the zone works (its own state and the region's); kept current by ``_changed``."""

    @property
    def cause(self) -> str:
        """Why the zone is down: 'az-outage' or 'region-outage'."""
        if not self.region.up:
            return self.region.cause
        return self.own_cause

    def fail(self, cause: str = "az-outage") -> None:
        """An outage of the zone begins."""
        if self.down_count == 0:
            self.own_cause = cause
            self.outages += 1
        self.down_count += 1
        self._changed()

    def repair(self) -> None:
        """An outage of the zone ends."""
        self.down_count = max(0, self.down_count - 1)
        if self.down_count == 0:
            self.own_cause = ""
        self._changed()

    def _changed(self) -> None:
        up = self.down_count == 0 and self.region.up
        if up == self.up:
            return
        self.up = up
        for listener in list(self.listeners):
            listener()


@dataclass(eq=False)
class NatGateway:
    """A NAT Gateway in one zone; down when its zone is down or it fails itself."""

    zone: Zone
    down_count: int = 0
    failures: int = 0
    listeners: list[Listener] = field(default_factory=list)

    @property
    def own_up(self) -> bool:
        return self.down_count == 0

    @property
    def up(self) -> bool:
        return self.down_count == 0 and self.zone.up

    @property
    def cause(self) -> str:
        return self.zone.cause if not self.zone.up else ("" if self.own_up else "nat-failure")

    def fail(self) -> None:
        """The gateway itself fails (its AZ is unaffected)."""
        if self.down_count == 0:
            self.failures += 1
        self.down_count += 1
        for listener in list(self.listeners):
            listener()

    def repair(self) -> None:
        """The gateway's own failure ends."""
        self.down_count = max(0, self.down_count - 1)
        for listener in list(self.listeners):
            listener()


class Egress:
    """Which zones have a working route to the internet, as the topology routes them.

    Zone *z* routes through the gateway in ``topology.nat_zone_for(z)``: its
    own with one NAT Gateway per AZ, the first zone's with a single one (a
    shared dependency), none without NAT Gateways.
    """

    def __init__(self, topology: Topology, zones: list[Zone], gateways: list[NatGateway]) -> None:
        self.topology = topology
        self.zones = zones
        self.gateways = gateways
        self._by_zone = {gateway.zone.index: gateway for gateway in gateways}
        self._own = [self._gateway_in(topology.nat_zone_for(zone.index)) for zone in zones]
        #: route tables re-pointed by an operator: zone → the zone whose gateway it now uses
        self.rerouted: dict[int, int] = {}

    def _gateway_in(self, zone: int | None) -> NatGateway | None:
        return None if zone is None else self._by_zone[zone]

    def own_gateway_zone(self, zone: int) -> int | None:
        """The zone of the gateway ``zone``'s route table points at by design."""
        return self.topology.nat_zone_for(zone)

    def gateway_for(self, zone: int) -> NatGateway | None:
        """The gateway zone ``zone`` routes through."""
        if zone in self.rerouted:
            return self._by_zone[self.rerouted[zone]]
        return self._own[zone]

    def ok(self, zone: int) -> bool:
        """Whether pods in ``zone`` reach the internet."""
        gateway = self.gateway_for(zone)
        return gateway is not None and gateway.up and self.zones[zone].up

    def ok_by_zone(self) -> list[bool]:
        """:meth:`ok` of every zone, in zone order."""
        return [self.ok(zone) for zone in range(len(self.zones))]

    def cause(self, zone: int) -> str:
        """Why ``zone`` has no egress ('' if it has)."""
        if not self.zones[zone].up:
            return self.zones[zone].cause
        gateway = self.gateway_for(zone)
        if gateway is None:
            return "no-nat"
        return gateway.cause


@dataclass(frozen=True)
class AlbDetection:
    """How long the ALB keeps routing to a dead target: its health check noticing.

    The target dies at a uniform moment within a check interval, so the ALB
    stops routing ``(threshold − 1) · interval`` plus a uniform fraction of
    one interval later; without a health check it notices at once.

    Attributes:
        low_h: the shortest detection time (hours).
        width_h: the spread above it (one interval, hours).
        stream: draws the fraction.
    """

    low_h: float
    width_h: float
    stream: Stream

    @classmethod
    def of(cls, health: HealthCheck | None, stream: Stream) -> AlbDetection:
        """The detection of an ingress's health check (``None``: immediate)."""
        if health is None:
            return cls(0.0, 0.0, stream)
        return cls(health.interval * (health.unhealthy_threshold - 1), health.interval, stream)

    def __call__(self) -> float:
        """Draw a detection time (hours)."""
        if self.width_h == 0.0:
            return self.low_h
        return self.low_h + self.width_h * self.stream.random()


@dataclass(eq=False)
class ControlPlane:
    """The EKS control plane: while down, pods keep serving but nothing scales or reschedules."""

    down_count: int = 0
    outages: int = 0
    on_recover: list[Listener] = field(default_factory=list)

    @property
    def up(self) -> bool:
        return self.down_count == 0

    def fail(self) -> None:
        """A control-plane outage begins."""
        if self.down_count == 0:
            self.outages += 1
        self.down_count += 1

    def repair(self) -> None:
        """A control-plane outage ends; controllers resume."""
        self.down_count = max(0, self.down_count - 1)
        if self.down_count == 0:
            for listener in list(self.on_recover):
                listener()
