"""Experiments: replications on any executor, results with CIs, comparisons and sweeps."""

from innovate_sim.experiments.compare import Comparison, compare
from innovate_sim.experiments.replication import ReplicationOutcome, run_replication
from innovate_sim.experiments.result import SimulationResult
from innovate_sim.experiments.runner import simulate
from innovate_sim.experiments.stats import CI_METHOD, Estimate, estimate
from innovate_sim.experiments.sweep import SweepResult, sweep
from innovate_sim.experiments.sweep_file import SweepPlan, load_sweep
from innovate_sim.experiments.variants import Preset

__all__ = [
    "CI_METHOD",
    "Comparison",
    "Estimate",
    "Preset",
    "ReplicationOutcome",
    "SimulationResult",
    "SweepPlan",
    "SweepResult",
    "compare",
    "estimate",
    "load_sweep",
    "run_replication",
    "simulate",
    "sweep",
]
