"""The comparisons behind the docs and notebook tests fail on real changes, not on masked ones."""

from __future__ import annotations

import nbformat

from _docs_outputs import documented_outputs, mask, refresh, stale
from _notebook_outputs import changed_cells

RUN = (
    "scenario prod-month (hash a85b17f7727bbb9c), seed 2026, 3 replications of 0.0833333 y, "
    "prices aws-us-east-1@2026-09-20, innovate_sim 0.1.0, {seconds} s\n"
    "wrote {files} files to /tmp/pytest-of-root/pytest-1/out"
)


def test_masked_fields_do_not_count() -> None:
    old = RUN.format(seconds="0.3", files=16).replace("a85b17f7727bbb9c", "0123456789abcdef")
    new = RUN.format(seconds="12.9", files=16).replace("0.1.0", "0.2.0.dev3")
    assert stale(old, new) is None
    assert "<hash>" in mask(old) and "<duration>" in mask(old) and "<path>" in mask(old)


def test_a_changed_figure_or_word_is_stale() -> None:
    diff = stale(RUN.format(seconds="0.3", files=9), RUN.format(seconds="0.3", files=16))
    assert diff is not None and "-wrote 9 files" in diff and "+wrote 16 files" in diff


def test_refresh_replaces_only_the_given_outputs() -> None:
    text = "```console\n$ innovate-sim a\nold a\n$ innovate-sim b\nold b\n```\n"
    fresh = refresh(text, {"innovate-sim a": "new a"})
    assert documented_outputs(fresh) == {"innovate-sim a": "new a", "innovate-sim b": "old b"}


def _notebook(*outputs: dict) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("x", outputs=[nbformat.from_dict(o) for o in outputs])
    return nbformat.v4.new_notebook(cells=[cell])


def test_notebook_outputs_compare_text_not_figure_bytes() -> None:
    figure = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "AAAA"}}
    other = {**figure, "data": {"image/png": "BBBB"}}
    stream = {"output_type": "stream", "name": "stdout", "text": "<obj at 0x7f3a> took 1.5 s\n"}
    moved = {**stream, "text": "<obj at 0x55aa> took 3.0 s\n"}
    assert changed_cells(_notebook(figure, stream), _notebook(other, moved)) == []
    changed = {**stream, "text": "<obj at 0x55aa> took 3.0 s, 99.95%\n"}
    assert changed_cells(_notebook(figure, stream), _notebook(figure, changed))
    assert changed_cells(_notebook(figure), _notebook(stream))
