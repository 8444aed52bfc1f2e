"""EC2 instance types: size, what Karpenter can allocate on them, price and Spot risk.

The static facts (vCPU, memory, allocatable CPU and memory, max pods, Spot
Advisor band) ship in ``data/instance_types_<region>.csv``; the catalog joins
them with the on-demand and Spot prices it holds, so an :class:`InstanceType`
always carries the prices in effect (after overrides and discounts).
"""

from __future__ import annotations

import datetime
import math
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from innovate_sim.units import HOURS_PER_MONTH

__all__ = [
    "SPOT_BAND_MONTHLY_PROBABILITY",
    "Arch",
    "InstanceSpec",
    "InstanceType",
    "spot_interruption_rate_per_hour",
]

Arch = Literal["arm64", "amd64"]

#: Monthly probability that AWS reclaims a given Spot instance, per Spot
#: Instance Advisor "frequency of interruption" band. The value is the band
#: midpoint, and 25 % for the open-ended ``>20%`` band. This is a modelling
#: assumption, not AWS data: see reference FACTS.md, "Spot interruption ...
#: band midpoint (2.5, 7.5, 12.5, 17.5, 25 %)", and PRICES.md "Spot".
SPOT_BAND_MONTHLY_PROBABILITY: Mapping[str, float] = types.MappingProxyType(
    {
        "<5%": 0.025,
        "5-10%": 0.075,
        "10-15%": 0.125,
        "15-20%": 0.175,
        ">20%": 0.25,
    }
)


def spot_interruption_rate_per_hour(monthly_probability: float) -> float:
    """Convert a monthly reclaim probability to a constant hazard per hour.

    If interruptions arrive as a Poisson process with rate ``λ`` per hour, an
    instance survives a 730-hour month with probability ``exp(-λ·730)``.
    Setting that equal to ``1 - p`` gives ``λ = -ln(1 - p) / 730``, so a
    simulated instance that lives a whole month is reclaimed with probability
    exactly ``p``, as the Spot Advisor band states. The naive ``p / 730``
    would understate it (``1 - exp(-p)`` < ``p``), by about 12 % in the
    ``>20%`` band.

    Args:
        monthly_probability: probability in [0, 1) that one instance is
            reclaimed within a 730-hour month.

    Returns:
        Interruptions per instance-hour.
    """
    if not 0.0 <= monthly_probability < 1.0:
        raise ValueError(f"monthly probability must be in [0, 1), got {monthly_probability!r}")
    return -math.log1p(-monthly_probability) / HOURS_PER_MONTH


@dataclass(frozen=True, slots=True)
class InstanceSpec:
    """One row of ``instance_types_<region>.csv``: static facts, no prices.

    Attributes:
        name: instance type, e.g. ``"m6g.large"``.
        family: e.g. ``"m6g"``.
        size: e.g. ``"large"``.
        arch: ``"arm64"`` or ``"amd64"``.
        vcpu: vCPUs of the instance.
        memory_gib: memory of the instance in GiB.
        allocatable_cpu: CPU cores Karpenter reports as allocatable to pods.
        allocatable_memory_gib: memory in GiB allocatable to pods.
        max_pods: maximum pods per node (VPC CNI limit as Karpenter computes it).
        spot_savings_pct: Spot Advisor savings against on-demand, in percent.
        spot_interruption_band: Spot Advisor band, e.g. ``"5-10%"``.
        source: where the row comes from.
        as_of: date of the size and allocatable figures.
        spot_as_of: date of the Spot Advisor snapshot.
    """

    name: str
    family: str
    size: str
    arch: Arch
    vcpu: int
    memory_gib: float
    allocatable_cpu: float
    allocatable_memory_gib: float
    max_pods: int
    spot_savings_pct: float
    spot_interruption_band: str
    source: str
    as_of: datetime.date
    spot_as_of: datetime.date


@dataclass(frozen=True, slots=True)
class InstanceType:
    """An EC2 instance type as Karpenter and the cost model see it.

    Attributes:
        name: instance type, e.g. ``"m6g.large"``.
        family: e.g. ``"m6g"``.
        size: e.g. ``"large"``.
        arch: ``"arm64"`` (Graviton) or ``"amd64"``.
        vcpu: vCPUs of the instance.
        memory_gib: memory of the instance in GiB.
        allocatable_cpu: CPU cores allocatable to pods (after kubelet and
            system reservations, as Karpenter computes them for AL2023).
        allocatable_memory_gib: memory in GiB allocatable to pods.
        max_pods: maximum pods per node.
        on_demand_usd_per_hour: on-demand price in effect (after override
            and Compute Savings Plan discount).
        spot_usd_per_hour: Spot price in effect (after override; Spot takes
            no Savings Plan discount). About ±10 %: see the ``EC2-Spot`` rows.
        spot_interruption_band: Spot Advisor band, e.g. ``"5-10%"``.
        spot_interruption_monthly_probability: band midpoint, from
            :data:`SPOT_BAND_MONTHLY_PROBABILITY`.
        spot_interruption_rate_per_hour: ``-ln(1 - p) / 730``, see
            :func:`spot_interruption_rate_per_hour`.
        spot_savings_pct: Spot Advisor savings against on-demand, in percent.
        source: where the size and Spot figures come from.
        as_of: date of the size and allocatable figures.
    """

    name: str
    family: str
    size: str
    arch: Arch
    vcpu: int
    memory_gib: float
    allocatable_cpu: float
    allocatable_memory_gib: float
    max_pods: int
    on_demand_usd_per_hour: float
    spot_usd_per_hour: float
    spot_interruption_band: str
    spot_interruption_monthly_probability: float
    spot_interruption_rate_per_hour: float
    spot_savings_pct: float
    source: str
    as_of: datetime.date

    @property
    def is_graviton(self) -> bool:
        """Whether the type runs on AWS Graviton (every arm64 type in the catalog)."""
        return self.arch == "arm64"

    @classmethod
    def from_spec(
        cls, spec: InstanceSpec, on_demand_usd_per_hour: float, spot_usd_per_hour: float
    ) -> InstanceType:
        """Join static facts with the prices in effect.

        Args:
            spec: the static row of the instance type.
            on_demand_usd_per_hour: effective on-demand USD per hour.
            spot_usd_per_hour: effective Spot USD per hour.
        """
        probability = SPOT_BAND_MONTHLY_PROBABILITY[spec.spot_interruption_band]
        return cls(
            name=spec.name,
            family=spec.family,
            size=spec.size,
            arch=spec.arch,
            vcpu=spec.vcpu,
            memory_gib=spec.memory_gib,
            allocatable_cpu=spec.allocatable_cpu,
            allocatable_memory_gib=spec.allocatable_memory_gib,
            max_pods=spec.max_pods,
            on_demand_usd_per_hour=on_demand_usd_per_hour,
            spot_usd_per_hour=spot_usd_per_hour,
            spot_interruption_band=spec.spot_interruption_band,
            spot_interruption_monthly_probability=probability,
            spot_interruption_rate_per_hour=spot_interruption_rate_per_hour(probability),
            spot_savings_pct=spec.spot_savings_pct,
            source=spec.source,
            as_of=spec.as_of,
        )
