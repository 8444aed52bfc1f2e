"""Notebook outputs reduced to what must not change between runs.

A committed notebook keeps its outputs. Re-executed, each cell must print the
same text, show the same tables and the same number of figures; what varies
from run to run or machine to machine is masked: times and durations, hashes,
versions and absolute paths (as in the docs, :func:`_docs_outputs.mask`),
memory addresses, and the bytes of figures (a PNG differs with the matplotlib
build; that a figure is shown is what counts).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from _docs_outputs import mask

__all__ = ["cell_outputs", "changed_cells"]

_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
_IMAGES = ("image/png", "image/svg+xml", "image/jpeg")
_TEXTS = ("text/plain", "text/html", "text/markdown", "application/json")


def _masked(text: Any) -> str:
    joined = "".join(text) if isinstance(text, list) else str(text)
    return mask(_ADDRESS.sub("at <address>", joined))


def _output(output: dict[str, Any]) -> list[str]:
    """One output as lines of text: stream text, each MIME type's masked text, figures named."""
    kind = output["output_type"]
    if kind == "stream":
        return [f"[{output['name']}]", _masked(output["text"])]
    if kind == "error":
        return [f"[error] {output['ename']}: {output['evalue']}"]
    data = output.get("data", {})
    lines = [f"[{kind}]"]
    for mime in sorted(data):
        if mime in _IMAGES:
            lines.append(f"<{mime} figure>")
        elif mime in _TEXTS:
            lines += [f"<{mime}>", _masked(data[mime])]
        else:
            lines.append(f"<{mime}>")
    return lines


def cell_outputs(notebook: Any) -> list[str]:
    """Per code cell, its masked outputs as one text block."""
    return [
        "\n".join(line for output in cell.outputs for line in _output(output))
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def changed_cells(committed: Any, executed: Any) -> list[str]:
    """A diff per code cell whose masked outputs differ between the two notebooks."""
    changes = []
    pairs = zip(cell_outputs(committed), cell_outputs(executed), strict=True)
    for index, (old, new) in enumerate(pairs):
        if old != new:
            diff = difflib.unified_diff(
                old.splitlines(), new.splitlines(), "committed", "executed", lineterm="", n=1
            )
            changes.append(f"code cell {index}:\n" + "\n".join(list(diff)[:40]))
    return changes
