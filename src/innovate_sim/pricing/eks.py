"""Amazon EKS Kubernetes version calendar: standard, extended or no support.

An EKS cluster costs the standard rate per hour while its Kubernetes version
is in standard support and the (higher, total) extended rate after that; at
the end of extended support AWS upgrades the control plane. The dates ship in
``data/eks_versions.csv`` with their sources.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from innovate_sim.errors import PriceNotFound

__all__ = ["EksCalendar", "EksVersion", "SupportStatus", "normalize_kubernetes_version"]

SupportStatus = Literal["standard", "extended", "unsupported"]

_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.\d+)?\s*$")


def normalize_kubernetes_version(version: object) -> str | None:
    """Return the minor version ``"1.30"`` of ``"1.30"``, ``"v1.30"`` or ``"1.30.2"``.

    Returns ``None`` when the value does not read as a Kubernetes version.
    A float is refused (YAML reads ``1.30`` as ``1.3``): quote the version.
    """
    if not isinstance(version, str):
        return None
    match = _VERSION.match(version)
    if match is None:
        return None
    return f"{int(match.group(1))}.{int(match.group(2))}"


@dataclass(frozen=True, slots=True)
class EksVersion:
    """Support dates of one Kubernetes minor version on Amazon EKS (UTC days).

    Attributes:
        kubernetes_version: minor version, e.g. ``"1.30"``.
        eks_release: first day the version was available on EKS.
        end_of_standard_support: first day billed at the extended-support
            rate (AWS: "billing for extended support starts at the beginning
            of the day that the version reaches end of standard support").
        end_of_extended_support: first day the version is no longer supported;
            AWS upgrades the control plane after it.
        source: where the dates come from.
        as_of: date the source reflects.
        notes: caveats.
    """

    kubernetes_version: str
    eks_release: datetime.date
    end_of_standard_support: datetime.date
    end_of_extended_support: datetime.date
    source: str
    as_of: datetime.date
    notes: str = ""

    def support_on(self, day: datetime.date) -> SupportStatus:
        """Return the support status of this version on ``day``.

        Before ``eks_release`` the version is not offered: ``"unsupported"``.
        """
        if day < self.eks_release or day >= self.end_of_extended_support:
            return "unsupported"
        if day < self.end_of_standard_support:
            return "standard"
        return "extended"


class EksCalendar:
    """The EKS support dates of every Kubernetes version the catalog knows."""

    def __init__(self, versions: Iterable[EksVersion]) -> None:
        """Index the calendar by minor version.

        Args:
            versions: one entry per Kubernetes minor version.
        """
        self._by_version: dict[str, EksVersion] = {v.kubernetes_version: v for v in versions}

    def versions(self) -> list[EksVersion]:
        """Every known version, in the order given (the loader sorts them oldest first)."""
        return list(self._by_version.values())

    def get(self, kubernetes_version: str) -> EksVersion:
        """Return the support dates of a Kubernetes minor version.

        Args:
            kubernetes_version: ``"1.30"`` (also ``"v1.30"`` or ``"1.30.2"``).

        Raises:
            PriceNotFound: the version is unknown; the message lists known ones.
        """
        version = normalize_kubernetes_version(kubernetes_version)
        found = self._by_version.get(version) if version is not None else None
        if found is None:
            hint = (
                " (quote it: YAML reads 1.30 as the number 1.3)"
                if isinstance(kubernetes_version, float)
                else ""
            )
            raise PriceNotFound(
                f"no EKS support dates for Kubernetes version {kubernetes_version!r}{hint}; "
                f"known versions: {', '.join(self._by_version)}"
            )
        return found
