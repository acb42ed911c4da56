"""Start the whole assistant under supervisord with one consistent environment.

`make run` calls this after installing and training. Settings come from
bridge/core/config.py; development secrets are generated once into var/dev-secrets.env.
The processes are the Procfile's; scripts/supervise.py turns it into a supervisord configuration
(in ELKEDEUR_RUN_DIR, default var/run/), so a process that dies is restarted while the others
keep serving. Operators: `.venvs/app/bin/supervisorctl -c var/run/supervisord.conf status`.
With ELKEDEUR_PROFILE=productie (`make run-prod`) it starts Procfile.productie instead: PostgreSQL
and Redis, several Rasa/action server pairs and bridge workers, and real secrets from the environment.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydantic import ValidationError

from bridge.core.config import PROJECT_ROOT, VAR_DIR, Settings
from scripts.supervise import Program, read_procfile, write_config

SECRET_NAMES = ("RASA_TOKEN", "BRIDGE_SERVICE_TOKEN", "STAFF_TOKEN", "ACTION_SERVER_TOKEN")
DEV_SECRETS_FILE = VAR_DIR / "dev-secrets.env"
CORE_PROCESSES = ["rasa", "actions", "bridge"]
DEFAULT_PROCFILE = "Procfile"
PRODUCTION_PROCFILE = "Procfile.productie"
# Started once per port (RASA_PORTS, ACTIONS_PORTS, TELEGRAM_WEBHOOK_PORTS) through scripts/instance.sh.
SCALED = {"rasa": "RASA_PORTS", "actions": "ACTIONS_PORTS", "telegram": "TELEGRAM_WEBHOOK_PORTS"}


class ProfileError(Exception):
    """The production profile is missing something it cannot run without."""


def current_model() -> Path:
    """The model trained for the current bot data (written by scripts/train.sh)."""
    pointer = PROJECT_ROOT / "models" / "CURRENT"
    if not pointer.exists():
        sys.exit("No trained model: run `make train` (or `make run`, which trains when needed).")
    return PROJECT_ROOT / "models" / pointer.read_text().strip()


def dev_secrets() -> dict[str, str]:
    """Secrets for development: generated once, kept in var/ (never in the repository)."""
    values: dict[str, str] = {}
    if DEV_SECRETS_FILE.exists():
        for line in DEV_SECRETS_FILE.read_text().splitlines():
            key, _, value = line.partition("=")
            values[key] = value
    missing = [name for name in SECRET_NAMES if name not in values]
    if missing:
        values.update({name: secrets.token_urlsafe(24) for name in missing})
        VAR_DIR.mkdir(exist_ok=True)
        DEV_SECRETS_FILE.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        DEV_SECRETS_FILE.chmod(0o600)
    return values


def process_env(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every process of the assistant runs with."""
    env = {**os.environ, **(overrides or {})}
    production = is_production(env)
    if production:
        # Real secrets only: ENVIRONMENT=productie makes Settings refuse empty and placeholder ones.
        env.setdefault("ENVIRONMENT", "productie")
    else:
        for name, value in dev_secrets().items():
            env.setdefault(name, value)
    try:
        settings = Settings(**{k.lower(): v for k, v in env.items() if k.lower() in Settings.model_fields})
    except ValidationError as error:
        raise ProfileError(str(error)) from error
    Path(settings.rasa_tracker_db).parent.mkdir(parents=True, exist_ok=True)
    env.update(
        BRIDGE_HOST=settings.bridge_host,
        BRIDGE_PORT=str(settings.bridge_port),
        BRIDGE_URL=env.get("BRIDGE_URL", f"http://127.0.0.1:{settings.bridge_port}"),
        DATABASE_URL=settings.database_url,
        RASA_PORT=str(settings.rasa_port),
        RASA_URL=settings.rasa_url,
        ACTIONS_PORT=str(settings.actions_port),
        ACTIONS_HOST=settings.actions_host,
        ACTIONS_URL=settings.actions_url,
        RASA_TRACKER_DB=settings.rasa_tracker_db,
        RASA_MODEL=env.get("RASA_MODEL") or str(current_model()),
        PYTHONPATH=str(PROJECT_ROOT),
        # Rasa 3.6 uses SQLAlchemy 1.4 and warns about 2.0 on every start.
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    if production:
        env.update(production_env(settings))
        env.update(telegram_env(env, settings))
    else:
        env.update(default_ports_env(settings))
    return env


def default_ports_env(settings: Settings) -> dict[str, str]:
    """The default profile's Rasa servers (RASA_SERVERS of them, both cores busy) sharing one action
    server and the SQLite tracker store; the bridge sends each conversation to the same Rasa server
    (bridge/services/rasa_pool.py), so they need no shared lock store."""
    rasa_ports = settings.rasa_ports or [settings.rasa_port + i for i in range(settings.rasa_servers)]
    actions_ports = settings.actions_ports or [settings.actions_port]
    return {
        "RASA_PORTS": ",".join(map(str, rasa_ports)),
        "ACTIONS_PORTS": ",".join(map(str, actions_ports)),
        "RASA_PORT": str(rasa_ports[0]),
        "RASA_URL": f"http://127.0.0.1:{rasa_ports[0]}",
    }


def is_production(env: dict[str, str]) -> bool:
    """Whether the production profile is selected (ELKEDEUR_PROFILE=productie)."""
    return env.get("ELKEDEUR_PROFILE", "standaard") == "productie"


def production_env(settings: Settings) -> dict[str, str]:
    """What Procfile.productie, endpoints.productie.yml and the bridge workers need on top."""
    problems = []
    if not settings.database_url.startswith("postgresql"):
        problems.append("DATABASE_URL must point to PostgreSQL (postgresql+psycopg://...): bridge workers share it")
    if not settings.rasa_tracker_store_url.startswith(("postgresql://", "postgres://")):
        problems.append("RASA_TRACKER_STORE_URL must be postgresql://...: the Rasa servers share their trackers")
    if not settings.redis_url.startswith(("redis://", "rediss://")):
        problems.append("REDIS_URL must be redis://...: Rasa's lock store and the live events use it")
    if problems:
        raise ProfileError("; ".join(problems))
    rasa_ports = settings.rasa_ports or [settings.rasa_port]
    actions_ports = settings.actions_ports or [settings.actions_port]
    redis = urlsplit(settings.redis_url)
    return {
        "RASA_PORTS": ",".join(map(str, rasa_ports)),
        "ACTIONS_PORTS": ",".join(map(str, actions_ports)),
        "RASA_URL": f"http://127.0.0.1:{rasa_ports[0]}",
        "ACTIONS_URL": f"http://127.0.0.1:{actions_ports[0]}",
        "BRIDGE_WORKERS": str(settings.bridge_workers),
        "RASA_TRACKER_STORE_URL": settings.rasa_tracker_store_url,
        "REDIS_URL": settings.redis_url,
        # Rasa's RedisLockStore takes the parts, not a URL.
        "REDIS_HOST": redis.hostname or "127.0.0.1",
        "REDIS_PORT": str(redis.port or 6379),
        "REDIS_DB": redis.path.strip("/") or "0",
        "REDIS_PASSWORD": unquote(redis.password or ""),
        "RASA_LOCK_KEY_PREFIX": settings.rasa_lock_key_prefix,
        # Rate-limit counters shared by the workers, unless set to something else explicitly.
        "RATE_LIMIT_STORAGE_URI": (
            settings.redis_url if settings.rate_limit_storage_uri == "memory://" else settings.rate_limit_storage_uri
        ),
    }


def telegram_env(env: dict[str, str], settings: Settings) -> dict[str, str]:
    """The Telegram connector in the production profile: one instance per port of TELEGRAM_WEBHOOK_PORTS,
    all sharing their state in the bridge's database (tables telegram_*) unless TELEGRAM_STATE_URL says otherwise."""
    if not env.get("TELEGRAM_BOT_TOKEN"):
        return {}
    ports = [port.strip() for port in env.get("TELEGRAM_WEBHOOK_PORTS", "").split(",") if port.strip()]
    if len(ports) > 1 and not env.get("TELEGRAM_WEBHOOK_URL"):
        raise ProfileError(
            "several TELEGRAM_WEBHOOK_PORTS need webhook mode (TELEGRAM_WEBHOOK_URL): "
            "Telegram serves long polling to one client only"
        )
    return {
        "TELEGRAM_STATE_URL": env.get("TELEGRAM_STATE_URL") or settings.database_url,
        "TELEGRAM_WEBHOOK_PORTS": ",".join(ports or [env.get("TELEGRAM_WEBHOOK_PORT") or "8443"]),
    }


def ensure_databases(env: dict[str, str]) -> None:
    """Create the bridge's and Rasa's PostgreSQL databases when missing (first start)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    for url in (env["DATABASE_URL"], env["RASA_TRACKER_STORE_URL"]):
        parsed = make_url(url).set(drivername="postgresql+psycopg")
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
                ).first()
                if not exists:
                    # A database name cannot be a bind parameter; quote it as an identifier.
                    quoted = admin.dialect.identifier_preparer.quote(parsed.database or "")
                    connection.execute(text(f"CREATE DATABASE {quoted}"))
        finally:
            admin.dispose()


def procfile(env: dict[str, str]) -> str:
    return PRODUCTION_PROCFILE if is_production(env) else DEFAULT_PROCFILE


def programs(env: dict[str, str]) -> list[Program]:
    """The supervised programs of the selected profile: the core processes (with the Telegram connector
    when configured), each as many times as its ports say, and the one-shot `ready` notice."""
    commands = read_procfile(PROJECT_ROOT / procfile(env))
    names = [*process_names(env), "ready"]
    result = []
    for name in names:
        ports_variable = SCALED.get(name)
        scaled = ports_variable is not None and "instance.sh" in commands[name]
        instances = len(env[ports_variable].split(",")) if scaled and ports_variable in env else 1
        result.append(Program(name, commands[name], instances, scaled))
    return result


def process_names(env: dict[str, str]) -> list[str]:
    names = list(CORE_PROCESSES)
    if env.get("TELEGRAM_BOT_TOKEN") and (PROJECT_ROOT / "connectors" / "telegram").exists():
        names.append("telegram")
    return names


def run_dir(env: dict[str, str]) -> Path:
    """Where supervisord keeps its configuration, socket, pid file and log."""
    return Path(env.get("ELKEDEUR_RUN_DIR") or VAR_DIR / "run")


def supervisord_command(env: dict[str, str]) -> list[str]:
    """Write the configuration for this environment; the command line that runs supervisord on it."""
    config = write_config(programs(env), run_dir(env), PROJECT_ROOT)
    supervisord = str(Path(sys.executable).with_name("supervisord"))
    return [supervisord, "--nodaemon", "--configuration", str(config)]


def main() -> None:
    try:
        env = process_env()
    except ProfileError as error:
        sys.exit(f"Cannot start the {os.environ.get('ELKEDEUR_PROFILE', 'standaard')} profile: {error}")
    if is_production(env):
        ensure_databases(env)
    os.chdir(PROJECT_ROOT)
    command = supervisord_command(env)
    # exec: supervisord becomes this process, so Ctrl-C reaches it and it stops every child.
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main()
