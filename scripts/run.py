"""Start the whole assistant under honcho with one consistent environment.

`make run` calls this after installing and training. Settings come from
bridge/core/config.py; development secrets are generated once into var/dev-secrets.env.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from bridge.core.config import PROJECT_ROOT, VAR_DIR, Settings

SECRET_NAMES = ("RASA_TOKEN", "BRIDGE_SERVICE_TOKEN", "STAFF_TOKEN")
DEV_SECRETS_FILE = VAR_DIR / "dev-secrets.env"
CORE_PROCESSES = ["rasa", "actions", "bridge"]


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
    for name, value in dev_secrets().items():
        env.setdefault(name, value)
    settings = Settings(**{k.lower(): v for k, v in env.items() if k.lower() in Settings.model_fields})
    Path(settings.rasa_tracker_db).parent.mkdir(parents=True, exist_ok=True)
    env.update(
        BRIDGE_HOST=settings.bridge_host,
        BRIDGE_PORT=str(settings.bridge_port),
        BRIDGE_URL=env.get("BRIDGE_URL", f"http://127.0.0.1:{settings.bridge_port}"),
        DATABASE_URL=settings.database_url,
        RASA_PORT=str(settings.rasa_port),
        RASA_URL=settings.rasa_url,
        ACTIONS_PORT=str(settings.actions_port),
        ACTIONS_URL=settings.actions_url,
        RASA_TRACKER_DB=settings.rasa_tracker_db,
        RASA_MODEL=env.get("RASA_MODEL") or str(current_model()),
        PYTHONPATH=str(PROJECT_ROOT),
        # Rasa 3.6 uses SQLAlchemy 1.4 and warns about 2.0 on every start.
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    return env


def process_names(env: dict[str, str]) -> list[str]:
    names = list(CORE_PROCESSES)
    if env.get("TELEGRAM_BOT_TOKEN") and (PROJECT_ROOT / "connectors" / "telegram").exists():
        names.append("telegram")
    return names


def main() -> None:
    env = process_env()
    honcho = str(Path(sys.executable).with_name("honcho"))
    os.chdir(PROJECT_ROOT)
    # exec: honcho becomes this process, so Ctrl-C reaches it and it stops every child.
    os.execve(honcho, [honcho, "-f", "Procfile", "start", *process_names(env), "ready"], env)


if __name__ == "__main__":
    main()
