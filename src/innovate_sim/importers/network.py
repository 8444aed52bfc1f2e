"""VPC, subnets, NAT Gateways, route tables, VPC endpoints, ALB and WAF of a plan."""

from __future__ import annotations

from typing import Any

from innovate_sim.importers._context import Context
from innovate_sim.importers.plan import TerraformImportError, TfResource
from innovate_sim.scenario.network import INTERFACE_ENDPOINT_SERVICES

__all__ = ["map_ingress", "map_network", "vpc_zones"]

_GATEWAY_SERVICES = ("s3", "dynamodb")


def vpc_zones(ctx: Context) -> list[str]:
    """The AZ names the plan's subnets use, sorted; they set the environment's AZ count."""
    vpcs = ctx.plan.of_type("aws_vpc")
    if len(vpcs) > 1:
        names = ", ".join(v.address for v in vpcs)
        raise TerraformImportError(
            f"{ctx.plan.path}: {len(vpcs)} VPCs ({names}); a plan is imported as one "
            "environment with one VPC; import each environment's root module on its own"
        )
    subnets = ctx.plan.of_type("aws_subnet")
    zones = sorted({str(s.get("availability_zone")) for s in subnets if s.get("availability_zone")})
    if not zones:
        raise TerraformImportError(
            f"{ctx.plan.path}: no aws_subnet with a known availability_zone; the AZs of the "
            "environment come from its subnets (set availability_zone on each subnet)"
        )
    if len(zones) > 6:
        raise TerraformImportError(f"{ctx.plan.path}: subnets span {len(zones)} AZs; at most 6")
    return zones


def map_network(ctx: Context) -> dict[str, Any]:
    """``network:`` of the environment: NAT placement and endpoints."""
    return {"nat_gateways": _nat_placement(ctx), "endpoints": _endpoints(ctx)}


def _nat_placement(ctx: Context) -> str:
    nats = [
        n
        for n in ctx.plan.of_type("aws_nat_gateway")
        if n.get("connectivity_type", "public") == "public"
    ]
    zones = len(ctx.zones)
    routed = _nat_ids_routed(ctx)
    if not nats:
        return "none"
    for nat in nats:
        ctx.came_from(("network", "nat_gateways"), nat)
    if routed is not None and len(routed) < len(nats):
        ctx.assume(
            "network.nat_gateways",
            f"{len(nats)} NAT Gateways but the private route tables use {len(routed)}; "
            f"placement follows the routes",
        )
        count = len(routed)
    else:
        count = len(nats)
    if count == 1:
        return "single" if zones > 1 else "per_az"
    if count >= zones:
        return "per_az"
    ctx.assume(
        "network.nat_gateways",
        f"{count} NAT Gateways for {zones} AZs is neither one per AZ nor a single one; "
        "modelled as per_az (each AZ egresses through its own NAT)",
    )
    return "per_az"


def _nat_ids_routed(ctx: Context) -> set[str] | None:
    """NAT Gateway ids the route tables send traffic to, when the plan knows them (a state)."""
    ids: set[str] = set()
    for table in ctx.plan.of_type("aws_route_table"):
        for route in table.get("route", []):
            if isinstance(route, dict) and route.get("nat_gateway_id"):
                ids.add(str(route["nat_gateway_id"]))
    for route in ctx.plan.of_type("aws_route"):
        if route.get("nat_gateway_id"):
            ids.add(str(route.get("nat_gateway_id")))
    return ids or None


def _endpoints(ctx: Context) -> dict[str, list[str]]:
    gateway: list[str] = []
    interface: list[str] = []
    for endpoint in ctx.plan.of_type("aws_vpc_endpoint"):
        service = _endpoint_service(ctx, endpoint)
        kind = str(endpoint.get("vpc_endpoint_type", "Gateway"))
        if kind == "Gateway":
            if service not in _GATEWAY_SERVICES:
                raise ctx.fail(
                    endpoint, f"gateway endpoint for {service!r}; only s3 and dynamodb have them"
                )
            gateway.append(service)
        elif kind == "Interface":
            if service not in INTERFACE_ENDPOINT_SERVICES:
                raise ctx.fail(
                    endpoint,
                    f"interface endpoint service {service!r} is not modelled; modelled: "
                    f"{', '.join(INTERFACE_ENDPOINT_SERVICES)}",
                )
            interface.append(service)
        else:
            raise ctx.fail(endpoint, f"endpoint type {kind!r} is not modelled (Gateway, Interface)")
        ctx.came_from(("network", "endpoints"), endpoint)
    return {"gateway": gateway, "interface": interface}


def _endpoint_service(ctx: Context, endpoint: TfResource) -> str:
    name = endpoint.get("service_name")
    prefix = f"com.amazonaws.{ctx.region}."
    if not isinstance(name, str) or not name.startswith(prefix):
        raise ctx.fail(
            endpoint, f"service_name {name!r} is not an AWS service of {ctx.region} ({prefix}…)"
        )
    return name[len(prefix) :]


def map_ingress(ctx: Context) -> dict[str, Any] | None:
    """``ingress:`` from ``aws_lb`` (application) and ``aws_wafv2_web_acl``; None without an ALB."""
    balancers = ctx.plan.of_type("aws_lb", "aws_alb")
    if not balancers:
        return None
    for lb in balancers:
        kind = lb.get("load_balancer_type", "application")
        if kind != "application":
            raise ctx.fail(lb, f"a {kind} load balancer is not modelled; only an ALB (application)")
        if lb.get("internal", False):
            ctx.assume(lb.address, "an internal ALB is modelled as the environment's ingress")
    if len(balancers) > 1:
        ctx.assume(
            "ingress",
            f"{len(balancers)} ALBs; the model has one ingress ALB per environment "
            f"({balancers[0].address} is it; the others are not billed)",
        )
    ctx.came_from(("ingress",), balancers[0])
    acls = [
        a for a in ctx.plan.of_type("aws_wafv2_web_acl") if a.get("scope", "REGIONAL") == "REGIONAL"
    ]
    return {"load_balancer": "alb", "waf": _waf(ctx, acls) if acls else None}


def _waf(ctx: Context, acls: list[TfResource]) -> dict[str, int]:
    """Web ACLs and their rules counted as Infracost counts them (a rule group is one rule)."""
    counts = {"web_acls": len(acls), "rules": 0, "rule_groups": 0, "managed_rule_groups": 0}
    for acl in acls:
        ctx.came_from(("ingress", "waf"), acl)
        for rule in acl.get("rule", []):
            statement = rule.get("statement") if isinstance(rule, dict) else None
            statement = statement[0] if isinstance(statement, list) and statement else statement
            if isinstance(statement, dict) and statement.get("managed_rule_group_statement"):
                counts["managed_rule_groups"] += 1
            elif isinstance(statement, dict) and statement.get("rule_group_reference_statement"):
                counts["rule_groups"] += 1
            else:
                counts["rules"] += 1
    return counts
