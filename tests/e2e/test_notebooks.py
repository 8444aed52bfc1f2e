"""The notebooks in notebooks/ (DESIGN §4.4): committed executed, with their outputs; public
API only; re-executed, they run without error and print what they show (times, memory
addresses, hashes and figure bytes masked: ``tests/_notebook_outputs.py``).

Refresh the committed outputs with::

    UPDATE_NOTEBOOKS=1 python -m pytest tests/e2e/test_notebooks.py

Execution uses a Jupyter kernel that runs *this* interpreter, so the notebooks see the same
innovate_sim as the tests. A fresh CI venv has ipykernel installed (dev extra) but maybe no
registered kernelspec, and a developer's registered ``python3`` may belong to another
environment: unless the ``python3`` kernelspec found by jupyter_client runs this
interpreter, the test writes a temporary kernelspec that does.
"""

from __future__ import annotations

import ast
import json
import os
import sys
from pathlib import Path

import pytest

from _notebook_outputs import changed_cells

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
kernelspec = pytest.importorskip("jupyter_client.kernelspec")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [path.stem for path in NOTEBOOKS]

#: innovate_sim modules a notebook may import: the package's public surface.
PUBLIC_MODULES = {
    "innovate_sim",
    "innovate_sim.reporting.plots",
    "innovate_sim.oracles",
    "innovate_sim.experiments",
}

KERNEL_NAME = "python3"
UPDATE = os.environ.get("UPDATE_NOTEBOOKS") == "1"
REFRESH = "refresh with: UPDATE_NOTEBOOKS=1 python -m pytest tests/e2e/test_notebooks.py"


def test_notebooks_exist() -> None:
    assert len(NOTEBOOKS) >= 6, f"expected the six notebooks of DESIGN §4.4, found {IDS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_executed(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    counts = [cell.execution_count for cell in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: commit it executed top to bottom, with its outputs; {REFRESH}"
    )
    assert any(cell.outputs for cell in code), f"{path.name} has no outputs; {REFRESH}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_title_and_public_api_only(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "start with a title"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                # `from innovate_sim.reporting import plots` imports innovate_sim.reporting.plots
                submodules = {f"{node.module}.{alias.name}" for alias in node.names}
                imported = [node.module] if not submodules <= PUBLIC_MODULES else []
            else:
                continue
            for name in imported:
                if name.split(".")[0] == "innovate_sim":
                    assert name in PUBLIC_MODULES, f"{path.name} imports {name}: use the public API"


def _runs_this_interpreter(spec: object) -> bool:
    argv = getattr(spec, "argv", None) or [""]
    major, minor = sys.version_info[:2]
    if argv[0] in {"python", f"python{major}", f"python{major}.{minor}"}:
        return True  # jupyter_client starts these names as sys.executable
    executable = Path(argv[0])
    if not executable.is_absolute():
        return False
    # Same environment: compare the bin/ directories without resolving symlinks (a venv's
    # python is a symlink to the base interpreter, shared by every venv made from it).
    return os.path.abspath(executable.parent) == os.path.abspath(Path(sys.executable).parent)


@pytest.fixture(scope="module")
def kernel_manager_factory(tmp_path_factory: pytest.TempPathFactory):
    """A function returning a fresh KernelManager whose kernel runs sys.executable."""
    from jupyter_client.manager import KernelManager

    manager = kernelspec.KernelSpecManager()
    try:
        spec = manager.get_kernel_spec(KERNEL_NAME)
    except kernelspec.NoSuchKernel:
        spec = None
    if spec is None or not _runs_this_interpreter(spec):
        folder = tmp_path_factory.mktemp("kernels")
        kernel_dir = folder / KERNEL_NAME
        kernel_dir.mkdir()
        (kernel_dir / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": f"Python ({sys.executable})",
                    "language": "python",
                }
            ),
            encoding="utf-8",
        )
        manager = kernelspec.KernelSpecManager(kernel_dirs=[str(folder)])

    def make() -> KernelManager:
        return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=manager)

    return make


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_executes(path: Path, kernel_manager_factory) -> None:
    committed = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        km=kernel_manager_factory(),
        timeout=300,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors, f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    images = sum(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert images >= 1, f"{path.name} shows no plot"
    changes = changed_cells(committed, nb)
    if UPDATE and changes:
        nbformat.write(nb, path)
    elif changes:
        pytest.fail(
            f"{path.name} prints other output than committed; {REFRESH}\n" + "\n".join(changes)
        )
