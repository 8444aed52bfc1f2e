"""Amazon RDS for PostgreSQL: Single-AZ, Multi-AZ instance and Multi-AZ cluster behaviour.

States and transitions (AVAILABILITY.md §2):

* **Multi-AZ** (one synchronous standby) and **Multi-AZ cluster** (two readable
  standbys): when the primary fails — instance failure, its AZ going down, OS
  patching, a reboot with failover — and a standby is healthy, writes stop for
  a failover time (60–120 s instance, under 35 s cluster) and the standby is
  promoted. The lost instance is rebuilt as a standby (no HA until it is back).
  Without a healthy standby the database is down until an instance returns.
  RPO is 0 (synchronous replication).
* **Single-AZ**: an instance failure keeps the database down until the host is
  recovered; an AZ outage keeps it down until the AZ returns, or — with
  ``restore-pitr`` — until a point-in-time restore into another AZ completes,
  whichever is first. A restore loses the writes since the last 5-minute
  transaction-log upload (the RPO).
* **Maintenance**: OS patches (Poisson arrivals, applied in the next weekly
  window) cost Multi-AZ one failover and Single-AZ about 10 minutes offline.
  A minor engine upgrade takes a Single-AZ instance and a Multi-AZ *instance*
  deployment (primary and standby together) down for its duration; a Multi-AZ
  DB *cluster* upgrades its readers one at a time, then fails over to an
  upgraded reader (one short failover) and upgrades the old writer as a reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from innovate_sim.aws.infrastructure import Zone
from innovate_sim.engine import Simulation, Timer

__all__ = ["Database", "DbInstance", "Maintenance"]

HOURS_PER_WEEK = 168.0


@dataclass(eq=False)
class DbInstance:
    """One DB instance (primary, standby or reader) in a zone."""

    index: int
    zone: Zone
    healthy: bool = True
    """Running and in sync; a standby that is healthy can be promoted."""
    failed: bool = False
    """Lost to an instance failure (being rebuilt or recovered)."""
    repair: Timer | None = None


@dataclass(eq=False)
class Outage:
    """One episode in which the database accepted no writes."""

    start_h: float
    cause: str
    rpo_h: float = 0.0


@dataclass(eq=False)
class Database:
    """The RDS deployment of one environment.

    Args:
        sim: the simulation.
        deployment: 'single-az', 'multi-az' or 'multi-az-cluster'.
        zones: the environment's zones.
        primary_zone: 0-based zone of the initial primary.
        failover: draws a failover time (hours).
        rebuild: draws a standby rebuild time (hours).
        recovery: draws a Single-AZ host recovery time (hours).
        restore: draws a PITR restore time (hours), or None for 'wait-for-az'.
        restore_decision_h: time before an operator starts a restore.
        log_upload_h: transaction-log upload interval (RPO bound of a restore).
        log_phase_h: offset of the upload schedule in this replication.
        on_change: called whenever the database's writability changes.
    """

    sim: Simulation
    deployment: str
    zones: list[Zone]
    primary_zone: int
    failover: Callable[[], float]
    rebuild: Callable[[], float]
    recovery: Callable[[], float]
    restore: Callable[[], float] | None
    restore_decision_h: float
    log_upload_h: float
    log_phase_h: float
    on_change: Callable[[], None] = lambda: None
    instances: list[DbInstance] = field(default_factory=list)
    primary: DbInstance | None = None
    writable: bool = True
    cause: str = ""
    failovers: int = 0
    outages: list[Outage] = field(default_factory=list)
    events: list[tuple[float, str]] | None = None
    _busy_until: Timer | None = None
    _restore_timer: Timer | None = None
    _offline: int = 0

    def __post_init__(self) -> None:
        count = {"single-az": 1, "multi-az": 2, "multi-az-cluster": 3}[self.deployment]
        n = len(self.zones)
        for i in range(count):
            zone = self.zones[(self.primary_zone + i) % n]
            self.instances.append(DbInstance(i, zone))
        self.primary = self.instances[0]
        for zone in {id(z): z for z in self.zones}.values():
            zone.listeners.append(partial(self._zone_changed, zone))

    # -- bookkeeping -----------------------------------------------------------------------------

    def _log(self, what: str) -> None:
        if self.events is not None:
            self.events.append((self.sim.now, what))

    @property
    def multi(self) -> bool:
        return self.deployment != "single-az"

    def _available(self, instance: DbInstance) -> bool:
        return instance.healthy and not instance.failed and instance.zone.up

    def _set_writable(self, writable: bool, cause: str = "", rpo_h: float = 0.0) -> None:
        if writable == self.writable and (writable or cause == self.cause):
            return
        if not writable and self.writable:
            self.outages.append(Outage(self.sim.now, cause, rpo_h))
        elif not writable and self.outages:
            self.outages[-1].rpo_h = max(self.outages[-1].rpo_h, rpo_h)
        self.writable = writable
        self.cause = "" if writable else cause
        self._log("writable" if writable else f"down:{cause}")
        self.on_change()

    # -- the primary is lost ---------------------------------------------------------------------

    def _primary_lost(self, cause: str) -> None:
        """The primary stopped accepting writes because of ``cause``."""
        standby = self._best_standby()
        if self.multi and standby is not None:
            self._start_failover(standby, cause)
            return
        self.primary = None
        self._set_writable(False, cause)
        if not self.multi and self.restore is not None and cause in ("az-outage", "region-outage"):
            self._plan_restore()

    def _best_standby(self) -> DbInstance | None:
        for instance in self.instances:
            if instance is not self.primary and self._available(instance):
                return instance
        return None

    def _start_failover(
        self, standby: DbInstance, cause: str, duration_h: float | None = None
    ) -> None:
        self.failovers += 1
        self.primary = None
        self._set_writable(False, "rds-failover" if cause == "rds-instance-failure" else cause)
        self._log(f"failover-start:{cause}")
        duration = self.failover() if duration_h is None else duration_h
        self._busy_until = self.sim.after(duration, lambda: self._finish_failover(standby))

    def _finish_failover(self, standby: DbInstance) -> None:
        self._busy_until = None
        if self._offline:
            return
        if self._available(standby):
            self.primary = standby
            self._log("failover-done")
            self._set_writable(True)
            return
        other = self._best_standby()
        if other is not None:
            self._start_failover(other, self.cause or "rds-failover")
        else:
            self._set_writable(False, self.cause or "rds-failover")

    # -- instance failures and repairs -----------------------------------------------------------

    def fail_instance(self, index: int, cause: str = "rds-instance-failure") -> None:
        """Instance ``index`` fails (hardware, host); it is rebuilt or recovered."""
        instance = self.instances[index]
        if instance.failed:
            return
        instance.failed = True
        instance.healthy = False
        self._log(f"instance-{index}-failed")
        repair = self.rebuild() if self.multi else self.recovery()
        instance.repair = self.sim.after(repair, lambda: self._instance_repaired(instance))
        if instance is self.primary:
            self._primary_lost(cause)

    def fail_primary(self, cause: str = "rds-instance-failure") -> None:
        """The current primary instance fails (chaos 'rds-primary')."""
        if self.primary is not None:
            self.fail_instance(self.primary.index, cause)

    def _instance_repaired(self, instance: DbInstance) -> None:
        instance.failed = False
        instance.repair = None
        instance.healthy = True
        if not instance.zone.up and self.multi:
            instance.zone = self._standby_zone(instance, avoid=None) or instance.zone
        self._log(f"instance-{instance.index}-repaired")
        self._maybe_recover()

    def _healthy_zone(self, avoid: Zone | None) -> Zone | None:
        for zone in self.zones:
            if zone.up and zone is not avoid:
                return zone
        return None

    def _standby_zone(self, instance: DbInstance, avoid: Zone | None) -> Zone | None:
        """A healthy zone for a rebuilt standby, away from the other instances if possible."""
        taken = {id(other.zone) for other in self.instances if other is not instance}
        for zone in self.zones:
            if zone.up and zone is not avoid and id(zone) not in taken:
                return zone
        return self._healthy_zone(avoid)

    def _maybe_recover(self) -> None:
        """After a repair or a zone's return, promote an instance if no primary exists."""
        if self.primary is not None or self._busy_until is not None or self._offline:
            return
        for instance in self.instances:
            if self._available(instance):
                self.primary = instance
                if self._restore_timer is not None:
                    self._restore_timer.cancel()
                    self._restore_timer = None
                self._set_writable(True)
                return

    # -- zones -----------------------------------------------------------------------------------

    def _zone_changed(self, zone: Zone) -> None:
        if zone.up:
            for instance in self.instances:
                if instance.zone is zone and not instance.failed:
                    if self.multi and self.primary is not None and instance is not self.primary:
                        # a writer ran elsewhere meanwhile: the returning standby
                        # resynchronises (a rebuild) before it is healthy again. With no
                        # primary, nothing moved on: the instance returns as it was (its
                        # data is current, replication being synchronous) and can lead.
                        instance.healthy = False
                        instance.failed = True
                        instance.repair = self.sim.after(
                            self.rebuild(), partial(self._instance_repaired, instance)
                        )
                    else:
                        instance.healthy = True
            self._maybe_recover()
            return
        for instance in self.instances:
            if instance.zone is not zone:
                continue
            if instance is self.primary:
                self._primary_lost(zone.cause)
            elif self.multi and not instance.failed:
                # RDS replaces a standby lost with its AZ in a healthy AZ
                instance.failed = True
                instance.healthy = False
                instance.zone = self._standby_zone(instance, avoid=zone) or zone
                instance.repair = self.sim.after(
                    self.rebuild(), partial(self._instance_repaired, instance)
                )

    def _plan_restore(self) -> None:
        if self._restore_timer is not None:
            return
        delay = self.restore_decision_h + (self.restore() if self.restore else 0.0)
        self._restore_timer = self.sim.after(delay, self._restore_done)

    def _restore_done(self) -> None:
        self._restore_timer = None
        if self.writable:
            return
        target = self._healthy_zone(avoid=None)
        if target is None:
            self._plan_restore()
            return
        instance = self.instances[0]
        if instance.repair is not None:
            instance.repair.cancel()
            instance.repair = None
        instance.zone = target
        instance.failed = False
        instance.healthy = True
        if self.outages:
            outage = self.outages[-1]
            # writes since the last transaction-log upload before the failure are lost
            outage.rpo_h = (outage.start_h - self.log_phase_h) % self.log_upload_h
            outage.cause = "rds-restore"
        self._log("restored")
        self.primary = instance
        self._set_writable(True)

    # -- maintenance -----------------------------------------------------------------------------

    def next_window_h(self, window_start_h: float) -> float:
        """Start of the next weekly maintenance window at or after now."""
        now = self.sim.now
        week_start = now - (now % HOURS_PER_WEEK)
        start = week_start + window_start_h
        return start if start >= now else start + HOURS_PER_WEEK

    def os_patch(self, single_az_downtime_h: float) -> None:
        """Apply an OS patch now: Multi-AZ fails over once, Single-AZ goes offline."""
        if not self.writable or self._offline:
            return
        standby = self._best_standby()
        if self.multi and standby is not None:
            self._log("patch-failover")
            self._start_failover(standby, "rds-maintenance")
        else:
            self._offline_for(single_az_downtime_h, "rds-maintenance")

    def engine_upgrade(self, duration_h: float, cluster_failover_h: float | None = None) -> None:
        """Apply a minor engine upgrade now.

        A Single-AZ instance and a Multi-AZ DB instance deployment (primary and
        standby upgraded together) accept no writes for ``duration_h``. A
        Multi-AZ DB cluster with a healthy reader fails over to it once the
        readers are upgraded, for ``cluster_failover_h``, and the old writer is
        upgraded as a reader (not a failover target) for ``duration_h``; without a
        healthy reader it is upgraded in place like an instance.

        Args:
            duration_h: time to upgrade one instance (or a whole instance deployment).
            cluster_failover_h: writes paused while a Multi-AZ DB cluster switches
                to an upgraded reader; required for a cluster.
        """
        if not self.writable or self._offline:
            return
        reader = self._best_standby()
        if self.deployment != "multi-az-cluster" or reader is None or self.primary is None:
            self._offline_for(duration_h, "rds-maintenance")
            return
        if cluster_failover_h is None:
            raise ValueError("a Multi-AZ DB cluster upgrade needs cluster_failover_h")
        old_writer = self.primary
        self._log("upgrade-failover")
        self._start_failover(reader, "rds-maintenance", cluster_failover_h)
        old_writer.healthy = False
        self.sim.after(duration_h, partial(self._instance_upgraded, old_writer))

    def _instance_upgraded(self, instance: DbInstance) -> None:
        """The old writer finished its upgrade: it is a healthy reader again."""
        if instance.failed:
            return  # lost meanwhile; its rebuild brings it back
        instance.healthy = True
        self._log(f"instance-{instance.index}-upgraded")
        self._maybe_recover()

    def reboot_with_failover(self) -> None:
        """A manual reboot with failover (chaos)."""
        standby = self._best_standby()
        if self.writable and self.multi and standby is not None:
            self._start_failover(standby, "rds-failover")
        elif self.writable:
            self._offline_for(self.failover(), "rds-failover")

    def _offline_for(self, duration_h: float, cause: str) -> None:
        self._offline += 1
        self._set_writable(False, cause)

        def back() -> None:
            self._offline -= 1
            if self._offline == 0 and self.primary is not None and self._available(self.primary):
                self._set_writable(True)
            else:
                self._maybe_recover()

        self.sim.after(duration_h, back)


@dataclass(eq=False)
class Maintenance:
    """The database's maintenance: OS patches and engine upgrades, applied in the weekly window.

    Each call of :meth:`os_patch_due` or :meth:`engine_upgrade_due` is a piece
    of maintenance becoming due; it is applied at the start of the next
    weekly window.

    Attributes:
        database: the database.
        window_start_h: start of the weekly window (hours after Monday 00:00).
        patch_downtime: draws a Single-AZ patch downtime (hours).
        upgrade_duration: draws an engine upgrade's duration (hours).
        cluster_failover: draws the failover of a Multi-AZ DB cluster to an
            upgraded reader (hours).
    """

    database: Database
    window_start_h: float
    patch_downtime: Callable[[], float]
    upgrade_duration: Callable[[], float]
    cluster_failover: Callable[[], float]

    def os_patch_due(self) -> None:
        """An OS patch is due: apply it in the next window."""
        self._in_next_window(self._patch)

    def engine_upgrade_due(self) -> None:
        """An engine upgrade is due: apply it in the next window."""
        self._in_next_window(self._upgrade)

    def _in_next_window(self, action: Callable[[], None]) -> None:
        database = self.database
        database.sim.at(database.next_window_h(self.window_start_h), action)

    def _patch(self) -> None:
        self.database.os_patch(self.patch_downtime())

    def _upgrade(self) -> None:
        self.database.engine_upgrade(self.upgrade_duration(), self.cluster_failover())
