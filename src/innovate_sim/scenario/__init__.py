"""The scenario language: pydantic models of the architecture, types with units, loading."""

from innovate_sim.scenario.cluster import (
    Cluster,
    Hpa,
    Karpenter,
    NodePool,
    Replicas,
    Resources,
    TopologySpread,
    Workload,
)
from innovate_sim.scenario.database import Backups, Database, Maintenance, Recovery, Storage
from innovate_sim.scenario.defaults import DEFAULTS, Default
from innovate_sim.scenario.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    Lognormal,
    Uniform,
    Weibull,
)
from innovate_sim.scenario.environment import Demand, Environment, Spike, Trace
from innovate_sim.scenario.failures import ChaosEvent, FailureProcess, Failures
from innovate_sim.scenario.loader import load_scenario, scenario_from_dict, scenario_json_schema
from innovate_sim.scenario.model import Account, PricingSettings, Scenario, Targets
from innovate_sim.scenario.network import Endpoints, Ingress, NatPlacement, Network, Traffic

__all__ = [
    "DEFAULTS",
    "Account",
    "Backups",
    "ChaosEvent",
    "Cluster",
    "Database",
    "Default",
    "Demand",
    "Distribution",
    "Empirical",
    "Endpoints",
    "Environment",
    "Exponential",
    "FailureProcess",
    "Failures",
    "Fixed",
    "Hpa",
    "Ingress",
    "Karpenter",
    "Lognormal",
    "Maintenance",
    "NatPlacement",
    "Network",
    "NodePool",
    "PricingSettings",
    "Recovery",
    "Replicas",
    "Resources",
    "Scenario",
    "Spike",
    "Storage",
    "Targets",
    "TopologySpread",
    "Trace",
    "Traffic",
    "Uniform",
    "Weibull",
    "Workload",
    "load_scenario",
    "scenario_from_dict",
    "scenario_json_schema",
]
