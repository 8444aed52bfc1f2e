"""What every mapping step shares: the plan, the region, and the list of assumptions made."""

from __future__ import annotations

from dataclasses import dataclass, field

from innovate_sim.importers.plan import PlanFile, TerraformImportError, TfResource

__all__ = ["Context", "az_letter"]


@dataclass
class Context:
    """The plan being mapped and the notes collected while mapping it.

    Attributes:
        plan: the plan or state read.
        region: the AWS region the resources live in.
        zones: the VPC's availability zone names, sorted (``us-east-1a`` …).
        assumptions: one line per figure that did not come from the plan as written.
        origins: scenario field path → the plan resource it came from.
    """

    plan: PlanFile
    region: str = "us-east-1"
    zones: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    origins: dict[tuple[str | int, ...], str] = field(default_factory=dict)

    def assume(self, where: str, text: str) -> None:
        """Record an assumption about ``where`` (a resource address or a scenario field)."""
        self.assumptions.append(f"{where}: {text}")

    def came_from(self, path: tuple[str | int, ...], resource: TfResource) -> None:
        """Remember that the scenario field at ``path`` was read from ``resource``."""
        self.origins[path] = resource.address

    def fail(self, resource: TfResource, text: str) -> TerraformImportError:
        """An import error located at a resource of the plan."""
        return TerraformImportError(f"{self.plan.path}: {resource.address}: {text}")

    def zone_index(self, zone: str) -> int | None:
        """0 for the VPC's first AZ, 1 for the second …; None when not one of them."""
        return self.zones.index(zone) if zone in self.zones else None


def az_letter(index: int) -> str:
    """The scenario's name of the AZ at ``index`` (0 → ``"a"``)."""
    return "abcdef"[index]
