"""Checks that an experiment really ran: no replication failed, every one is there.

A replication that raises is reported in ``result.failed``, not raised, and
its tables are simply empty — so two runs of a model that always fails
compare as identical. Every reproducibility test passes its results through
:func:`succeeded` (or :func:`sweep_succeeded`) first.
"""

from __future__ import annotations

from typing import Any

__all__ = ["succeeded", "sweep_succeeded"]


def succeeded(result: Any, replications: int | None = None) -> Any:
    """``result`` after asserting that none of its replications failed.

    Args:
        result: a :class:`~innovate_sim.SimulationResult` or a
            :class:`~innovate_sim.Comparison` (both of its runs are checked).
        replications: how many replications must have completed (default:
            every one that was run).
    """
    if hasattr(result, "differences"):  # a Comparison
        succeeded(result.a, replications)
        succeeded(result.b, replications)
        return result
    assert result.failed == [], f"replications failed: {result.failed[:3]}"
    expected = len(result.outcomes) if replications is None else replications
    assert result.replications == expected >= 1, (result.replications, expected)
    return result


def sweep_succeeded(result: Any) -> Any:
    """A SweepResult after asserting every variant completed all its replications."""
    assert result.records, "the sweep has no variants"
    for label, record in result.records.items():
        assert record.failed == [], f"{label}: replications failed: {record.failed[:3]}"
        assert len(record.replication) == record.requested >= 1, label
    return result
