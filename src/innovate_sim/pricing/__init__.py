"""AWS prices for innovate_sim: a dated, sourced catalog shipped as package data.

>>> from innovate_sim.pricing import load_catalog
>>> cat = load_catalog("us-east-1")
>>> cat.usd("VPC", "NAT Gateway")
0.045

Every price carries its source and the date it reflects. A missing price is
an error (:class:`~innovate_sim.errors.PriceNotFound`), never zero.
"""

from __future__ import annotations

from innovate_sim.pricing._loader import CatalogDataError
from innovate_sim.pricing.catalog import (
    CapacityType,
    PriceCatalog,
    RdsDeployment,
    SourceRef,
    available_regions,
    load_catalog,
)
from innovate_sim.pricing.eks import EksVersion, SupportStatus
from innovate_sim.pricing.instances import (
    SPOT_BAND_MONTHLY_PROBABILITY,
    InstanceType,
    spot_interruption_rate_per_hour,
)
from innovate_sim.pricing.price import OVERRIDE_SOURCE, CatalogInputError, Discounts, Price
from innovate_sim.pricing.settings import PricedScenario, scenario_catalog

__all__ = [
    "OVERRIDE_SOURCE",
    "SPOT_BAND_MONTHLY_PROBABILITY",
    "CapacityType",
    "CatalogDataError",
    "CatalogInputError",
    "Discounts",
    "EksVersion",
    "InstanceType",
    "Price",
    "PriceCatalog",
    "PricedScenario",
    "RdsDeployment",
    "SourceRef",
    "SupportStatus",
    "available_regions",
    "load_catalog",
    "scenario_catalog",
    "spot_interruption_rate_per_hour",
]
