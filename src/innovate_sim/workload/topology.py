"""The shape of each environment, resolved once from a scenario.

An environment's AZs, where its NAT Gateways are and which AZ routes through
which gateway, its VPC endpoints and the AZs of its node pools. The simulated
architecture (:mod:`innovate_sim.aws`), the static bill and the accrued bill
(:mod:`innovate_sim.cost`) read this one object, so the gateways the model
fails are the gateways the bill charges, under the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

from innovate_sim.scenario.environment import Environment
from innovate_sim.scenario.model import Scenario
from innovate_sim.scenario.network import NatPlacement
from innovate_sim.units import zone_name

__all__ = [
    "ECR_ENDPOINTS",
    "LOGS_ENDPOINT",
    "NatPlacement",
    "Topology",
    "endpoint_name",
    "nat_gateway_name",
    "pool_zones",
    "topologies",
]

#: Interface endpoints that carry image pulls, not AWS API calls.
ECR_ENDPOINTS = ("ecr.api", "ecr.dkr")
#: The interface endpoint that carries an environment's ingested logs.
LOGS_ENDPOINT = "logs"


def nat_gateway_name(environment: str, zone: int) -> str:
    """Resource name of the NAT Gateway in AZ ``zone``, e.g. ``"prod/nat-gateway/az-a"``.

    The static and the accrued bill both name gateways with it.
    """
    return f"{environment}/nat-gateway/{zone_name(zone)}"


def pool_zones(env: Environment, pool: str) -> tuple[int, ...]:
    """AZ indices a node pool launches into: its ``zones``, or every AZ of the environment."""
    assert env.cluster is not None
    chosen = env.cluster.node_pools[pool].zones
    return tuple(chosen) if chosen else tuple(range(env.availability_zones))


def endpoint_name(environment: str, service: str) -> str:
    """Resource name of a VPC endpoint, e.g. ``"prod/vpc-endpoint/ecr.dkr"``."""
    return f"{environment}/vpc-endpoint/{service}"


@dataclass(frozen=True)
class Topology:
    """One environment's zones, NAT Gateways, VPC endpoints and node-pool zones.

    Attributes:
        environment: the environment's name.
        account: the account that owns it.
        zones: number of AZs it spans (indices ``0 … zones-1``).
        nat: where its NAT Gateways are.
        interface_endpoints: interface endpoint services (billed per AZ-hour).
        gateway_endpoints: gateway endpoint services (S3, DynamoDB; free).
        image_pulls_in_vpc: image pulls stay in the VPC (ECR endpoints and S3 gateway).
        pool_zones: AZ indices each node pool launches into, by pool name.
    """

    environment: str
    account: str
    zones: int
    nat: NatPlacement
    interface_endpoints: tuple[str, ...] = ()
    gateway_endpoints: tuple[str, ...] = ()
    image_pulls_in_vpc: bool = False
    pool_zones: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @classmethod
    def of(cls, name: str, env: Environment) -> Topology:
        """Resolve the topology of environment ``name``."""
        pools = env.cluster.node_pools if env.cluster is not None else {}
        return cls(
            environment=name,
            account=env.account,
            zones=env.availability_zones,
            nat=env.network.nat_placement,
            interface_endpoints=tuple(env.network.endpoints.interface),
            gateway_endpoints=tuple(env.network.endpoints.gateway),
            image_pulls_in_vpc=env.network.endpoints.has_ecr,
            pool_zones=tuple((pool, pool_zones(env, pool)) for pool in pools),
        )

    # -- NAT Gateways ---------------------------------------------------------------------------

    @property
    def nat_zones(self) -> tuple[int, ...]:
        """AZs that hold a NAT Gateway, in order."""
        if self.nat is NatPlacement.PER_AZ:
            return tuple(range(self.zones))
        if self.nat is NatPlacement.SINGLE:
            return (0,)
        return ()

    @property
    def has_nat(self) -> bool:
        """Whether private subnets reach the internet at all."""
        return self.nat is not NatPlacement.NONE

    def nat_zone_for(self, zone: int) -> int | None:
        """AZ of the NAT Gateway that AZ ``zone`` routes through (``None``: no NAT)."""
        if self.nat is NatPlacement.PER_AZ:
            return zone
        if self.nat is NatPlacement.SINGLE:
            return 0
        return None

    def nat_cross_az_gb(self, nat_gb: float) -> float:
        """The part of ``nat_gb`` (spread evenly over the AZs) that crosses an AZ to its gateway."""
        if self.nat is NatPlacement.SINGLE:
            return nat_gb * (self.zones - 1) / self.zones
        return 0.0

    @property
    def image_layers_via_s3_gateway(self) -> bool:
        """Whether image layers reach nodes through the free S3 gateway endpoint.

        ECR serves only the manifest through its API (the ``ecr.dkr`` endpoint
        when present); the layers are downloaded from S3 (ECR user guide,
        vpc-endpoints: containers 'access Amazon ECR to get the image manifest
        and then Amazon S3 to download the actual image layers'), through the
        S3 gateway endpoint when the VPC has one, else through NAT.
        """
        return "s3" in self.gateway_endpoints

    def image_layer_route(self, zone: int) -> str | None:
        """Billed resource that carries the image layers of a node launched in AZ ``zone``.

        ``None`` when the layers come through the free S3 gateway endpoint, or
        when there is no NAT Gateway; else the NAT Gateway the AZ routes through.
        """
        if self.image_layers_via_s3_gateway:
            return None
        gateway = self.nat_zone_for(zone)
        return None if gateway is None else nat_gateway_name(self.environment, gateway)

    # -- VPC endpoints ----------------------------------------------------------------------------

    @property
    def api_endpoints(self) -> tuple[str, ...]:
        """Interface endpoints that carry AWS API calls (all but the ECR ones)."""
        return tuple(s for s in self.interface_endpoints if s not in ECR_ENDPOINTS)

    # -- node pools -------------------------------------------------------------------------------

    def zones_of_pool(self, pool: str) -> tuple[int, ...]:
        """AZ indices node pool ``pool`` launches into."""
        return dict(self.pool_zones)[pool]


def topologies(scenario: Scenario) -> dict[str, Topology]:
    """The topology of every environment of a scenario, by name."""
    return {name: Topology.of(name, env) for name, env in scenario.environments.items()}
