"""What you must believe: where along one input a target's verdict flips.

For a target and an input, the input sweeps its range on a grid (log-spaced
when its distribution is), the other inputs held at their central values,
every point run with the same seeds (common random numbers). The verdict at a
point compares the target's statistic, computed as ``check`` computes it (a
mean, or an RTO's quantile of the pooled incidents), with the threshold; a flip
is where it changes sides, located by linear interpolation between the two
grid points around it. "RTO passes only if NAT failures last < 7 min" reads
from one row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innovate_sim.uncertainty.evaluate import Output
from innovate_sim.uncertainty.inputs import UncertainInput

__all__ = ["FLIP_COLUMNS", "flip_points", "grid"]

FLIP_COLUMNS = [
    "target",
    "output",
    "input",
    "central",
    "verdict_at_central",
    "low",
    "high",
    "flips_at",
    "passes_when",
    "belief",
]

Means = Callable[[np.ndarray], Mapping[str, np.ndarray]]


def grid(item: UncertainInput, points: int) -> np.ndarray:
    """``points`` values across the input's range, log-spaced for log-shaped distributions."""
    low, high = item.distribution.support
    if item.distribution.form in ("loguniform", "lognormal") and low > 0:
        return np.geomspace(low, high, points)
    return np.linspace(low, high, points)


@dataclass(frozen=True)
class _Sweep:
    item: UncertainInput
    values: np.ndarray
    means: Mapping[str, np.ndarray]


def _meets(output: Output, value: np.ndarray) -> np.ndarray:
    threshold = float(output.threshold or 0.0)
    return value >= threshold if output.higher_is_better else value <= threshold


def _crossings(values: np.ndarray, stat: np.ndarray, threshold: float) -> list[float]:
    """Input values where ``stat`` crosses ``threshold`` (linear between grid points)."""
    found = []
    for i in range(len(values) - 1):
        a, b = stat[i] - threshold, stat[i + 1] - threshold
        if (a < 0) != (b < 0) or (a == 0.0 and b != 0.0):
            share = 0.0 if a == b else a / (a - b)
            found.append(float(values[i] + share * (values[i + 1] - values[i])))
    return found


def _row(output: Output, sweep: _Sweep, central_means: Mapping[str, np.ndarray]) -> dict:
    item = sweep.item
    stat = np.asarray(sweep.means[output.key], dtype=float)
    meets = _meets(output, stat)
    central_pass = bool(_meets(output, np.asarray([central_means[output.key][0]]))[0])
    flips = _crossings(sweep.values, stat, float(output.threshold or 0.0))
    flips_text = ", ".join(item.format(v) for v in flips)
    if not flips:
        passes_when = "always" if meets.all() else "never" if not meets.any() else "mixed"
    elif len(flips) == 1:
        passes_when = (
            f"{item.name} < {item.format(flips[0])}"
            if meets[0]
            else (f"{item.name} > {item.format(flips[0])}")
        )
    else:
        passes_when = "between flips" if not meets[0] else "outside flips"
    return {
        "target": f"{output.scope}.{output.target}",
        "output": output.key,
        "input": item.name,
        "central": item.format(item.central),
        "verdict_at_central": "pass" if central_pass else "fail",
        "low": item.format(float(sweep.values[0])),
        "high": item.format(float(sweep.values[-1])),
        "flips_at": flips_text,
        "passes_when": passes_when,
        "belief": _belief(output, item, meets, flips, passes_when),
        "flip_values": flips,
    }


def _belief(
    output: Output, item: UncertainInput, meets: np.ndarray, flips: list[float], when: str
) -> str:
    target = f"{output.scope} {output.target}"
    low, high = (item.format(v) for v in item.distribution.support)
    if when == "always":
        return f"{target} passes across {item.name}'s range ({low} – {high})"
    if when == "never":
        return f"{target} fails across {item.name}'s range ({low} – {high})"
    if len(flips) == 1:
        sign = "<" if meets[0] else ">"
        return f"{target} passes only if {item.name} {sign} {item.format(flips[0])}"
    at = ", ".join(item.format(v) for v in flips)
    return f"{target} flips {len(flips)} times along {item.name}, at {at}"


def flip_points(
    inputs: Sequence[UncertainInput],
    targets: Sequence[Output],
    ranked: Mapping[str, Sequence[str]],
    means: Means,
    *,
    points: int = 7,
) -> pd.DataFrame:
    """Flip points of every target along its most influential inputs.

    Args:
        inputs: all uncertain inputs (column order of ``means``).
        targets: the outputs that carry a target.
        ranked: per output key, the names of the inputs to search, most influential first.
        means: the model: ``(n, d)`` input values to per-output means (common random numbers).
        points: grid points per input.

    Returns:
        One row per (target, input): verdict at the central values, the range
        searched, the flip values and a sentence of what must be believed.
    """
    central = np.array([item.central for item in inputs])
    central_means = means(central[None, :])
    wanted = sorted({name for t in targets for name in ranked.get(t.key, [])})
    sweeps: dict[str, _Sweep] = {}
    for j, item in enumerate(inputs):
        if item.name not in wanted:
            continue
        values = grid(item, points)
        design = np.repeat(central[None, :], len(values), axis=0)
        design[:, j] = values
        sweeps[item.name] = _Sweep(item, values, means(design))
    rows = [
        _row(output, sweeps[name], central_means)
        for output in targets
        for name in ranked.get(output.key, [])
        if name in sweeps and math.isfinite(float(output.threshold or 0.0))
    ]
    frame = pd.DataFrame(rows, columns=[*FLIP_COLUMNS, "flip_values"])
    return frame
