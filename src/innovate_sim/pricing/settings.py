"""The catalog a scenario prices with: the region's list prices, its overrides and discounts.

The pricing layer sits below the scenario language, so it reads a scenario
through the small structural types below rather than importing it; any
:class:`~innovate_sim.scenario.Scenario` satisfies them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from innovate_sim.pricing.catalog import PriceCatalog, load_catalog
from innovate_sim.pricing.price import Discounts

__all__ = ["PricedScenario", "scenario_catalog"]


class _DiscountSettings(Protocol):
    @property
    def compute_savings_plan(self) -> float: ...

    @property
    def rds_reserved(self) -> float: ...


class _PricingSettings(Protocol):
    @property
    def overrides(self) -> Mapping[str, float]: ...

    @property
    def discounts(self) -> _DiscountSettings: ...

    @property
    def catalog(self) -> str | None: ...


class PricedScenario(Protocol):
    """What pricing reads of a scenario: its region and its ``pricing`` settings."""

    @property
    def region(self) -> str: ...

    @property
    def pricing(self) -> _PricingSettings: ...


def scenario_catalog(scenario: PricedScenario) -> PriceCatalog:
    """The scenario region's catalog (shipped, or the folder ``pricing.catalog`` names) with
    the scenario's overrides and discounts."""
    discounts = scenario.pricing.discounts
    return load_catalog(
        scenario.region,
        overrides=dict(scenario.pricing.overrides),
        discounts=Discounts(
            compute_savings_plan=discounts.compute_savings_plan,
            rds_reserved=discounts.rds_reserved,
        ),
        directory=scenario.pricing.catalog,
    )
