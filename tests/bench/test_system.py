"""Finding the assistant's processes under supervisord and reading their memory."""

from __future__ import annotations

import signal
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

import psutil
import pytest

from bench.system import SeparateProcess, System, free_port, free_ports, procfile_commands


def test_processes_are_found_by_their_procfile_command(tmp_path: Path) -> None:
    # a parent, then `sh -c <command>` per entry (supervisord's shape while a shell has not exec'd yet)
    script = (
        "sh -c 'sleep 30; true # .venvs/rasa/bin/rasa run --model m.tar.gz' & "
        "sh -c 'sleep 30; true # .venvs/rasa/bin/rasa run actions --actions bot.actions' & "
        "sleep 30"
    )
    process = subprocess.Popen(["sh", "-c", script], start_new_session=True)
    system = System({"BRIDGE_PORT": "1"}, tmp_path, tmp_path / "log", process, time.monotonic())
    try:
        deadline = time.monotonic() + 5
        while len(system.processes()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        found = system.processes()
        assert set(found) == {"rasa", "actions"}
        assert all(p.name() == "sh" for p in found.values())  # the top of each entry, not `sleep`
        rss = system.rss_mb()
        assert set(rss) == {"rasa", "actions"} and all(mb > 0 for mb in rss.values())
    finally:
        system.stop()
    assert process.poll() is not None


def test_free_port_is_bindable() -> None:
    import socket

    port = free_port()
    assert 1024 < port < 65536  # an ephemeral port, not a privileged or made-up one
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # raises OSError if something holds it
        assert sock.getsockname() == ("127.0.0.1", port)


def test_free_ports_are_distinct_and_each_bindable() -> None:
    import socket

    ports = free_ports(5)
    assert len(set(ports)) == 5
    with ExitStack() as stack:
        for port in ports:
            stack.enter_context(socket.socket()).bind(("127.0.0.1", port))


def test_instances_are_named_as_supervisord_names_them(tmp_path: Path) -> None:
    # productie: supervisord runs `rasa` twice (numprocs=2), telling each its name in SUPERVISOR_PROCESS_NAME
    script = (
        "SUPERVISOR_PROCESS_NAME=rasa.1 sh -c 'sleep 30; true # python -m bot.rasa_server run --model m' & "
        "SUPERVISOR_PROCESS_NAME=rasa.2 sh -c 'sleep 30; true # python -m bot.rasa_server run --model m' & "
        "SUPERVISOR_PROCESS_NAME=actions.1 sh -c 'sleep 30; true # python -m bot.action_server --actions bot.actions' & "
        "SUPERVISOR_PROCESS_NAME=bridge sh -c 'sleep 30; true # uvicorn bridge.main:create_app --workers 2' & "
        "sleep 30"
    )
    process = subprocess.Popen(["sh", "-c", script], start_new_session=True)
    env = {"ELKEDEUR_PROFILE": "productie", "RASA_PORTS": "5101,5102", "RASA_PORT": "5101",
           "ACTIONS_PORTS": "5201,5202", "ACTIONS_PORT": "5201", "BRIDGE_PORT": "1"}  # fmt: skip
    cleaned: list[str] = []
    system = System(env, tmp_path, tmp_path / "log", process, time.monotonic(), cleanups=[lambda: cleaned.append("x")])
    try:
        deadline = time.monotonic() + 5
        while len(system.processes()) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(system.processes()) == {"rasa.1", "rasa.2", "actions.1", "bridge"}
        assert set(system.rss_mb()) == {"rasa.1", "rasa.2", "actions.1", "bridge"}
    finally:
        system.stop()
    assert cleaned == ["x"]
    system.stop()  # stopping twice cleans up once
    assert cleaned == ["x"]
    assert system.rasa_urls == ["http://127.0.0.1:5101", "http://127.0.0.1:5102"] and system.rasa_url.endswith(":5101")
    assert system.instances("actions") == {"actions.1": "http://127.0.0.1:5201", "actions.2": "http://127.0.0.1:5202"}


def test_default_profile_names_its_rasa_servers_and_its_one_action_server(tmp_path: Path) -> None:
    env = {"RASA_PORT": "5005", "ACTIONS_PORT": "5055", "RASA_PORTS": "5005,5006", "BRIDGE_PORT": "1"}
    process = subprocess.Popen(["true"])
    process.wait()
    system = System(env, tmp_path, tmp_path / "log", process, time.monotonic())
    # the default profile runs RASA_SERVERS Rasa servers on RASA_PORTS and one action server
    assert system.instances("rasa") == {"rasa.1": "http://127.0.0.1:5005", "rasa.2": "http://127.0.0.1:5006"}
    assert system.instances("actions") == {"actions": "http://127.0.0.1:5055"}


def test_procfile_commands_are_the_profiles_procfile_lines() -> None:
    production = procfile_commands(production=True)
    assert set(production) >= {"rasa", "actions", "bridge", "ready"}
    assert "endpoints.productie.yml" in production["rasa"]
    assert "--workers" in production["bridge"] and "--workers" not in procfile_commands(production=False)["bridge"]


def test_a_separate_bridge_is_listed_killed_with_its_group_and_stopped(tmp_path: Path) -> None:
    supervisor = subprocess.Popen(["sleep", "30"], start_new_session=True)
    system = System({"BRIDGE_PORT": "1"}, tmp_path, tmp_path / "log", supervisor, time.monotonic())
    # a shell with a child, as the bridge's line is while alembic runs
    first = subprocess.Popen(["sh", "-c", "sleep 30 & wait"], start_new_session=True)
    second = subprocess.Popen(["sh", "-c", "sleep 30 & wait"], start_new_session=True)
    system.separate["bridge.2"] = SeparateProcess(first, "2", time.monotonic())
    system.separate["bridge.3"] = SeparateProcess(second, "3", time.monotonic())
    try:
        assert system.bridge_urls == ["http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"]
        assert {"bridge.2", "bridge.3"} <= set(system.processes())
        deadline = time.monotonic() + 5
        while len(psutil.Process(first.pid).children()) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        (child,) = psutil.Process(first.pid).children()
        assert system.kill("bridge.2") == first.pid
        assert first.poll() == -signal.SIGKILL
        child.wait(timeout=5)  # its group went with it
        assert "bridge.2" not in system.processes() and system.pid_of("bridge.2") is None
        with pytest.raises(LookupError):
            system.kill("bridge.2")
    finally:
        system.stop()
    assert second.poll() is not None and supervisor.poll() is not None
