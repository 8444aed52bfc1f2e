"""Read the catalog's package data (CSV) with the standard library only.

Files live in ``innovate_sim/data``: ``prices_<region>.csv``,
``instance_types_<region>.csv`` and ``eks_versions.csv``. They are parsed
with :mod:`csv` (not pandas) so importing and loading stay fast. A malformed
row is a packaging bug and raises :class:`CatalogDataError` naming the file
and line.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from innovate_sim.errors import InnovateSimError
from innovate_sim.pricing.eks import EksVersion, normalize_kubernetes_version
from innovate_sim.pricing.instances import SPOT_BAND_MONTHLY_PROBABILITY, InstanceSpec
from innovate_sim.pricing.price import Price

__all__ = [
    "CatalogDataError",
    "load_eks_versions",
    "load_instance_specs",
    "load_prices",
    "regions_with_data",
]

_PRICES_PREFIX = "prices_"
_CSV_SUFFIX = ".csv"
_PRICE_COLUMNS = ("service", "sku", "unit", "usd", "source", "as_of", "notes", "verified")
_VERIFIED = {"yes": True, "no": False}
_INSTANCE_COLUMNS = (
    "instance_type",
    "family",
    "size",
    "arch",
    "vcpu",
    "memory_gib",
    "allocatable_cpu",
    "allocatable_memory_gib",
    "max_pods",
    "spot_savings_pct",
    "spot_interruption_band",
    "source",
    "as_of",
    "spot_as_of",
)
_EKS_COLUMNS = (
    "kubernetes_version",
    "eks_release",
    "end_of_standard_support",
    "end_of_extended_support",
    "source",
    "as_of",
    "notes",
)


class CatalogDataError(InnovateSimError):
    """A file of the shipped price catalog is malformed (a packaging bug)."""


def _data_dir(directory: str | None = None) -> Traversable:
    """The package data, or a catalog folder written by ``innovate-sim prices import``."""
    if directory is not None:
        return Path(directory)
    return files("innovate_sim") / "data"


def regions_with_data(directory: str | None = None) -> list[str]:
    """Regions that have a ``prices_<region>.csv`` file, sorted."""
    folder = _data_dir(directory)
    if directory is not None and not Path(directory).is_dir():
        raise CatalogDataError(f"price catalog folder {directory}: no such folder")
    names = (entry.name for entry in folder.iterdir())
    return sorted(
        name[len(_PRICES_PREFIX) : -len(_CSV_SUFFIX)]
        for name in names
        if name.startswith(_PRICES_PREFIX) and name.endswith(_CSV_SUFFIX)
    )


def _rows(
    name: str, columns: tuple[str, ...], directory: str | None = None
) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ``(location, row)`` for each data row of a package (or catalog folder) CSV file."""
    try:
        text = (_data_dir(directory) / name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogDataError(f"{directory or 'data'}/{name}: cannot read ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in columns if column not in (reader.fieldnames or [])]
    if missing:
        raise CatalogDataError(f"{directory or 'data'}/{name}: missing columns {missing}")
    for line_number, row in enumerate(reader, start=2):
        yield f"{directory or 'data'}/{name}:{line_number}", row


def _text(row: dict[str, str], column: str, where: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise CatalogDataError(f"{where}: empty {column!r}")
    return value


def _date(row: dict[str, str], column: str, where: str) -> datetime.date:
    value = _text(row, column, where)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CatalogDataError(f"{where}: {column} {value!r} is not an ISO date") from exc


def _number(row: dict[str, str], column: str, where: str) -> float:
    value = _text(row, column, where)
    try:
        number = float(value)
    except ValueError as exc:
        raise CatalogDataError(f"{where}: {column} {value!r} is not a number") from exc
    if not math.isfinite(number) or number < 0:
        raise CatalogDataError(f"{where}: {column} {value!r} must be finite and >= 0")
    return number


def _flag(row: dict[str, str], column: str, where: str) -> bool:
    value = _text(row, column, where)
    if value not in _VERIFIED:
        raise CatalogDataError(f"{where}: {column} {value!r} is not 'yes' or 'no'")
    return _VERIFIED[value]


def _integer(row: dict[str, str], column: str, where: str) -> int:
    number = _number(row, column, where)
    if number != int(number):
        raise CatalogDataError(f"{where}: {column} {number!r} is not a whole number")
    return int(number)


def load_prices(region: str, directory: str | None = None) -> tuple[Price, ...]:
    """Read ``prices_<region>.csv`` as list prices (no discount), in file order.

    Args:
        region: AWS region code.
        directory: a catalog folder instead of the package data.

    Raises:
        CatalogDataError: a row is malformed or a ``SERVICE/SKU`` key repeats.
    """
    prices: list[Price] = []
    seen: dict[str, str] = {}
    for where, row in _rows(f"{_PRICES_PREFIX}{region}{_CSV_SUFFIX}", _PRICE_COLUMNS, directory):
        price = Price(
            service=_text(row, "service", where),
            sku=_text(row, "sku", where),
            unit=_text(row, "unit", where),
            list_usd=_number(row, "usd", where),
            source=_text(row, "source", where),
            as_of=_date(row, "as_of", where),
            notes=(row.get("notes") or "").strip(),
            verified=_flag(row, "verified", where),
        )
        if "/" in price.service:
            raise CatalogDataError(f"{where}: service {price.service!r} must not contain '/'")
        if price.key in seen:
            raise CatalogDataError(
                f"{where}: duplicate key {price.key!r} (first at {seen[price.key]})"
            )
        seen[price.key] = where
        prices.append(price)
    return tuple(prices)


def load_instance_specs(region: str, directory: str | None = None) -> tuple[InstanceSpec, ...]:
    """Read ``instance_types_<region>.csv``, sorted by instance type name.

    Args:
        region: AWS region code.
        directory: a catalog folder instead of the package data.

    Raises:
        CatalogDataError: a row is malformed, repeats, or has an unknown
            architecture or Spot band.
    """
    specs: dict[str, InstanceSpec] = {}
    for where, row in _rows(f"instance_types_{region}{_CSV_SUFFIX}", _INSTANCE_COLUMNS, directory):
        name = _text(row, "instance_type", where)
        arch = _text(row, "arch", where)
        band = _text(row, "spot_interruption_band", where)
        if arch not in ("arm64", "amd64"):
            raise CatalogDataError(f"{where}: arch {arch!r} is not 'arm64' or 'amd64'")
        if band not in SPOT_BAND_MONTHLY_PROBABILITY:
            raise CatalogDataError(
                f"{where}: Spot band {band!r} is not one of {list(SPOT_BAND_MONTHLY_PROBABILITY)}"
            )
        if name in specs:
            raise CatalogDataError(f"{where}: duplicate instance type {name!r}")
        specs[name] = InstanceSpec(
            name=name,
            family=_text(row, "family", where),
            size=_text(row, "size", where),
            arch="arm64" if arch == "arm64" else "amd64",
            vcpu=_integer(row, "vcpu", where),
            memory_gib=_number(row, "memory_gib", where),
            allocatable_cpu=_number(row, "allocatable_cpu", where),
            allocatable_memory_gib=_number(row, "allocatable_memory_gib", where),
            max_pods=_integer(row, "max_pods", where),
            spot_savings_pct=_number(row, "spot_savings_pct", where),
            spot_interruption_band=band,
            source=_text(row, "source", where),
            as_of=_date(row, "as_of", where),
            spot_as_of=_date(row, "spot_as_of", where),
        )
    return tuple(specs[name] for name in sorted(specs))


def load_eks_versions() -> tuple[EksVersion, ...]:
    """Read ``eks_versions.csv``, sorted by Kubernetes minor version.

    Raises:
        CatalogDataError: a row is malformed, repeats, or its dates are out of order.
    """
    versions: dict[str, EksVersion] = {}
    for where, row in _rows("eks_versions.csv", _EKS_COLUMNS):
        raw = _text(row, "kubernetes_version", where)
        version = normalize_kubernetes_version(raw)
        if version is None or version in versions:
            raise CatalogDataError(f"{where}: bad or duplicate Kubernetes version {raw!r}")
        entry = EksVersion(
            kubernetes_version=version,
            eks_release=_date(row, "eks_release", where),
            end_of_standard_support=_date(row, "end_of_standard_support", where),
            end_of_extended_support=_date(row, "end_of_extended_support", where),
            source=_text(row, "source", where),
            as_of=_date(row, "as_of", where),
            notes=(row.get("notes") or "").strip(),
        )
        if not entry.eks_release < entry.end_of_standard_support < entry.end_of_extended_support:
            raise CatalogDataError(f"{where}: support dates of {version} are out of order")
        versions[version] = entry
    return tuple(versions[v] for v in sorted(versions, key=lambda v: tuple(map(int, v.split(".")))))
