"""Settings of the action server, read from the environment once (see docs/contracts.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_BRIDGE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Settings:
    """What the action server needs to reach the bridge."""

    bridge_url: str = DEFAULT_BRIDGE_URL
    bridge_service_token: str = ""
    # Short on purpose: the user waits for the bot while we wait for the bridge.
    bridge_timeout_seconds: float = 5.0


def _float_env(name: str, default: float) -> float:
    """A positive float from the environment, or the default when unset or invalid."""
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if value > 0 else default


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read BRIDGE_URL, BRIDGE_SERVICE_TOKEN and BRIDGE_TIMEOUT_SECONDS once."""
    return Settings(
        bridge_url=(os.environ.get("BRIDGE_URL") or DEFAULT_BRIDGE_URL).rstrip("/"),
        bridge_service_token=os.environ.get("BRIDGE_SERVICE_TOKEN", ""),
        bridge_timeout_seconds=_float_env("BRIDGE_TIMEOUT_SECONDS", 5.0),
    )
