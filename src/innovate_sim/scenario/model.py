"""The scenario: organisation, environments, failures, chaos, targets and run settings."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from innovate_sim.scenario.base import ScenarioModel
from innovate_sim.scenario.base import located as _at
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.environment import Environment
from innovate_sim.scenario.failures import ChaosEvent, Failures
from innovate_sim.scenario.network import NatPlacement
from innovate_sim.scenario.types import Duration, Fraction, Money, Name, PositiveDuration

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
        return {"anyOf": [handler(core_schema), {"type": "string"}]}


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
    """Longest acceptable incident (time to recover)."""
    rpo: Duration | None = None
    """Largest acceptable data-loss window."""
    monthly_cost_usd: Money | None = None
    """At most this cost in forecast month `cost_month` (an environment's, or an account's)."""
    cost_month: int = Field(default=1, ge=1, le=120)
    """Forecast month the monthly cost target applies to."""
    cost_per_million_requests_usd: Money | None = None
    """At most this cost per million demanded requests over the horizon."""


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

    overrides: dict[str, Money] = Field(default_factory=dict)
    """USD per unit for catalog keys 'SERVICE/SKU', e.g. 'EC2/m5.large': 0.09."""
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
    seed: int = Field(default=2026, ge=0, le=2**63 - 1)
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
        if value > 10 * 8760:
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
        payload = json.dumps(self.model_dump(mode="json", exclude={"extends"}), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]
