"""Demand: requests per second over time, as a piecewise-linear curve.

The profile of a scenario (flat, diurnal, weekly shape, monthly growth,
scheduled spikes, or a CSV trace) is evaluated once at knots every
``simulation.demand_resolution`` (15 minutes by default) and linearly
interpolated between them. Everything the model asks of demand is then exact
for that curve and cheap:

* the number of requests between two times (prefix sums of the trapezoids);
* the next time demand crosses a level — the HPA's next scaling point, the
  moment capacity runs short — found in O(log n) steps by descending a tree
  of group maxima of the knots (eight per group, eight groups per group one
  row up; of the negated knots for a downward crossing), then solving the
  linear segment. Demand is never polled on a fixed step (DESIGN §6).

The clock starts on a Monday at 00:00 UTC.
"""

from __future__ import annotations

import csv
import math
from datetime import datetime
from itertools import accumulate
from pathlib import Path

import numpy as np

from innovate_sim.errors import ScenarioError
from innovate_sim.scenario.environment import Demand
from innovate_sim.units import HOURS_PER_DAY, HOURS_PER_MONTH, SECONDS_PER_HOUR

__all__ = ["DemandCurve"]

_FANOUT = 8
_INF = math.inf


class DemandCurve:
    """Requests per second as a piecewise-linear function of time (hours).

    Args:
        times_step_h: spacing of the knots (hours).
        values_rps: demand at knots ``0, step, 2·step, …`` (requests per second).
    """

    def __init__(self, step_h: float, values_rps: np.ndarray) -> None:
        if step_h <= 0 or len(values_rps) < 2:
            raise ValueError("a demand curve needs a positive step and at least two knots")
        self.step_h = float(step_h)
        values = np.asarray(values_rps, dtype=float)
        self._values = values.tolist()
        self.end_h = self.step_h * (len(values) - 1)
        self._last_position = float(len(values) - 2)
        areas = 0.5 * (values[1:] + values[:-1]) * self.step_h
        self._cumulative = np.concatenate(([0.0], np.cumsum(areas))).tolist()
        self._recent_areas: dict[float, float] = {}
        # demand ≤ level is −demand ≥ −level: one search over maxima serves both directions
        self._rising = _maxima_tree(self._values)
        self._falling = _maxima_tree([-v for v in self._values])
        self._rising_suffix = _suffix_maxima(self._rising[0])
        self._falling_suffix = _suffix_maxima(self._falling[0])
        self.peak_rps = float(values.max())

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def from_scenario(cls, demand: Demand, horizon_h: float, resolution_h: float) -> DemandCurve:
        """Evaluate a scenario's demand profile at knots covering ``[0, horizon_h]``."""
        key = (demand.model_dump_json(), float(horizon_h), float(resolution_h))
        curve = _CACHE.get(key)
        if curve is None:
            if len(_CACHE) >= 32:
                _CACHE.pop(next(iter(_CACHE)))
            curve = _CACHE[key] = _build(demand, float(horizon_h), float(resolution_h))
        return curve

    @classmethod
    def flat(cls, rps: float, horizon_h: float) -> DemandCurve:
        """Constant demand (handy in tests)."""
        return cls(max(horizon_h, 1.0), np.array([rps, rps], dtype=float))

    # -- queries ---------------------------------------------------------------------------------

    def _index(self, t_h: float) -> tuple[int, float]:
        """Segment index and fraction within it for time ``t_h`` (clamped to the curve)."""
        if t_h <= 0:
            return 0, 0.0
        if t_h >= self.end_h:
            return len(self._values) - 2, 1.0
        position = t_h / self.step_h
        # just below end_h the division can round up to the last knot's index
        index = min(int(position), len(self._values) - 2)
        return index, position - index

    def rps(self, t_h: float) -> float:
        """Demand at time ``t_h`` (requests per second)."""
        position = t_h / self.step_h
        v = self._values
        if 0.0 < position < self._last_position:
            index = int(position)
            a = v[index]
            return a + (v[index + 1] - a) * (position - index)
        index, frac = self._index(t_h)
        return v[index] + (v[index + 1] - v[index]) * frac

    def _area_to(self, t_h: float) -> float:
        """∫₀ᵗ demand dt in rps·hours (demand beyond the last knot stays at its value).

        The last few answers are kept: at every change of a replication's state
        two recorders ask for the requests since the previous change, the areas
        up to the same two instants.
        """
        area = self._recent_areas.get(t_h)
        if area is None:
            if len(self._recent_areas) >= 4:
                self._recent_areas.clear()
            area = self._recent_areas[t_h] = self._compute_area_to(t_h)
        return area

    def _compute_area_to(self, t_h: float) -> float:
        if t_h <= 0:
            return 0.0
        if t_h >= self.end_h:
            return self._cumulative[-1] + self._values[-1] * (t_h - self.end_h)
        index, frac = self._index(t_h)
        v0 = self._values[index]
        v1 = v0 + (self._values[index + 1] - v0) * frac
        return self._cumulative[index] + 0.5 * (v0 + v1) * frac * self.step_h

    def integral(self, start_h: float, end_h: float) -> float:
        """∫ demand dt over [start, end] in rps·hours."""
        return self._area_to(end_h) - self._area_to(start_h)

    def requests(self, start_h: float, end_h: float) -> float:
        """Number of requests arriving in [start, end]."""
        return (self._area_to(end_h) - self._area_to(start_h)) * SECONDS_PER_HOUR

    def mean_rps(self, start_h: float, end_h: float) -> float:
        """Mean demand over [start, end] (requests per second)."""
        span = end_h - start_h
        return self.integral(start_h, end_h) / span if span > 0 else self.rps(start_h)

    def next_crossing(self, t_h: float, level: float, upward: bool) -> float:
        """First time ≥ ``t_h`` at which demand reaches ``level`` from below (or above).

        Args:
            t_h: where to start looking (hours).
            level: the level in requests per second.
            upward: True for the first time demand ≥ level, False for demand ≤ level.

        Returns:
            The time in hours, ``t_h`` itself if the condition already holds, or
            ``inf`` if it never holds on the curve.
        """
        sign = 1.0 if upward else -1.0
        if sign * (self.rps(t_h) - level) >= 0:
            return t_h
        if t_h >= self.end_h:
            return _INF
        index, _ = self._index(t_h)
        if upward:
            knot = _first_at_least(self._rising, self._rising_suffix, index + 1, level)
        else:
            knot = _first_at_least(self._falling, self._falling_suffix, index + 1, -level)
        return _INF if knot is None else self._solve(t_h, knot, level)

    def _solve(self, t_h: float, k: int, level: float) -> float:
        """Where the segment ending at knot ``k`` reaches ``level``."""
        a, b = self._values[k - 1], self._values[k]
        start = (k - 1) * self.step_h
        fraction = (level - a) / (b - a) if b != a else 1.0
        return max(t_h, start + min(1.0, max(0.0, fraction)) * self.step_h)


def _maxima_tree(values: list[float]) -> list[list[float]]:
    """Row 0 is ``values``, row j + 1 the maximum of each group of ``_FANOUT`` entries of
    row j, up to a row of at most ``_FANOUT`` entries."""
    rows = [values]
    while len(rows[-1]) > _FANOUT:
        row = rows[-1]
        rows.append([max(row[i : i + _FANOUT]) for i in range(0, len(row), _FANOUT)])
    return rows


def _suffix_maxima(values: list[float]) -> list[float]:
    """The maximum of ``values`` from each group of ``_FANOUT`` entries to the end."""
    groups = [max(values[i : i + _FANOUT]) for i in range(0, len(values), _FANOUT)]
    return list(accumulate(groups[::-1], max))[::-1]


def _first_at_least(
    rows: list[list[float]], suffix: list[float], start: int, level: float
) -> int | None:
    """The first index at or after ``start`` whose value is ≥ ``level``, or ``None``.

    ``rows`` is a :func:`_maxima_tree`: a group holds a value reaching the level
    exactly when its maximum does. ``suffix`` (:func:`_suffix_maxima`) rejects a
    level never reached again at once; otherwise the search checks the rest of
    the current group, climbs to the following groups one row up, and descends
    into the first group that reaches the level: O(log n) steps for any distance.
    """
    if suffix[start // _FANOUT] < level:
        return None
    row_index, position, top = 0, start, len(rows) - 1
    while True:
        row = rows[row_index]
        stop = len(row) if row_index == top else -(-position // _FANOUT) * _FANOUT
        if _any_at_least(row, position, stop, level):
            break
        if row_index == top or stop >= len(row):
            return None
        row_index, position = row_index + 1, stop // _FANOUT
    while row[position] < level:
        position += 1
    while row_index > 0:  # the first entry of the group reaching the level, one row down
        row_index -= 1
        row = rows[row_index]
        position *= _FANOUT
        while row[position] < level:
            position += 1
    return position


def _any_at_least(row: list[float], start: int, stop: int, level: float) -> bool:
    """Whether some ``row[start:stop]`` is ≥ ``level`` (compiled: a loop, no slice)."""
    return any(row[index] >= level for index in range(start, min(stop, len(row))))


_CACHE: dict[tuple[str, float, float], DemandCurve] = {}


def _build(demand: Demand, horizon_h: float, resolution_h: float) -> DemandCurve:
    knots = max(2, math.ceil(horizon_h / resolution_h) + 2)
    times = np.arange(knots, dtype=float) * resolution_h
    return DemandCurve(resolution_h, _profile(demand, times))


def _profile(demand: Demand, t: np.ndarray) -> np.ndarray:
    """Demand of a scenario profile at times ``t`` (hours)."""
    if demand.profile == "trace":
        assert demand.trace is not None
        base = _trace_values(demand.trace.file, demand.trace.repeat, t)
    elif demand.profile == "diurnal":
        phase = 2.0 * np.pi * ((t % HOURS_PER_DAY) - demand.peak_hour) / HOURS_PER_DAY
        shape = demand.trough_fraction + (1.0 - demand.trough_fraction) * 0.5 * (
            1.0 + np.cos(phase)
        )
        base = demand.peak_rps * shape
    else:
        base = np.full_like(t, demand.peak_rps)
    weekday = (np.floor(t / HOURS_PER_DAY).astype(int)) % 7
    base = base * np.asarray(demand.weekly)[weekday]
    if demand.growth_per_month:
        base = base * (1.0 + demand.growth_per_month) ** (t / HOURS_PER_MONTH)
    for spike in demand.spikes:
        base = base * (1.0 + (spike.multiplier - 1.0) * _spike_shape(spike, t))
    return np.maximum(base, 0.0)


def _spike_shape(spike: object, t: np.ndarray) -> np.ndarray:
    """1 inside a spike, 0 outside, linear ramps of ``spike.ramp`` on both sides."""
    at, duration, ramp = spike.at, spike.duration, spike.ramp  # type: ignore[attr-defined]
    every = spike.every  # type: ignore[attr-defined]
    local = t - at
    if every:
        local = np.where(local >= -ramp, (local + ramp) % every - ramp, local)
    rise = np.clip((local + ramp) / ramp, 0.0, 1.0) if ramp > 0 else (local >= 0).astype(float)
    fall = (
        np.clip((duration + ramp - local) / ramp, 0.0, 1.0)
        if ramp > 0
        else (local <= duration).astype(float)
    )
    return np.minimum(rise, fall)


def _trace_values(file: str, repeat: bool, t: np.ndarray) -> np.ndarray:
    path = Path(file)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ScenarioError(f"{file}: cannot read the demand trace ({exc.strerror})") from None
    if not rows or not {"timestamp", "rps"} <= set(rows[0]):
        raise ScenarioError(f"{file}:1: a demand trace needs the columns 'timestamp' and 'rps'")
    times_h: list[float] = []
    values: list[float] = []
    origin: datetime | None = None
    for line, row in enumerate(rows, start=2):
        stamp, rps = row["timestamp"].strip(), row["rps"].strip()
        try:
            seconds = float(stamp)
        except ValueError:
            try:
                moment = datetime.fromisoformat(stamp)
            except ValueError:
                raise ScenarioError(
                    f"{file}:{line}: timestamp {stamp!r} is neither seconds nor an ISO time"
                ) from None
            origin = origin or moment
            seconds = (moment - origin).total_seconds()
        try:
            value = float(rps)
        except ValueError:
            raise ScenarioError(f"{file}:{line}: rps {rps!r} is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise ScenarioError(f"{file}:{line}: rps must be a number >= 0, got {rps!r}")
        if times_h and seconds / SECONDS_PER_HOUR <= times_h[-1]:
            raise ScenarioError(f"{file}:{line}: timestamps must increase")
        times_h.append(seconds / SECONDS_PER_HOUR)
        values.append(value)
    start = times_h[0]
    times = np.asarray(times_h) - start
    if len(times) < 2:
        raise ScenarioError(f"{file}: a demand trace needs at least two rows")
    period = times[-1]
    lookup = t % period if repeat and period > 0 else t
    return np.interp(lookup, times, np.asarray(values))
