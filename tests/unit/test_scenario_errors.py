"""Malformed scenario files: every one fails with a located, actionable ScenarioError.

Each case asserts that loading raises :class:`~innovate_sim.errors.ScenarioError`
(never another exception), that the message names the file, the line, the
field path and what would be valid, and that ``innovate-sim validate`` exits
with status 2, prints that message on stderr and shows no traceback.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from innovate_sim.cli import main
from innovate_sim.errors import ScenarioError
from innovate_sim.scenario import load_scenario

#: A small valid scenario; each case breaks one thing in it.
BASE = """\
name: t
accounts: [dev]
environments:
  dev:
    account: dev
    availability_zones: 3
    network:
      nat_gateways: per_az
      endpoints: {gateway: [s3], interface: [ecr.api, ecr.dkr]}
    cluster:
      kubernetes_version: "1.33"
      node_pools:
        base:
          provisioner: managed
          instance_types: [m7g.large]
          min_nodes: 2
    workloads:
      api:
        requests: {cpu: 500m, memory: 1Gi}
        replicas: {min: 1, max: 3}
        needs: [database, egress]
    database:
      instance_class: db.t4g.medium
      storage: {allocated_gb: 20}
failures:
  az_outage: {rate: 0.2/y}
targets:
  dev: {request_availability: 99.9%, rto: 15m}
"""


def edit(old: str, new: str, text: str = BASE) -> str:
    """``text`` with exactly one occurrence of ``old`` replaced."""
    assert text.count(old) == 1, f"{old!r} must occur once in the base scenario"
    return text.replace(old, new)


@dataclass(frozen=True)
class Case:
    """A malformed scenario and what its error must say.

    Attributes:
        text: the file's content (bytes for encoding errors).
        marker: a substring of the line the error must point at (first match);
            ``None`` when the error has no line.
        line: the expected line when it cannot be found by a marker.
        field: the dotted field path the message must name, if any.
        words: fragments the message must contain (what is wrong, what is valid).
        others: further files written next to it (for ``extends``).
    """

    text: str | bytes
    marker: str | None
    field: str | None
    words: tuple[str, ...]
    line: int | None = None
    others: dict[str, str] = field(default_factory=dict)

    def expected_line(self) -> int | None:
        if self.line is not None:
            return self.line
        if self.marker is None:
            return None
        text = self.text.decode("utf-8", "replace") if isinstance(self.text, bytes) else self.text
        for number, content in enumerate(text.splitlines(), start=1):
            if self.marker in content:
                return number
        raise AssertionError(f"marker {self.marker!r} not in the case's text")


_NESTED = "[" * 200 + "]" * 200
_BOMB = "".join(
    [
        "name: t\naccounts: [dev]\n",
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
        *(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)),
    ]
)

CASES: dict[str, Case] = {
    "egress-share-above-100": Case(
        edit(
            "        needs: [database, egress]",
            "        needs: [database, egress]\n        egress_share: 140%",
        ),
        "egress_share",
        "environments.dev.workloads.api.egress_share",
        ("between 0% and 100%", "140%"),
    ),
    "egress-share-without-egress": Case(
        edit(
            "        needs: [database, egress]",
            "        needs: [database]\n        egress_share: 40%",
        ),
        "api:",
        "environments.dev.workloads.api",
        ("egress_share", "needs: [egress]"),
    ),
    "nat-failover-without-gateways-per-az": Case(
        edit(
            "      nat_gateways: per_az",
            "      nat_gateways: single\n      nat_failover: {enabled: true}",
        ),
        "network:",
        "environments.dev.network",
        ("nat_failover", "per_az", "'single'"),
    ),
    "unknown-key": Case(
        edit("    availability_zones: 3", "    availabilty_zones: 3"),
        "availabilty_zones",
        "environments.dev.availabilty_zones",
        ("unknown key", "did you mean 'availability_zones'?", "valid keys here", "network"),
    ),
    "unknown-key-nested": Case(
        edit("nat_gateways: per_az", "nat_gatways: per_az"),
        "nat_gatways",
        "environments.dev.network.nat_gatways",
        ("unknown key", "did you mean 'nat_gateways'?", "endpoints", "traffic"),
    ),
    "wrong-type": Case(
        edit("availability_zones: 3", "availability_zones: three"),
        "availability_zones",
        "environments.dev.availability_zones",
        ("valid integer", "'three'"),
    ),
    "literal-choice": Case(
        edit("nat_gateways: per_az", "nat_gateways: per-az"),
        "nat_gateways",
        "environments.dev.network.nat_gateways",
        ("'per-az' is not allowed", "'per_az', 'single' or 'none'"),
    ),
    "bad-duration-unit": Case(
        edit("rto: 15m", "rto: 15 fortnights"),
        "rto:",
        "targets.dev.rto",
        ("cannot read '15 fortnights' as a duration", "'90s'", "'2h'", "'1y'"),
    ),
    "bare-number-duration": Case(
        edit("name: t\n", "name: t\nhorizon: 90\n"),
        "horizon:",
        "horizon",
        ("90 has no unit", "'5m'", "'7d'"),
    ),
    "bad-rate-unit": Case(
        edit("{rate: 0.2/y}", "{rate: 0.2 per fortnight}"),
        "az_outage:",
        "failures.az_outage.rate",
        ("unknown time unit 'fortnight'", "s, m, h, d, w, month, y"),
    ),
    "bare-number-rate": Case(
        edit("{rate: 0.2/y}", "{rate: 0.2}"),
        "az_outage:",
        "failures.az_outage.rate",
        ("0.2 has no time unit", "'0.2/y'", "'5%/month'"),
    ),
    "percentage-without-percent": Case(
        edit("request_availability: 99.9%", "request_availability: 99.95"),
        "request_availability",
        "targets.dev.request_availability",
        ("ambiguous as a percentage", "'99.95%'", "fraction between 0 and 1"),
    ),
    "unknown-rds-class": Case(
        edit("db.t4g.medium", "db.m6g.larg"),
        "instance_class:",
        "environments.dev.database.instance_class",
        ("'db.m6g.larg' is not a priced", "did you mean 'db.m6g.large'?", "db.t4g.medium"),
    ),
    "unknown-region": Case(
        edit("name: t\n", "name: t\nregion: us-east-9\n"),
        "region:",
        "region",
        ("no price catalog for region 'us-east-9'", "did you mean 'us-east-1'?", "available"),
    ),
    "negative-size": Case(
        edit("allocated_gb: 20", "allocated_gb: -5"),
        "storage:",
        "environments.dev.database.storage.allocated_gb",
        ("greater than or equal to 20",),
    ),
    "negative-cpu": Case(
        edit("cpu: 500m", "cpu: -500m"),
        "requests:",
        "environments.dev.workloads.api.requests.cpu",
        ("cannot read '-500m' as CPU", "'500m'"),
    ),
    "bad-memory-unit": Case(
        edit("memory: 1Gi", "memory: 1GB"),
        "requests:",
        "environments.dev.workloads.api.requests.memory",
        ("cannot read '1GB' as memory", "'512Mi'", "'1Gi'"),
    ),
    "replicas-min-above-max": Case(
        edit("{min: 1, max: 3}", "{min: 5, max: 3}"),
        "replicas:",
        "environments.dev.workloads.api.replicas",
        ("min (5) exceeds max (3)",),
    ),
    "missing-required": Case(
        edit("      storage: {allocated_gb: 20}\n", ""),
        "database:",
        "environments.dev.database.storage",
        ("required but missing",),
    ),
    "spot-in-production": Case(
        edit(
            "          min_nodes: 2\n",
            "          min_nodes: 2\n        cheap:\n          capacity_type: [spot, on-demand]\n",
            edit("    account: dev\n", "    account: dev\n    production: true\n"),
        ),
        "capacity_type: [spot",
        "environments.dev.cluster.node_pools.cheap.capacity_type",
        ("Spot capacity in a production environment", "remove 'spot'", "allow_spot: true"),
    ),
    "karpenter-pool-with-minimum": Case(
        edit("provisioner: managed", "provisioner: karpenter"),
        "base:",
        "environments.dev.cluster.node_pools.base",
        ("Karpenter NodePools have no minimum size", "provisioner: managed"),
    ),
    "kubernetes-version-number": Case(
        edit('kubernetes_version: "1.33"', "kubernetes_version: 1.30"),
        "kubernetes_version",
        "environments.dev.cluster.kubernetes_version",
        ("YAML drops trailing zeros", "quote the version", "'1.30'"),
    ),
    "bad-environment-name": Case(
        edit("  dev:\n    account", "  Dev:\n    account"),
        "  Dev:",
        "environments.Dev",
        ("'Dev' is not a valid name", "lower-case letters, digits and hyphens"),
    ),
    "unknown-account": Case(
        edit("    account: dev", "    account: staging"),
        "account: staging",
        "environments.dev.account",
        ("unknown account 'staging'", "accounts: dev"),
    ),
    "management-hosts-workloads": Case(
        edit(
            "    account: dev",
            "    account: management",
            edit("accounts: [dev]", "accounts: [management, dev]"),
        ),
        "account: management",
        "environments.dev.account",
        ("management account should not host workloads",),
    ),
    "unknown-instance-type": Case(
        edit("[m7g.large]", "[m7g.larg]"),
        "instance_types:",
        "environments.dev.cluster.node_pools.base.instance_types",
        ("unknown instance type 'm7g.larg'", "did you mean 'm7g.large'?"),
    ),
    "unknown-instance-family": Case(
        edit("instance_types: [m7g.large]", "families: [m7gx]"),
        "families:",
        "environments.dev.cluster.node_pools.base.families",
        ("unknown instance family 'm7gx'", "did you mean 'm7g'?", "valid:", "c7g"),
    ),
    "needs-database-without-one": Case(
        edit(
            "    database:\n"
            "      instance_class: db.t4g.medium\n"
            "      storage: {allocated_gb: 20}\n",
            "",
        ),
        "needs:",
        "environments.dev.workloads.api.needs",
        ("workload 'api' needs a database", "has none"),
    ),
    "needs-egress-without-nat": Case(
        edit("nat_gateways: per_az", "nat_gateways: none"),
        "needs:",
        "environments.dev.workloads.api.needs",
        ("needs internet egress", "nat_gateways is 'none'"),
    ),
    "chaos-unknown-environment": Case(
        BASE + "chaos:\n  - {at: 10d, environment: prod, fail: az, for: 1h}\n",
        "environment: prod",
        "chaos[0].environment",
        ("unknown environment 'prod'", "environments: dev"),
    ),
    "chaos-az-out-of-range": Case(
        BASE + "chaos:\n  - {at: 10d, environment: dev, fail: az, az: d, for: 1h}\n",
        "az: d",
        "chaos[0].az",
        ("AZ 4 does not exist", "3 AZs"),
    ),
    "target-unknown-environment": Case(
        BASE + "  prod: {rto: 5m}\n",
        "prod: {rto",
        "targets.prod",
        ("'prod' is neither an environment nor an account", "environments: dev"),
    ),
    "unknown-interface-endpoint": Case(
        edit("[ecr.api, ecr.dkr]", "[ecr.api, ecr.dk]"),
        "endpoints:",
        "environments.dev.network.endpoints.interface",
        ("unknown interface endpoint service 'ecr.dk'", "did you mean 'ecr.dkr'?", "sts"),
    ),
    "unknown-distribution": Case(
        edit("{rate: 0.2/y}", "{rate: 0.2/y, duration: {dist: gamma, mean: 2h}}"),
        "az_outage:",
        "failures.az_outage.duration",
        ("'gamma'", "'fixed'", "'lognormal'", "'weibull'"),
    ),
    "yaml-syntax-error": Case(
        edit("accounts: [dev]", "accounts: [dev"),
        "environments:",
        None,
        ("YAML syntax error", "flow sequence", "started at line 2"),
    ),
    "yaml-tab-indentation": Case(
        edit("    account: dev", "\taccount: dev"),
        "account: dev",
        None,
        ("YAML syntax error", "'\\t'"),
    ),
    "python-object-tag": Case(
        edit("name: t\n", "name: t\ndescription: !!python/object/apply:os.system ['echo pwned']\n"),
        "description:",
        "description",
        ("python/object/apply:os.system", "is not allowed", "plain data only"),
    ),
    "empty-file": Case("", None, None, ("the file is empty", "'name'", "'accounts'"), line=1),
    "comments-only-file": Case(
        "# nothing here\n", None, None, ("the file is empty", "'accounts'"), line=1
    ),
    "list-at-top-level": Case(
        "- name: t\n- accounts: [dev]\n",
        None,
        None,
        ("a scenario is a mapping", "not a list"),
        line=1,
    ),
    "two-documents": Case(
        BASE + "---\nname: u\n", None, None, ("2 YAML documents", "one scenario per file")
    ),
    "duplicate-key": Case(
        BASE + "name: u\n",
        "name: u",
        "name",
        ("key 'name' appears twice",),
    ),
    "merge-key": Case(
        edit(
            "    account: dev\n",
            "    <<: *defaults\n",
            edit("name: t\n", "defaults: &defaults {account: dev}\nname: t\n"),
        ),
        "<<:",
        "environments.dev",
        ("merge keys ('<<') are not supported", "extends"),
    ),
    "extends-missing-file": Case(
        "extends: nowhere.yaml\nname: t\n",
        "extends:",
        "extends",
        ("no such file 'nowhere.yaml'",),
    ),
    "extends-cycle": Case(
        "extends: cycle-b.yaml\nname: a\n",
        "extends:",
        "extends",
        ("makes a cycle", "extends-cycle.yaml -> cycle-b.yaml -> extends-cycle.yaml"),
        others={"cycle-b.yaml": "extends: extends-cycle.yaml\nname: b\n"},
    ),
    "extends-self": Case(
        "extends: extends-self.yaml\nname: a\n",
        "extends:",
        "extends",
        ("makes a cycle", "extends-self.yaml -> extends-self.yaml"),
    ),
    "extends-bad-value": Case(
        "extends: {file: base.yaml}\nname: a\n",
        "extends:",
        "extends",
        ("expected a file name or a list of file names",),
    ),
    "error-in-extending-file": Case(
        "extends: good-base.yaml\nname: variant\nenvironments:\n  dev:\n    network:\n"
        "      nat_gateways: singel\n",
        "nat_gateways",
        "environments.dev.network.nat_gateways",
        ("'singel' is not allowed", "'single'"),
        others={"good-base.yaml": BASE},
    ),
    "non-utf8-bytes": Case(
        b"name: t\naccounts: [dev]\ndescription: caf\xe9\n",
        "description:",
        None,
        ("not UTF-8 text", "UTF-8"),
    ),
    "deeply-nested": Case(
        f"name: t\naccounts: [dev]\ndescription: {_NESTED}\n",
        "description:",
        "description[0][0][0]",
        ("nesting deeper than 40 levels",),
    ),
    "billion-laughs": Case(
        _BOMB,
        None,
        None,
        ("expands to more than", "aliases"),
    ),
}


def _write(tmp_path: Path, name: str, case: Case) -> Path:
    path = tmp_path / f"{name}.yaml"
    if isinstance(case.text, bytes):
        path.write_bytes(case.text)
    else:
        path.write_text(case.text, encoding="utf-8")
    for other, text in case.others.items():
        (tmp_path / other).write_text(text, encoding="utf-8")
    return path


def _check_message(message: str, path: Path, case: Case) -> None:
    assert path.name in message, message
    line = case.expected_line()
    if line is not None:
        assert f".yaml:{line}: " in message, f"expected line {line}: {message}"
    if case.field is not None:
        assert f": {case.field}: " in message, f"expected field {case.field!r}: {message}"
    for word in case.words:
        assert word in message, f"expected {word!r} in: {message}"
    assert "Traceback" not in message


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 20


def test_base_scenario_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "base.yaml"
    path.write_text(BASE, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.environments["dev"].database is not None


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_raises_located_scenario_error(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    path = _write(tmp_path, name, case)
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert time.perf_counter() - started < 10, "a malformed file must fail fast"
    assert type(info.value) is ScenarioError
    _check_message(str(info.value), path, case)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_validate_exits_2_with_the_message(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    path = _write(tmp_path, name, case)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    capsys.readouterr()
    status = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert status == 2
    assert "Traceback" not in captured.err + captured.out
    assert str(info.value) in captured.err
    _check_message(captured.err, path, case)


def test_cli_validate_exits_2_when_one_of_several_files_is_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    bad = _write(tmp_path, "unknown-key", CASES["unknown-key"])
    assert main(["validate", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "ok " in captured.out and "good.yaml" in captured.out
    assert "bad" not in captured.out
    assert "unknown-key.yaml" in captured.err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ScenarioError, match=r"absent\.yaml: no such file"):
        load_scenario(path)
    assert main(["validate", str(path)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(tmp_path)


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    path = _write(tmp_path, "bomb", CASES["billion-laughs"])
    started = time.perf_counter()
    with pytest.raises(ScenarioError):
        load_scenario(path)
    assert time.perf_counter() - started < 5


def test_problems_list_locations(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "two",
        Case(edit("cpu: 500m", "cpu: lots", edit("memory: 1Gi", "memory: lots")), None, None, ()),
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    fields = [where.rsplit(": ", 1)[-1] for where, _ in info.value.problems]
    assert "environments.dev.workloads.api.requests.cpu" in fields
    assert "environments.dev.workloads.api.requests.memory" in fields
    assert all(where.startswith(str(path) + ":") for where, _ in info.value.problems)


def test_cli_prints_user_text_literally(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "markup.yaml"
    path.write_text('name: t\naccounts: [dev]\n"[/foo]": 1\n"[bold]x": 2\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "'[/foo]'" in err and "'[bold]x'" in err
