"""Assumption uncertainty: uncertain inputs, global sensitivity, flip points, total uncertainty.

Sits with ``experiments/`` in the layer table: it runs replications of
scenario samples (with common random numbers) and never plots.
"""

from innovate_sim.uncertainty.analysis import SensitivityResult, sensitivity
from innovate_sim.uncertainty.inputs import (
    UncertainInput,
    find_inputs,
    format_input_value,
    with_default_ranges,
    with_values,
)
from innovate_sim.uncertainty.total import UncertaintyResult, simulate

__all__ = [
    "SensitivityResult",
    "UncertainInput",
    "UncertaintyResult",
    "find_inputs",
    "format_input_value",
    "sensitivity",
    "simulate",
    "with_default_ranges",
    "with_values",
]
