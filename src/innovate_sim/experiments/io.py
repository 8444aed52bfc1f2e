"""Write results to a folder atomically, and read them back.

Every file is written to a temporary name in the same folder and renamed into
place, so an interrupted run leaves either the previous complete file or none
— never a half-written one.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from innovate_sim.experiments.result import SimulationResult

__all__ = ["atomic_write_bytes", "atomic_write_text", "load_tables", "save_result"]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def save_result(result: SimulationResult, out_dir: Path) -> list[Path]:
    """Write a result's tables (CSV) and summary (JSON) into ``out_dir``.

    Files: ``summary.json`` (provenance, summary rows, failures),
    ``availability.csv``, ``incidents.csv``, ``downtime_by_cause.csv``,
    ``monthly.csv`` (error budget), ``monthly_cost.csv``, ``counters.csv`` and
    ``scenario.json`` (the validated scenario, so a report can be rebuilt).
    """
    out_dir = Path(out_dir)
    written = []
    tables = {
        "availability.csv": result.availability,
        "incidents.csv": result.incidents,
        "downtime_by_cause.csv": result.downtime_by_cause,
        "monthly.csv": result.monthly,
        "monthly_cost.csv": result.monthly_cost,
        "counters.csv": result.counters,
    }
    for name, frame in tables.items():
        path = out_dir / name
        atomic_write_text(path, frame.to_csv(index=False))
        written.append(path)
    summary = {
        "provenance": result.provenance(),
        "summary": result.summary().to_dict(orient="records"),
        "failed": [{"replication": r, "error": e} for r, e in result.failed],
    }
    path = out_dir / "summary.json"
    atomic_write_text(path, json.dumps(_clean(summary), indent=2) + "\n")
    written.append(path)
    path = out_dir / "scenario.json"
    atomic_write_text(path, result.scenario.model_dump_json(indent=2) + "\n")
    written.append(path)
    return written


def load_tables(out_dir: Path) -> dict[str, Any]:
    """Read back what :func:`save_result` wrote (for rebuilding reports)."""
    out_dir = Path(out_dir)
    tables: dict[str, Any] = {}
    for name in (
        "availability",
        "incidents",
        "downtime_by_cause",
        "monthly",
        "monthly_cost",
        "counters",
    ):
        path = out_dir / f"{name}.csv"
        tables[name] = pd.read_csv(path) if path.exists() and path.stat().st_size else None
    tables["summary"] = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    return tables
