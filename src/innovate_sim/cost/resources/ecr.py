"""Amazon ECR: repository storage (image pulls are billed as network traffic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog

__all__ = ["EcrRegistry"]


@dataclass(frozen=True)
class EcrRegistry(Resource):
    """The ECR repositories an account hosts.

    Attributes:
        storage_gb: image storage, GB.
    """

    field_path: ClassVar[tuple[str, ...]] = ("registry",)

    storage_gb: float

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Storage GB-months."""
        return [
            self.line(
                "ECR",
                f"{self.environment}/ecr",
                "Image storage (GB-month)",
                self.storage_gb,
                "GB-month",
                catalog.price("ECR", "storage"),
            )
        ]
