"""Price every resource of a scenario for every month of its horizon, before simulating.

A resource the catalog cannot price would otherwise stop a simulation after
minutes (the bill is accrued month by month). :func:`check_prices` builds the
static bill of each 730-hour month of the horizon — no simulation, well under
a second for a year — and turns the first missing price into a
:class:`~innovate_sim.errors.ScenarioError` that names the scenario field
(and, given the file, its line). It also refuses a price a scenario override
*adds* when no resource uses it, so a misspelt key cannot go unnoticed.
"""

from __future__ import annotations

from pathlib import Path

from innovate_sim.cost.estimate import build_resources
from innovate_sim.errors import PriceNotFound, ScenarioError
from innovate_sim.pricing import load_catalog, scenario_catalog
from innovate_sim.pricing.adjust import did_you_mean
from innovate_sim.scenario.model import Scenario
from innovate_sim.units import months_spanned

__all__ = ["check_prices", "load_priced_scenario"]


def _where(source: str | Path | None, loc: tuple[str | int, ...]) -> str:
    if source is None:
        return ".".join(str(part) for part in loc)
    from innovate_sim.scenario.loader import field_location

    return field_location(source, loc)


def _fail(source: str | Path | None, loc: tuple[str | int, ...], message: str) -> ScenarioError:
    where = _where(source, loc)
    return ScenarioError(f"{where}: {message}", [(where, message)])


def check_prices(scenario: Scenario, source: str | Path | None = None) -> None:
    """Raise a located error if any resource lacks a price in any month of the horizon.

    Args:
        scenario: the validated scenario.
        source: its file, to name the line of the field at fault (optional).

    Raises:
        ScenarioError: a resource the catalog (with the scenario's overrides)
            cannot price, or an added override no resource uses; the message
            names the field, what is missing and how to supply it.
    """
    catalog = scenario_catalog(scenario)
    used: set[str] = set()
    for month in range(1, months_spanned(scenario.horizon) + 1):
        for resource in build_resources(scenario, catalog, month):
            try:
                lines = resource.components(catalog)
            except PriceNotFound as exc:
                hint = (
                    ""
                    if "override" in str(exc)
                    else "; add the price under pricing.overrides ('SERVICE/SKU': USD per unit) "
                    "or change the field"
                )
                raise _fail(
                    source, resource.scenario_field(), f"month {month}: {exc}{hint}"
                ) from None
            used.update(line.price.key for line in lines)
    base = load_catalog(scenario.region, directory=scenario.pricing.catalog)
    for key in scenario.pricing.overrides:
        if key not in base and key not in used:
            close = did_you_mean(key, [*base.keys(), *used])
            hint = f"did you mean {close!r}? " if close else ""
            raise _fail(
                source,
                ("pricing", "overrides", key),
                f"{key!r} is not in the catalog and no resource of the scenario bills it; "
                f"{hint}an override may replace a catalog price or add one a resource needs",
            )


def load_priced_scenario(path: str | Path) -> Scenario:
    """Load a scenario file and price it for every month of its horizon (:func:`check_prices`).

    Raises:
        ScenarioError: the file is invalid, or a resource cannot be priced; the
            message names the file, the line and the field.
    """
    from innovate_sim.scenario.loader import load_scenario

    scenario = load_scenario(path)
    check_prices(scenario, path)
    return scenario
