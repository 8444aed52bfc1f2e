"""Deterministic logs of the event-driven HPA (KARPENTER.md §4).

The HPA runs against a cluster without nodes (its pods stay pending, so every
replica serves ``rps_per_replica`` at the target) and a piecewise-linear
demand curve with a jump. The scalings it logs are asserted exactly, then a
property test checks, over random curves, that the event-driven controller
makes the same decisions as one that evaluates every 15-second sync tick.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innovate_sim.aws.cluster import Cluster
from innovate_sim.aws.cluster_state import WorkloadState
from innovate_sim.aws.hpa import Hpa, set_replicas
from innovate_sim.aws.infrastructure import ControlPlane, Region, Zone
from innovate_sim.engine import Simulation
from innovate_sim.scenario import Hpa as HpaSpec
from innovate_sim.scenario import Workload
from innovate_sim.workload.demand import DemandCurve

S = 1 / 3600  # one second in hours
MINUTE = 1 / 60
RPS = 100.0  # per replica at the target


def run_hpa(
    curve: DemandCurve,
    *,
    replicas: int,
    low: int,
    high: int,
    horizon_h: float,
    phase_h: float = 0.0,
    control_plane_outage: tuple[float, float] | None = None,
) -> tuple[Hpa, list[tuple[float, str]]]:
    sim = Simulation(horizon_h)
    region = Region()
    region.zones = [Zone(i, region) for i in range(3)]
    control_plane = ControlPlane()
    cluster = Cluster(
        sim,
        region.zones,
        control_plane,
        overhead_cpu=0.15,
        overhead_memory_gib=0.2,
        not_ready_after_h=40 * S,
        evict_after_h=300 * S,
        image_ok=lambda zone: True,
        alb_detection=lambda: 0.0,
        on_change=lambda: None,
    )
    spec = Workload.model_validate(
        {
            "requests": {"cpu": "500m", "memory": "1Gi"},
            "replicas": {"min": low, "max": high},
            "rps_per_replica": RPS,
        }
    )
    workload = WorkloadState("api", spec, ("general",), lambda: 5 * S, RPS, zone_counts=[0] * 3)
    cluster.workloads["api"] = workload
    set_replicas(cluster, workload, replicas)
    hpa_spec = spec.hpa
    assert isinstance(hpa_spec, HpaSpec)
    hpa = Hpa(
        sim,
        cluster,
        workload,
        curve,
        hpa_spec,
        control_plane,
        phase_h=phase_h,
        rps_at_target=lambda pod: RPS,
        default_rps=RPS,
    )
    hpa.events = []
    if control_plane_outage is not None:
        start, end = control_plane_outage
        sim.at(start, control_plane.fail)
        sim.at(end, control_plane.repair)
    hpa.start()
    sim.run()
    return hpa, hpa.events


def assert_log(actual: list[tuple[float, str]], expected: list[tuple[float, str]]) -> None:
    assert [e for _, e in actual] == [e for _, e in expected], actual
    assert [t for t, _ in actual] == pytest.approx([t for t, _ in expected], abs=1e-9), actual


def step_curve(low: float, high: float, up_min: int, down_min: int, end_min: int) -> DemandCurve:
    """``low`` until ``up_min``, a one-minute ramp to ``high``, back down after ``down_min``."""
    values = [low] * (end_min + 1)
    for i in range(up_min + 1, down_min + 1):
        values[i] = high
    return DemandCurve(MINUTE, np.array(values, dtype=float))


def test_step_up_at_the_first_tick_after_the_lagged_demand_crosses_and_down_after_300s() -> None:
    # 250 rps, ramp 600 s → 660 s to 1000 rps, back to 250 rps from 1800 s → 1860 s
    curve = step_curve(250, 1000, up_min=10, down_min=30, end_min=60)
    hpa, events = run_hpa(curve, replicas=3, low=3, high=20, horizon_h=1.0)
    assert_log(
        events,
        [
            # lagged demand crosses 1.1 × 3 × 100 at 606.4 + 15 s: first tick 630 s sees
            # demand(615 s) = 437.5 → ceil(4.375) = 5
            (630 * S, "scale:3->5"),
            (645 * S, "scale:5->7"),  # demand(630 s) = 625
            (660 * S, "scale:7->9"),  # demand(645 s) = 812.5
            (675 * S, "scale:9->10"),  # demand(660 s) = 1000
            # lagged demand falls below 900 at 1823 s: first low tick 1830 s; the window
            # holds it until 1830 + 285 s, then each step takes the highest recommendation
            # of the last 300 s (9, then 7, 5, 3)
            (2115 * S, "scale:10->9"),
            (2130 * S, "scale:9->7"),
            (2145 * S, "scale:7->5"),
            (2160 * S, "scale:5->3"),
        ],
    )
    assert hpa.workload.replicas == 3


def test_scale_up_is_limited_to_four_pods_or_double_per_tick_and_capped_at_max() -> None:
    curve = step_curve(250, 5000, up_min=10, down_min=60, end_min=60)
    _, events = run_hpa(curve, replicas=3, low=3, high=40, horizon_h=1.0)
    assert_log(
        events,
        [
            (630 * S, "scale:3->7"),  # wants 15, max(3 + 4, 2 × 3) = 7
            (645 * S, "scale:7->14"),  # wants 27, max(11, 14)
            (660 * S, "scale:14->28"),  # wants 39, max(18, 28)
            (675 * S, "scale:28->40"),  # wants 50, max 40
        ],
    )


def test_no_scaling_inside_the_tolerance() -> None:
    # 3 replicas × 100 rps: demand between 0.9 × 300 = 270 and 1.1 × 300 = 330 changes nothing
    curve = DemandCurve(MINUTE, np.array([300, 329, 271, 300, 320], dtype=float))
    _, events = run_hpa(curve, replicas=3, low=1, high=10, horizon_h=4 * MINUTE)
    assert events == []


def test_scale_down_waits_for_a_full_window_after_a_brief_dip() -> None:
    # 1000 rps with a one-minute dip to 400 at 20 min: the dip never lasts 300 s
    values = [1000.0] * 41
    values[20] = 400.0
    curve = DemandCurve(MINUTE, np.array(values))
    _, events = run_hpa(curve, replicas=10, low=2, high=20, horizon_h=40 * MINUTE)
    assert events == []


def test_no_scaling_while_the_control_plane_is_down() -> None:
    curve = step_curve(250, 1000, up_min=10, down_min=60, end_min=60)
    _, events = run_hpa(
        curve, replicas=3, low=3, high=20, horizon_h=1.0, control_plane_outage=(0.1, 20 * MINUTE)
    )
    # back at 1200 s (a tick): demand is 1000, 3 → 7 (limit), then 7 → 10
    assert_log(events, [(1200 * S, "scale:3->7"), (1215 * S, "scale:7->10")])


# -- property: event-driven == polling every sync tick ---------------------------------------


def polled(
    curve: DemandCurve, spec: HpaSpec, replicas: int, low: int, high: int, horizon_h: float
) -> list[tuple[float, str]]:
    """The same controller evaluated at every sync tick (the reference)."""
    period = spec.sync_period
    ticks = max(1, round(spec.scale_down_stabilization / period))
    n = replicas
    events = []

    def recommendation(demand: float, n: int) -> int:
        ratio = demand / (n * RPS) if n else math.inf
        if abs(ratio - 1.0) <= spec.tolerance:
            return n
        return math.ceil(demand / RPS - 1e-9)

    k = 0
    while k * period <= horizon_h + 1e-12:
        now = k * period
        lagged = curve.rps(now - spec.metrics_delay)
        rec = recommendation(lagged, n)
        new = n
        if rec > n and n < high:
            limit = max(n + spec.scale_up_pods, math.ceil(n * (1.0 + spec.scale_up_percent)))
            new = min(rec, limit, high)
        elif rec < n and n > low:
            window = [
                recommendation(curve.rps(now - j * period - spec.metrics_delay), n)
                for j in range(ticks)
            ]
            if max(window) < n:
                new = max(max(window), low, math.floor(n * (1.0 - spec.scale_down_percent)))
        if new != n:
            events.append((now, f"scale:{n}->{new}"))
            n = new
        k += 1
    return events


@settings(max_examples=40, deadline=None)
@given(
    # knots off the decision boundaries (multiples of 10 rps), where rounding decides
    values=st.lists(st.integers(0, 40).map(lambda v: v * 50.0 + 0.37), min_size=2, max_size=12),
    step_min=st.integers(1, 10),
    bounds=st.tuples(st.integers(1, 10), st.integers(1, 40)),
    start=st.integers(0, 50),
)
def test_event_driven_hpa_matches_polling_and_stays_within_bounds(
    values: list[float], step_min: int, bounds: tuple[int, int], start: int
) -> None:
    low, extra = bounds
    high = low + extra
    replicas = min(max(start, low), high)
    curve = DemandCurve(step_min * MINUTE, np.array(values))
    horizon_h = curve.end_h + 10 * MINUTE
    hpa, events = run_hpa(curve, replicas=replicas, low=low, high=high, horizon_h=horizon_h)
    spec = hpa.spec
    counts = [replicas] + [int(e.split("->")[1]) for _, e in events]
    assert all(low <= n <= high for n in counts)
    for before, after in itertools.pairwise(counts):
        if after > before:
            assert after <= max(before + 4, 2 * before)
    expected = polled(curve, spec, replicas, low, high, horizon_h)
    assert [e for _, e in events] == [e for _, e in expected]
    assert [t for t, _ in events] == pytest.approx([t for t, _ in expected], abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(0.0, 2e6), min_size=1, max_size=20),
    st.integers(0, 10_000),
    st.floats(0.01, 5_000.0),
    st.sampled_from([0.0, 0.05, 0.1, 0.3]),
)
def test_a_recommendation_never_falls_as_demand_rises(
    demands: list[float], replicas: int, rps: float, tolerance: float
) -> None:
    # the scale-down window takes the recommendation of its highest demand for the highest
    # recommendation; with demands near the band's edges as well as anywhere
    hpa, _ = run_hpa(DemandCurve.flat(RPS, 1.0), replicas=1, low=1, high=3, horizon_h=S)
    hpa.tolerance = tolerance  # the setting the control loop reads
    edges = [replicas * rps * (1 + f) for f in (-tolerance, 0.0, tolerance)]
    near = [math.nextafter(e, d) for e in edges for d in (0.0, math.inf)] + edges
    recommendations = [hpa._recommendation(d, replicas, rps) for d in sorted(demands + near)]
    assert recommendations == sorted(recommendations)
    highest = max(hpa._recommendation(d, replicas, rps) for d in demands)
    assert highest == hpa._recommendation(max(demands), replicas, rps)
