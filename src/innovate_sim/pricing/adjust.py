"""Turn catalog list prices into prices in effect: overrides, then discounts.

Also the "did you mean" messages every failed lookup carries, so that a typo
in a key is reported with its fix instead of priced as zero.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import replace

from innovate_sim.pricing.price import (
    OVERRIDE_SOURCE,
    CatalogInputError,
    Discounts,
    Price,
    check_usd,
)

__all__ = [
    "ADDED_UNIT",
    "EC2_ON_DEMAND_SERVICE",
    "EC2_SPOT_SERVICE",
    "INSTANCE_HOUR_UNIT",
    "RDS_DEPLOYMENT_SUFFIX",
    "RDS_INSTANCE_SERVICE",
    "apply_overrides_and_discounts",
    "did_you_mean",
    "not_found_message",
    "rds_classes",
]

EC2_ON_DEMAND_SERVICE = "EC2"
EC2_SPOT_SERVICE = "EC2-Spot"
RDS_INSTANCE_SERVICE = "RDS-PostgreSQL"
INSTANCE_HOUR_UNIT = "hour"
#: Unit of a price a scenario override adds: whatever unit the resource bills in.
ADDED_UNIT = "unit the resource bills"
#: RDS deployment option → SKU suffix of its instance-hour row.
RDS_DEPLOYMENT_SUFFIX: Mapping[str, str] = {
    "single-az": "Single-AZ",
    "multi-az": "Multi-AZ",
    "multi-az-cluster": "Multi-AZ cluster",
}


def did_you_mean(wanted: str, choices: Iterable[str]) -> str | None:
    """Closest choice to ``wanted`` (case-insensitive, difflib), or ``None``."""
    by_lower = {choice.lower(): choice for choice in choices}
    matches = difflib.get_close_matches(wanted.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[matches[0]] if matches else None


def not_found_message(key: str, keys: Iterable[str], catalog_label: str) -> str:
    """Explain a missing ``SERVICE/SKU`` key with the closest key or the choices.

    Args:
        key: the key asked for.
        keys: every key the catalog holds.
        catalog_label: e.g. ``"us-east-1 (2026-09-20)"``.
    """
    keys = list(keys)
    message = f"no price for {key} in catalog {catalog_label}"
    suggestion = did_you_mean(key, keys)
    if suggestion is not None:
        return f"{message}; did you mean {suggestion!r}?"
    service = key.partition("/")[0]
    skus = sorted(k.partition("/")[2] for k in keys if k.partition("/")[0] == service)
    if skus:
        return f"{message}; {service} prices: {', '.join(repr(s) for s in skus)}"
    return f"{message}; services: {', '.join(sorted({k.partition('/')[0] for k in keys}))}"


def rds_classes(prices: Iterable[Price]) -> set[str]:
    """RDS for PostgreSQL instance classes that have an instance-hour price."""
    return {
        price.sku.split(" ", 1)[0]
        for price in prices
        if price.service == RDS_INSTANCE_SERVICE and price.unit == INSTANCE_HOUR_UNIT
    }


def _override_row(prices: Mapping[str, Price], key: str, value: object) -> Price:
    usd = check_usd(value, f"override {key!r}")
    current = prices.get(key)
    if current is not None:
        return Price(
            service=current.service,
            sku=current.sku,
            unit=current.unit,
            list_usd=usd,
            source=OVERRIDE_SOURCE,
            as_of=None,
            notes=(
                f"catalog list price {current.list_usd:g} USD per {current.unit} "
                f"({current.source}, as of {current.as_of})"
            ),
            verified=False,
        )
    service, _, sku = key.partition("/")
    if not service.strip() or not sku.strip():
        raise CatalogInputError(f"override {key!r}: a price key reads 'SERVICE/SKU'")
    instance_hours = service in (RDS_INSTANCE_SERVICE, EC2_ON_DEMAND_SERVICE, EC2_SPOT_SERVICE)
    return Price(
        service=service,
        sku=sku,
        unit=INSTANCE_HOUR_UNIT if instance_hours else ADDED_UNIT,
        list_usd=usd,
        source=OVERRIDE_SOURCE,
        as_of=None,
        notes="not in the catalog: added by a scenario override",
        verified=False,
    )


def _discounted(price: Price, discounts: Discounts) -> Price:
    # Only instance-hours take a commitment discount: on-demand EC2 (Compute
    # Savings Plan) and RDS DB instances (Reserved Instances). Spot, storage,
    # transfer and the EKS control plane are never discounted.
    if price.unit != INSTANCE_HOUR_UNIT:
        return price
    if price.service == EC2_ON_DEMAND_SERVICE:
        return replace(price, discount=discounts.compute_savings_plan)
    if price.service == RDS_INSTANCE_SERVICE:
        return replace(price, discount=discounts.rds_reserved)
    return price


def apply_overrides_and_discounts(
    list_prices: Iterable[Price],
    overrides: Mapping[str, float],
    discounts: Discounts,
) -> dict[str, Price]:
    """Return ``{key: price in effect}``: overrides replace list prices, then discounts apply.

    An override keeps the row's unit, sets ``source`` to
    :data:`~innovate_sim.pricing.price.OVERRIDE_SOURCE` and ``as_of`` to
    ``None``. The row's discount still applies to it. An override of a key the
    catalog lacks adds that price (unit :data:`ADDED_UNIT`); whether a resource
    uses it is checked with the scenario (``innovate_sim.cost.pricecheck``).

    Args:
        list_prices: the catalog rows.
        overrides: ``{"SERVICE/SKU": usd per unit}``.
        discounts: commitment discounts.

    Raises:
        CatalogInputError: an override price is not a finite number >= 0, or
            its key does not read ``SERVICE/SKU``.
    """
    prices = {price.key: price for price in list_prices}
    for key, value in overrides.items():
        prices[key] = _override_row(prices, key, value)
    return {key: _discounted(price, discounts) for key, price in prices.items()}
