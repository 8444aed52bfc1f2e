"""Services the design uses at no charge, listed so the bill shows them ($0 lines).

Shield Standard, AWS Organizations, IAM Identity Center, gateway VPC
endpoints (S3, DynamoDB), and open-source software running on the cluster's
own nodes (Karpenter, self-hosted ArgoCD). Each is a catalog row priced 0
with its source, so a price change would show up here.
"""

from __future__ import annotations

from dataclasses import dataclass

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog

__all__ = ["FREE_ITEMS", "FreeService"]

#: kind → (billing family shown, catalog service, catalog SKU, bill line)
FREE_ITEMS: dict[str, tuple[str, str, str, str]] = {
    "shield-standard": ("Shield", "Shield", "Shield Standard", "Shield Standard (always on)"),
    "organizations": (
        "Organizations",
        "Organizations",
        "AWS Organizations",
        "AWS Organizations",
    ),
    "iam-identity-center": ("IAM", "IAM", "IAM Identity Center", "IAM Identity Center (SSO)"),
    "gateway-endpoint": (
        "VPC",
        "VPC",
        "Gateway VPC endpoint (S3, DynamoDB)",
        "Gateway endpoint",
    ),
    "karpenter": (
        "EKS",
        "EKS",
        "Karpenter / self-hosted ArgoCD software",
        "Karpenter (open source; its pods run on the cluster's nodes)",
    ),
    "argocd": (
        "EKS",
        "EKS",
        "Karpenter / self-hosted ArgoCD software",
        "ArgoCD, self-hosted (open source; its pods run on the cluster's nodes)",
    ),
}


@dataclass(frozen=True)
class FreeService(Resource):
    """A service billed at $0 (a catalog row priced 0).

    Attributes:
        kind: a key of :data:`FREE_ITEMS`.
        name: what it is attached to, e.g. ``"s3"`` for a gateway endpoint
            (default: the kind).
    """

    kind: str
    name: str = ""

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """One line of one month at the catalog's (zero) price."""
        family, service, sku, label = FREE_ITEMS[self.kind]
        name = self.name or self.kind
        if self.kind == "gateway-endpoint":
            label = f"{label} ({name.rsplit('/', 1)[-1]})"
        scope = self.environment if self.environment != "-" else self.account
        return [
            self.line(
                family,
                f"{scope}/{name}",
                f"{label} (months)",
                1.0,
                "months",
                catalog.price(service, sku),
            )
        ]
