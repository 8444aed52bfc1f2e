"""The scenario: organisation, environments, failures, chaos, targets and run settings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from innovate_sim.rng import SEED_MAX
from innovate_sim.scenario.base import ScenarioModel
from innovate_sim.scenario.base import located as _at
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.environment import USAGE_FIELDS, Environment
from innovate_sim.scenario.failures import ChaosEvent, Failures
from innovate_sim.scenario.network import NatPlacement
from innovate_sim.scenario.types import (
    NAME_PATTERN,
    Duration,
    Fraction,
    Money,
    Name,
    PositiveDuration,
)
from innovate_sim.units import HOURS_PER_YEAR

__all__ = ["Account", "Discounts", "PricingSettings", "Scenario", "SimulationSettings", "Targets"]


class Account(ScenarioModel):
    """An AWS account of the organisation."""

    name: Name
    """The account's name; environments and cost targets refer to it."""
    role: Literal["management", "shared-services", "workload"] = "workload"
    """`management` (no workloads, at most one), `shared-services` or `workload`."""

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        if isinstance(value, str):
            role = value if value in ("management", "shared-services") else "workload"
            return {"name": value, "role": role}
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        # The schema also accepts the shorthand: the account's name alone.
        shorthand = {"type": "string", "pattern": NAME_PATTERN}
        return {"anyOf": [handler(core_schema), shorthand]}


class Targets(ScenarioModel):
    """Design targets of an environment (or cost targets of an account)."""

    request_availability: Fraction | None = None
    """At least this share of demanded requests served."""
    time_availability: Fraction | None = None
    """At least this share of time in which at least `simulation.time_availability_threshold`
    of requests succeed.
    """
    full_outage_minutes_per_year: float | None = Field(default=None, ge=0)
    """At most this many minutes a year in which no request succeeds."""
    rto: Duration | None = None
    """Time to recover within which `rto_quantile` of the unplanned incidents must end."""
    rto_quantile: Fraction = 0.95
    """Share of unplanned incidents that must recover within the RTO (the quantile of time to
    recover that is judged).
    """
    rto_severity: Fraction = 0.99
    """An incident counts towards the RTO when, at its worst, fewer than this share of
    requests succeed.
    """
    rpo: Duration | None = None
    """Largest acceptable data-loss window."""
    planned_downtime_min_per_year: float | None = Field(default=None, ge=0)
    """At most this many minutes a year of planned incidents (RDS maintenance windows and
    engine upgrades), judged apart from the RTO.
    """
    monthly_cost_usd: Money | None = None
    """At most this cost in the month chosen by `cost_month` (an environment's, or an
    account's).
    """
    cost_month: Literal["worst", "last", "mean"] | int = "worst"
    """Month of the horizon the monthly cost target judges: `worst` (the costliest month on
    average), `last`, `mean` (the mean over months) or a month number (1 = the first 730 h).
    """
    cost_per_million_requests_usd: Money | None = None
    """At most this cost per million demanded requests over the horizon."""

    @field_validator("cost_month", mode="before")
    @classmethod
    def _month_choice(cls, value: Any) -> Any:
        valid = "'worst', 'last', 'mean' or a month number from 1 to 120"
        if isinstance(value, str) and value not in ("worst", "last", "mean"):
            raise ValueError(f"cost_month must be {valid}; got {value!r}")
        if isinstance(value, bool) or (
            not isinstance(value, str) and not (isinstance(value, int) and 1 <= value <= 120)
        ):
            raise ValueError(f"cost_month must be {valid}; got {value!r}")
        return value

    @field_validator("rto_quantile")
    @classmethod
    def _positive_quantile(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("rto_quantile must be above 0% (95% judges the 95th percentile)")
        return value


class Discounts(ScenarioModel):
    """Commitment discounts applied to list prices."""

    compute_savings_plan: Fraction = 0.0
    """Discount on on-demand EC2 instance hours (not Spot)."""
    rds_reserved: Fraction = 0.0
    """Discount on RDS instance hours."""

    @model_validator(mode="after")
    def _below_one(self) -> Discounts:
        if self.compute_savings_plan >= 1 or self.rds_reserved >= 1:
            raise ValueError("a discount must be below 100%")
        return self


class PricingSettings(ScenarioModel):
    """Price overrides and discounts on top of the shipped catalog."""

    catalog: str | None = None
    """A price catalog folder written by `innovate-sim prices import` (relative to the scenario
    file), used instead of the shipped catalogs; its region must be the scenario's.
    """
    overrides: dict[str, Money] = Field(default_factory=dict)
    """USD per unit for keys 'SERVICE/SKU', e.g. 'EC2/m5.large': 0.09: replaces a catalog price,
    or adds one the catalog lacks and a resource needs (an added price no resource uses is an
    error)."""
    discounts: Discounts = Field(default_factory=Discounts)
    free_tier_data_transfer_out: bool = True
    """Deduct the first 100 GB per month of internet data transfer out (account-wide)."""


class SimulationSettings(ScenarioModel):
    """How results are measured and summarised."""

    time_availability_threshold: Fraction = default("simulation.time_availability_threshold")
    """Time counts as available when at least this share of requests succeeds."""
    confidence_level: Fraction = default("simulation.confidence_level")
    """Confidence level of every interval reported (at least 50 %, below 100 %)."""
    demand_resolution: PositiveDuration = Field(default="15m")  # type: ignore[assignment]  # parsed by validate_default
    """Spacing of the knots of the piecewise-linear demand curve."""

    @field_validator("confidence_level")
    @classmethod
    def _open_interval(cls, value: float) -> float:
        if not 0.5 <= value < 1:
            raise ValueError("confidence_level must lie in [50%, 100%)")
        return value


def content_digest(data: dict[str, Any]) -> str:
    """A short, stable hash of JSON-able data."""
    payload = json.dumps(data, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


class Scenario(ScenarioModel):
    """A whole architecture to simulate: one file, validated as a unit."""

    schema_version: Literal[1] = 1
    """Version of the scenario language; only 1 exists."""
    name: str = Field(min_length=1, max_length=120)
    """Name of the scenario, shown with every result."""
    description: str = ""
    """Free text."""
    extends: str | list[str] | None = None
    """Base file(s) this one overrides; resolved by the loader (null after loading)."""
    region: str = "us-east-1"
    """AWS region; selects the price catalog (us-east-1 ships)."""
    horizon: PositiveDuration = Field(default="1y")  # type: ignore[assignment]  # parsed by validate_default
    """Simulated time of one replication (at most 10y)."""
    replications: int = Field(default=200, ge=1, le=1_000_000)
    """Replications run unless the caller gives a number (`-n`)."""
    seed: int = Field(default=2026, ge=0, le=SEED_MAX)
    """Experiment seed; every random stream derives from it, the replication number and a
    stable process name.
    """
    accounts: list[Account] = Field(min_length=1)
    """The AWS accounts of the organisation (at least one)."""
    environments: dict[Name, Environment] = Field(default_factory=dict)
    failures: Failures = Field(default_factory=Failures)
    chaos: list[ChaosEvent] = Field(default_factory=list)
    """Failures injected at fixed times in every replication."""
    targets: dict[Name, Targets] = Field(default_factory=dict)
    """Design targets by environment name (or cost targets by account name); see targets.md."""
    pricing: PricingSettings = Field(default_factory=PricingSettings)
    simulation: SimulationSettings = Field(default_factory=SimulationSettings)

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, value: float) -> float:
        if value > 10 * HOURS_PER_YEAR:
            raise ValueError("horizon must be at most 10y")
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        names = [a.name for a in self.accounts]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"accounts listed more than once: {', '.join(duplicates)}")
        if sum(a.role == "management" for a in self.accounts) > 1:
            raise ValueError("an organisation has one management account")
        for env_name, env in self.environments.items():
            if env.account not in names:
                raise _at(
                    ("environments", env_name, "account"),
                    f"unknown account {env.account!r}; accounts: {', '.join(names)}",
                )
            role = next(a.role for a in self.accounts if a.name == env.account)
            if role == "management":
                raise _at(
                    ("environments", env_name, "account"),
                    "the management account should not host workloads (seed design §1)",
                )
        for index, event in enumerate(self.chaos):
            self._check_chaos(index, event)
        for key in self.targets:
            if key not in self.environments and key not in names:
                raise _at(
                    ("targets", key),
                    f"{key!r} is neither an environment nor an account; "
                    f"environments: {', '.join(self.environments) or 'none'}",
                )
        return self

    def _check_chaos(self, index: int, event: ChaosEvent) -> None:
        where = ("chaos", index)
        env = self.environments.get(event.environment)
        if env is None:
            raise _at(
                (*where, "environment"),
                f"unknown environment {event.environment!r}; "
                f"environments: {', '.join(self.environments) or 'none'}",
            )
        if event.at >= self.horizon:
            raise _at((*where, "at"), "the event is at or after the end of the horizon")
        if event.az is not None and event.az >= env.availability_zones:
            raise _at(
                (*where, "az"),
                f"AZ {event.az + 1} does not exist; the environment has "
                f"{env.availability_zones} AZs",
            )
        needs_duration = event.fail in ("az", "nat-gateway", "eks-control-plane", "region")
        if needs_duration and event.duration is None:
            raise _at(where, f"a '{event.fail}' event needs 'for' (how long it lasts)")
        if event.fail == "nat-gateway" and env.network.nat_placement is NatPlacement.NONE:
            raise _at((*where, "fail"), "the environment has no NAT Gateway")
        if event.fail.startswith("rds") and env.database is None:
            raise _at((*where, "fail"), "the environment has no database")
        if event.fail in ("node", "spot-interruption", "eks-control-plane") and env.cluster is None:
            raise _at((*where, "fail"), "the environment has no cluster")

    def content_hash(self) -> str:
        """A short, stable hash of the validated content (not of the file's formatting)."""
        return content_digest(self.model_dump(mode="json", exclude={"extends"}))

    def simulation_content(self) -> dict[str, Any]:
        """What the simulation reads: the content as JSON-able data without the usage fields.

        Usage figures (:data:`~innovate_sim.scenario.environment.USAGE_FIELDS`:
        traffic per request, logs, object storage) are priced after a run and never
        enter it, so scenarios with the same simulation content give identical
        replications under the same seed; experiments simulate them once
        (:mod:`innovate_sim.experiments.sharing`).
        """
        data = self.model_dump(mode="json", exclude={"extends"})
        for environment in data["environments"].values():
            for path in USAGE_FIELDS:
                *parents, leaf = path.split(".")
                node = environment
                for part in parents:
                    node = node[part]
                node.pop(leaf, None)
        return data

    #: Validates scenario data with located errors and the catalog checks: set by
    #: :mod:`innovate_sim.scenario.loader`, which knows both (the model imports neither).
    validate_data: ClassVar[Callable[[dict[str, Any], str], Scenario] | None] = None

    def with_(self, changes: Mapping[str, Any] | None = None, /, **fields: Any) -> Scenario:
        """A validated copy with some fields replaced, by dotted path.

        Values are written as in a scenario file (``"5m"``, ``"99.95%"``,
        ``"0.2/y"``); a mapping replaces a subtree; ``None`` removes a key (its
        default applies). The copy is validated like a loaded file, so a bad
        path or value raises :class:`~innovate_sim.errors.ScenarioError` naming it.

        Examples:
            >>> single = prod.with_({"environments.prod.network.nat_gateways": "single"})
            >>> month = prod.with_(horizon="1mo", replications=50)
            >>> later = prod.with_({"chaos.0.at": "200d"})
        """
        from innovate_sim.errors import ScenarioError

        data = self.model_dump(mode="json", by_alias=True, exclude={"extends"})
        for path, value in {**(changes or {}), **fields}.items():
            _set_path(data, path, value, self.name)
        validate = type(self).validate_data
        if validate is None:  # pragma: no cover - the package's __init__ imports the loader
            raise ScenarioError("import innovate_sim.scenario before editing a scenario")
        return validate(data, f"<{self.name}.with_>")

    def __repr__(self) -> str:
        return (
            f"Scenario(name={self.name!r}, environments={list(self.environments)}, "
            f"region={self.region!r}, horizon={_duration_text(self.horizon)}, "
            f"replications={self.replications}, seed={self.seed}, hash={self.content_hash()!r})"
        )

    __str__ = __repr__


def _duration_text(hours: float) -> str:
    from innovate_sim.units import format_duration

    return format_duration(hours)


def _set_path(data: dict[str, Any], path: str, value: Any, name: str) -> None:
    """Set ``data[a][b][0][c] = value`` for ``path == "a.b.0.c"`` (``None`` deletes)."""
    from innovate_sim.errors import ScenarioError

    parts = path.split(".")
    if not path or not all(parts):
        raise ScenarioError(f"<{name}.with_>: {path!r} is not a dotted path such as 'a.b.c'")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError(
                    f"<{name}.with_>: {where}: no item {part!r} (list of {len(node)})"
                )
            node = node[int(part)]
        elif isinstance(node, dict):
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
        else:
            raise ScenarioError(f"<{name}.with_>: {where}: {node!r} has no fields")
    last = parts[-1]
    if isinstance(node, list):
        if not last.isdigit() or int(last) >= len(node):
            raise ScenarioError(f"<{name}.with_>: {path}: no item {last!r} (list of {len(node)})")
        node[int(last)] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value
