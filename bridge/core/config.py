"""All settings of Elke Deur, read once from the environment (or `.env`).

This is the one place that documents them; `scripts/run.py` exports the same values to the
Rasa server and the action server so every process agrees on ports, URLs and tokens.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from limits import parse
from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"
PLACEHOLDER_SECRETS = {"", "changethis", "dev", "secret", "token"}


def split_list(value: Any) -> Any:
    """A list setting from the environment: "a, b" (comma-separated) or a JSON list."""
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            return json.loads(value)
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Environment variables of the whole system (names are the upper-cased field names).

    The HTTP hardening these settings configure (headers, CORS, body limit, rate limits) is in
    bridge/core/security.py.
    """

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    environment: Literal["development", "test", "productie"] = Field(
        "development", description="`productie` refuses placeholder secrets."
    )
    bridge_host: str = Field("127.0.0.1", description="Interface the bridge listens on.")
    bridge_port: int = Field(8000, description="Port of the bridge (web chat, console, API).")
    public_base_url: str = Field(
        "",
        description="Public address of the bridge for links people keep, e.g. the plan link "
        "(https://elkedeur.example.nl); empty: the address the request came to.",
    )
    database_url: str = Field(
        f"sqlite:///{VAR_DIR / 'bridge.db'}",
        description="SQLAlchemy URL of the bridge database; e.g. postgresql+psycopg://user@host/db.",
    )
    rasa_port: int = Field(5005, description="Port of the Rasa server (bound to 127.0.0.1).")
    rasa_servers: int = Field(
        2,
        ge=1,
        description="Rasa servers of the default profile (`make run`), on RASA_PORT, RASA_PORT+1, …, "
        "unless RASA_PORTS lists the ports; the bridge sends each conversation to the same one.",
    )
    rasa_url: str = Field("", description="Base URL of the Rasa server; default from rasa_port.")
    rasa_token: str = Field("", description="Token of Rasa's HTTP API (generated in development).")
    rasa_tracker_db: str = Field(str(VAR_DIR / "rasa-tracker.db"), description="SQLite file of Rasa's tracker store.")
    retention_days_transcript: int = Field(
        30,
        ge=1,
        description="Days after a conversation's last activity until its transcript and Rasa tracker are deleted.",
    )
    retention_days_case_summary: int = Field(
        365, ge=1, description="Days after closing until the intake summary and outcome of a case are deleted."
    )
    # BIO 12.4 asks that logs of who did what are kept and reviewed, without naming a term. One year covers
    # the yearly audit cycle, and equals RETENTION_DAYS_CASE_SUMMARY, so "who saw this case" can be
    # answered as long as anything of the case is kept.
    retention_days_audit_log: int = Field(
        365, ge=1, description="Days until a row of the staff audit log (staff id, address, action) is deleted."
    )
    # Throttling looks back only 15 minutes; a month lets an incident be traced (which addresses tried
    # which accounts) without keeping those IP addresses any longer.
    retention_days_login_attempts: int = Field(
        30, ge=1, description="Days until a failed staff login attempt (e-mail, address) is deleted."
    )
    retention_interval_seconds: int = Field(
        3600, ge=0, description="How often the retention job runs inside the bridge; 0 switches it off."
    )
    actions_port: int = Field(5055, description="Port of the rasa_sdk action server.")
    actions_host: str = Field(
        "127.0.0.1",
        description="Interface the action server listens on (bot/action_server.py); only Rasa calls it.",
    )
    actions_url: str = Field("", description="Base URL of the action server; default from port.")
    action_server_token: str = Field(
        "",
        description="Bearer token Rasa sends to the action server (endpoints.yml `headers:`); the action "
        "server refuses every call but /health without it (generated in development).",
    )
    bridge_service_token: str = Field(
        "", description="Bearer token the action server uses on /internal/* (generated in dev)."
    )
    staff_token: str = Field("", description="Bearer token for the staff API (generated in development).")
    rasa_timeout_seconds: float = Field(10.0, description="Timeout of one call to Rasa.")
    log_pseudonym_key: str = Field(
        "", description="Key of the pseudonyms in logs; set it so they stay stable across restarts."
    )

    # Production profile (issue 10): several instances of every process on PostgreSQL + Redis.
    elkedeur_profile: Literal["standaard", "productie"] = Field(
        "standaard",
        description="`productie`: `make run` uses Procfile.productie and endpoints.productie.yml "
        "(PostgreSQL tracker store, Redis lock store, several Rasa/action servers, bridge workers).",
    )
    redis_url: str = Field(
        "",
        description="Redis for live events across bridge workers and Rasa's lock store, "
        "e.g. redis://127.0.0.1:6379/0. Empty: events stay inside one process.",
    )
    rasa_ports: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Ports of several Rasa servers, comma-separated (productie, e.g. 5005,5006). "
        "Empty: the one RASA_PORT.",
    )
    rasa_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Base URLs of the Rasa servers the bridge spreads messages over (round-robin, "
        "with failover); comma-separated. Empty: from RASA_PORTS, else RASA_URL.",
    )
    actions_ports: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Ports of the action servers, comma-separated; Rasa server i uses action server "
        "i (one, or as many as Rasa servers). Empty: the one ACTIONS_PORT.",
    )
    actions_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Base URLs of the action servers, paired with RASA_URLS; empty: from ports.",
    )
    bridge_workers: int = Field(
        1,
        ge=1,
        description="uvicorn worker processes of the bridge (productie; needs PostgreSQL "
        "and REDIS_URL when more than 1).",
    )
    rasa_tracker_store_url: str = Field(
        "",
        description="Rasa's tracker store on PostgreSQL in productie, as one URL, "
        "e.g. postgresql://postgres@127.0.0.1:5432/elkedeur_rasa (Rasa uses psycopg2).",
    )
    rasa_lock_key_prefix: str = Field(
        "elkedeur",
        pattern=r"^[A-Za-z0-9]+$",
        description="Prefix of Rasa's lock keys in Redis (letters and digits only, Rasa's rule).",
    )
    rasa_retry_after_seconds: float = Field(
        5.0, description="How long the bridge skips a Rasa server that failed before trying it again."
    )

    # HTTP hardening (bridge/core/security.py).
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) whose pages may call the API; comma-separated. "
        "Empty: same origin only.",
    )
    frame_ancestors: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins that may embed the web chat in a frame; comma-separated. Empty: nobody ('none').",
    )
    tls_enabled: bool = Field(False, description="Send HSTS on every response (set when a TLS proxy is in front).")
    hsts_max_age: int = Field(31_536_000, description="HSTS max-age in seconds.")
    max_body_bytes: int = Field(65_536, description="Largest accepted request body (bytes).")
    rate_limit_enabled: bool = Field(True, description="Switch the rate limits on or off.")
    rate_limit_per_client: str = Field(
        "60/minute", description="Messages per client address (limits notation, e.g. '60/minute')."
    )
    rate_limit_per_conversation: str = Field("20/minute", description="Messages per conversation id.")
    rate_limit_new_conversations: str = Field("10/minute", description="New conversations per client address.")
    rate_limit_storage_uri: str = Field(
        "memory://",
        description="Where counters live: memory:// (one process) or redis://host:6379 (several).",
    )

    @field_validator(
        "rasa_ports",
        "rasa_urls",
        "actions_ports",
        "actions_urls",
        "cors_allowed_origins",
        "frame_ancestors",
        mode="before",
    )
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return split_list(value)

    @field_validator("cors_allowed_origins", "frame_ancestors")
    @classmethod
    def _origins_only(cls, value: list[str], info: ValidationInfo) -> list[str]:
        # A wildcard or a stray quote/semicolon would open CORS or inject into the CSP.
        for origin in value:
            if origin == "'self'" and info.field_name == "frame_ancestors":
                continue
            if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?", origin):
                raise ValueError(f"not an origin (scheme://host[:port]): {origin!r}")
        return value

    @field_validator("rate_limit_per_client", "rate_limit_per_conversation", "rate_limit_new_conversations")
    @classmethod
    def _limit_notation(cls, value: str) -> str:
        parse(value)  # raises ValueError on nonsense such as "veel"
        return value

    @model_validator(mode="after")
    def _derive_urls(self) -> Settings:
        if not self.rasa_url:
            self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        if not self.actions_url:
            self.actions_url = f"http://127.0.0.1:{self.actions_port}"
        if not self.rasa_urls:
            self.rasa_urls = [f"http://127.0.0.1:{p}" for p in self.rasa_ports] or [self.rasa_url]
        if not self.actions_urls:
            self.actions_urls = [f"http://127.0.0.1:{p}" for p in self.actions_ports] or [self.actions_url]
        if len(self.actions_urls) not in (1, len(self.rasa_urls)):
            raise ValueError("give one action server, or as many as Rasa servers (they pair up by position)")
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment == "productie":
            for name in ("rasa_token", "bridge_service_token", "staff_token", "action_server_token"):
                if getattr(self, name).strip().lower() in PLACEHOLDER_SECRETS:
                    raise ValueError(f"{name.upper()} must be set to a real secret in productie")
        return self


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (cached; tests clear the cache to change them)."""
    return Settings()
