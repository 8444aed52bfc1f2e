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
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from innovate_sim.experiments.cost_digest import MonthlyCostDigest, digest_costs
from innovate_sim.experiments.csv_text import csv_text
from innovate_sim.experiments.result import SimulationResult

__all__ = [
    "SavedResult",
    "atomic_write_bytes",
    "atomic_write_text",
    "load_result",
    "load_tables",
    "save_result",
]

# The process umask, read once at import (reading it means setting it, which
# is not thread-safe later on).
_UMASK = os.umask(0o022)
os.umask(_UMASK)

# pandas < 3 parses CSV floats with a fast parser that can miss the last bit;
# pandas 3 reads them exactly and deprecates the option.
_EXACT_FLOATS: dict[str, Any] = (
    {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
)


def atomic_write_bytes(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or parts of them in order) to ``path`` via a temporary file
    and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file private (0600); give it the usual permissions.
        os.fchmod(handle, 0o666 & ~_UMASK)
        with os.fdopen(handle, "wb") as stream:
            for part in (data,) if isinstance(data, bytes) else data:
                stream.write(part)
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

    Files: ``summary.json`` (provenance, summary rows, excluded risks, failures, target
    verdicts),
    ``availability.csv``, ``incidents.csv``, ``downtime_by_cause.csv``,
    ``monthly.csv`` (error budget), ``monthly_cost.csv``, ``counters.csv``,
    ``scenario.json`` (the validated scenario, so a report can be rebuilt) and
    ``scenario_explicit.json`` (only the fields the scenario file set, so a
    rebuilt report knows which library defaults applied).
    """
    out_dir = Path(out_dir)
    written = []
    tables = {
        "availability.csv": [result.availability],
        "incidents.csv": [result.incidents],
        "downtime_by_cause.csv": [result.downtime_by_cause],
        "monthly.csv": result.pieces("monthly"),  # large: written piece by piece
        "monthly_cost.csv": result.pieces("monthly_cost"),
        "counters.csv": [result.counters],
    }
    for name, pieces in tables.items():
        path = out_dir / name
        atomic_write_bytes(path, _csv_parts(pieces))
        written.append(path)
    summary = {
        "provenance": result.provenance(),
        "summary": result.summary().to_dict(orient="records"),
        "excluded_risks": result.excluded_risks.to_dict(orient="records"),
        "failed": [{"replication": r, "error": e} for r, e in result.failed],
        **_verdicts(result),
    }
    path = out_dir / "summary.json"
    atomic_write_text(path, json.dumps(_clean(summary), indent=2) + "\n")
    written.append(path)
    path = out_dir / "scenario.json"
    atomic_write_text(path, result.scenario.model_dump_json(indent=2) + "\n")
    written.append(path)
    path = out_dir / "scenario_explicit.json"
    explicit = result.scenario.model_dump_json(indent=2, exclude_unset=True)
    atomic_write_text(path, explicit + "\n")
    written.append(path)
    return written


def _csv_parts(pieces: Iterable[pd.DataFrame]) -> Iterator[bytes]:
    """The CSV text of the pieces' concatenation (one header), piece by piece, UTF-8."""
    for index, piece in enumerate(pieces):
        yield csv_text(piece, header=index == 0).encode("utf-8")


def _verdicts(result: SimulationResult) -> dict[str, Any]:
    """``{"targets": [...]}``: every target's verdict, forecast, interval and what was judged.

    Empty without targets; ``{"targets_error": ...}`` when they cannot be evaluated.
    """
    from innovate_sim.errors import InnovateSimError
    from innovate_sim.experiments.judging import check_targets

    if not result.scenario.targets:
        return {}
    try:
        return {"targets": check_targets(result).records()}
    except InnovateSimError as exc:
        return {"targets_error": str(exc)}


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
        readable = path.exists() and path.stat().st_size
        tables[name] = pd.read_csv(path, **_EXACT_FLOATS) if readable else None
    tables["summary"] = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    return tables


class SavedResult:
    """A result read back from a folder :func:`save_result` wrote.

    It offers what reports and target checks read from a
    :class:`~innovate_sim.experiments.SimulationResult` — ``scenario``,
    ``seed``, ``confidence``, the ``availability``, ``incidents``,
    ``downtime_by_cause``, ``excluded_risks``, ``monthly``, ``monthly_cost`` and ``counters``
    tables, ``summary()``, ``provenance()``, ``failed`` and ``check()`` — but
    not the per-component ``costs`` (``costs`` is ``monthly_cost``, whose
    rows are per service) nor ``timeline()``.
    """

    def __init__(self, out_dir: Path) -> None:
        from innovate_sim.errors import InnovateSimError
        from innovate_sim.scenario import Scenario

        out_dir = Path(out_dir)
        missing = [
            name
            for name in ("summary.json", "scenario.json", "availability.csv", "monthly_cost.csv")
            if not (out_dir / name).exists()
        ]
        if missing:
            raise InnovateSimError(
                f"{out_dir} holds no saved result (missing {', '.join(missing)}); write one with "
                "'innovate-sim run FILE --out DIR'"
            )
        tables = load_tables(out_dir)
        self.out_dir = out_dir
        self._tables = tables
        self._summary = tables["summary"]
        prov = self._summary["provenance"]
        explicit = out_dir / "scenario_explicit.json"
        scenario = None
        if explicit.exists():
            scenario = Scenario.model_validate_json(explicit.read_text(encoding="utf-8"))
            if scenario.content_hash() != prov["scenario_hash"]:
                scenario = None  # defaults changed since the run: use the full record
        if scenario is None:
            scenario = Scenario.model_validate_json(
                (out_dir / "scenario.json").read_text(encoding="utf-8")
            )
        self.scenario = scenario
        self.seed = int(prov["seed"])
        self.confidence = float(prov["confidence_level"])
        self.scenario_hash = str(prov["scenario_hash"])
        self.package_version = str(prov["package_version"])
        self.catalog_version = str(prov["catalog_version"])
        self.wall_time_s = float(prov.get("wall_time_s") or 0.0)

    def _table(self, name: str) -> pd.DataFrame:
        frame = self._tables.get(name)
        return frame if frame is not None else pd.DataFrame()

    def pieces(self, table: str) -> Iterator[pd.DataFrame]:
        """The saved ``table`` (``"monthly"`` or ``"monthly_cost"``) in one piece (read whole)."""
        yield self._table(table)

    @cached_property
    def monthly_cost_digest(self) -> MonthlyCostDigest:
        """What the report, target checks and comparisons read of :attr:`monthly_cost`."""
        return digest_costs(self.pieces("monthly_cost"))

    @property
    def replications(self) -> int:
        """Replications that completed."""
        return int(self._summary["provenance"]["replications"])

    @property
    def failed(self) -> list[tuple[int, str]]:
        """(replication, error) of every replication that raised."""
        return [(int(f["replication"]), str(f["error"])) for f in self._summary.get("failed", [])]

    def provenance(self) -> dict[str, Any]:
        """Where these numbers came from (as saved)."""
        return dict(self._summary["provenance"])

    def summary(self) -> pd.DataFrame:
        """The key figures with CIs as saved in ``summary.json``."""
        frame = pd.DataFrame(self._summary["summary"])
        for column in ("mean", "ci_low", "ci_high", "p5", "p50", "p95"):
            if column in frame:
                frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
        return frame

    @property
    def availability(self) -> pd.DataFrame:
        """One row per replication × environment."""
        return self._table("availability")

    @property
    def incidents(self) -> pd.DataFrame:
        """One row per incident."""
        return self._table("incidents")

    @property
    def downtime_by_cause(self) -> pd.DataFrame:
        """Per replication × environment × cause: lost requests and incident minutes."""
        return self._table("downtime_by_cause")

    @property
    def excluded_risks(self) -> pd.DataFrame:
        """Risks the simulation left out, with their closed-form effect (from the scenario)."""
        from innovate_sim.experiments.excluded import excluded_risks

        environments = list(dict.fromkeys(self.availability.get("environment", [])))
        return excluded_risks(self.scenario, environments)

    @property
    def monthly(self) -> pd.DataFrame:
        """Per replication × environment × month: demand, lost requests, error budget."""
        return self._table("monthly")

    @property
    def monthly_cost(self) -> pd.DataFrame:
        """Total USD per replication × month × account × environment × service."""
        return self._table("monthly_cost")

    @property
    def costs(self) -> pd.DataFrame:
        """The saved cost rows (per service, not per component)."""
        return self.monthly_cost

    @property
    def counters(self) -> pd.DataFrame:
        """Per replication × environment: failovers, launches, scalings, outages."""
        return self._table("counters")

    def check(self) -> Any:
        """Compare the saved forecasts with the scenario's targets."""
        from innovate_sim.experiments.judging import check_targets

        return check_targets(self)

    def __repr__(self) -> str:
        return f"SavedResult({self.out_dir}, scenario={self.scenario.name!r})"


def load_result(out_dir: Path) -> SavedResult:
    """Read a result folder written by :func:`save_result` (for reports and checks)."""
    return SavedResult(out_dir)
