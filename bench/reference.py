"""The reference path of `make bench` (issue 18): Rasa's own starter bot, as `rasa init --no-prompt` makes it.

Absolute numbers on a shared 2-core machine move from run to run; a reference measured in the same run,
under the same open-loop rates, does not move with them the same way. The starter bot is Rasa 3.6 as
shipped: its default pipeline and policies, no custom actions, the in-memory tracker store, one plain
`rasa run` (none of bot/rasa_server.py's fixes). It is trained once and cached in var/bench-reference/
(`make clean` removes it; it is made again on the next `make bench`).

Its load goes to Rasa's REST channel directly (there is no bridge): the same scenario texts as Elke
Deur's, which the English starter bot does not understand, but each turn costs it what a turn costs
Rasa: one NLU parse and the policy predictions up to `action_listen`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.system import System, free_port
from bridge.core.config import PROJECT_ROOT, VAR_DIR
from scripts.supervise import Program, write_config

REFERENCE_DIR = VAR_DIR / "bench-reference"
RASA = PROJECT_ROOT / ".venvs/rasa/bin/rasa"
SUPERVISORD = PROJECT_ROOT / ".venvs/app/bin/supervisord"
MODEL_NAME = "starter.tar.gz"
TRAIN_TIMEOUT_S = 1800
REFERENCE = "referentie"


def reference_model(directory: Path = REFERENCE_DIR) -> Path:
    """The starter bot's model: made by `rasa init --no-prompt` (which trains it) the first time, then cached."""
    model = directory / "models" / MODEL_NAME
    if model.exists():
        return model
    building = directory.with_name(directory.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    print(f"==> reference: `rasa init --no-prompt` in {building} (trains the starter bot once)", flush=True)
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    done = subprocess.run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(building)],
        cwd=building,
        env=env,
        capture_output=True,
        timeout=TRAIN_TIMEOUT_S,
    )
    trained = sorted((building / "models").glob("*.tar.gz"))
    if done.returncode != 0 or not trained:
        raise RuntimeError(
            f"`rasa init` failed (exit {done.returncode}):\n{done.stderr.decode(errors='replace')[-2000:]}"
        )
    trained[-1].rename(building / "models" / MODEL_NAME)
    shutil.rmtree(directory, ignore_errors=True)
    building.rename(directory)  # whole or not at all: a broken half never counts as cached
    return directory / "models" / MODEL_NAME


def start_reference_system(workdir: Path, token: str = "bench-reference-token") -> System:
    """The starter bot's `rasa run` (REST channel, HTTP API with a token) under supervisord, named `rasa.1`."""
    workdir.mkdir(parents=True, exist_ok=True)
    model = reference_model()
    port = free_port()
    command = f"exec {RASA} run --model {model} --enable-api --auth-token {token} -i 127.0.0.1 -p {port}"
    config = write_config([Program("rasa", command, 1, scaled=True)], workdir / "run", REFERENCE_DIR)
    env = {
        **os.environ,
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "BENCH_REFERENCE": "1",
        "RASA_TOKEN": token,
        "RASA_PORT": str(port),
        "RASA_PORTS": str(port),
        "ACTIONS_PORT": "0",
        "BRIDGE_PORT": "0",
        "RASA_MODEL": str(model),
    }
    log_path = workdir / "processes.log"
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [str(SUPERVISORD), "--nodaemon", "--configuration", str(config)],
            cwd=REFERENCE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return System(env, workdir, log_path, process, time.monotonic())
