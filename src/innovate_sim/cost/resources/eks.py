"""Amazon EKS control plane: one cluster per environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog
from innovate_sim.units import HOURS_PER_MONTH

__all__ = ["EksCluster"]


@dataclass(frozen=True)
class EksCluster(Resource):
    """An EKS cluster's control plane, billed per hour by support tier.

    Attributes:
        kubernetes_version: e.g. ``"1.33"``.
        support: ``"auto"`` (standard or extended from the EKS version calendar
            on the catalog's date), or ``"standard"`` / ``"extended"`` to force it.
        hours: hours the cluster exists in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("cluster", "kubernetes_version")

    kubernetes_version: str
    support: str = "auto"
    hours: float = HOURS_PER_MONTH

    def tier(self, catalog: PriceCatalog) -> str:
        """The support tier billed: the forced one, or the calendar's on ``catalog.as_of``.

        Raises:
            PriceNotFound: the version is unknown, or out of support on that day.
        """
        if self.support != "auto":
            return self.support
        status = catalog.eks_support(self.kubernetes_version, catalog.as_of)
        if status == "unsupported":
            catalog.eks_cluster_price(self.kubernetes_version, catalog.as_of)  # raises, explained
        return status

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Control-plane hours at the standard or (total) extended-support rate."""
        tier = self.tier(catalog)
        price = catalog.price("EKS", f"cluster {tier} support")
        return [
            self.line(
                "EKS",
                f"{self.environment}/eks-cluster",
                f"EKS cluster ({tier} support, Kubernetes {self.kubernetes_version}) (hours)",
                self.hours,
                "hours",
                price,
            )
        ]
