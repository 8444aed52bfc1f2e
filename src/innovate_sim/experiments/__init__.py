"""Experiments: replications on any executor, results with confidence intervals, comparisons."""

from innovate_sim.experiments.compare import Comparison, compare
from innovate_sim.experiments.replication import ReplicationOutcome, run_replication
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.experiments.runner import simulate
from innovate_sim.experiments.stats import CI_METHOD, Estimate, estimate

__all__ = [
    "CI_METHOD",
    "Comparison",
    "Estimate",
    "ReplicationOutcome",
    "SimulationResult",
    "compare",
    "estimate",
    "run_replication",
    "simulate",
]
