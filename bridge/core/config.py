"""All settings of Elke Deur, read once from the environment (or `.env`).

This is the one place that documents them; `scripts/run.py` exports the same values to the
Rasa server and the action server so every process agrees on ports, URLs and tokens.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from bridge.core.security import SecuritySettings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"
PLACEHOLDER_SECRETS = {"", "changethis", "dev", "secret", "token"}


class Settings(SecuritySettings):
    """Environment variables of the whole system (names are the upper-cased field names).

    The security settings (CORS, frame ancestors, TLS, body limit, rate limits) are inherited
    from `SecuritySettings` in bridge/core/security.py, where they are documented.
    """

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    environment: Literal["development", "test", "productie"] = Field(
        "development", description="`productie` refuses placeholder secrets."
    )
    bridge_host: str = Field("127.0.0.1", description="Interface the bridge listens on.")
    bridge_port: int = Field(8000, description="Port of the bridge (web chat, console, API).")
    database_url: str = Field(
        f"sqlite:///{VAR_DIR / 'bridge.db'}",
        description="SQLAlchemy URL of the bridge database; e.g. postgresql+psycopg://user@host/db.",
    )
    rasa_port: int = Field(5005, description="Port of the Rasa server (bound to 127.0.0.1).")
    rasa_url: str = Field("", description="Base URL of the Rasa server; default from rasa_port.")
    rasa_token: str = Field("", description="Token of Rasa's HTTP API (generated in development).")
    rasa_tracker_db: str = Field(
        str(VAR_DIR / "rasa-tracker.db"), description="SQLite file of Rasa's tracker store."
    )
    actions_port: int = Field(5055, description="Port of the rasa_sdk action server.")
    actions_url: str = Field("", description="Base URL of the action server; default from port.")
    bridge_service_token: str = Field(
        "", description="Bearer token the action server uses on /internal/* (generated in dev)."
    )
    staff_token: str = Field(
        "", description="Bearer token for the staff API (generated in development)."
    )
    rasa_timeout_seconds: float = Field(10.0, description="Timeout of one call to Rasa.")
    log_pseudonym_key: str = Field(
        "", description="Key of the pseudonyms in logs; set it so they stay stable across restarts."
    )

    @model_validator(mode="after")
    def _derive_urls(self) -> Settings:
        if not self.rasa_url:
            self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        if not self.actions_url:
            self.actions_url = f"http://127.0.0.1:{self.actions_port}"
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment == "productie":
            for name in ("rasa_token", "bridge_service_token", "staff_token"):
                if getattr(self, name).strip().lower() in PLACEHOLDER_SECRETS:
                    raise ValueError(f"{name.upper()} must be set to a real secret in productie")
        return self


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (cached; tests clear the cache to change them)."""
    return Settings()
