"""Import architectures described elsewhere: Terraform plans and states.

``scenario_from_terraform(plan, usage)`` reads ``terraform show -json`` output
and a usage file into a validated :class:`~innovate_sim.scenario.Scenario`;
``import_terraform`` also returns the list of assumptions it made.
"""

from __future__ import annotations

from innovate_sim.importers.plan import TerraformImportError, read_plan
from innovate_sim.importers.terraform import (
    DEFAULT_USAGE_FILE,
    ImportResult,
    import_terraform,
    scenario_from_terraform,
)

__all__ = [
    "DEFAULT_USAGE_FILE",
    "ImportResult",
    "TerraformImportError",
    "import_terraform",
    "read_plan",
    "scenario_from_terraform",
]
