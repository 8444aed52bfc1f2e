"""Morris screening and Sobol' indices (SALib) of any model of the uncertain inputs.

Designs are drawn in the unit hypercube and mapped to input values through
each input's quantile function, so every input keeps the distribution the
scenario gives it; Sobol' and Morris measures are computed on the unit
coordinates (Sobol' indices do not change under that one-to-one map). The
model is any function of an ``(n, d)`` matrix of input values returning, per
output, the ``n`` values — for a scenario, the mean over replications run with
the same seeds for every row (common random numbers).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from innovate_sim.scenario.uncertain import TAIL
from innovate_sim.uncertainty.inputs import UncertainInput

__all__ = [
    "INDEX_COLUMNS",
    "MORRIS_COLUMNS",
    "Model",
    "morris",
    "sobol",
    "to_values",
]

Model = Callable[[np.ndarray], Mapping[str, np.ndarray]]

INDEX_COLUMNS = ["output", "input", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]
MORRIS_COLUMNS = ["output", "input", "mu_star", "mu_star_low", "mu_star_high", "sigma", "relative"]

#: Keeps quantile functions away from 0 and 1 (a lognormal is unbounded there).
_EDGE = 1e-6


def _problem(inputs: Sequence[UncertainInput]) -> dict[str, Any]:
    return {
        "num_vars": len(inputs),
        "names": [item.name for item in inputs],
        "bounds": [[0.0, 1.0]] * len(inputs),
    }


def to_values(inputs: Sequence[UncertainInput], unit: np.ndarray) -> np.ndarray:
    """Map points of the unit hypercube to input values (each input's quantile function).

    A lognormal input is truncated to its 1 % – 99 % quantiles (its ``support``):
    the unit interval maps onto that range, so no design point asks the model
    for a value from the far tail (a Morris grid reaches the cube's faces).
    """
    clipped = np.clip(unit, _EDGE, 1.0 - _EDGE)
    values = np.empty_like(clipped, dtype=float)
    for j, item in enumerate(inputs):
        column = clipped[:, j]
        if item.distribution.form == "lognormal":
            column = TAIL + column * (1.0 - 2.0 * TAIL)
        values[:, j] = [item.distribution.ppf(float(u)) for u in column]
    return values


def sobol(
    inputs: Sequence[UncertainInput],
    model: Model,
    base_samples: int = 64,
    *,
    seed: int = 0,
    confidence: float = 0.95,
    resamples: int = 200,
) -> pd.DataFrame:
    """First-order and total Sobol' indices of every output, with bootstrap intervals.

    Args:
        inputs: the uncertain inputs.
        model: maps an ``(n, d)`` matrix of input values to ``{output: (n,) values}``.
        base_samples: Saltelli base sample size N (a power of two); the model
            is evaluated at N·(d + 2) points.
        seed: seed of the (scrambled Sobol') design and of the bootstrap.
        confidence: level of the bootstrap intervals.
        resamples: bootstrap resamples.

    Returns:
        One row per (output, input): ``S1``, ``ST`` and their interval bounds
        (``*_low``, ``*_high``). An output that does not vary gets zeros.
    """
    problem = _problem(inputs)
    unit = sobol_sample.sample(problem, base_samples, calc_second_order=False, seed=seed)
    outputs = model(to_values(inputs, unit))
    rows = []
    for output, y in outputs.items():
        y = np.asarray(y, dtype=float)
        if np.ptp(y) == 0.0:
            rows += [[output, name, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0] for name in problem["names"]]
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = sobol_analyze.analyze(
                problem,
                y,
                calc_second_order=False,
                num_resamples=resamples,
                conf_level=confidence,
                seed=seed,
            )
        for j, name in enumerate(problem["names"]):
            s1, s1c = float(result["S1"][j]), float(result["S1_conf"][j])
            st, stc = float(result["ST"][j]), float(result["ST_conf"][j])
            rows.append([output, name, s1, s1 - s1c, s1 + s1c, st, st - stc, st + stc])
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


def morris(
    inputs: Sequence[UncertainInput],
    model: Model,
    trajectories: int = 8,
    *,
    seed: int = 0,
    confidence: float = 0.95,
    levels: int = 4,
    resamples: int = 200,
) -> pd.DataFrame:
    """Morris elementary-effects screening of every output.

    Args:
        inputs: the uncertain inputs.
        model: as for :func:`sobol`.
        trajectories: Morris trajectories r; the model runs at r·(d + 1) points.
        seed, confidence, levels, resamples: design seed, interval level,
            grid levels and bootstrap resamples of ``mu_star``.

    Returns:
        One row per (output, input): ``mu_star`` (mean absolute elementary
        effect over the input's whole range, in the output's unit) with its
        bootstrap interval, ``sigma`` (spread: non-linearity or interaction)
        and ``relative`` (``mu_star`` over the largest of that output).
    """
    problem = _problem(inputs)
    unit = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    outputs = model(to_values(inputs, unit))
    rows = []
    for output, y in outputs.items():
        y = np.asarray(y, dtype=float)
        result = morris_analyze.analyze(
            problem,
            unit,
            y,
            num_resamples=resamples,
            conf_level=confidence,
            num_levels=levels,
            seed=seed,
        )
        mu_star = np.asarray(result["mu_star"], dtype=float)
        conf = np.asarray(result["mu_star_conf"], dtype=float)
        top = float(mu_star.max()) if mu_star.size else 0.0
        for j, name in enumerate(problem["names"]):
            relative = mu_star[j] / top if top > 0 else 0.0
            rows.append(
                [
                    output,
                    name,
                    mu_star[j],
                    max(0.0, mu_star[j] - conf[j]),
                    mu_star[j] + conf[j],
                    float(result["sigma"][j]),
                    relative,
                ]
            )
    return pd.DataFrame(rows, columns=MORRIS_COLUMNS)
