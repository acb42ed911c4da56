"""The production profile's environment and supervised programs, as scripts/run.py builds them (no processes)."""

from __future__ import annotations

import re

import pytest

from bench.system import procfile_commands
from scripts.run import ProfileError, process_env, programs

SECRETS = {
    "RASA_TOKEN": "r-4f0c8a1e9b7d6c5a",
    "BRIDGE_SERVICE_TOKEN": "s-9a8b7c6d5e4f3a2b",
    "STAFF_TOKEN": "t-1b2c3d4e5f6a7b8c",
    "ACTION_SERVER_TOKEN": "a-6e5d4c3b2a1f0e9d",
}
PRODUCTION = {
    "ELKEDEUR_PROFILE": "productie",
    "RASA_MODEL": "models/test.tar.gz",
    "DATABASE_URL": "postgresql+psycopg://postgres@db.example:5432/elkedeur",
    "RASA_TRACKER_STORE_URL": "postgresql://postgres@db.example:5432/elkedeur_rasa",
    "REDIS_URL": "redis://:geheim%21@redis.example:6380/2",
    "RASA_PORTS": "5005,5006,5007",
    "ACTIONS_PORTS": "5055,5056,5057",
    "BRIDGE_WORKERS": "4",
    **SECRETS,
}


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings of the shell running the tests must not leak into these environments.
    for name in (
        "ENVIRONMENT",
        "RATE_LIMIT_STORAGE_URI",
        "RASA_URLS",
        "ACTIONS_URLS",
        "RASA_LOCK_KEY_PREFIX",
        "RASA_PORTS",
        "ACTIONS_PORTS",
        "RASA_SERVERS",
        "ELKEDEUR_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_the_production_environment_has_everything_the_procfile_and_endpoints_need() -> None:
    env = process_env(PRODUCTION)
    assert env["ENVIRONMENT"] == "productie"
    assert (env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DB"], env["REDIS_PASSWORD"]) == (
        "redis.example",
        "6380",
        "2",
        "geheim!",
    )
    assert env["RATE_LIMIT_STORAGE_URI"] == PRODUCTION["REDIS_URL"]
    assert env["RASA_URL"] == "http://127.0.0.1:5005" and env["ACTIONS_URL"] == "http://127.0.0.1:5055"
    assert env["BRIDGE_WORKERS"] == "4"
    # Every ${VAR} in endpoints.productie.yml and "$VAR" in Procfile.productie is set.
    from bridge.core.config import PROJECT_ROOT

    used = set(re.findall(r"\$\{(\w+)\}", (PROJECT_ROOT / "endpoints.productie.yml").read_text()))
    for command in procfile_commands(production=True).values():
        used |= set(re.findall(r"\$\{?(\w+)", command))
    used -= {"ACTIONS_PORT"}  # set per Rasa server by scripts/instance.sh
    assert sorted(name for name in used if name not in env) == []


def test_supervisord_runs_one_rasa_and_action_server_per_port() -> None:
    started = {p.name: (p.instances, p.scaled) for p in programs(process_env(PRODUCTION))}
    assert started == {"rasa": (3, True), "actions": (3, True), "bridge": (1, False), "ready": (1, False)}


def test_the_default_profile_runs_two_rasa_servers_on_one_action_server() -> None:
    env = process_env({"ELKEDEUR_PROFILE": "standaard", "RASA_MODEL": "models/test.tar.gz", "RASA_PORT": "5005"})
    started = {p.name: (p.instances, p.scaled) for p in programs(env)}
    assert started == {"rasa": (2, True), "actions": (1, False), "bridge": (1, False), "ready": (1, False)}
    assert (env["RASA_PORTS"], env["ACTIONS_PORTS"]) == ("5005,5006", env["ACTIONS_PORT"])
    assert "REDIS_HOST" not in env
    one = process_env({"RASA_MODEL": "models/test.tar.gz", "RASA_SERVERS": "1", "RASA_PORT": "5005"})
    assert one["RASA_PORTS"] == "5005"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DATABASE_URL": "sqlite:///var/bridge.db"}, "DATABASE_URL"),
        ({"RASA_TRACKER_STORE_URL": ""}, "RASA_TRACKER_STORE_URL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"STAFF_TOKEN": "changethis"}, "STAFF_TOKEN"),
        ({"RASA_TOKEN": ""}, "RASA_TOKEN"),
        ({"ACTION_SERVER_TOKEN": "changethis"}, "ACTION_SERVER_TOKEN"),
        ({"ACTIONS_PORTS": "5055,5056"}, "action server"),
    ],
)
def test_the_production_profile_refuses_to_start_without_its_parts(change: dict[str, str], complaint: str) -> None:
    with pytest.raises(ProfileError, match=complaint):
        process_env({**PRODUCTION, **change})
