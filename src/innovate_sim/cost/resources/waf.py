"""AWS WAF: web ACLs, rules and requests (Infracost ``wafv2_web_acl.go``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from innovate_sim.cost.components import CostComponent
from innovate_sim.cost.resources.base import Resource
from innovate_sim.pricing import PriceCatalog
from innovate_sim.scenario.network import Waf

__all__ = ["WebAcl"]

_RULE_SKU = "rule (incl. each rule inside rule groups per Infracost usage)"


@dataclass(frozen=True)
class WebAcl(Resource):
    """The web ACLs attached to an environment's ALB.

    Rules count each rule inside a rule group; as Infracost does, each rule
    group and each managed rule group adds one more rule-month.

    Attributes:
        waf: web ACLs, rules and rule groups.
        requests: requests inspected in the month.
        months: share of the month the ACLs exist (1 for a whole month).
    """

    field_path: ClassVar[tuple[str, ...]] = ("ingress", "waf")

    waf: Waf
    requests: float = 0.0
    months: float = 1.0

    def components(self, catalog: PriceCatalog) -> list[CostComponent]:
        """ACL-months, rule-months, rule-group-months and millions of requests."""
        if self.waf.web_acls == 0:
            return []
        resource = f"{self.environment}/waf-web-acl"
        rule = catalog.price("WAF", _RULE_SKU)
        groups = self.waf.rule_groups + self.waf.managed_rule_groups
        return [
            self.line(
                "WAF",
                resource,
                f"Web ACLs ({self.waf.web_acls}) (months)",
                self.waf.web_acls * self.months,
                "months",
                catalog.price("WAF", "web ACL"),
            ),
            self.line(
                "WAF",
                resource,
                "Rules (rule-months)",
                self.waf.rules * self.months,
                "rule-months",
                rule,
            ),
            self.line(
                "WAF",
                resource,
                "Rule groups and managed rule groups, one rule-month each as Infracost counts",
                groups * self.months,
                "rule-months",
                rule,
            ),
            self.line(
                "WAF",
                resource,
                "Requests (1M requests)",
                self.requests / 1e6,
                "1M requests",
                catalog.price("WAF", "requests"),
            ),
        ]
