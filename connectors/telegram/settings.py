"""Settings of the Telegram connector, read from the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The project's var/ directory, as the bridge uses it (the connector reads no bridge module).
VAR_DIR = Path(__file__).resolve().parents[2] / "var"


class TelegramSettings(BaseSettings):
    """Environment variables of the Telegram connector (upper-cased field names)."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    telegram_bot_token: str = Field("", description="Bot token from @BotFather; the connector runs only when set.")
    telegram_base_url: str = Field(
        "https://api.telegram.org/bot", description="Bot API base URL (tests point it at a local fake)."
    )
    telegram_webhook_url: str = Field(
        "", description="Public HTTPS URL of the webhook; empty means long polling (the default)."
    )
    telegram_webhook_secret: str = Field(
        "", description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; required in webhook mode."
    )
    telegram_webhook_host: str = Field("127.0.0.1", description="Interface the webhook server listens on.")
    telegram_webhook_port: int = Field(8443, description="Port the webhook server listens on.")
    telegram_state_db: str = Field(
        str(VAR_DIR / "telegram.db"), description="SQLite file of the state when TELEGRAM_STATE_URL is not set."
    )
    telegram_state_url: str = Field(
        "",
        description="SQLAlchemy URL of the state (chat → conversation, handled updates, delivery turns); "
        "several instances must share one, e.g. the bridge's PostgreSQL database. Empty: TELEGRAM_STATE_DB.",
    )
    bridge_url: str = Field("http://127.0.0.1:8000", description="Base URL of the bridge.")
    bridge_service_token: str = Field("", description="Bearer token for the bridge's /internal/* endpoints.")
    telegram_poll_timeout: int = Field(30, description="Long-polling timeout of getUpdates, in seconds.")
    log_pseudonym_key: str = Field(
        "",
        description="Key of the pseudonyms in logs (chat references); the bridge's LOG_PSEUDONYM_KEY. "
        "Empty: a random key per process, so pseudonyms change at every start.",
    )
    telegram_sweep_seconds: float = Field(
        30.0,
        description="How often an instance delivers messages left undelivered (a crashed instance, a failed send).",
    )

    @property
    def state_url(self) -> str:
        """Where the connector keeps its state: TELEGRAM_STATE_URL, else the SQLite file TELEGRAM_STATE_DB."""
        return self.telegram_state_url or f"sqlite:///{self.telegram_state_db}"
