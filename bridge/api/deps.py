"""Shared FastAPI dependencies."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy.orm import Session

from bridge.core.config import Settings, get_settings
from bridge.core.db import get_session
from bridge.privacy.tracker_store import RasaTrackerStore
from bridge.services.rasa_client import RasaClient

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_rasa(request: Request) -> RasaClient:
    rasa: RasaClient = request.app.state.rasa
    return rasa


RasaDep = Annotated[RasaClient, Depends(get_rasa)]


def get_tracker_store(request: Request) -> RasaTrackerStore:
    tracker_store: RasaTrackerStore = request.app.state.tracker_store
    return tracker_store


TrackerStoreDep = Annotated[RasaTrackerStore, Depends(get_tracker_store)]


def _check_bearer(authorization: str | None, expected: str) -> None:
    token = (authorization or "").removeprefix("Bearer ").strip()
    # compare_digest: no timing side channel on the token
    if not expected or not secrets.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Niet aangemeld: geldige token ontbreekt.",
            headers={"WWW-Authenticate": "Bearer"},
        )


def require_service_token(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Only the action server (holder of BRIDGE_SERVICE_TOKEN) may call /internal/*."""
    _check_bearer(authorization, settings.bridge_service_token)


def require_staff_token(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Staff API access (replaced by staff accounts in the console issue)."""
    _check_bearer(authorization, settings.staff_token)
