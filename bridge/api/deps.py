"""Shared FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from fastapi.requests import HTTPConnection
from sqlalchemy.orm import Session

from bridge.core.config import Settings, get_settings
from bridge.core.db import get_session
from bridge.core.logging import log_event
from bridge.core.security import path_label
from bridge.core.tokens import bearer_matches
from bridge.models import Conversation
from bridge.privacy.tracker_store import RasaTrackerStore
from bridge.schemas.ids import is_id
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


CONVERSATION_NOT_FOUND = "Dit gesprek bestaat niet (meer). Begin een nieuw gesprek."


def conversation_or_404(session: Session, conversation_id: str) -> Conversation:
    """The conversation with this id; 404 for an unknown (or erased) one, or an id that is no uuid4."""
    conversation = session.get(Conversation, conversation_id) if is_id(conversation_id) else None
    if conversation is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, CONVERSATION_NOT_FOUND)
    return conversation


NO_VALID_TOKEN = "Niet aangemeld: geldige token ontbreekt."


def log_denied(connection: HTTPConnection, reason: str) -> None:
    """Log a refused request as ED-6002: the path without ids and a reason code, never who tried with what."""
    log_event("ED-6002", path=path_label(connection.url.path), reason=reason)


def denied(
    connection: HTTPConnection, status_code: int, detail: str, reason: str, headers: dict[str, str] | None = None
) -> HTTPException:
    """A 401/403 for a failed auth or permission check, logged as ED-6002 (path without ids, reason code)."""
    log_denied(connection, reason)
    return HTTPException(status_code, detail, headers=headers)


def unauthorized(connection: HTTPConnection) -> HTTPException:
    """401 for a missing or wrong bearer token."""
    return denied(
        connection, status.HTTP_401_UNAUTHORIZED, NO_VALID_TOKEN, "token", headers={"WWW-Authenticate": "Bearer"}
    )


def require_service_token(
    connection: HTTPConnection, settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Only the action server (holder of BRIDGE_SERVICE_TOKEN) may call /internal/*."""
    if not bearer_matches(authorization, settings.bridge_service_token):
        raise unauthorized(connection)
