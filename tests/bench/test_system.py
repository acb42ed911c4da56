"""Finding the assistant's processes under honcho and reading their memory."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bench.system import System, free_port


def test_processes_are_found_by_their_procfile_command(tmp_path: Path) -> None:
    # the shape honcho makes: a parent, then `sh -c <command>` per entry, then the program
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
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
