"""Run one replication and reduce it to a small, picklable outcome.

What a replication keeps is bounded: per-environment totals, the incident
table, lost requests by cause, monthly demand and losses, node-hours by month
and kind. Per-event history is kept only when a timeline is asked for.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from innovate_sim.aws.build import build_model
from innovate_sim.cost.accrual import NodeUsage
from innovate_sim.cost.observers import observe_costs
from innovate_sim.metrics import observe
from innovate_sim.metrics.timeline import TimelineRow
from innovate_sim.scenario import Scenario

__all__ = ["ReplicationOutcome", "run_replication"]


@dataclass
class ReplicationOutcome:
    """Everything one replication reports.

    Attributes:
        replication: its number.
        error: the exception text if it failed (the other fields are then empty).
        wall_time_s: seconds it took.
        events: simpy events processed.
        environments: per environment, a dict of totals (see ``SimulationResult.availability``).
        incidents: one dict per incident.
        lost_by_cause: (environment, cause, lost requests).
        monthly: (environment, month, demand requests, lost requests).
        nodes: node-hours by month and kind.
        launches: node launches by (environment, month, AZ index).
        counters: component counts (failovers, Karpenter launches, HPA scalings …).
        timeline: per environment, rows of the service state at each change (if asked).
    """

    replication: int
    error: str | None = None
    wall_time_s: float = 0.0
    events: int = 0
    environments: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    lost_by_cause: list[tuple[str, str, float]] = field(default_factory=list)
    monthly: list[tuple[str, int, float, float]] = field(default_factory=list)
    nodes: list[NodeUsage] = field(default_factory=list)
    launches: dict[tuple[str, int, int], int] = field(default_factory=dict)
    counters: list[dict[str, Any]] = field(default_factory=list)
    allocation: list[tuple[str, int, str, float]] = field(default_factory=list)
    timeline: dict[str, list[TimelineRow]] | None = None


def run_replication(
    scenario: Scenario, seed: int, replication: int, *, timeline: bool = False
) -> ReplicationOutcome:
    """Simulate replication ``replication`` of ``scenario`` with experiment seed ``seed``.

    Exceptions inside the model are caught and reported in ``error``: one failed
    replication never ends an experiment.
    """
    started = time.perf_counter()
    outcome = ReplicationOutcome(replication)
    try:
        model = build_model(scenario, seed, replication)
        recorders = observe(model, timeline=timeline)
        costs = observe_costs(model)
        model.run()
    except Exception as exc:  # reported, not fatal (DESIGN §4.2)
        outcome.error = f"{type(exc).__name__}: {exc}\n" + "".join(
            traceback.format_exception(exc)[-4:]
        )
        outcome.wall_time_s = time.perf_counter() - started
        return outcome
    horizon = scenario.horizon
    outcome.events = model.sim.events_scheduled
    if timeline:
        outcome.timeline = {}
    for name, env in model.environments.items():
        recorder = recorders[name].availability
        uptime = recorders[name].uptime
        counters: dict[str, Any] = {"environment": name}
        if env.database is not None:
            counters["rds_failovers"] = env.database.failovers
            counters["rds_outages"] = len(env.database.outages)
        if env.karpenter is not None:
            counters["karpenter_launches"] = env.karpenter.launches
            counters["karpenter_consolidations"] = env.karpenter.consolidations
            counters["capacity_errors"] = env.karpenter.capacity_errors
        counters["hpa_scalings"] = sum(h.scalings for h in env.hpas)
        counters["nat_failures"] = sum(n.failures for n in env.nats)
        counters["control_plane_outages"] = env.control_plane.outages
        counters["az_outages"] = sum(z.outages for z in env.zones)
        outcome.counters.append(counters)
        if name in costs:
            nodes, launches, allocation = costs[name].reduce(horizon)
            outcome.nodes.extend(nodes)
            outcome.launches.update(launches)
            outcome.allocation.extend(allocation)
        if recorder is None:
            continue
        demand = recorder.demand_requests
        lost = recorder.lost_requests
        # a sum of many intervals: it can pass the horizon by an ulp
        below_h = min(recorder.below_threshold_h, horizon)
        outcome.environments.append(
            {
                "environment": name,
                "horizon_h": horizon,
                "demand_requests": demand,
                "served_requests": demand - lost,
                "lost_requests": lost,
                "request_availability": 1.0 - lost / demand if demand > 0 else 1.0,
                "time_availability": 1.0 - below_h / horizon,
                "full_outage_min": recorder.full_outage_h * 60.0,
                "degraded_min": recorder.degraded_h * 60.0,
                "below_threshold_min": below_h * 60.0,
                "incidents": len(recorder.incidents),
                "egress_availability": uptime.egress_availability,
                "egress_any_az_availability": uptime.egress_up_h / horizon,
                "database_availability": uptime.database_up_h / horizon,
            }
        )
        for index, incident in enumerate(recorder.incidents):
            outcome.incidents.append(
                {
                    "environment": name,
                    "incident": index,
                    "cause": incident.cause,
                    "causes": ";".join(sorted(incident.causes)) or incident.cause,
                    "start_h": incident.start_h,
                    "end_h": incident.end_h,
                    "duration_min": (incident.end_h - incident.start_h) * 60.0,
                    "lost_requests": incident.lost_requests,
                    "min_success_fraction": incident.min_success,
                    "rpo_min": incident.rpo_h * 60.0,
                }
            )
        outcome.lost_by_cause.extend(
            (name, cause, lost_requests) for cause, lost_requests in recorder.lost_by_cause.items()
        )
        outcome.monthly.extend(
            (name, month + 1, recorder.demand_by_month[month], recorder.lost_by_month[month])
            for month in range(recorder.months)
        )
        line = recorders[name].timeline
        if line is not None and outcome.timeline is not None:
            outcome.timeline[name] = list(line.rows)
    outcome.wall_time_s = time.perf_counter() - started
    return outcome
