"""The documentation stays true to the code.

* ``docs/scenario.md`` and the defaults table in ``docs/modelling.md`` are
  generated from the pydantic models and ``defaults.yaml``; they must be current.
* Every field of the scenario JSON Schema is documented.
* Every ``$ innovate-sim …`` line inside a ```` ```console ```` block of
  ``README.md`` and ``docs/*.md`` runs, with the exit status its ``# exit N``
  comment gives (default 0), and prints what the docs show under it — times,
  durations, hashes, versions and absolute paths masked (``tests/_docs_outputs.py``).
* The README's Python example runs.

Refresh everything generated — the reference, the defaults table, the output
printed under each documented command and under the README example — with::

    UPDATE_DOCS=1 python -m pytest tests/e2e/test_docs.py
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from _docs_outputs import (
    EXIT,
    command_of,
    console_blocks,
    documented_outputs,
    elide,
    refresh,
    stale,
)
from innovate_sim import load_scenario
from innovate_sim.docs_reference import (
    DEFAULTS_END,
    DEFAULTS_START,
    embed_defaults,
    render_defaults,
    render_reference,
)
from innovate_sim.errors import ScenarioError
from innovate_sim.scenario import DEFAULTS, scenario_from_dict, scenario_json_schema
from innovate_sim.scenario.uncertain import UNCERTAIN_TITLE

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
UPDATE = os.environ.get("UPDATE_DOCS") == "1"
REGENERATE = "regenerate with: python -m innovate_sim.docs_reference --write-docs docs"
REFRESH = "UPDATE_DOCS=1 python -m pytest tests/e2e/test_docs.py"


def _documents() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


# -- generated reference --------------------------------------------------------------------------


def test_scenario_reference_is_current() -> None:
    path = DOCS / "scenario.md"
    expected = render_reference(DOCS)
    if UPDATE:
        path.write_text(expected, encoding="utf-8")
    assert path.exists(), f"docs/scenario.md is missing; {REGENERATE}"
    assert path.read_text(encoding="utf-8") == expected, (
        f"docs/scenario.md is out of date with the scenario models; {REGENERATE}"
    )


def test_minimal_scenario_is_valid_and_minimal() -> None:
    """The scenario opening docs/scenario.md loads, and its workload needs every part it sets."""
    path = DOCS / "examples" / "minimal.yaml"
    scenario = load_scenario(path)
    assert list(scenario.environments) == ["app"] and scenario.targets
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    environment = document["environments"]["app"]
    for part in ("ingress", "cluster", "demand"):
        without = {k: v for k, v in environment.items() if k != part}
        with pytest.raises(ScenarioError):
            scenario_from_dict({**document, "environments": {"app": without}})


def test_defaults_table_in_modelling_is_current() -> None:
    path = DOCS / "modelling.md"
    text = path.read_text(encoding="utf-8")
    assert DEFAULTS_START in text and DEFAULTS_END in text
    if UPDATE:
        text = embed_defaults(text)
        path.write_text(text, encoding="utf-8")
    block = text.split(DEFAULTS_START, 1)[1].split(DEFAULTS_END, 1)[0]
    assert block == "\n" + render_defaults(), (
        f"the defaults table in docs/modelling.md is out of date with defaults.yaml; {REGENERATE}"
    )


def _schema_paths(schema: dict[str, Any]) -> tuple[set[str], dict[str, set[str]]]:
    """Field paths of the JSON Schema, and the fields of each distribution form."""
    defs = schema["$defs"]
    paths: set[str] = set()
    forms: dict[str, set[str]] = {}
    uncertain: set[str] = set()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[1]]
        return node

    def visit(node: dict[str, Any], prefix: str) -> None:
        node = resolve(node)
        properties = node.get("properties", {})
        if node.get("title") == UNCERTAIN_TITLE:
            uncertain.add(prefix)  # documented once, in the 'Uncertain values' section
            return
        dist = properties.get("dist", {})
        if "const" in dist or "enum" in dist:
            tag = dist.get("const") or dist["enum"][0]
            forms[tag] = {name for name in properties if name != "dist"}
            return
        for name, child in properties.items():
            path = f"{prefix}.{name}" if prefix else name
            paths.add(path)
            visit(child, path)
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                visit(option, prefix)
        if isinstance(node.get("items"), dict):
            visit(node["items"], prefix + "[]")
        for child in node.get("patternProperties", {}).values():
            visit(child, prefix + ".<name>")
        if isinstance(node.get("additionalProperties"), dict):
            visit(node["additionalProperties"], prefix + ".<key>")

    visit(schema, "")
    assert uncertain, "no field of the schema accepts an uncertain value"
    return paths, forms


def test_every_scenario_field_is_documented() -> None:
    text = (DOCS / "scenario.md").read_text(encoding="utf-8")
    schema = scenario_json_schema()
    paths, forms = _schema_paths({**schema["$defs"]["Scenario"], "$defs": schema["$defs"]})
    assert len(paths) > 150, "the schema walk found too few fields"
    missing = sorted(p for p in paths if f"`{p}`" not in text)
    assert not missing, f"fields not in docs/scenario.md ({REGENERATE}): {missing}"
    assert set(forms) == {"fixed", "exponential", "uniform", "lognormal", "weibull", "empirical"}
    assert "## Uncertain values" in text
    for tag, fields in forms.items():
        assert f"`dist: {tag}`" in text
        for name in fields:
            assert f"`{tag}.{name}`" in text, f"distribution field {tag}.{name} not documented"


def test_every_default_is_documented() -> None:
    reference = (DOCS / "scenario.md").read_text(encoding="utf-8")
    modelling = (DOCS / "modelling.md").read_text(encoding="utf-8")
    for key in DEFAULTS:
        assert f"`{key}`" in reference, f"default {key} is not referenced in docs/scenario.md"
        assert f"`{key}`" in modelling, f"default {key} is not in the table of docs/modelling.md"


# -- documented commands --------------------------------------------------------------------------


def _commands(text: str) -> list[tuple[str, int]]:
    """(command line after ``$ ``, expected exit status) of every documented innovate-sim run."""
    found = []
    for block in console_blocks(text):
        for line in block.splitlines():
            if line.startswith("$ innovate-sim "):
                match = EXIT.search(line)
                status = int(match.group(1)) if match else 0
                found.append((command_of(line), status))
    return found


def _run(command: str) -> tuple[int, str]:
    """Run one documented command in-process; return its status and what it printed."""
    from innovate_sim.cli import main

    words = shlex.split(command, comments=True)[1:]
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(words)
    printed = out.getvalue()
    if target is not None:
        Path(target).write_text(printed, encoding="utf-8")
        printed = ""
    return status, printed + err.getvalue()


@pytest.fixture()
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder where ``scenarios/`` is the repository's and outputs land in tmp."""
    for folder in ("scenarios", "docs", "examples", "tests"):
        (tmp_path / folder).symlink_to(ROOT / folder, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_documented_commands_run(sandbox: Path) -> None:
    documents = {path: path.read_text(encoding="utf-8") for path in _documents()}
    total = sum(len(_commands(text)) for text in documents.values())
    assert total >= 8, "the docs should show the CLI at work"
    failures = []
    for path, text in documents.items():
        shown = documented_outputs(text)
        outputs: dict[str, str] = {}
        for command, expected in _commands(text):
            status, printed = _run(command)
            where = f"{path.relative_to(ROOT)}: `{command}`"
            diff = stale(shown[command], printed)
            if status != expected:
                failures.append(
                    f"{where} exited {status}, documented {expected}:\n{printed[-2000:]}"
                )
            elif diff is not None and UPDATE:
                outputs[command] = elide(printed)  # only stale blocks change: no churn
            elif diff is not None:
                failures.append(f"{where} prints other output than documented:\n{diff}")
        if UPDATE and outputs:
            path.write_text(refresh(text, outputs), encoding="utf-8")
    assert not failures, "\n\n".join(failures) + f"\n\nrefresh with: {REFRESH}"


# -- the README's Python example ------------------------------------------------------------------

_EXAMPLE = re.compile(
    r"<!-- example:start -->\n```python\n(.*?)```\n\nprints\n\n```text\n(.*?)```\n"
    r"<!-- example:end -->",
    re.S,
)


def test_readme_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    match = _EXAMPLE.search(text)
    assert match, "README.md has no <!-- example:start --> python block with its output"
    code = match.group(1)
    assert len(code.strip().splitlines()) <= 12, "keep the README example short"
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md example", "exec"), {"__name__": "readme_example"})
    printed = out.getvalue()
    assert "request_availability" in printed
    if UPDATE:
        start, end = match.span(2)
        fresh = text[:start] + printed + text[end:]
        README.write_text(fresh, encoding="utf-8")


def test_readme_starts_with_setup() -> None:
    text = README.read_text(encoding="utf-8")
    first = re.search(r"```(\w*)\n(.*?)```", text, re.S)
    assert first is not None
    assert first.group(2).splitlines()[:2] == [
        "python -m pip install -e '.[dev,dask]' && "
        "innovate-sim run scenarios/prod.yaml -n 20 --workers 2 --out results/prod",
        "python -m pytest -q",
    ]


def test_readme_main_job_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's first command, after the install, runs as written (from the repo root)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```(\w*)\n(.*?)```", text, re.S)
    assert first is not None
    command = first.group(2).splitlines()[0].split(" && ", 1)[1]
    args = shlex.split(command)
    assert args[0] == "innovate-sim"
    monkeypatch.chdir(ROOT)
    out = tmp_path / "prod"
    args[args.index("--out") + 1] = str(out)
    from innovate_sim.cli import main

    assert main(args[1:]) == 0
    assert (out / "summary.json").exists() and (out / "report.html").exists()


def test_doc_links_resolve() -> None:
    """Relative links between the docs, notebooks and scenario files point at real files."""
    mine = ["README.md", "index.md", "architecture.md", "modelling.md", "metrics.md", "cli.md"]
    pending = {"notebooks.md"}  # written alongside these docs; may land later
    broken = []
    for path in _documents():
        if path.name not in mine:
            continue
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text("utf-8")):
            if "://" in target or target.startswith("mailto:") or target in pending:
                continue
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} → {target}")
    assert not broken, f"broken links: {broken}"
