"""The dated, sourced AWS price catalog of one region.

``load_catalog(region)`` reads the package data once per region (cached) and
returns a :class:`PriceCatalog`. Scenario overrides and commitment discounts
produce a **new** catalog; the cached one is never changed.

Rules the catalog enforces (DESIGN §3.6):

- A missing price is an error (:class:`~innovate_sim.errors.PriceNotFound`
  with a "did you mean" hint), never zero. Free items are explicit rows
  priced 0 with their source.
- An override replaces the price of a ``SERVICE/SKU`` key, or adds a price
  the catalog lacks (a scenario's price check then refuses an added price
  that no resource uses, so a typo cannot go unnoticed).
- Every row says whether its source can be checked (:attr:`Price.verified`).
- An override replaces the list price; the commitment discount of its row
  still applies on top (a discount belongs to the purchase, not the price).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, NamedTuple

from innovate_sim.errors import PriceNotFound, RegionNotSupported
from innovate_sim.pricing import _loader
from innovate_sim.pricing.adjust import (
    EC2_ON_DEMAND_SERVICE,
    EC2_SPOT_SERVICE,
    RDS_DEPLOYMENT_SUFFIX,
    RDS_INSTANCE_SERVICE,
    apply_overrides_and_discounts,
    did_you_mean,
    not_found_message,
    rds_classes,
)
from innovate_sim.pricing.eks import EksCalendar, EksVersion, SupportStatus
from innovate_sim.pricing.instances import InstanceSpec, InstanceType
from innovate_sim.pricing.price import CatalogInputError, Discounts, Price

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CapacityType",
    "PriceCatalog",
    "RdsDeployment",
    "SourceRef",
    "available_regions",
    "load_catalog",
]

CapacityType = Literal["on-demand", "spot"]
RdsDeployment = Literal["single-az", "multi-az", "multi-az-cluster"]

EKS_SERVICE = "EKS"
EKS_STANDARD_SKU = "cluster standard support"
EKS_EXTENDED_SKU = "cluster extended support"
_CAPACITY_SERVICES: Mapping[str, str] = {
    "on-demand": EC2_ON_DEMAND_SERVICE,
    "spot": EC2_SPOT_SERVICE,
}


class SourceRef(NamedTuple):
    """A distinct source of catalog data and the newest date taken from it."""

    source: str
    as_of: datetime.date | None


class PriceCatalog:
    """Unit prices, instance types and EKS support dates of one AWS region.

    Build one with :func:`load_catalog`. Every price carries its source and
    date; :attr:`version` names the snapshot (``"aws-us-east-1@2026-09-20"``)
    so results can say which prices they used.

    Attributes:
        region: AWS region code, e.g. ``"us-east-1"``.
        as_of: newest ``as_of`` date of the catalog's price rows.
        version: ``"aws-<region>@<as_of>"``.
        discounts: the commitment discounts applied.
        overrides: the scenario overrides applied, ``{"SERVICE/SKU": usd}``.
    """

    def __init__(
        self,
        region: str,
        list_prices: Iterable[Price],
        instance_specs: Iterable[InstanceSpec],
        eks_versions: Iterable[EksVersion],
        *,
        overrides: Mapping[str, float] | None = None,
        discounts: Discounts | None = None,
    ) -> None:
        """Assemble a catalog from list prices, then apply overrides and discounts.

        Args:
            region: AWS region code.
            list_prices: catalog rows with their list prices (no discount).
            instance_specs: static instance-type facts; each needs an ``EC2``
                and an ``EC2-Spot`` price row.
            eks_versions: EKS support calendar.
            overrides: ``{"SERVICE/SKU": usd per unit}`` replacing list prices.
            discounts: commitment discounts; none by default.

        Raises:
            PriceNotFound: an override names an unknown key, or an instance
                type lacks a price.
            CatalogInputError: an override price is negative or not a number.
        """
        self.region = region
        self._list_prices: tuple[Price, ...] = tuple(list_prices)
        self._specs: tuple[InstanceSpec, ...] = tuple(instance_specs)
        self._eks = EksCalendar(eks_versions)
        dates = [price.as_of for price in self._list_prices if price.as_of is not None]
        if not dates:
            raise PriceNotFound(f"price catalog {region} has no dated rows")
        self.as_of: datetime.date = max(dates)
        self.version = f"aws-{region}@{self.as_of.isoformat()}"
        self.discounts = discounts if discounts is not None else Discounts()
        self.overrides: Mapping[str, float] = MappingProxyType(dict(overrides or {}))

        self._prices: Mapping[str, Price] = MappingProxyType(
            apply_overrides_and_discounts(self._list_prices, self.overrides, self.discounts)
        )
        self._instance_types: Mapping[str, InstanceType] = MappingProxyType(
            {
                spec.name: InstanceType.from_spec(
                    spec,
                    on_demand_usd_per_hour=self.ec2_price(spec.name, "on-demand").usd,
                    spot_usd_per_hour=self.ec2_price(spec.name, "spot").usd,
                )
                for spec in self._specs
            }
        )

    # ----------------------------------------------------------------- building

    def adjusted(
        self, overrides: Mapping[str, float] | None = None, discounts: Discounts | None = None
    ) -> PriceCatalog:
        """Return a new catalog with more overrides and/or other discounts.

        Args:
            overrides: merged over this catalog's overrides (same key wins).
            discounts: replace this catalog's discounts when given.
        """
        return PriceCatalog(
            self.region,
            self._list_prices,
            self._specs,
            self._eks.versions(),
            overrides={**self.overrides, **(overrides or {})},
            discounts=discounts if discounts is not None else self.discounts,
        )

    # ------------------------------------------------------------------ lookups

    @property
    def _label(self) -> str:
        return f"{self.region} ({self.as_of.isoformat()})"

    def price(self, service: str, sku: str) -> Price:
        """Return the price in effect of ``service``/``sku``.

        Args:
            service: e.g. ``"VPC"``.
            sku: e.g. ``"NAT Gateway"``.

        Raises:
            PriceNotFound: the catalog has no such row; the message suggests
                the closest key.
        """
        key = f"{service}/{sku}"
        found = self._prices.get(key)
        if found is None:
            raise PriceNotFound(not_found_message(key, self._prices, self._label))
        return found

    def usd(self, service: str, sku: str) -> float:
        """Effective USD per unit of ``service``/``sku`` (see :meth:`price`)."""
        return self.price(service, sku).usd

    def ec2_price(self, instance_type: str, capacity_type: CapacityType = "on-demand") -> Price:
        """Return the hourly Linux price of an EC2 instance type.

        The Compute Savings Plan discount applies to on-demand only.

        Args:
            instance_type: e.g. ``"m6g.large"``.
            capacity_type: ``"on-demand"`` or ``"spot"``.

        Raises:
            CatalogInputError: unknown capacity type.
            PriceNotFound: the instance type has no price of that capacity type.
        """
        service = _CAPACITY_SERVICES.get(capacity_type)
        if service is None:
            raise CatalogInputError(
                f"capacity type must be 'on-demand' or 'spot', got {capacity_type!r}"
            )
        return self.price(service, instance_type)

    def rds_instance_classes(self) -> list[str]:
        """RDS for PostgreSQL instance classes that have an hourly price, sorted."""
        return sorted(rds_classes(self._prices.values()))

    def rds_instance_price(
        self, instance_class: str, deployment: RdsDeployment = "single-az"
    ) -> Price:
        """Return the hourly price of an RDS for PostgreSQL DB instance.

        The RDS Reserved Instance discount applies. ``"multi-az"`` is a
        Multi-AZ DB *instance* (one standby; the price covers both).

        Args:
            instance_class: e.g. ``"db.m6g.large"``.
            deployment: ``"single-az"``, ``"multi-az"`` or ``"multi-az-cluster"``.

        Raises:
            CatalogInputError: unknown deployment.
            PriceNotFound: no price for that class and deployment; for a
                Multi-AZ DB cluster the message lists the classes priced and how
                to supply the price as an override.
        """
        suffix = RDS_DEPLOYMENT_SUFFIX.get(deployment)
        if suffix is None:
            raise CatalogInputError(
                f"RDS deployment must be one of {list(RDS_DEPLOYMENT_SUFFIX)}, got {deployment!r}"
            )
        sku = f"{instance_class} {suffix}"
        found = self._prices.get(f"{RDS_INSTANCE_SERVICE}/{sku}")
        if found is not None:
            return found
        classes = self.rds_instance_classes()
        if instance_class not in classes:
            suggestion = did_you_mean(instance_class, classes)
            hint = (
                f"did you mean {suggestion!r}?" if suggestion else f"priced: {', '.join(classes)}"
            )
            raise PriceNotFound(
                f"no price for RDS instance class {instance_class!r} "
                f"in catalog {self._label}; {hint}"
            )
        if deployment == "multi-az-cluster":
            clustered = sorted(
                key.split("/", 1)[1].removesuffix(f" {suffix}")
                for key in self._prices
                if key.startswith(f"{RDS_INSTANCE_SERVICE}/") and key.endswith(f" {suffix}")
            )
            raise PriceNotFound(
                f"no price for {RDS_INSTANCE_SERVICE}/{sku} in catalog {self._label}: "
                f"Multi-AZ DB clusters are priced for {', '.join(clustered) or 'no class'}; "
                "choose one of them, or supply the hourly price as an override: "
                f"pricing.overrides {{'{RDS_INSTANCE_SERVICE}/{sku}': <USD per hour>}}"
            )
        raise PriceNotFound(
            not_found_message(f"{RDS_INSTANCE_SERVICE}/{sku}", self._prices, self._label)
        )

    def instance_type(self, name: str) -> InstanceType:
        """Return an EC2 instance type with its prices in effect.

        Raises:
            PriceNotFound: unknown instance type; the message suggests the closest.
        """
        found = self._instance_types.get(name)
        if found is None:
            suggestion = did_you_mean(name, self._instance_types)
            hint = f"; did you mean {suggestion!r}?" if suggestion else ""
            raise PriceNotFound(f"no instance type {name!r} in catalog {self._label}{hint}")
        return found

    def instance_types(self) -> list[InstanceType]:
        """All instance types of the catalog, sorted by name."""
        return [self._instance_types[name] for name in sorted(self._instance_types)]

    # ---------------------------------------------------------------------- EKS

    def eks_versions(self) -> list[EksVersion]:
        """EKS support dates of every Kubernetes version the catalog knows, oldest first."""
        return self._eks.versions()

    def eks_version(self, kubernetes_version: str) -> EksVersion:
        """Return the EKS support dates of a Kubernetes minor version.

        Args:
            kubernetes_version: ``"1.30"`` (also ``"v1.30"`` or ``"1.30.2"``).

        Raises:
            PriceNotFound: the version is unknown; the message lists known ones.
        """
        return self._eks.get(kubernetes_version)

    def eks_support(self, kubernetes_version: str, on: datetime.date) -> SupportStatus:
        """Return ``"standard"``, ``"extended"`` or ``"unsupported"`` for a version on a day.

        Args:
            kubernetes_version: e.g. ``"1.30"``.
            on: the (UTC) day in question.

        Raises:
            PriceNotFound: the version is unknown.
        """
        return self.eks_version(kubernetes_version).support_on(on)

    def eks_cluster_price(self, kubernetes_version: str, on: datetime.date) -> Price:
        """Return the hourly EKS control-plane price for a version on a day.

        Raises:
            PriceNotFound: unknown version, or the version is not supported
                on that day (AWS upgrades the control plane).
        """
        entry = self.eks_version(kubernetes_version)
        status = entry.support_on(on)
        if status == "standard":
            return self.price(EKS_SERVICE, EKS_STANDARD_SKU)
        if status == "extended":
            return self.price(EKS_SERVICE, EKS_EXTENDED_SKU)
        raise PriceNotFound(
            f"Kubernetes {entry.kubernetes_version} is not supported on EKS on {on.isoformat()} "
            f"(available {entry.eks_release.isoformat()} to "
            f"{entry.end_of_extended_support.isoformat()}); choose a supported version"
        )

    # ------------------------------------------------------------- whole catalog

    def prices(self) -> list[Price]:
        """Every price in effect, in catalog file order, then added overrides."""
        return list(self._prices.values())

    def keys(self) -> list[str]:
        """Every ``"SERVICE/SKU"`` key, sorted."""
        return sorted(self._prices)

    def __contains__(self, key: object) -> bool:
        return key in self._prices

    def __len__(self) -> int:
        return len(self._prices)

    @property
    def sources(self) -> list[SourceRef]:
        """Distinct sources of prices, instance facts and EKS dates, newest first."""
        dated: list[tuple[str, datetime.date | None]] = [
            (price.source, price.as_of) for price in self._prices.values()
        ]
        dated += [(spec.source, spec.as_of) for spec in self._specs]
        dated += [(entry.source, entry.as_of) for entry in self._eks.versions()]
        newest: dict[str, datetime.date | None] = {}
        for source, as_of in dated:
            previous = newest.get(source)
            if source not in newest or (
                as_of is not None and (previous is None or as_of > previous)
            ):
                newest[source] = as_of

        def order(ref: SourceRef) -> tuple[bool, int, str]:
            ordinal = ref.as_of.toordinal() if ref.as_of is not None else 0
            return (ref.as_of is None, -ordinal, ref.source)

        return sorted((SourceRef(s, d) for s, d in newest.items()), key=order)

    def to_frame(self) -> pd.DataFrame:
        """Every price in effect as a DataFrame.

        Columns: key, service, sku, unit, list_usd, discount, usd, source,
        as_of, notes, verified.
        """
        import pandas as pd  # deferred: importing the catalog must not import pandas

        return pd.DataFrame(
            [
                {
                    "key": price.key,
                    "service": price.service,
                    "sku": price.sku,
                    "unit": price.unit,
                    "list_usd": price.list_usd,
                    "discount": price.discount,
                    "usd": price.usd,
                    "source": price.source,
                    "as_of": price.as_of,
                    "notes": price.notes,
                    "verified": price.verified,
                }
                for price in self._prices.values()
            ]
        )

    def __repr__(self) -> str:
        return (
            f"PriceCatalog(region={self.region!r}, version={self.version!r}, "
            f"prices={len(self._prices)}, overrides={len(self.overrides)}, "
            f"discounts={self.discounts!r})"
        )


def available_regions(directory: str | None = None) -> list[str]:
    """Regions with a price catalog, sorted: shipped ones, or those of a catalog folder."""
    return list(_regions(directory))


@functools.cache
def _regions(directory: str | None = None) -> tuple[str, ...]:
    return tuple(_loader.regions_with_data(directory))


@functools.cache  # lru_cache without a bound: one entry per region and folder
def _base_catalog(region: str, directory: str | None = None) -> PriceCatalog:
    return PriceCatalog(
        region,
        _loader.load_prices(region, directory),
        _loader.load_instance_specs(region, directory),
        _loader.load_eks_versions(),
    )


def load_catalog(
    region: str = "us-east-1",
    overrides: Mapping[str, float] | None = None,
    discounts: Discounts | None = None,
    *,
    directory: str | Path | None = None,
) -> PriceCatalog:
    """Load the price catalog of a region, optionally with overrides and discounts.

    The package data is read once per region; with overrides or discounts a
    new catalog is built from the cached one, which is never modified.

    Args:
        region: AWS region code.
        overrides: ``{"SERVICE/SKU": usd per unit}`` replacing list prices.
        discounts: commitment discounts (Compute Savings Plan, RDS reserved).
        directory: a catalog folder written by ``innovate-sim prices import``
            instead of the shipped catalogs.

    Raises:
        RegionNotSupported: no catalog ships for the region (or the folder has none).
        PriceNotFound: an override names an unknown key.
        CatalogInputError: an override price is not a finite number >= 0.
    """
    folder = None if directory is None else str(Path(directory).resolve())
    try:
        regions = _regions(folder)
    except _loader.CatalogDataError as exc:
        raise RegionNotSupported(str(exc)) from None
    if region not in regions:
        where = f" in {folder}" if folder else ""
        raise RegionNotSupported(
            f"no price catalog for region {region!r}{where}; available: {', '.join(regions)}"
        )
    base = _base_catalog(region, folder)
    if not overrides and (discounts is None or discounts.is_zero):
        return base
    return base.adjusted(overrides, discounts)
