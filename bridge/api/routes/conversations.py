"""Public conversation API: the door every channel comes through."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from bridge.api.deps import RasaDep, SessionDep, SettingsDep, TrackerStoreDep
from bridge.models import Conversation
from bridge.schemas.conversation import (
    ConversationCreate,
    ConversationCreated,
    ConversationPublic,
    MessageIn,
    MessagePublic,
    RepliesOut,
)
from bridge.privacy.erasure import erase_conversation
from bridge.privacy.tracker_store import TrackerStoreUnavailable
from bridge.services.conversations import handle_user_message
from bridge.services.reliability import actions_answer
from bridge.services.rasa_client import RasaUnavailable

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

NOT_FOUND = "Dit gesprek bestaat niet (meer). Begin een nieuw gesprek."
ERASURE_INCOMPLETE = (
    "Uw gesprek is gewist, maar een deel kon nog niet worden verwijderd. Probeert u het zo nog eens."
)


def _get_or_404(session: SessionDep, conversation_id: str) -> Conversation:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return conversation


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConversationCreated)
def create_conversation(session: SessionDep, body: ConversationCreate | None = None) -> ConversationCreated:
    """Start a new conversation; its id is also the Rasa sender id."""
    conversation = Conversation(channel=(body or ConversationCreate()).channel)
    session.add(conversation)
    session.commit()
    return ConversationCreated(id=conversation.id)


@router.post("/{conversation_id}/messages", response_model=RepliesOut)
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


@router.get("/{conversation_id}", response_model=ConversationPublic)
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


@router.delete("/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
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
