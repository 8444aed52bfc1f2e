"""Application Load Balancer: hours and Load Balancer Capacity Units (LCUs).

One LCU (the ``ELB/ALB LCU`` catalog row, from aws.amazon.com/elasticloadbalancing/pricing,
reference PRICES.md) provides, per hour, the largest of:

* 25 new connections per second;
* 3,000 active connections (sampled per minute);
* 1 GB processed per hour (EC2 and IP targets);
* 1,000 rule evaluations per second, where the first 10 rules a request
  is evaluated against are free.

An hour is billed on its highest dimension. With the scenario's traffic
figures every dimension is proportional to the request rate::

    new conn/s   = rps / requests_per_connection
    active conns = new conn/s × connection_duration_s          (Little's law)
    GB per hour  = rps × 3600 × (request_kb + response_kb) / 2^20
    rule evals/s = rps × max(0, rule_evaluations_per_request − 10)

so LCUs = k × rps with k the largest coefficient, and the month's LCU-hours
are ``Σ_hours k × mean rps of the hour = k × requests / 3600``, exactly,
whatever the shape of demand. (Infracost instead divides new connections by
100 and does not convert rates to hours; see PRICES.md.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource, gb_from_kb
from innovate_sim.pricing import PriceCatalog
from innovate_sim.scenario.defaults import default
from innovate_sim.scenario.network import Ingress, Traffic
from innovate_sim.units import HOURS_PER_MONTH, SECONDS_PER_HOUR

__all__ = ["LCU_DIMENSIONS", "ApplicationLoadBalancer"]

#: What one LCU provides (AWS's definition of the billing unit; package data with its source).
LCU_DIMENSIONS: dict[str, float] = {
    name: float(value) for name, value in default("billing.alb_lcu").items()
}


@dataclass(frozen=True)
class ApplicationLoadBalancer(Resource):
    """An internet-facing ALB (one node per AZ, cross-zone on).

    Its public IPv4 addresses are billed by
    :class:`~innovate_sim.cost.resources.public_ipv4.PublicIpv4`.

    Attributes:
        ingress: the environment's ingress (connection and rule figures).
        traffic: the environment's traffic figures (request and response sizes).
        requests: requests in the month.
        hours: hours the load balancer exists in the month.
    """

    field_path: ClassVar[tuple[str, ...]] = ("ingress",)

    ingress: Ingress
    traffic: Traffic
    requests: float = 0.0
    hours: float = HOURS_PER_MONTH

    def lcu_dimensions_per_rps(self) -> dict[str, float]:
        """LCUs each dimension needs per request per second."""
        ingress = self.ingress
        new_per_rps = 1.0 / ingress.requests_per_connection
        active_per_rps = new_per_rps * ingress.connection_duration * SECONDS_PER_HOUR
        gb_per_request = gb_from_kb(
            self.traffic.request_kb_per_request + self.traffic.response_kb_per_request
        )
        paid_rules = max(
            0.0, ingress.rule_evaluations_per_request - LCU_DIMENSIONS["free_rules_per_request"]
        )
        return {
            "new connections": new_per_rps / LCU_DIMENSIONS["new_connections_per_s"],
            "active connections": active_per_rps / LCU_DIMENSIONS["active_connections"],
            "processed bytes": gb_per_request
            * SECONDS_PER_HOUR
            / LCU_DIMENSIONS["processed_gb_per_h"],
            "rule evaluations": paid_rules / LCU_DIMENSIONS["rule_evaluations_per_s"],
        }

    def lcu_per_rps(self) -> tuple[float, str]:
        """The billed coefficient k (LCUs per request per second) and its dimension."""
        dimensions = self.lcu_dimensions_per_rps()
        name = max(dimensions, key=lambda key: dimensions[key])
        return dimensions[name], name

    @property
    def lcu_hours(self) -> float:
        """LCU-hours of the month: ``k × requests / 3600``."""
        k, _ = self.lcu_per_rps()
        return k * self.requests / SECONDS_PER_HOUR

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """Load-balancer hours and LCU-hours."""
        resource = f"{self.environment}/alb"
        _, dimension = self.lcu_per_rps()
        return [
            self.line(
                "ELB",
                resource,
                "Application Load Balancer (hours)",
                self.hours,
                "hours",
                catalog.price("ELB", "Application Load Balancer"),
            ),
            self.line(
                "ELB",
                resource,
                f"Load balancer capacity units (LCU-hours, by {dimension})",
                self.lcu_hours,
                "LCU-hours",
                catalog.price("ELB", "ALB LCU"),
            ),
        ]
