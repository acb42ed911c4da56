"""Public conversation API: the door every channel comes through."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from limits import parse
from slowapi.util import get_remote_address

from bridge.api.deps import RasaDep, SessionDep, SettingsDep, TrackerStoreDep
from bridge.core.logging import log_event
from bridge.core.security import RATE_LIMITED_MESSAGE
from bridge.models import Conversation
from bridge.schemas.callback import CallbackIn, CallbackPublic
from bridge.schemas.conversation import (
    ConversationCreate,
    ConversationCreated,
    ConversationPublic,
    MessageIn,
    MessagePublic,
    RepliesOut,
)
from bridge.schemas.errors import BODY, ErrorOut, errors
from bridge.schemas.ids import is_id
from bridge.privacy.erasure import erase_conversation
from bridge.privacy.tracker_store import TrackerStoreUnavailable
from bridge.services import callbacks
from bridge.services.conversations import handle_user_message
from bridge.services.reliability import actions_answer
from bridge.services.rasa_client import RasaUnavailable

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

NOT_FOUND = "Dit gesprek bestaat niet (meer). Begin een nieuw gesprek."
ERASURE_INCOMPLETE = (
    "Uw gesprek is gewist, maar een deel kon nog niet worden verwijderd. Probeert u het zo nog eens."
)


def _get_or_404(session: SessionDep, conversation_id: str) -> Conversation:
    conversation = session.get(Conversation, conversation_id) if is_id(conversation_id) else None
    if conversation is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return conversation


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConversationCreated, responses=errors(*BODY, 429))
def create_conversation(session: SessionDep, body: ConversationCreate | None = None) -> ConversationCreated:
    """Start a new conversation; its id is also the Rasa sender id."""
    conversation = Conversation(channel=(body or ConversationCreate()).channel)
    session.add(conversation)
    session.commit()
    return ConversationCreated(id=conversation.id)


@router.post("/{conversation_id}/messages", response_model=RepliesOut, responses=errors(*BODY, 404, 429))
def post_message(
    conversation_id: str, body: MessageIn, session: SessionDep, rasa: RasaDep, settings: SettingsDep
) -> RepliesOut:
    """Send the user's message; answer with the bot's replies (empty while a medewerker answers).

    When the bot cannot answer, the reply is a notice with a button to leave the question for a
    medewerker (HTTP 200: the message is stored, nothing for the channel to retry).
    """
    conversation = _get_or_404(session, conversation_id)
    replies = handle_user_message(
        session, rasa, conversation, text=body.text, payload=body.payload, client_message_id=body.client_message_id,
        actions_healthy=lambda: actions_answer(settings.actions_urls),
        duplicate_wait_s=settings.rasa_timeout_seconds + 1.0,
    )
    return RepliesOut.model_validate({"replies": replies})


@router.get("/{conversation_id}", response_model=ConversationPublic, responses=errors(404))
def read_conversation(conversation_id: str, session: SessionDep, rasa: RasaDep) -> ConversationPublic:
    """The conversation with its status, the bot's slots and all messages."""
    conversation = _get_or_404(session, conversation_id)
    try:
        slots = rasa.slots(conversation.id)
    except RasaUnavailable:
        slots = {}
    return ConversationPublic(
        id=conversation.id,
        channel=conversation.channel,
        status=conversation.status,
        slots=slots,
        messages=[MessagePublic.model_validate(m) for m in conversation.messages],
    )


@router.delete(
    "/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
    responses={503: {"model": ErrorOut, "description": "Rasa's tracker store could not be reached: call again."}},
)
def delete_conversation(conversation_id: str, session: SessionDep, tracker_store: TrackerStoreDep) -> Response:
    """Erase the conversation ("gesprek wissen", /vergeet): messages, cases and the Rasa tracker.

    Always 204, also for an id that does not (or no longer) exist, so erasing twice is fine and
    the answer does not tell whether a conversation existed.
    """
    try:
        erase_conversation(session, tracker_store, conversation_id)
    except TrackerStoreUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, ERASURE_INCOMPLETE) from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---- callback request (terugbelverzoek): contact details given on purpose, with consent ----

CALLBACK_PATH = "/{conversation_id}/terugbelverzoek"
CALLBACK_NO_OPEN_CASE = (
    "U kunt alleen om terugbellen vragen als uw vraag bij een medewerker ligt. "
    "Vraag in de chat eerst om een medewerker."
)
CALLBACK_NOT_FOUND = "Er is geen terugbelverzoek bewaard bij dit gesprek."


def callback_rate_limit(conversation_id: str, request: Request, settings: SettingsDep) -> None:
    """The limits of posting a message (per address, per conversation), counted apart for callbacks.

    Uses the app's slowapi Limiter and its storage (Redis with several workers), as the
    RateLimitMiddleware does for messages.
    """
    limiter = request.app.state.limiter
    if not limiter.enabled:
        return
    checks = (
        ("client", parse(settings.rate_limit_per_client), get_remote_address(request)),
        ("conversation", parse(settings.rate_limit_per_conversation), conversation_id),
    )
    for scope, item, key in checks:
        if not limiter.limiter.hit(item, "terugbelverzoek", scope, key):
            reset_at = limiter.limiter.get_window_stats(item, "terugbelverzoek", scope, key).reset_time
            log_event("ED-6000", scope=scope, path="/api/conversations/{id}/terugbelverzoek", limit=str(item))
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS, RATE_LIMITED_MESSAGE,
                headers={"Retry-After": str(max(1, int(reset_at - time.time()) + 1))},
            )


@router.post(
    CALLBACK_PATH, status_code=status.HTTP_201_CREATED, response_model=CallbackPublic,
    dependencies=[Depends(callback_rate_limit)],
    responses={**errors(*BODY, 404, 429),
               409: {"model": ErrorOut, "description": "No open handoff case: nobody to call back."}},
)
def request_callback(conversation_id: str, body: CallbackIn, session: SessionDep) -> CallbackPublic:
    """Ask a medewerker to call back (only while a case waits or is being handled).

    `toestemming` must be JSON `true`. The number is kept only with the open case, never in the
    transcript; the answer shows it partly masked. Sending again replaces the earlier details.
    """
    conversation = _get_or_404(session, conversation_id)
    try:
        kept = callbacks.request_callback(session, conversation, body)
    except callbacks.NoOpenCase:
        raise HTTPException(status.HTTP_409_CONFLICT, CALLBACK_NO_OPEN_CASE) from None
    return CallbackPublic.of(kept)


@router.get(
    CALLBACK_PATH, response_model=CallbackPublic,
    responses={404: {"model": ErrorOut, "description": "Unknown conversation, or no callback request kept."}},
)
def read_callback(conversation_id: str, session: SessionDep) -> CallbackPublic:
    """The callback request kept with the open case, partly masked (the web chat shows it after a reload)."""
    kept = callbacks.current_request(session, _get_or_404(session, conversation_id))
    if kept is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, CALLBACK_NOT_FOUND)
    return CallbackPublic.of(kept)


@router.delete(CALLBACK_PATH, status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=errors(404))
def withdraw_callback(conversation_id: str, session: SessionDep) -> Response:
    """Withdraw consent: the contact details are deleted at once (204 also when none were kept)."""
    callbacks.withdraw(session, _get_or_404(session, conversation_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
