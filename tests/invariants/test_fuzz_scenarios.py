"""Fuzzed scenario files: the loader returns a Scenario or a located ScenarioError, nothing else.

The strategy starts from the bundled scenarios and mutates them the way a
hurried human or a hostile file would: keys dropped or renamed, values of the
wrong type, numbers out of range or absurdly large, quantities with bad units,
unicode, deep nesting, long strings and lists, then YAML-level damage — tags
(``!!python/object…``, custom tags), anchors and aliases (including undefined
and self-referencing ones), merge keys, directives, stray bytes, truncation.

Property (DESIGN §4.1, issue #7 item 1): ``load_scenario`` either returns a
valid :class:`Scenario` or raises :class:`ScenarioError` whose message names a
scenario file and — for a validation error — the field path; never another
exception and never a hang (each example runs under a wall-clock alarm).

The default run tries a few hundred examples. The long run (at least 10,000
examples) runs only with ``INNOVATE_SIM_LONG_FUZZ=1`` and prints its counts::

    INNOVATE_SIM_LONG_FUZZ=1 pytest tests/invariants/test_fuzz_scenarios.py -k long -s
"""

from __future__ import annotations

import collections
import math
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innovate_sim.errors import ScenarioError
from innovate_sim.scenario import Scenario, load_scenario, scenario_json_schema

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
#: Scenario files only (a sweep file under ``sweeps/`` is not a scenario).
SEED_FILES = sorted(
    p for p in SCENARIOS.rglob("*.yaml") if "sweeps" not in p.relative_to(SCENARIOS).parts
)
#: Seconds one example may take before it counts as a hang.
HANG_SECONDS = 10.0
DEFAULT_EXAMPLES = 300
LONG_EXAMPLES = 10_000


def _schema_keys() -> list[str]:
    """Every property name of the scenario schema (renames to *valid* keys reach deeper)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                found.update(props)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(scenario_json_schema())
    return sorted(found)


SCHEMA_KEYS = _schema_keys()
SEEDS: dict[str, tuple[str, Any]] = {
    str(p.relative_to(SCENARIOS)): (
        p.read_text(encoding="utf-8"),
        yaml.safe_load(p.read_text(encoding="utf-8")),
    )
    for p in SEED_FILES
}

# -- values -----------------------------------------------------------------------------------

BAD_QUANTITIES = [
    "15 fortnights",
    "5x",
    "-3h",
    "1e999y",
    "1e-999s",
    "nan h",
    "NaNh",
    "inf h",
    "infm",
    "-inf/y",
    "0/0h",
    "1/0h",
    "5%/",
    "/y",
    "%",
    "-5%",
    "1e309%",
    "nan%",
    "1e400",
    "99.95",
    "1h-30m",
    "1h30",
    "h",
    "500 m",
    "-500m",
    "1e30Gi",
    "1GB",
    "0.1 Ki",
    "9" * 400 + "h",
    "9" * 400 + "/y",
    "9" * 5000,  # more digits than Python converts to int
    "0." + "0" * 400 + "1h",
    "1_000h",
    "١٢h",  # Arabic-Indic digits
    "５m",  # full-width digit
    "2h\n3h",
    "",
    " ",
    "az-z",
    "z",
    "AZ 7",
    "-1",
    "db.m6g.larg",
    "m7g.huge",
    "us-east-9",
    "1.3",
    "../../../../etc/passwd",
    "\x00",
    "nul\x00byte",
    "x" * 5000,
]
NUMBERS = [
    0,
    -1,
    1,
    2,
    7,
    -(2**63),
    2**63,
    2**64 + 1,
    10**100,
    10**400,
    0.0,
    -0.0,
    1e-320,
    1e308,
    -1e308,
    math.inf,
    -math.inf,
    math.nan,
    0.5,
    1.5,
    99.95,
    True,
    False,
]
UNICODE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
)


def _deep(depth: int, leaf: Any, kind: str) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


scalars = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(BAD_QUANTITIES),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    UNICODE,
    st.none(),
    st.booleans(),
    st.sampled_from(SCHEMA_KEYS),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=5),
    st.dictionaries(st.one_of(st.sampled_from(SCHEMA_KEYS), UNICODE), scalars, max_size=4),
    st.builds(
        _deep,
        st.integers(1, 80),
        scalars,
        st.sampled_from(["list", "dict"]),
    ),
    st.builds(lambda n, v: [v] * n, st.sampled_from([100, 5000]), scalars),
    st.builds(lambda n: "é" * n, st.sampled_from([10_000, 100_000])),
)

# -- data-level mutations ---------------------------------------------------------------------


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


@st.composite
def mutate_data(draw: st.DrawFn, data: Any) -> Any:
    """Apply one structural mutation to ``data`` (mutated in place; a deep copy is given)."""
    paths = list(_paths(data))
    path = draw(st.sampled_from(paths))
    op = draw(
        st.sampled_from(["drop", "rename", "replace", "replace", "insert", "duplicate", "wrap"])
    )
    if not path:  # the root: replace it or add a key
        if op == "replace":
            return draw(values)
        op = "insert"
    parent = _get(data, path[:-1]) if path else None
    key = path[-1] if path else None
    target = _get(data, path)
    if op == "drop" and parent is not None:
        del parent[key]
    elif op == "rename" and isinstance(parent, dict):
        new = draw(
            st.one_of(
                st.sampled_from(SCHEMA_KEYS),
                UNICODE,
                st.builds(lambda k: k + "_", st.just(str(key))),
                st.builds(lambda k: k[:-1], st.just(str(key))),
                st.builds(lambda k: k.upper(), st.just(str(key))),
                st.sampled_from([0, 1.5, True, None, "<<", "~", "null", "extends"]),
            )
        )
        value = parent.pop(key)
        parent[new] = value
    elif op == "replace" and parent is not None:
        parent[key] = draw(values)
    elif op == "insert":
        holder = target if isinstance(target, dict | list) else parent
        if isinstance(holder, dict):
            holder[draw(st.one_of(st.sampled_from(SCHEMA_KEYS), UNICODE))] = draw(values)
        elif isinstance(holder, list):
            holder.insert(draw(st.integers(0, len(holder))), draw(values))
    elif op == "duplicate" and isinstance(parent, list):
        parent.append(target)
    elif op == "wrap" and parent is not None:
        parent[key] = draw(st.sampled_from([[target], {"value": target}, str(target)]))
    return data


# -- text-level mutations ---------------------------------------------------------------------

TAGS = [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!!python/object:collections.OrderedDict {}",
    "!!python/tuple [1, 2]",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!pairs [a: 1]",
    "!!timestamp 2026-01-01",
    "!custom value",
    "!<tag:example.com,2000:app/foo> x",
    "!!int abc",
    "!!float 1e999",
    "!!str 3",
    "!!int 0x1F",
    "!!bool yes",
    "!!null ''",
    "!!map {}",
    "!!seq []",
]
SNIPPETS = [
    "*undefined_anchor",
    "&a [*a]",
    "&b {k: *b}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "{a: " * 20 + "1" + "}" * 20,
    "'unterminated",
    '"bad escape \\q"',
    "|\n  block\n  text",
    ">-\n  folded",
    "@reserved",
    "`backtick",
    "%",
    "? complex\n: key",
    "{? [a, b] : c}",
    "[a, b]: c",
    "\t",
    "\ufeff",
    "\x07bell",
    "\u2028",
    "- - -",
]
PREFIXES = [
    "%YAML 1.1\n---\n",
    "%YAML 2.0\n---\n",
    "%TAG !py! tag:yaml.org,2002:python/object:\n---\n",
    "---\n",
    "\ufeff",
    "...\n",
    "--- !!map\n",
    "--- !!python/object/new:dict\n",
]
SUFFIXES = [
    "\n---\nname: second\n",
    "\n...\n",
    "\nx: &anchor [1, 2, 3]\ny: *anchor\n",
    "\nx: &m {name: z}\ny:\n  <<: *m\n",
    "\nname: duplicate\n",
    "\n  bad: indentation\n",
    "\n\t\ttabs: 1\n",
    "\nlaughs: &l0 [a, a, a, a, a, a, a, a, a, a]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]"
    "\nl2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\nl3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2]"
    "\nl4: [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]\n",
]
_VALUE = re.compile(r"(?m)^(\s*(?:- )?[A-Za-z_][\w.-]*:)[ ]+(\S.*)$")


@st.composite
def mutate_text(draw: st.DrawFn, text: str) -> str:
    """Damage the YAML text itself."""
    op = draw(
        st.sampled_from(
            ["tag", "snippet", "anchor", "prefix", "suffix", "bytes", "truncate", "delete-line"]
        )
    )
    lines = text.splitlines(keepends=True)
    value_lines = [i for i, line in enumerate(lines) if _VALUE.match(line)]
    if op in ("tag", "snippet", "anchor") and value_lines:
        index = draw(st.sampled_from(value_lines))
        match = _VALUE.match(lines[index])
        assert match is not None
        if op == "tag":
            new = f"{match.group(1)} {draw(st.sampled_from(TAGS))}\n"
        elif op == "snippet":
            new = f"{match.group(1)} {draw(st.sampled_from(SNIPPETS))}\n"
        else:  # anchor one value and alias it from another line
            other = draw(st.sampled_from(value_lines))
            lines[index] = f"{match.group(1)} &fz {match.group(2)}\n"
            other_match = _VALUE.match(lines[other])
            assert other_match is not None
            new_other = f"{other_match.group(1)} *fz\n"
            if other != index:
                lines[other] = new_other
            return "".join(lines)
        lines[index] = new
        return "".join(lines)
    if op == "prefix":
        return draw(st.sampled_from(PREFIXES)) + text
    if op == "suffix":
        return text + draw(st.sampled_from(SUFFIXES))
    if op == "bytes":
        where = draw(st.integers(0, len(text)))
        junk = draw(st.one_of(UNICODE, st.sampled_from(["\x00", ":", "- ", "{", "]", "&", "*"])))
        return text[:where] + junk + text[where:]
    if op == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
    return "".join(lines)


@st.composite
def fuzzed_scenarios(draw: st.DrawFn) -> tuple[str, str]:
    """(seed file name, mutated YAML text)."""
    import copy

    name = draw(st.sampled_from(sorted(SEEDS)))
    text, data = SEEDS[name]
    mode = draw(st.sampled_from(["data", "data", "text", "both"]))
    if mode in ("data", "both"):
        data = copy.deepcopy(data)
        for _ in range(draw(st.integers(1, 3))):
            data = draw(mutate_data(data))
        text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False, width=80)
    if mode in ("text", "both"):
        for _ in range(draw(st.integers(1, 2))):
            text = draw(mutate_text(text))
    return name, text


# -- the property ------------------------------------------------------------------------------


class Hang(Exception):
    """An example ran longer than HANG_SECONDS."""


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang(f"loading took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_LOCATED = re.compile(r"^(?P<file>.+?\.yaml)(?::(?P<line>\d+))?: (?P<field>.*)$")


def check_one(folder: Path, seed: str, text: str) -> str:
    """Load one mutated file; return the outcome kind or raise AssertionError."""
    # Next to its seed, so that relative ``extends:`` names resolve as they would.
    path = (folder / seed).with_name(Path(seed).stem + ".fuzz.yaml")
    path.write_text(text, encoding="utf-8")
    try:
        with _alarm(HANG_SECONDS):
            scenario = load_scenario(path)
    except ScenarioError as exc:
        message = str(exc)
        assert message.strip(), "empty error message"
        assert "Traceback" not in message
        assert ".yaml" in message and str(folder) in message, f"no file named: {message!r}"
        for index, (where, problem) in enumerate(exc.problems):
            assert "\n" not in where, f"a line break in the location: {where!r}"
            match = _LOCATED.match(where)
            assert match, f"problem location {where!r} does not read file:line: field"
            assert str(folder) in match["file"], where
            assert match["field"].strip(), f"no field in {where!r}: {problem}"
            if index < 8:  # the message lists the first 8 problems, then counts the rest
                assert f"{where}: " in message, f"{where!r} not in the message"
            assert problem.strip(), where
        return "scenario-error" if exc.problems else "read-error"
    except Hang:
        raise AssertionError(f"hang: loading took more than {HANG_SECONDS} s") from None
    except Exception as exc:  # the property: nothing else escapes
        raise AssertionError(
            f"unexpected {type(exc).__name__} from load_scenario: {exc!r}"
        ) from exc
    assert isinstance(scenario, Scenario)
    return "valid"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled scenarios: mutated files sit next to the bases they extend."""
    target = tmp_path_factory.mktemp("fuzz") / "scenarios"
    shutil.copytree(SCENARIOS, target)
    return target


COMMON = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_seed_files_load() -> None:
    """The strategy's starting points are themselves valid scenarios."""
    assert len(SEED_FILES) >= 5
    for path in SEED_FILES:
        assert isinstance(load_scenario(path), Scenario)


@settings(max_examples=DEFAULT_EXAMPLES, **COMMON)
@given(case=fuzzed_scenarios())
def test_fuzzed_scenarios_load_or_fail_with_a_located_error(
    folder: Path, case: tuple[str, str]
) -> None:
    seed, text = case
    check_one(folder, seed, text)


@pytest.mark.slow
def test_long_fuzz_run(folder: Path) -> None:
    """At least 10,000 examples; prints the count per outcome (run with -s to see it)."""
    if os.environ.get("INNOVATE_SIM_LONG_FUZZ") != "1":
        pytest.skip("long fuzz run: set INNOVATE_SIM_LONG_FUZZ=1")
    counts: collections.Counter[str] = collections.Counter()

    @settings(max_examples=LONG_EXAMPLES, **COMMON)
    @given(case=fuzzed_scenarios())
    def run(case: tuple[str, str]) -> None:
        seed, text = case
        counts["examples"] += 1
        counts[check_one(folder, seed, text)] += 1

    run()
    print(
        f"\nlong fuzz run: {counts['examples']} examples, {counts['valid']} valid, "
        f"{counts['scenario-error']} located validation errors, "
        f"{counts['read-error']} file/YAML errors, 0 unexpected exceptions"
    )
    assert counts["examples"] >= LONG_EXAMPLES


# -- targeted cases the fuzzer found or must always cover --------------------------------------


@pytest.mark.parametrize(
    "snippet",
    [
        "description: &a [*a]",  # a self-referencing alias
        "description: *nowhere",
        "description: !!python/object/apply:os.system ['echo pwned']",
        "description: !custom x",
        "horizon: " + "9" * 400 + "h",
        "replications: " + "9" * 5000,  # more digits than int() converts
        "replications: !!int abc",
        "horizon: !!float not-a-number",
        "'': 1",
        "' ': 1",
        '"a\\nb": 1',  # a line break in a key must not split the message's lines
        '"\\u2028": 1',
        "uniform: 0",  # an unknown key named like a pydantic union tag
        "targets: {prod: {monthly_cost_usd: 1" + "0" * 400 + "}}",  # beyond any float
        "targets: {prod: {request_availability: -1" + "0" * 400 + "}}",
        "str: x",
        "seed: -1",
        "horizon: .nan",
    ],
)
def test_hostile_top_level_values(folder: Path, snippet: str) -> None:
    base = SEEDS["prod.yaml"][0]
    kept = [
        line
        for line in base[: base.index("\ntargets:")].splitlines()
        if not line.startswith(("horizon:", "replications:", "seed:", "description:"))
    ]
    text = "\n".join(kept) + "\n" + snippet + "\n"
    assert check_one(folder, "prod.yaml", text) != "valid"


@pytest.mark.parametrize("name", ["é" * 300, "a\x00b.yaml", "x/" * 3000, "", ".", "validation"])
def test_extends_names_that_are_not_files(folder: Path, name: str) -> None:
    text = yaml.safe_dump({"extends": name, "name": "x", "accounts": ["dev"]})
    assert check_one(folder, "prod.yaml", text) == "read-error"


@pytest.mark.parametrize("name", ["é" * 300, "a\x00b.csv"])
def test_trace_names_the_os_refuses(folder: Path, name: str) -> None:
    import copy

    data = copy.deepcopy(SEEDS["prod.yaml"][1])
    data["environments"]["prod"]["demand"] = {"profile": "trace", "trace": {"file": name}}
    check_one(folder, "prod.yaml", yaml.safe_dump(data))  # a Scenario or a located error


@pytest.mark.parametrize(
    "text",
    [
        "--- !custom\n" + SEEDS["prod.yaml"][0],  # a tag on the whole document
        SEEDS["prod.yaml"][0].replace("accounts: [prod]", "accounts: [prod, prod]"),
    ],
)
def test_top_level_problems_name_a_field(folder: Path, text: str) -> None:
    """A problem with the document as a whole still reads file:line: field: message."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(folder, text))
    assert check_one(folder, "prod.yaml", text) == "scenario-error"
    assert "(top level)" in str(info.value) or "accounts" in str(info.value)


def _write(folder: Path, text: str) -> Path:
    path = folder / "top-level.fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("key", ["uniform", "fixed", "str", "int", "lognormal"])
def test_unknown_keys_named_like_union_tags_are_located(folder: Path, key: str) -> None:
    import copy

    data = copy.deepcopy(SEEDS["prod.yaml"][1])
    data["environments"]["prod"]["network"][key] = 1
    data["failures"] = {"az_outage": {"duration": {"dist": "fixed", "value": "1h", key: 2}}}
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(folder, yaml.safe_dump(data)))
    message = str(info.value)
    assert f"environments.prod.network.{key}: unknown key {key!r}" in message, message
    assert check_one(folder, "prod.yaml", yaml.safe_dump(data)) == "scenario-error"


@pytest.mark.parametrize("value", ["!!bool maybe", "!!bool 'yes é'", "!!float [1]", "!!int {}"])
def test_explicit_plain_tags_on_wrong_values_are_located(tmp_path: Path, value: str) -> None:
    """Found by the long fuzz run: PyYAML raised KeyError for '!!bool' on a non-boolean."""
    path = tmp_path / "tagged.yaml"
    path.write_text(f"name: x\naccounts: [a]\ndescription: {value}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"tagged\.yaml:3: "):
        load_scenario(path)
