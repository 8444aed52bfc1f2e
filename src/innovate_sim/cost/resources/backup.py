"""AWS Backup of the database: snapshot storage in a vault and cross-region copies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog

__all__ = ["BackupVault"]


@dataclass(frozen=True)
class BackupVault(Resource):
    """RDS snapshots an AWS Backup plan keeps, and their optional copy to another region.

    A copy is sent once a month (inter-region transfer of the vault's size) and
    stored in the destination region, priced at the home region's rate (the
    only catalog shipped), which the line says.

    Attributes:
        vault_gb: snapshot GB kept in the vault.
        copy_region: destination of cross-region copies, or ``None`` for none.
    """

    field_path: ClassVar[tuple[str, ...]] = ("database", "backups", "aws_backup")

    vault_gb: float
    copy_region: str | None = None

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Vault storage; with a copy region, the transfer and the copy's storage too."""
        storage = catalog.price("Backup", "AWS Backup RDS snapshot storage")
        resource = f"{self.environment}/backup-vault"
        lines = [
            self.line(
                "Backup",
                resource,
                "RDS snapshot storage in the backup vault (GB-month)",
                self.vault_gb,
                "GB-month",
                storage,
            )
        ]
        if self.copy_region is None:
            return lines
        lines.append(
            self.line(
                "Backup",
                resource,
                f"Cross-region copy to {self.copy_region}, transfer (GB)",
                self.vault_gb,
                "GB",
                catalog.price("Backup", "AWS Backup cross-region copy transfer"),
            )
        )
        lines.append(
            self.line(
                "Backup",
                resource,
                f"Copy stored in {self.copy_region}, priced at the {catalog.region} rate "
                "(GB-month)",
                self.vault_gb,
                "GB-month",
                storage,
            )
        )
        return lines
