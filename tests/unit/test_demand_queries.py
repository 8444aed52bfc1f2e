"""The demand curve's queries against plain computations.

The number of requests between two instants, asked in the order the
recorders ask (the last few areas are kept), equals the area computed afresh.

:meth:`DemandCurve.next_crossing` finds the first knot reaching a level by
descending a tree of group maxima (of the knots, or of their negation for a
downward crossing); the reference here walks every knot after the query time.
Both solve the same segment, so the times must be equal to the last bit, on
curves short enough to fit in one group and long enough to need several rows
of the tree.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from innovate_sim.workload.demand import DemandCurve


def scanned_crossing(curve: DemandCurve, values: list[float], t_h: float, level: float, up: bool):
    """The first time ≥ ``t_h`` demand reaches ``level``, by scanning every later knot."""
    sign = 1.0 if up else -1.0
    if sign * (curve.rps(t_h) - level) >= 0:
        return t_h
    if t_h >= curve.end_h:
        return math.inf
    first = min(int(t_h / curve.step_h), len(values) - 2) + 1 if t_h > 0 else 1
    for knot in range(first, len(values)):
        if sign * (values[knot] - level) >= 0:
            return curve._solve(t_h, knot, level)
    return math.inf


knot_values = st.lists(
    st.sampled_from([0.0, 1.0, 2.5, 4.0]) | st.floats(0.0, 5.0), min_size=2, max_size=700
)


@settings(max_examples=150, deadline=None)
@given(
    knot_values,
    st.sampled_from([0.25, 1.0, 0.1]),
    st.lists(st.tuples(st.floats(-0.1, 1.05), st.floats(-0.5, 5.5), st.booleans()), max_size=40),
)
def test_next_crossing_equals_a_scan_of_every_knot(
    values: list[float], step_h: float, queries: list[tuple[float, float, bool]]
) -> None:
    curve = DemandCurve(step_h, np.array(values))
    for fraction, level, up in queries:
        t_h = fraction * curve.end_h
        for at in (t_h, round(t_h / step_h) * step_h):  # between knots and on one
            assert curve.next_crossing(at, level, up) == scanned_crossing(
                curve, values, at, level, up
            )


def test_a_level_reached_only_at_the_last_knot_is_found_across_every_row() -> None:
    values = [1.0] * 5000 + [3.0]
    curve = DemandCurve(0.25, np.array(values))
    assert curve.next_crossing(0.3, 2.0, True) == scanned_crossing(curve, values, 0.3, 2.0, True)
    assert curve.next_crossing(0.3, 2.0, True) == curve.end_h - 0.25 / 2
    assert curve.next_crossing(0.3, 3.5, True) == math.inf
    assert curve.next_crossing(0.3, 0.5, False) == math.inf


@settings(max_examples=100, deadline=None)
@given(knot_values, st.lists(st.floats(-0.1, 1.2), min_size=1, max_size=30))
def test_requests_between_instants_equal_the_areas_computed_afresh(
    values: list[float], instants: list[float]
) -> None:
    curve = DemandCurve(0.25, np.array(values))
    times = [fraction * curve.end_h for fraction in instants]
    for start_h, end_h in zip([0.0, *times], times, strict=False):
        for _ in range(2):  # two recorders ask for the same interval
            expected = (curve._compute_area_to(end_h) - curve._compute_area_to(start_h)) * 3600
            assert curve.requests(start_h, end_h) == expected
