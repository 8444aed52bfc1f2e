"""The JSON Schema editors use and the loader agree (issue 15).

Over the bundled scenarios, the docs' examples and a derandomized fuzz corpus
of mutated scenarios (tests/test_fuzz_scenarios.py's data mutations):

- the schema accepts every document the loader accepts (an editor never marks
  a valid file red), and
- every document the schema accepts but the loader refuses breaks a rule that
  JSON Schema cannot state: a name the price catalog lacks, a reference across
  the document (an environment's account, a chaos event's target, NAT without
  ECR endpoints), a file named by ``extends:``, or a key an ``extends:`` file
  leaves to its base but the merged result lacks. Each such message is matched
  against that list, so a new kind of disagreement fails this test.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_scenarios import SEEDS, mutate_data

from innovate_sim.cli.schema import editor_schema
from innovate_sim.errors import ScenarioError
from innovate_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("INNOVATE_SIM_AGREEMENT_EXAMPLES", "300"))

#: Loader rules a JSON Schema cannot state, by the words of their messages.
BEYOND_SCHEMA = {
    "catalog": re.compile(
        r"unknown instance (type|family)|no instance type in the catalog|not a priced|"
        r"no price catalog for region"
    ),
    "cross-reference": re.compile(
        r"unknown account|listed more than once|workloads need a cluster|needs demand|"
        r"only through ECR endpoints|a '\w+' event needs|unknown (environment|zone|pool)|"
        r"more than one management|needs a database but"
    ),
    "cross-field": re.compile(
        r"exceeds max_nodes|have no minimum size|needs min_nodes >= 1|"
        r"must list on-demand and/or spot|needs a mean \(or rate\) greater than zero|"
        r"give exactly one of|"
        # the order of an uncertain value's parameters (each in the field's unit)
        r"'low' must be below 'high'|'central' must lie between|'mode' must lie between|"
        r"a loguniform needs 'low' greater|a lognormal needs 0 < 'median' < 'p90'"
    ),
    "extends file": re.compile(r"^extends: |: extends: "),
    # An extends: file is a patch: whether a key is required, or a union's variant is
    # named, or a null deletes anything, depends on the base it patches (an uncertain
    # mapping's keys too: a patch may give only its 'high'; and a key of another variant
    # of a distribution merged into the base's variant is unknown to the merged one:
    # "unknown key 'value'; did you mean 'value'?").
    "merged result": re.compile(
        r"required but missing|discriminator 'dist'|\(got None\)|"
        r"an uncertain value of form '\w+' takes [\w, ]+; missing|"
        r"unknown key '(\w+)'; did you mean '\1'"
    ),
    # JSON Schema counts -0.0 and 3.0 as integers; the loader wants 0 and 3.
    "integral float": re.compile(r"valid integer \(got -?\d+\.0\)"),
}

_VALIDATOR = jsonschema.Draft202012Validator(editor_schema())
_COUNTS: Counter[str] = Counter()
_UNEXPLAINED: list[str] = []


def _json_shaped(node: Any) -> bool:
    """YAML allows keys JSON does not (numbers, null): the schema speaks of JSON only."""
    if isinstance(node, dict):
        return all(isinstance(k, str) and _json_shaped(v) for k, v in node.items())
    if isinstance(node, list):
        return all(_json_shaped(v) for v in node)
    return not isinstance(node, float) or node == node  # NaN has no JSON form


def _judge(folder: Path, name: str, data: Any) -> str:
    """``"both accept"``, ``"both refuse"`` or the kind of loader-only rule; fail otherwise."""
    path = folder / name
    path = path.with_name(f"agree_{path.name}")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(path)
        loader_error = ""
    except ScenarioError as exc:
        loader_error = str(exc)
    schema_errors = [e.message for e in _VALIDATOR.iter_errors(data)]
    if not loader_error:
        assert schema_errors == [], f"the schema refuses what the loader accepts: {data}"
        return "both accept"
    if schema_errors:
        return "both refuse"
    first = loader_error.splitlines()[0]
    message = re.sub(r"^.*?\.yaml(:\d+)?: ", "", first)
    for kind, pattern in BEYOND_SCHEMA.items():
        if pattern.search(message):
            return kind
    _UNEXPLAINED.append(f"{message}\n    in {json.dumps(data)[:300]}")
    return "unexplained"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("agree") / "scenarios"
    shutil.copytree(ROOT / "scenarios", target)
    return target


BUNDLED = sorted(
    [p for p in (ROOT / "scenarios").rglob("*.yaml") if "sweeps" not in p.parts]
    + list((ROOT / "docs" / "examples").glob("*.yaml"))
)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_files_pass_both(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [e.message for e in _VALIDATOR.iter_errors(data)] == []
    load_scenario(path)


_MUTABLE = sorted(k for k, (_, data) in SEEDS.items() if isinstance(data, dict))


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    case=st.sampled_from(_MUTABLE).flatmap(
        lambda seed: st.tuples(st.just(seed), mutate_data(copy.deepcopy(SEEDS[seed][1])))
    )
)
def _agree_on_fuzzed(folder: Path, case: tuple[str, Any]) -> None:
    seed, data = case
    if _json_shaped(data):
        _COUNTS[_judge(folder, seed, data)] += 1


def test_schema_and_loader_agree_on_fuzzed_scenarios(folder: Path) -> None:
    _COUNTS.clear()
    _UNEXPLAINED.clear()
    _agree_on_fuzzed(folder)
    assert not _UNEXPLAINED, "the schema accepts what the loader refuses:\n" + "\n".join(
        _UNEXPLAINED
    )
    print(f"\nschema/loader agreement over {sum(_COUNTS.values())} documents: {dict(_COUNTS)}")
    assert _COUNTS["both accept"] >= 30 and _COUNTS["both refuse"] >= 100, _COUNTS
