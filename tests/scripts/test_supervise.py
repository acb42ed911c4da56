"""scripts/supervise.py with the real supervisord on small programs: restart after kill -9, back-off, Ctrl-C.

The assistant itself under `python -m scripts.run`: tests/e2e/test_reliability_e2e.py.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from bridge.core.config import PROJECT_ROOT
from scripts.supervise import Program, read_procfile, render_config, write_config

SUPERVISORD = str(PROJECT_ROOT / ".venvs/app/bin/supervisord")
DEADLINE_S = 30.0


def wait_for(condition: Callable[[], object], what: str, timeout_s: float = DEADLINE_S) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"not within {timeout_s:.0f} s: {what}")


def children(pid: int) -> dict[str, int]:
    """supervisord's programs by name (they `exec`, so the program is supervisord's child)."""
    found = {}
    for proc in psutil.Process(pid).children():
        try:
            found[proc.environ()["SUPERVISOR_PROCESS_NAME"]] = proc.pid
        except (psutil.Error, KeyError):
            pass
    return found


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    programs = [
        Program("steady", "exec sleep 300"),
        Program("pair", "exec sleep 300", instances=2, scaled=True),
        Program("crash", "echo crashing; exit 3"),  # dies at once, every time
        Program("ready", "echo ready; exit 0"),  # one-shot: not restarted
    ]
    config = write_config(programs, tmp_path / "run", tmp_path)
    log = tmp_path / "out.log"
    with log.open("a") as out:
        process = subprocess.Popen(
            [SUPERVISORD, "--nodaemon", "--configuration", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_killed_program_is_restarted_the_others_keep_running_and_ctrl_c_leaves_nothing(
    supervised: tuple[subprocess.Popen[bytes], Path],
) -> None:
    process, log = supervised
    names = {"steady", "pair.1", "pair.2"}
    before = wait_for(lambda: (found := children(process.pid)).keys() >= names and found, "all programs up")
    assert isinstance(before, dict)
    os.kill(before["steady"], signal.SIGKILL)
    after = wait_for(
        lambda: (found := children(process.pid)).get("steady") not in (None, before["steady"]) and found,
        "steady restarted with a new pid",
    )
    assert isinstance(after, dict)
    assert (after["pair.1"], after["pair.2"]) == (before["pair.1"], before["pair.2"])  # untouched
    assert "ready" not in after and process.poll() is None

    family = psutil.Process(process.pid).children(recursive=True)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the terminal's foreground group
    process.wait(timeout=DEADLINE_S)
    gone, alive = psutil.wait_procs(family, timeout=DEADLINE_S)
    assert alive == []
    assert "ready\n" in log.read_text()  # the programs' output reaches supervisord's


def test_a_program_that_keeps_dying_is_retried_with_growing_pauses(
    supervised: tuple[subprocess.Popen[bytes], Path],
) -> None:
    process, log = supervised

    def spawn_times() -> list[float]:
        stamps = re.findall(r"(\d\d):(\d\d):(\d\d),(\d{3}) INFO spawned: 'crash'", log.read_text())
        return [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in stamps]

    wait_for(lambda: len(spawn_times()) >= 4, "four starts of the crashing program")
    gaps = [b - a for a, b in zip(spawn_times(), spawn_times()[1:], strict=False)][:3]
    # supervisord waits 1, 2, 3 s before the next try, plus up to one tick of its 1 s loop (more on a
    # busy machine): back-off that grows, not a tight loop
    assert all(n - 0.2 <= gap < n + 1.5 for n, gap in zip((1, 2, 3), gaps, strict=True)), gaps
    assert gaps == sorted(gaps), gaps
    assert process.poll() is None


def test_every_procfile_line_execs_its_program() -> None:
    for procfile in ("Procfile", "Procfile.productie"):
        for name, command in read_procfile(PROJECT_ROOT / procfile).items():
            assert re.search(r"(^|&& )exec ", command), f"{procfile} {name}: {command}"


def test_the_configuration_quotes_commands_and_names_instances(tmp_path: Path) -> None:
    config = render_config([Program("rasa", 'exec x --p "$RASA_PORT" 100%', 2, True)], tmp_path, tmp_path)
    assert """command=/bin/sh -c 'exec x --p "$RASA_PORT" 100%%'""" in config
    assert "process_name=%(program_name)s.%(process_num)d" in config and "numprocs=2" in config
    assert f"file={tmp_path}/supervisor.sock" in config
