"""Public conversation API: the door every channel comes through."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from bridge.api.deps import RasaDep, SessionDep, SettingsDep, TrackerStoreDep, conversation_or_404
from bridge.core.logging import log_event
from bridge.models import Conversation
from bridge.privacy.erasure import erase_conversation
from bridge.privacy.tracker_store import TrackerStoreUnavailable
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
from bridge.services import callbacks
from bridge.services.conversations import handle_user_message
from bridge.services.rasa_client import RasaUnavailable
from bridge.services.reliability import actions_answer

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

ERASURE_INCOMPLETE = "Uw gesprek is gewist, maar een deel kon nog niet worden verwijderd. Probeert u het zo nog eens."


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConversationCreated, responses=errors(*BODY, 429))
def create_conversation(session: SessionDep, body: ConversationCreate | None = None) -> ConversationCreated:
    """Start a new conversation; its id is also the Rasa sender id."""
    conversation = Conversation(channel=(body or ConversationCreate()).channel)
    session.add(conversation)
    session.commit()
    log_event("ED-2000", conversation=conversation.id, channel=conversation.channel)
    return ConversationCreated(id=conversation.id)


@router.post("/{conversation_id}/messages", response_model=RepliesOut, responses=errors(*BODY, 404, 429))
def post_message(
    conversation_id: str, body: MessageIn, session: SessionDep, rasa: RasaDep, settings: SettingsDep
) -> RepliesOut:
    """Send the user's message; answer with the bot's replies (empty while a medewerker answers).

    When the bot cannot answer, the reply is a notice with a button to leave the question for a
    medewerker (HTTP 200: the message is stored, nothing for the channel to retry).
    """
    conversation = conversation_or_404(session, conversation_id)
    turn = handle_user_message(
        session,
        rasa,
        conversation,
        text=body.text,
        payload=body.payload,
        client_message_id=body.client_message_id,
        actions_healthy=lambda: actions_answer(settings.actions_urls),
        duplicate_wait_s=settings.rasa_timeout_seconds + 1.0,
    )
    return RepliesOut.model_validate({"message_id": turn.message_id, "replies": turn.replies})


@router.get("/{conversation_id}", response_model=ConversationPublic, responses=errors(404))
def read_conversation(conversation_id: str, session: SessionDep, rasa: RasaDep) -> ConversationPublic:
    """The conversation with its status, the bot's slots and all messages."""
    conversation = conversation_or_404(session, conversation_id)
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
    "/{conversation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
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


@router.post(
    CALLBACK_PATH,
    status_code=status.HTTP_201_CREATED,
    response_model=CallbackPublic,
    responses={
        **errors(*BODY, 404, 429),
        409: {"model": ErrorOut, "description": "No open handoff case: nobody to call back."},
    },
)
def request_callback(conversation_id: str, body: CallbackIn, session: SessionDep) -> CallbackPublic:
    """Ask a medewerker to call back (only while a case waits or is being handled).

    `toestemming` must be JSON `true`. The number is kept only with the open case, never in the
    transcript; the answer shows it partly masked. Sending again replaces the earlier details.
    Rate-limited like messages, with counters of its own (bridge/core/security.py).
    """
    conversation = conversation_or_404(session, conversation_id)
    try:
        kept = callbacks.request_callback(session, conversation, body)
    except callbacks.NoOpenCase:
        raise HTTPException(status.HTTP_409_CONFLICT, CALLBACK_NO_OPEN_CASE) from None
    return CallbackPublic.of(kept)


@router.get(
    CALLBACK_PATH,
    response_model=CallbackPublic,
    responses={404: {"model": ErrorOut, "description": "Unknown conversation, or no callback request kept."}},
)
def read_callback(conversation_id: str, session: SessionDep) -> CallbackPublic:
    """The callback request kept with the open case, partly masked (the web chat shows it after a reload)."""
    kept = callbacks.current_request(session, conversation_or_404(session, conversation_id))
    if kept is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, CALLBACK_NOT_FOUND)
    return CallbackPublic.of(kept)


@router.delete(CALLBACK_PATH, status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=errors(404))
def withdraw_callback(conversation_id: str, session: SessionDep) -> Response:
    """Withdraw consent: the contact details are deleted at once (204 also when none were kept)."""
    callbacks.withdraw(session, conversation_or_404(session, conversation_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
