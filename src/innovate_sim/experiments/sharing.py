"""Which replications of several scenarios are one simulation, so that each is run once.

Replication *r* of two scenarios (same seed) is the same simulation when the
scenarios differ only in

* usage figures, which are priced after the run
  (:meth:`~innovate_sim.scenario.Scenario.simulation_content`), and
* the figures of failure processes that bring no failure before the horizon in
  that replication under either scenario. An AZ, region, NAT Gateway, EKS
  control plane or RDS instance failure process draws its first failure from
  its own stream whatever the rest of the model does
  (:class:`~innovate_sim.failures.Clock`), so whether it fails at all in
  replication *r* is known before simulating; if it does not, nothing reads its
  rate or its durations.

A sensitivity analysis sweeping the NAT Gateway failure rate at a fixed seed
then simulates a replication once for every grid point at which its gateways
never fail, and a sweep over response sizes once in all. Scenarios with chaos
events share nothing through their failure figures (a scheduled outage of an
AZ reads how the AZ's launches fail).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from innovate_sim.aws.build import build_model
from innovate_sim.failures import Clock
from innovate_sim.scenario import Scenario
from innovate_sim.scenario.model import content_digest

__all__ = ["ReplicationKeys"]

#: Failure fields whose figures nothing reads while their processes stay quiet, and the
#: processes that must stay quiet for that: a region outage takes every AZ down, and how
#: launches fail in a down AZ is an ``az_outage`` figure.
UNREAD_WHEN_QUIET = {
    "az_outage": ("az_outage", "region_outage"),
    "region_outage": ("region_outage",),
    "nat_gateway": ("nat_gateway",),
    "eks_control_plane": ("eks_control_plane",),
    "rds_instance": ("rds_instance",),
}


class ReplicationKeys:
    """Keys of replications: equal keys, identical simulations.

    Args:
        seed: the experiment seed every scenario runs with.
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._first: dict[tuple[int, str, float], float] = {}

    def base(self, scenario: Scenario) -> str:
        """What every replication key of ``scenario`` starts with: scenarios with different
        bases share no replication."""
        return self._content(scenario)[0]

    def of(self, scenario: Scenario, replications: int) -> list[str]:
        """The key of each replication ``0 … replications − 1`` of ``scenario``."""
        return self._keys(scenario, replications, *self._content(scenario), failures=True)

    def of_all(
        self, scenarios: Sequence[Scenario], replications: int, *, kept: bool = False
    ) -> list[list[str]]:
        """The keys of every replication of every scenario.

        Failure processes are checked for quiet replications (one draw per
        process and replication) only in scenarios that share their :meth:`base`
        with another, or with records ``kept`` from earlier runs.
        """
        contents = [self._content(scenario) for scenario in scenarios]
        alike = Counter(base for base, _ in contents)
        return [
            self._keys(scenario, replications, base, sections, failures=kept or alike[base] > 1)
            for scenario, (base, sections) in zip(scenarios, contents, strict=True)
        ]

    def _keys(
        self,
        scenario: Scenario,
        replications: int,
        base: str,
        sections: dict[str, str],
        *,
        failures: bool,
    ) -> list[str]:
        clocks: dict[str, list[Clock]] = {kind: [] for kind in UNREAD_WHEN_QUIET}
        quiet_possible = failures and not scenario.chaos
        if quiet_possible:
            try:
                built = build_model(scenario, self.seed, 0).clocks
            except Exception:  # its replications report the error; share nothing
                built, quiet_possible = [], False
            for clock in built:
                clocks[clock.kind].append(clock)
        keys = []
        for r in range(replications):
            quiet = {
                kind: quiet_possible
                and all(self._first_arrival(c, r) > scenario.horizon for c in found)
                for kind, found in clocks.items()
            }
            parts = [
                "quiet" if all(quiet[k] for k in needs) else sections[kind]
                for kind, needs in UNREAD_WHEN_QUIET.items()
            ]
            keys.append(json.dumps([r, base, *parts]))
        return keys

    @staticmethod
    def _content(scenario: Scenario) -> tuple[str, dict[str, str]]:
        """The digest of the simulated content without the failure figures, and theirs."""
        data = scenario.simulation_content()
        sections = {
            kind: content_digest({kind: data["failures"].pop(kind)}) for kind in UNREAD_WHEN_QUIET
        }
        return content_digest(data), sections

    def _first_arrival(self, clock: Clock, replication: int) -> float:
        key = (replication, clock.stream, clock.rate_per_h)
        found = self._first.get(key)
        if found is None:
            found = self._first[key] = clock.first_arrival(self.seed, replication)
        return found
