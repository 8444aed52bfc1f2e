"""One priced item of the catalog, and the discounts a scenario may claim.

A :class:`Price` is a list price with its provenance (source and date) plus
the discount fraction applied to it; :attr:`Price.usd` is what the
simulation charges. Prices come only from the shipped catalog or from an
explicit scenario override: a missing price is an error, never zero.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, fields

from innovate_sim.errors import InnovateSimError

__all__ = ["OVERRIDE_SOURCE", "CatalogInputError", "Discounts", "Price", "check_usd"]

#: ``Price.source`` of a row set by a scenario override instead of the catalog.
OVERRIDE_SOURCE = "scenario override"


class CatalogInputError(InnovateSimError, ValueError):
    """A value given to the catalog is not valid.

    For example an override price below zero, a discount of 20 instead of
    0.2, or a capacity type other than ``"on-demand"`` or ``"spot"``.
    """


def check_usd(value: object, what: str) -> float:
    """Return ``value`` as a finite, non-negative amount of USD.

    Args:
        value: the amount to check (an int or float; bools are refused).
        what: how to name the amount in the error message, e.g. the price key.

    Raises:
        CatalogInputError: the value is not a finite number >= 0.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CatalogInputError(f"{what}: expected a price in USD (a number), got {value!r}")
    usd = float(value)
    if not math.isfinite(usd) or usd < 0:
        raise CatalogInputError(f"{what}: a price must be finite and >= 0 USD, got {value!r}")
    return usd


@dataclass(frozen=True, slots=True)
class Price:
    """A unit price of one AWS billing item, with where it came from.

    Attributes:
        service: AWS service or billing family, e.g. ``"VPC"``, ``"EC2"``,
            ``"EC2-Spot"``, ``"RDS-PostgreSQL"``.
        sku: the priced item within the service, e.g. ``"NAT Gateway"``,
            ``"m6g.large"`` or ``"db.m6g.large Multi-AZ"``.
        unit: what one ``usd`` buys: ``"hour"``, ``"GB"``, ``"GB-month"``…
        list_usd: list price in USD per ``unit`` (on-demand, Linux, no free
            tier). For an overridden row it is the override.
        source: a repository path with commit, a URL, or
            :data:`OVERRIDE_SOURCE`.
        as_of: the date the price reflects; ``None`` for a scenario override,
            which states a price without a date (the scenario is its record).
        notes: caveats and the cross-check the price was derived from.
        discount: fraction of ``list_usd`` taken off (Savings Plan or Reserved
            Instance), in [0, 1).
        verified: whether a reader can check the figure at its source: an AWS
            price list file (or a file generated from it), an AWS pricing or
            documentation page, or Infracost's pricing test data. ``False`` for
            secondary sources, derived figures and figures of another region; a
            bill marks lines priced from such rows as unverified.
    """

    service: str
    sku: str
    unit: str
    list_usd: float
    source: str
    as_of: datetime.date | None
    notes: str = ""
    discount: float = 0.0
    verified: bool = True

    @property
    def key(self) -> str:
        """The catalog key ``"SERVICE/SKU"`` (also the override key)."""
        return f"{self.service}/{self.sku}"

    @property
    def usd(self) -> float:
        """Effective USD per ``unit``: the list price less the discount."""
        if self.discount == 0.0:
            return self.list_usd  # keeps list prices bit-exact for to-the-cent checks
        return self.list_usd * (1.0 - self.discount)

    @property
    def is_override(self) -> bool:
        """Whether a scenario override set this price instead of the catalog."""
        return self.source == OVERRIDE_SOURCE


@dataclass(frozen=True, slots=True)
class Discounts:
    """Commitment discounts a scenario claims, as fractions of list price.

    A single fraction per commitment is a simplification: real Savings Plan
    and Reserved Instance rates differ by family, term and payment option.
    State the effective discount you have been quoted.

    Attributes:
        compute_savings_plan: fraction off **on-demand EC2 instance-hours**
            (not Spot, not EBS, not the EKS control plane), in [0, 1).
        rds_reserved: fraction off **RDS DB instance-hours** (not storage,
            IOPS, backup or snapshot export), in [0, 1).
    """

    compute_savings_plan: float = 0.0
    rds_reserved: float = 0.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise CatalogInputError(
                    f"discount {field.name} must be a fraction in [0, 1), got {value!r}"
                )
            if not (math.isfinite(value) and 0.0 <= value < 1.0):
                hint = " (write 20% as 0.2)" if value >= 1 else ""
                raise CatalogInputError(
                    f"discount {field.name} must be a fraction in [0, 1), got {value!r}{hint}"
                )
            object.__setattr__(self, field.name, float(value))

    @property
    def is_zero(self) -> bool:
        """Whether no discount is claimed at all."""
        return self.compute_savings_plan == 0.0 and self.rds_reserved == 0.0
