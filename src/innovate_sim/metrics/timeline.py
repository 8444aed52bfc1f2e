"""The service state of an environment at every change, for ``SimulationResult.timeline``."""

from __future__ import annotations

from innovate_sim.aws.cluster_state import READY
from innovate_sim.aws.environment import EnvironmentModel
from innovate_sim.aws.service import ServiceState

__all__ = ["TimelineRecorder", "TimelineRow"]

#: (t_h, demand_rps, capacity_rps, success, ready_pods, pending_pods, nodes, spot_nodes,
#:  on_demand_nodes, node_usd_per_hour, ((instance type, zone, capacity type), count)…)
TimelineRow = tuple[
    float,
    float,
    float,
    float,
    int,
    int,
    int,
    int,
    int,
    float,
    tuple[tuple[tuple[str, str, str], int], ...],
]


class TimelineRecorder:
    """Keeps a row of the environment's state at every change and every demand knot.

    Args:
        env: an environment with demand.
        step_h: also record every ``step_h`` hours (the demand curve's resolution),
            so that a plot follows demand between changes.
    """

    def __init__(self, env: EnvironmentModel, step_h: float) -> None:
        self.env = env
        self.step_h = step_h
        self.rows: list[TimelineRow] = []
        env.on_service_state.append(self.sample)
        if env.cluster is not None:
            env.cluster.on_node_added.append(self._nodes_changed)
            env.cluster.on_node_removed.append(self._nodes_changed)
        env.sim.after(step_h, self._tick)

    def _nodes_changed(self, _node: object) -> None:
        self.env.invalidate()

    def _tick(self) -> None:
        sim = self.env.sim
        self.env.invalidate()
        if sim.now + self.step_h <= sim.horizon_h:
            sim.after(self.step_h, self._tick)

    def sample(self, now_h: float, state: ServiceState) -> None:
        """Append the row of ``state`` at ``now_h``."""
        env = self.env
        assert env.curve is not None
        demand = env.curve.rps(now_h)
        capacity = min(
            (w.capacity_rps / w.share for w in state.workloads if w.share > 0), default=0.0
        )
        ready = sum(1 for w in env.serving for p in w.pods if p.state == READY)
        nodes = spot = pending = 0
        rate = 0.0
        kinds: dict[tuple[str, str, str], int] = {}
        if env.cluster is not None:
            pending = len(env.cluster.pending)
            for node in env.cluster.nodes:
                nodes += 1
                spot += node.capacity_type == "spot"
                rate += node.price_usd_per_hour
                kind = (node.itype.name, node.zone.name, node.capacity_type)
                kinds[kind] = kinds.get(kind, 0) + 1
        self.rows.append(
            (
                now_h,
                demand,
                capacity,
                state.success(demand),
                ready,
                pending,
                nodes,
                spot,
                nodes - spot,
                rate,
                tuple(sorted(kinds.items())),
            )
        )
