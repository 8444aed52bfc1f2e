"""Karpenter's scheduling simulation, `packing.plan` (KARPENTER.md §1.3-1.7)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from innovate_sim.pricing import InstanceType, load_catalog
from innovate_sim.workload.packing import NodeRoom, PodRequest, PoolOffer, plan

_BASE = load_catalog("us-east-1").instance_type("m7g.large")


def itype(name: str, cpu: int, price: float, spot: float | None = None) -> InstanceType:
    """A synthetic type: ``cpu`` vCPUs, allocatable cpu − 0.1, 4 GiB per vCPU."""
    return dataclasses.replace(
        _BASE,
        name=name,
        vcpu=cpu,
        memory_gib=4.0 * cpu,
        allocatable_cpu=cpu - 0.1,
        allocatable_memory_gib=4.0 * cpu - 0.5,
        max_pods=110,
        on_demand_usd_per_hour=price,
        spot_usd_per_hour=spot if spot is not None else price / 3,
    )


SMALL = itype("t.small", 2, 0.10)
MEDIUM = itype("t.medium", 4, 0.20)
LARGE = itype("t.large", 8, 0.40)


def pod(uid: int, cpu: float, *, workload: str = "app", skew: int = 100, hard: bool = False):
    return PodRequest(workload, cpu, 0.5, ("general",), skew, hard, uid)


def offer(types=(SMALL, MEDIUM, LARGE), zones=(0,), **kw) -> PoolOffer:
    return PoolOffer("general", 0, tuple(types), kw.pop("capacity", ("on-demand",)), zones, **kw)


def test_pods_are_placed_first_fit_decreasing() -> None:
    pods = [pod(1, 1.0), pod(2, 3.0), pod(3, 2.0), pod(4, 2.0)]
    node = NodeRoom(7, "general", 0, 10.0, 100.0, 10)
    result = plan(pods, [node], [offer()], {}, (0,))
    assert [(p.uid, n) for p, n in result.bindings] == [(2, 7), (3, 7), (4, 7), (1, 7)]
    assert node.free_cpu == 2.0 and node.free_pods == 6


def test_existing_nodes_before_new_claims() -> None:
    pods = [pod(1, 1.0), pod(2, 1.0), pod(3, 1.0)]
    node = NodeRoom(7, "general", 0, 2.5, 100.0, 10)
    result = plan(pods, [node], [offer()], {}, (0,))
    assert [(p.uid, n) for p, n in result.bindings] == [(1, 7), (2, 7)]
    [claim] = result.claims
    assert [p.uid for p in claim.pods] == [3]
    assert claim.instance_type is SMALL


def test_claims_narrow_their_candidate_types_and_pick_the_cheapest() -> None:
    pods = [pod(i, 1.5) for i in range(6)]
    result = plan(pods, [], [offer()], {}, (0,))
    first, second = result.claims
    # 1.5 → {small, medium, large}; 3.0 → {medium, large}; 4.5, 6.0, 7.5 → {large}
    assert [p.uid for p in first.pods] == [0, 1, 2, 3, 4]
    assert first.candidates == [LARGE] and first.instance_type is LARGE
    assert [p.uid for p in second.pods] == [5]
    assert second.instance_type is SMALL and second.price_usd_per_hour == 0.10


def test_cheapest_fitting_type_wins_and_ties_break_by_name() -> None:
    cheap_big = itype("c.big", 8, 0.15)
    twin = itype("a.twin", 8, 0.15)
    result = plan([pod(1, 3.0)], [], [offer((SMALL, MEDIUM, cheap_big, twin))], {}, (0,))
    assert result.claims[0].instance_type is twin  # SMALL does not fit; 0.15 < 0.20


def test_spot_is_preferred_and_unavailable_offerings_fall_back_to_on_demand() -> None:
    spot_first = offer(capacity=("spot", "on-demand"))
    [claim] = plan([pod(1, 1.0)], [], [spot_first], {}, (0,)).claims
    assert (claim.instance_type, claim.capacity_type) == (SMALL, "spot")
    iced = offer(
        (SMALL,), capacity=("spot", "on-demand"), unavailable=frozenset({("t.small", 0, "spot")})
    )
    [claim] = plan([pod(1, 1.0)], [], [iced], {}, (0,)).claims
    assert (claim.instance_type, claim.capacity_type) == (SMALL, "on-demand")
    # with another type's Spot offering left, Spot still wins (cheapest Spot of the claim)
    iced = offer(capacity=("spot", "on-demand"), unavailable=frozenset({("t.small", 0, "spot")}))
    [claim] = plan([pod(1, 1.0)], [], [iced], {}, (0,)).claims
    assert (claim.instance_type, claim.capacity_type) == (MEDIUM, "spot")
    gone = offer(unavailable=frozenset({("t.small", 0, "on-demand")}))
    [claim] = plan([pod(1, 1.0)], [], [gone], {}, (0,)).claims
    assert claim.instance_type is MEDIUM


def test_higher_weight_pool_first() -> None:
    low = PoolOffer("low", 0, (SMALL,), ("on-demand",), (0,))
    high = PoolOffer("high", 50, (MEDIUM,), ("on-demand",), (0,))
    request = PodRequest("app", 1.0, 0.5, ("low", "high"), 100, False, 1)
    [claim] = plan([request], [], [low, high], {}, (0,)).claims
    assert claim.pool == "high"


def test_hard_zone_spread_opens_one_claim_per_zone() -> None:
    pods = [pod(i, 0.5, skew=1, hard=True) for i in range(4)]
    counts: dict[str, list[int]] = {}
    result = plan(pods, [], [offer(zones=(0, 1, 2))], counts, (0, 1, 2))
    assert [(c.zone, [p.uid for p in c.pods]) for c in result.claims] == [
        (0, [0, 3]),
        (1, [1]),
        (2, [2]),
    ]
    assert counts["app"] == [2, 1, 1]


def test_hard_spread_leaves_the_pod_unschedulable_when_the_pool_lacks_the_zone() -> None:
    counts = {"app": [2, 0, 0]}
    hard = pod(1, 0.5, skew=1, hard=True)
    result = plan([hard], [], [offer(zones=(0,))], counts, (0, 1, 2))
    assert result.unschedulable == [hard] and result.claims == []
    # ScheduleAnyway: tried as required first, then relaxed
    soft = pod(2, 0.5, skew=1, hard=False)
    result = plan([soft], [], [offer(zones=(0,))], counts, (0, 1, 2))
    assert [c.zone for c in result.claims] == [0]
    assert counts["app"] == [3, 0, 0]


def test_spread_prefers_the_least_loaded_eligible_zone_on_existing_nodes() -> None:
    counts = {"app": [1, 1, 0]}
    nodes = [NodeRoom(i, "general", i, 4.0, 100.0, 10) for i in range(3)]
    result = plan(
        [pod(1, 0.5, skew=1, hard=True)], nodes, [offer(zones=(0, 1, 2))], counts, (0, 1, 2)
    )
    assert [n for _, n in result.bindings] == [2]


def test_limits_filter_types_and_subtract_the_largest_candidate() -> None:
    limited = offer(types=(SMALL, MEDIUM), cpu_left=4.0)
    result = plan([pod(1, 1.0), pod(2, 1.0), pod(3, 1.0), pod(4, 1.0)], [], [limited], {}, (0,))
    # the first claim reserves max(2, 4) = 4 vCPUs (subtractMax): no second claim, although
    # a second small node would fit the limit once the first turns out to be small
    [claim] = result.claims
    assert [p.uid for p in claim.pods] == [1, 2, 3]
    assert claim.instance_type is MEDIUM
    assert [p.uid for p in result.unschedulable] == [4]
    too_small = offer(types=(SMALL, MEDIUM, LARGE), cpu_left=3.0)
    [claim] = plan([pod(1, 1.0)], [], [too_small], {}, (0,)).claims
    assert claim.candidates == [SMALL]  # 4 and 8 vCPUs exceed the 3 left


@settings(max_examples=60, deadline=None)
@given(
    cpus=st.lists(st.sampled_from([0.25, 0.5, 1.0, 1.5, 3.0, 6.0]), min_size=1, max_size=40),
    cpu_left=st.sampled_from([None, 2.0, 4.0, 10.0, 17.0, 40.0]),
)
def test_claims_fit_their_pods_and_never_exceed_the_limit(
    cpus: list[float], cpu_left: float | None
) -> None:
    pods = [pod(i, c, skew=1, hard=False) for i, c in enumerate(cpus)]
    result = plan(pods, [], [offer(zones=(0, 1, 2), cpu_left=cpu_left)], {}, (0, 1, 2))
    placed = [p.uid for c in result.claims for p in c.pods] + [p.uid for p in result.unschedulable]
    assert sorted(placed) == list(range(len(cpus)))
    for claim in result.claims:
        assert claim.instance_type is not None
        assert claim.cpu <= claim.instance_type.allocatable_cpu + 1e-9
        assert claim.instance_type in claim.candidates
    if cpu_left is not None:
        assert sum(c.instance_type.vcpu for c in result.claims) <= cpu_left
