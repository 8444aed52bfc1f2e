"""Interrupted runs leave no partial results (issue #7 item 3, DESIGN §4.3).

``innovate-sim run … --out DIR`` is killed with SIGKILL — no cleanup handler
runs — during the simulation and during the write phase. Afterwards DIR holds
nothing, or only complete files: every CSV parses and ends with its last
line, every JSON parses, every PNG ends with its IEND chunk, every report
ends where it should. The one kind of leftover allowed is a temporary file
of an atomic write, and it cannot be mistaken for a result: its name starts
with '.' and ends with '.tmp', it never carries a result's name, and
:func:`~innovate_sim.experiments.io.load_result` ignores it.

To land kills inside a write for certain, a small driver makes every write
into DIR slow (4 KiB chunks, each flushed, a short pause between them); at
its n-th pause in the middle of a file it says so on stdout and waits, and
the test kills it there, so the kill always interrupts a file half written.
The code under test is unchanged — only the disk is "slow". A second test
kills the unmodified command at random moments.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from innovate_sim.errors import InnovateSimError
from innovate_sim.experiments.io import load_result

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "scenarios" / "prod.yaml"
RESULT_NAMES = {
    "summary.json",
    "scenario.json",
    "scenario_explicit.json",
    "availability.csv",
    "incidents.csv",
    "downtime_by_cause.csv",
    "monthly.csv",
    "monthly_cost.csv",
    "counters.csv",
    "report.md",
    "report.html",
}
PNG_START = b"\x89PNG\r\n\x1a\n"
PNG_END = b"IEND\xaeB`\x82"

#: Runs the CLI with every write into OUT_DIR slowed down (a slow disk).
SLOW_DRIVER = textwrap.dedent(
    """
    import builtins, io, os, sys, time

    out_dir = os.path.realpath(os.environ["SLOW_OUT_DIR"])
    delay = float(os.environ["SLOW_WRITE_DELAY"])
    chunk = 4096
    pause_at = int(os.environ["SLOW_PAUSE_AT"])
    pauses = 0

    def inside(name):
        return os.path.realpath(str(name)).startswith(out_dir + os.sep)

    class Slow:
        def __init__(self, stream, name):
            self._stream = stream
            self._name = os.path.basename(str(name))

        def write(self, data):
            written = 0
            for start in range(0, len(data), chunk):
                written += self._stream.write(data[start : start + chunk])
                self._stream.flush()
                if start + chunk < len(data):  # in the middle of the file
                    global pauses
                    pauses += 1
                    if pauses == pause_at:  # report, then wait to be killed
                        os.write(1, f"paused {self._name}\\n".encode())
                        time.sleep(600)
                time.sleep(delay)
            return written

        def __getattr__(self, name):
            return getattr(self._stream, name)

        def __enter__(self):
            self._stream.__enter__()
            return self

        def __exit__(self, *exc):
            return self._stream.__exit__(*exc)

    real_fdopen, real_open = os.fdopen, builtins.open

    def fdopen(fd, mode="r", *args, **kwargs):
        stream = real_fdopen(fd, mode, *args, **kwargs)
        name = os.readlink(f"/proc/self/fd/{fd}")
        slow = any(m in mode for m in "wax") and inside(name)
        return Slow(stream, name) if slow else stream

    def open_(file, mode="r", *args, **kwargs):
        stream = real_open(file, mode, *args, **kwargs)
        slow = isinstance(file, (str, os.PathLike)) and any(m in mode for m in "wax")
        return Slow(stream, file) if slow and inside(file) else stream

    os.fdopen, builtins.open, io.open = fdopen, open_, open_

    from innovate_sim.cli import main

    sys.exit(main(sys.argv[1:]))
    """
)


def _scenario(tmp_path: Path, horizon: str = "7d") -> Path:
    path = tmp_path / f"prod-{horizon}.yaml"
    path.write_text(f"extends: {PROD}\nname: prod-{horizon}\nhorizon: {horizon}\n", "utf-8")
    return path


def _start(
    argv: list[str], env: dict[str, str] | None = None, stdout: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *argv],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "120", **(env or {})},
    )


def _kill(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=30)


def _wait_for_any_file(folder: Path, process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Poll until something appears in ``folder`` (True) or the process ends (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if folder.exists() and any(p.is_file() for p in folder.rglob("*")):
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError(f"nothing written to {folder} within {timeout} s")


def assert_only_complete_files(folder: Path, replications: int) -> dict[str, list[Path]]:
    """Check a results folder after a kill; return its complete and temporary files."""
    found: dict[str, list[Path]] = {"complete": [], "temporary": []}
    if not folder.exists():
        return found
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            assert path.name == "plots", f"unexpected folder {path}"
            continue
        name = path.name
        if name.endswith(".tmp"):
            # A leftover of an interrupted atomic write: hidden, never a result's name.
            assert name.startswith("."), f"temporary file not hidden: {path}"
            assert name not in RESULT_NAMES and not name.endswith((".csv", ".json", ".png"))
            found["temporary"].append(path)
            continue
        assert not name.startswith("."), f"unexpected hidden file {path}"
        data = path.read_bytes()
        assert data, f"empty (partial) file {path}"
        where = f"{path.relative_to(folder)} ({len(data)} bytes)"
        if name.endswith(".csv"):
            text = data.decode("utf-8")
            assert text.endswith("\n"), f"truncated CSV {where}"
            rows = list(csv.reader(io.StringIO(text)))
            assert len({len(row) for row in rows}) == 1, f"ragged (truncated) CSV {where}"
            pd.read_csv(io.StringIO(text))
            if name == "availability.csv":
                frame = pd.read_csv(io.StringIO(text))
                assert sorted(frame["replication"]) == list(range(replications)), where
        elif name.endswith(".json"):
            value = json.loads(data.decode("utf-8"))
            if name == "summary.json":
                assert {"provenance", "summary", "failed"} <= set(value), where
                assert value["provenance"]["replications"] == replications, where
        elif name.endswith(".png"):
            assert data.startswith(PNG_START) and data.endswith(PNG_END), f"truncated {where}"
        elif name == "report.html":
            assert data.rstrip().endswith(b"</html>"), f"truncated {where}"
        elif name == "report.md":
            assert data.endswith(b"\n"), f"truncated {where}"
            data.decode("utf-8")
        else:
            raise AssertionError(f"unexpected file {where}")
        found["complete"].append(path)
    # Whatever is there, reading it back either works or says what is missing.
    names = {p.name for p in found["complete"]}
    if {"summary.json", "scenario.json", "availability.csv", "monthly_cost.csv"} <= names:
        saved = load_result(folder)
        assert saved.replications == replications
    else:
        with pytest.raises(InnovateSimError, match="holds no saved result"):
            load_result(folder)
    return found


def test_kill_during_the_simulation_leaves_nothing(tmp_path: Path) -> None:
    """``run scenarios/prod.yaml -n 200`` killed a few seconds in: no output at all."""
    out = tmp_path / "out"
    process = _start(["-m", "innovate_sim", "run", str(PROD), "-n", "200", "--out", str(out)])
    time.sleep(4.0)  # imports done, simulating (200 one-year replications take minutes)
    assert process.poll() is None, process.stderr.read() if process.stderr else ""
    assert _kill(process) == -signal.SIGKILL
    assert not out.exists() or not any(out.iterdir())
    assert_only_complete_files(out, 200)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scenario(tmp_path_factory.mktemp("scenario"))


def _kill_when_paused(process: subprocess.Popen[bytes]) -> str | None:
    """Kill ``process`` once it reports its pause in mid-file; return that file's name."""
    assert process.stdout is not None
    for raw in process.stdout:
        line = raw.decode("utf-8", "replace").strip()
        if line.startswith("paused "):
            _kill(process)
            return line.removeprefix("paused ")
    process.wait(timeout=60)
    return None  # finished before reaching the pause


def test_kills_in_the_middle_of_a_write_leave_only_complete_files(
    tmp_path: Path, week: Path
) -> None:
    """Slow disk; runs killed mid-file at the 1st, a random early, and a random late pause."""
    rng = random.Random(int(os.environ.get("INNOVATE_SIM_KILL_SEED", "7")))
    targets = [1, rng.randint(2, 12), rng.randint(13, 40), rng.randint(41, 70)]
    runs = []
    for attempt, target in enumerate(targets):
        out = tmp_path / f"out{attempt}"
        env = {"SLOW_OUT_DIR": str(out), "SLOW_WRITE_DELAY": "0.002", "SLOW_PAUSE_AT": str(target)}
        argv = ["-c", SLOW_DRIVER, "run", str(week), "-n", "3", "--seed", "5", "--out", str(out)]
        runs.append((out, target, _start(argv, env, stdout=subprocess.PIPE)))
    interrupted = []
    for out, target, process in runs:
        writing = _kill_when_paused(process)
        assert writing is not None, f"the run ended before pause {target}"
        found = assert_only_complete_files(out, 3)
        # the file being written when the kill came is a temporary one, left as such
        assert writing in {p.name for p in found["temporary"]}, (writing, found)
        interrupted.append(writing)
    assert len(set(interrupted)) >= 2, interrupted  # different files were cut short


def test_random_kills_of_the_real_command(tmp_path: Path, week: Path) -> None:
    """Unmodified ``python -m innovate_sim run``, killed at random times after writing starts."""
    rng = random.Random(11)
    runs = []
    for attempt in range(2):
        out = tmp_path / f"out{attempt}"
        argv = ["-m", "innovate_sim", "run", str(week), "-n", "3", "--seed", "5", "--out", str(out)]
        runs.append((out, _start(argv)))
    for out, process in runs:
        _wait_for_any_file(out, process, timeout=120)
        time.sleep(rng.uniform(0.0, 0.3))
        _kill(process)
        assert_only_complete_files(out, 3)


def test_a_rerun_after_a_kill_completes_and_ignores_leftovers(tmp_path: Path, week: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".summary.json.abc123.tmp"
    stale.write_text('{"half": ', encoding="utf-8")  # what a kill mid-write leaves
    process = _start(["-m", "innovate_sim", "run", str(week), "-n", "2", "--out", str(out)])
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    found = assert_only_complete_files(out, 2)
    assert {p.name for p in found["complete"]} >= RESULT_NAMES
    assert found["temporary"] == [stale]  # left alone, and never read as a result
    assert load_result(out).replications == 2
