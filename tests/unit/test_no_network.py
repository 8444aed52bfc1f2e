"""No code execution, no network (issue #7 item 2).

Scenario files are data: a YAML tag that would construct a Python object is
refused before anything is constructed, wherever it appears (a value, a key,
a list item, the document root, a file named by ``extends:``), and the side
effect it asks for never happens.

The commands that read a scenario and compute — ``cost``, ``run`` and
``check`` — work with every socket blocked: ``socket.socket.connect``,
``connect_ex`` and ``socket.create_connection`` raise, ``getaddrinfo`` too,
and an audit hook records any connection or name lookup attempted by any
other route. Each test asserts that nothing was attempted.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from innovate_sim.cli import main
from innovate_sim.errors import ScenarioError
from innovate_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "scenarios" / "prod.yaml"
HAS_CHECK = (ROOT / "src" / "innovate_sim" / "cli" / "targets.py").exists()

# -- no code execution -------------------------------------------------------------------------

MINIMAL = "name: t\naccounts: [dev]\n"


def _payloads(marker: Path) -> dict[str, str]:
    """Files whose tags, if constructed, would create ``marker``."""
    touch = f"!!python/object/apply:pathlib.Path.touch [{marker}]"
    system = f"!!python/object/apply:os.system ['touch {marker}']"
    return {
        "value": MINIMAL + f"description: {system}\n",
        "value-touch": MINIMAL + f"description: {touch}\n",
        "mapping-value": MINIMAL
        + f"pricing: !!python/object/apply:os.system {{args: [touch {marker}]}}\n",
        "list-item": f"name: t\naccounts: [dev, {system}]\n",
        "key": MINIMAL + f"? {system}\n: 1\n",
        "root": f"--- !!python/object/apply:os.system\nargs: ['touch {marker}']\n",
        "new-object": MINIMAL + f"description: !!python/object/new:os.system ['touch {marker}']\n",
        "name-tag": MINIMAL + "description: !!python/name:os.system\n",
        "module-tag": MINIMAL + "description: !!python/module:os\n",
        "custom-tag": MINIMAL + "description: !shell 'touch x'\n",
        "tag-directive": f"%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\n"
        f"name: t\naccounts: [dev]\ndescription: !p!os.system ['touch {marker}']\n",
        "aliased": MINIMAL + f"x: &payload {system}\ndescription: *payload\n",
    }


@pytest.mark.parametrize("case", sorted(_payloads(Path("m"))))
def test_python_tags_are_refused_and_never_run(tmp_path: Path, case: str) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / f"{case}.yaml"
    path.write_text(_payloads(marker)[case], encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert not marker.exists(), "a YAML tag ran code"
    message = str(info.value)
    assert path.name in message
    assert "is not allowed" in message and "plain data only" in message, message


def test_tags_in_an_extended_base_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "base.yaml").write_text(_payloads(marker)["value"], encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: child\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"base\.yaml:3: description: YAML tag"):
        load_scenario(child)
    assert not marker.exists()


def test_cli_refuses_tags_with_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(_payloads(marker)["value"], encoding="utf-8")
    for command in (["validate", str(path)], ["cost", str(path)], ["run", str(path), "-n", "1"]):
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert "is not allowed" in err and "Traceback" not in err
    assert not marker.exists()


# -- no network --------------------------------------------------------------------------------

_ATTEMPTS: list[tuple[str, Any]] = []
_WATCHING = False
_NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request")


def _audit(event: str, args: Any) -> None:
    if _WATCHING and event in _NETWORK_EVENTS:
        _ATTEMPTS.append((event, args))


sys.addaudithook(_audit)  # audit hooks cannot be removed; it only records while watching


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any]]]:
    """Block every socket connection and name lookup; yield the attempts made."""
    global _WATCHING

    def refuse(name: str) -> Any:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            _ATTEMPTS.append((name, args))
            raise OSError(f"network access blocked by the test ({name})")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    _ATTEMPTS.clear()
    _WATCHING = True
    try:
        yield _ATTEMPTS
    finally:
        _WATCHING = False


def test_the_blocker_blocks(no_network: list[tuple[str, Any]]) -> None:
    """The fixture itself works: a connection attempt raises and is recorded."""
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with socket.socket() as sock, pytest.raises(OSError, match="blocked"):
        sock.connect(("192.0.2.1", 80))
    assert [name for name, _ in no_network] == ["socket.create_connection", "socket.connect"]
    no_network.clear()


@pytest.fixture(scope="module")
def short_prod(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """prod.yaml over one week (a fast end-to-end run)."""
    path = tmp_path_factory.mktemp("offline") / "prod-week.yaml"
    path.write_text(f"extends: {PROD}\nname: prod-week\nhorizon: 7d\n", encoding="utf-8")
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cost_works_offline(
    no_network: list[tuple[str, Any]], short_prod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("table", "csv", "json"):
        status, out, err = _run(["cost", str(short_prod), "--format", fmt], capsys)
        assert status == 0, err
        assert "EC2" in out or "ec2" in out.lower()
    assert no_network == []


def test_run_works_offline(
    no_network: list[tuple[str, Any]],
    short_prod: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out_dir = tmp_path / "out"
    status, out, err = _run(
        ["run", str(short_prod), "-n", "2", "--seed", "3", "--out", str(out_dir)], capsys
    )
    assert status == 0, err
    assert "internal error" not in err and "Traceback" not in err
    assert "request_availability" in out
    assert (out_dir / "summary.json").exists()
    assert no_network == []


@pytest.mark.skipif(not HAS_CHECK, reason="the check command (cli/targets.py) is not there yet")
def test_check_works_offline(
    no_network: list[tuple[str, Any]],
    short_prod: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = _run(
        ["check", str(short_prod), "-n", "2", "--seed", "3", "--out", str(tmp_path / "c")], capsys
    )
    assert status in (0, 1, 3), err  # pass, fail or uncertain: a verdict, not an error
    assert "internal error" not in err and "Traceback" not in err
    assert no_network == []
