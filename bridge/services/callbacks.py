"""Callback requests: the person asks to be called back, with consent, while a case is open.

The number never goes into the transcript: the transcript gets a notice without it, so the person
and the medewerker see that it happened. The row lives only as long as the open case
(`forget_for_case` on close and handback; erasure and retention delete it with the conversation).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bridge.models import CallbackRequest, Conversation, HandoffCase
from bridge.models.conversation import Author
from bridge.schemas.callback import CONSENT_VERSION, CallbackIn
from bridge.services import events
from bridge.services.records import open_case, store_message
from bridge.services.staff import utcnow

REQUESTED_NOTICE = "U heeft gevraagd om teruggebeld te worden."
CHANGED_NOTICE = "U heeft uw terugbelverzoek gewijzigd."
PREFERENCE_NOTICE = " Uw voorkeur: {dagdeel}."
WITHDRAWN_NOTICE = "U heeft uw terugbelverzoek ingetrokken. Uw telefoonnummer is verwijderd."
# Changes the console hears on its queue topic: the case page asks to reload, or hides the details.
CASE_CHANGE = "terugbelverzoek"
CASE_CHANGE_WITHDRAWN = "terugbelverzoek_ingetrokken"


class NoOpenCase(Exception):
    """The conversation has no case waiting for or handled by a medewerker: nobody to call back."""


def _notice(first: bool, dagdeel: str | None) -> str:
    text = REQUESTED_NOTICE if first else CHANGED_NOTICE
    if dagdeel and dagdeel != "geen voorkeur":
        text += PREFERENCE_NOTICE.format(dagdeel=dagdeel)
    return text


def _save(session: Session, case: HandoffCase, details: CallbackIn) -> bool:
    """Insert or replace the case's request (commits); returns whether it is new."""
    fields: dict[str, Any] = {
        "telefoonnummer": details.telefoonnummer,
        "email": details.email,
        "dagdeel": details.dagdeel,
        "consent_at": utcnow(),
        "consent_version": CONSENT_VERSION,
    }
    existing = session.get(CallbackRequest, case.id)
    if existing is None:
        session.add(CallbackRequest(case_id=case.id, **fields))
        try:
            session.commit()
            return True
        except IntegrityError:
            # The same person sent the form twice at once: the other request inserted first.
            session.rollback()
            existing = session.get(CallbackRequest, case.id)
            if existing is None:
                raise
    for name, value in fields.items():
        setattr(existing, name, value)
    session.commit()
    return False


def request_callback(session: Session, conversation: Conversation, details: CallbackIn) -> CallbackRequest:
    """Keep the details with the conversation's open case (a second request replaces the first).

    Raises NoOpenCase when no medewerker has the conversation or is about to get it.
    """
    case = open_case(session, conversation.id)
    if case is None:
        raise NoOpenCase
    first = _save(session, case, details)
    store_message(session, conversation, author=Author.SYSTEM, delivered=True, text=_notice(first, details.dagdeel))
    events.publish_case(case.queue, case.id, CASE_CHANGE)
    request = session.get(CallbackRequest, case.id)
    assert request is not None
    return request


def current_request(session: Session, conversation: Conversation) -> CallbackRequest | None:
    """The request kept with the conversation's open case, if any."""
    case = open_case(session, conversation.id)
    return session.get(CallbackRequest, case.id) if case is not None else None


def withdraw(session: Session, conversation: Conversation) -> bool:
    """Consent withdrawn: delete the details from every case of the conversation; whether any were kept."""
    queues: dict[str, str] = {
        case_id: queue
        for case_id, queue in session.execute(
            select(HandoffCase.id, HandoffCase.queue)
            .join(CallbackRequest, CallbackRequest.case_id == HandoffCase.id)
            .where(HandoffCase.conversation_id == conversation.id)
        )
    }
    if not queues:
        return False
    session.execute(delete(CallbackRequest).where(CallbackRequest.case_id.in_(list(queues))))
    session.commit()
    session.expire_all()  # no deleted request may linger in the identity map
    store_message(session, conversation, author=Author.SYSTEM, delivered=True, text=WITHDRAWN_NOTICE)
    for case_id, queue in queues.items():
        events.publish_case(queue, case_id, CASE_CHANGE_WITHDRAWN)
    return True


def for_case(session: Session, case: HandoffCase) -> CallbackRequest | None:
    """The case's callback request, for the medewerkers of its organisation."""
    return session.get(CallbackRequest, case.id)


def cases_with_request(session: Session, case_ids: list[str]) -> set[str]:
    """Which of these cases have a callback request (for a badge in the queue, without details)."""
    if not case_ids:
        return set()
    return set(session.scalars(select(CallbackRequest.case_id).where(CallbackRequest.case_id.in_(case_ids))))


def forget_for_case(session: Session, case: HandoffCase) -> None:
    """The case is finished (closed or handed back): the details have served their purpose.

    Adds the delete to the caller's transaction; the caller commits with its own change.
    """
    session.execute(delete(CallbackRequest).where(CallbackRequest.case_id == case.id))


def audit_detail(request: CallbackRequest | None) -> dict[str, Any] | None:
    """What a case_view audit row notes when the page showed contact details (never the details)."""
    return {"contactgegevens_getoond": True} if request is not None else None
