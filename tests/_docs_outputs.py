"""Documented command outputs: find them, mask what varies between runs, compare, rewrite.

A ```` ```console ```` block of the docs holds ``$ command`` lines, each followed by
the output it printed. Wall-clock durations, dates and times, hashes, absolute
paths and the package version change from run to run or from machine to
machine, so both sides are masked before they are compared; everything else
(figures, wording, table layout) must match exactly.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

__all__ = [
    "MAX_OUTPUT_LINES",
    "console_blocks",
    "documented_outputs",
    "elide",
    "mask",
    "refresh",
    "stale",
]

#: Longest command output kept in a doc; the rest is elided.
MAX_OUTPUT_LINES = 60

CONSOLE = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")

#: (pattern, replacement) applied in order; each names what it hides.
_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?"), "<datetime>"),
    (re.compile(r"\b\d\d:\d\d:\d\d\b"), "<time>"),
    # wall-clock seconds: "0.3 s", "12.9 s wall time" (the model's figures use min, h, y)
    (re.compile(r"\b\d+(\.\d+)?\s+(s|ms)\b"), "<duration>"),  # a table may wrap "5.8\n s"
    # memory a process happened to reach (varies run to run and machine to machine)
    (re.compile(r"peak RSS \d+ MiB"), "peak RSS <memory>"),
    (re.compile(r"\b(hash|sha256)( |: ?|=)(`?)[0-9a-f]{8,64}\b"), r"\1\2\3<hash>"),
    (re.compile(r"\binnovate[_-]sim (v)?\d+\.\d+(\.\d+)?\S*"), r"innovate_sim <version>"),
    (re.compile(r"(?<![\w.])/(tmp|private|home|work|Users|var)/\S+"), "<path>"),
)


def mask(text: str) -> str:
    """``text`` with durations, times, hashes, versions and absolute paths replaced by tags."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    masked = "\n".join(lines)
    for pattern, replacement in _MASKS:
        masked = pattern.sub(replacement, masked)
    return masked


def elide(output: str) -> str:
    """``output`` cut to :data:`MAX_OUTPUT_LINES` lines, trailing spaces dropped."""
    lines = [line.rstrip() for line in output.rstrip("\n").splitlines()]
    if len(lines) > MAX_OUTPUT_LINES:
        more = len(lines) - MAX_OUTPUT_LINES
        lines = [*lines[:MAX_OUTPUT_LINES], f"[… {more} more lines]"]
    return "\n".join(lines)


def console_blocks(text: str) -> list[str]:
    """The bodies of the ```` ```console ```` blocks of a document."""
    return list(CONSOLE.findall(text))


def command_of(line: str) -> str:
    """The command of a ``$ …`` line, without its ``# exit N`` comment."""
    return EXIT.sub("", line[2:])


def documented_outputs(text: str) -> dict[str, str]:
    """Each documented command and the output written under it (up to the next ``$`` line)."""
    outputs: dict[str, str] = {}
    for block in console_blocks(text):
        command: str | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                command = command_of(line)
                outputs[command] = ""
            elif command is not None:
                outputs[command] += line + "\n"
    return {command: output.rstrip("\n") for command, output in outputs.items()}


def stale(documented: str, actual: str) -> str | None:
    """A unified diff of the masked outputs when they differ, else ``None``."""
    old, new = mask(documented), mask(elide(actual))
    if old == new:
        return None
    diff = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "documented", "printed", lineterm="", n=1
    )
    return "\n".join(diff)


def _refresh_block(block: str, output_of: Callable[[str], str | None]) -> str:
    pieces: list[str] = []
    keep_old = False
    for line in block.splitlines():
        if line.startswith("$ "):
            pieces.append(line)
            output = output_of(command_of(line))
            keep_old = output is None
            if output:
                pieces.append(output)
        elif keep_old:
            pieces.append(line)
    return "\n".join(pieces) + "\n"


def refresh(text: str, outputs: dict[str, str]) -> str:
    """``text`` with the output under each command in ``outputs`` replaced by the fresh one.

    Commands not in ``outputs`` keep what the document shows.
    """
    return CONSOLE.sub(
        lambda m: "```console\n" + _refresh_block(m.group(1), outputs.get) + "```", text
    )
