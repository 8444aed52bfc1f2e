"""Sweep files: a base scenario, a grid of dotted paths and settings, read into a plan.

The grid's meaning (paths, merge-patch presets, variant labels) is
:mod:`innovate_sim.experiments.variants`; running the plan is
:func:`innovate_sim.experiments.sweep.sweep`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from innovate_sim.errors import ScenarioError
from innovate_sim.experiments.sweep import SweepResult, sweep
from innovate_sim.experiments.variants import parse_grid
from innovate_sim.scenario import Scenario, load_scenario

__all__ = ["SweepPlan", "load_sweep"]

#: Keys of a sweep file.
SWEEP_FILE_KEYS = (
    "name",
    "description",
    "base",
    "variants",
    "grid",
    "replications",
    "seed",
    "environment",
)
MAX_SWEEP_FILE_BYTES = 1024 * 1024


@dataclass
class SweepPlan:
    """A sweep read from a sweep file (see :func:`load_sweep`)."""

    name: str
    base: Scenario | None
    variants: list[Scenario]
    grid: dict[str, Any]
    replications: int | None = None
    seed: int | None = None
    environment: str | None = None
    description: str = ""

    def run(self, **options: Any) -> SweepResult:
        """Run the sweep; ``options`` (those of :func:`innovate_sim.sweep`) override the file's."""
        settings: dict[str, Any] = {
            "replications": self.replications,
            "seed": self.seed,
            "environment": self.environment,
        }
        settings.update({k: v for k, v in options.items() if v is not None})
        return sweep(self.base, self.grid, variants=self.variants, **settings)


def load_sweep(path: str | Path) -> SweepPlan:
    """Read a sweep file: ``base`` scenario, ``grid`` of dotted paths, optional ``variants``.

    Scenario file names are relative to the sweep file. Example::

        base: ../prod.yaml
        replications: 20
        grid:
          environments.prod.network.nat_gateways: [per_az, single]
          environments.prod.cluster.node_pools:
            name: arch
            values:
              - {label: arm64, patch: {general: {arch: arm64}}}
              - {label: amd64, patch: {general: {arch: amd64, families: [m7i]}}}
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such sweep file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the sweep file ({exc.strerror})") from None
    if len(raw) > MAX_SWEEP_FILE_BYTES:
        raise ScenarioError(f"{path}: a sweep file is limited to {MAX_SWEEP_FILE_BYTES:,} bytes")
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: not a readable YAML sweep file: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{path}: a sweep file is a mapping with keys {', '.join(SWEEP_FILE_KEYS)}"
        )
    unknown = sorted(set(map(str, data)) - set(SWEEP_FILE_KEYS))
    if unknown:
        raise ScenarioError(
            f"{path}: unknown key(s) {', '.join(map(repr, unknown))}; "
            f"valid keys: {', '.join(SWEEP_FILE_KEYS)}"
        )
    base = load_scenario(path.parent / str(data["base"])) if data.get("base") else None
    files = data.get("variants") or []
    if isinstance(files, str) or not isinstance(files, list):
        raise ScenarioError(f"{path}: variants: expected a list of scenario files")
    variants = [load_scenario(path.parent / str(f)) for f in files]
    if base is None and not variants:
        raise ScenarioError(f"{path}: needs 'base' (a scenario file) or 'variants'")
    grid = data.get("grid") or {}
    parse_grid(grid)  # report a malformed grid now, with the file's name
    for key in ("replications", "seed"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ScenarioError(f"{path}: {key}: expected a whole number, got {value!r}")
    return SweepPlan(
        name=str(data.get("name") or path.stem),
        base=base,
        variants=variants,
        grid=grid,
        replications=data.get("replications"),
        seed=data.get("seed"),
        environment=data.get("environment"),
        description=str(data.get("description") or ""),
    )
