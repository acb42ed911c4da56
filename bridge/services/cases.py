"""What counter staff do with a handoff case: claim, reply, transfer, hand back, close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bridge.core.db import rowcount
from bridge.core.logging import log_event
from bridge.models import (
    CallbackRequest,
    Conversation,
    ConversationStatus,
    HandoffCase,
    Message,
    Organisation,
    StaffAccount,
    StaffRole,
)
from bridge.models.conversation import Author
from bridge.services import callbacks, events
from bridge.services.queues import queue_for
from bridge.services.rasa_client import RasaClient, RasaUnavailable
from bridge.services.records import set_status, store_message
from bridge.services.staff import audit, ensure_organisation, utcnow

CLOSED = ConversationStatus.GESLOTEN.value
# Outcomes staff choose when closing; `terug_naar_bot` is set by a handback.
OUTCOMES = {
    "geholpen": "Geholpen",
    "doorverwezen": "Doorverwezen naar een andere instantie",
    "geen_contact": "Geen contact gekregen",
    "dubbel": "Dubbele melding",
    "anders": "Anders",
}
HANDBACK_OUTCOME = "terug_naar_bot"

JOINED_NOTICE = "{name} van {organisation} helpt u nu verder. U kunt hier uw vraag stellen."
TRANSFER_NOTICE = (
    "Uw vraag is doorgezet naar {queue}. Een medewerker daar neemt het over. "
    "U hoeft uw verhaal niet opnieuw te vertellen."
)
HANDBACK_NOTICE = (
    "De medewerker heeft het gesprek teruggegeven aan de digitale assistent. U kunt hier verder met uw vraag."
)
CLOSED_NOTICE = (
    "De medewerker heeft het gesprek afgesloten. Heeft u nog een vraag? Typ die dan hier; "
    "de digitale assistent helpt u verder."
)


class CaseNotFound(Exception):
    """No such case in the staff member's organisation (another organisation's case looks the same)."""


class CaseConflict(Exception):
    """The case is closed, or another medewerker has claimed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def hand_over(session: Session, conversation: Conversation, *, reden: str, intake: dict[str, Any]) -> HandoffCase:
    """Open a case in the arrangeur's queue with the intake and a transcript link; the person now
    waits for a medewerker, and that organisation's console hears of it at once."""
    case = HandoffCase(
        conversation_id=conversation.id,
        queue=queue_for(intake),
        status=ConversationStatus.WACHT_OP_MEDEWERKER.value,
        reden=reden,
        intake={**intake, "transcript_url": f"/api/conversations/{conversation.id}"},
    )
    session.add(case)
    ensure_organisation(session, case.queue)  # so staff of a new queue can be given accounts
    session.commit()
    log_event(
        "ED-4000",
        conversation=conversation.id,
        handoff=case.id,
        reden=reden,
        queue=case.queue,
        arrangeur=str(intake.get("arrangeur") or ""),
    )
    set_status(session, conversation, ConversationStatus.WACHT_OP_MEDEWERKER, queue=case.queue)
    events.publish_case(case.queue, case.id, "new")
    return case


def waiting_seconds(case: HandoffCase, now: datetime | None = None) -> int:
    """How long the case has waited in its current queue."""
    since = case.queued_at or case.created_at
    return max(0, int(((now or utcnow()) - since).total_seconds()))


def queue_cases(session: Session, queue: str) -> list[HandoffCase]:
    """Open cases of one queue: possible crises first, then longest waiting first."""
    rows = session.scalars(
        select(HandoffCase)
        .where(HandoffCase.queue == queue, HandoffCase.status != CLOSED)
        .order_by(HandoffCase.queued_at.asc(), HandoffCase.created_at.asc())
    ).unique()
    return sorted(rows, key=lambda case: case.reden != "crisis")  # stable: keeps the waiting order


def get_case_for(session: Session, staff: StaffAccount, case_id: str) -> HandoffCase:
    """The case if it is in the staff member's organisation queue; CaseNotFound otherwise (any role)."""
    case = session.get(HandoffCase, case_id)
    # Isolation between organisations: same answer for "not there" and "not yours".
    if case is None or case.queue != staff.organisation.name:
        raise CaseNotFound
    return case


def transcript(session: Session, case: HandoffCase) -> list[Message]:
    """Every message of the case's conversation, oldest first."""
    return list(
        session.scalars(select(Message).where(Message.conversation_id == case.conversation_id).order_by(Message.id))
    )


@dataclass(frozen=True)
class CaseView:
    """What a medewerker sees of a case besides its intake: the transcript and any callback request."""

    messages: list[Message]
    callback: CallbackRequest | None


def view_case(session: Session, staff: StaffAccount, case: HandoffCase, *, address: str | None = None) -> CaseView:
    """Show a case's transcript (and callback details, if any) to a medewerker: written to the audit log
    as `case_view`, noting whether contact details were shown (never the details), and committed."""
    callback = callbacks.for_case(session, case)
    audit(
        session,
        staff,
        "case_view",
        case_id=case.id,
        conversation_id=case.conversation_id,
        address=address,
        detail=callbacks.audit_detail(callback),
    )
    session.commit()
    return CaseView(messages=transcript(session, case), callback=callback)


def _require_open(case: HandoffCase) -> None:
    if case.status == CLOSED:
        raise CaseConflict("Deze zaak is al afgesloten.")


def claim(session: Session, staff: StaffAccount, case: HandoffCase, *, address: str | None = None) -> HandoffCase:
    """Take the case: the person sees that a medewerker has joined."""
    _require_open(case)
    if case.claimed_by == staff.id:
        return case
    may_take_over = staff.role in (StaffRole.COORDINATOR, StaffRole.BEHEERDER)
    condition = or_(HandoffCase.claimed_by.is_(None), HandoffCase.claimed_by == staff.id)
    query = update(HandoffCase).where(HandoffCase.id == case.id, HandoffCase.status != CLOSED)
    if not may_take_over:
        query = query.where(condition)  # atomic: two medewerkers clicking at once, one wins
    previous = case.claimer.display_name if case.claimer else None
    result = session.execute(
        query.values(claimed_by=staff.id, claimed_at=utcnow(), status=ConversationStatus.MEDEWERKER.value)
    )
    if rowcount(result) != 1:
        session.rollback()
        raise CaseConflict("Een collega heeft deze zaak al opgepakt.")
    audit(
        session,
        staff,
        "claim",
        case_id=case.id,
        conversation_id=case.conversation_id,
        address=address,
        detail={"overgenomen_van": previous} if previous else None,
    )
    session.commit()
    session.refresh(case)
    log_event("ED-4001", handoff=case.id, queue=case.queue)
    conversation = case.conversation
    set_status(session, conversation, ConversationStatus.MEDEWERKER, queue=case.queue, staff_name=staff.display_name)
    store_message(
        session,
        conversation,
        author=Author.SYSTEM,
        delivered=True,
        text=JOINED_NOTICE.format(name=staff.display_name, organisation=case.queue),
    )
    events.publish_case(case.queue, case.id, "claimed")
    return case


def _ensure_claimed_by(session: Session, staff: StaffAccount, case: HandoffCase, address: str | None) -> None:
    if case.claimed_by is None:
        claim(session, staff, case, address=address)
    elif case.claimed_by != staff.id:
        if staff.role == StaffRole.MEDEWERKER:
            raise CaseConflict("Een collega heeft deze zaak opgepakt; alleen die collega kan hier antwoorden.")
        claim(session, staff, case, address=address)  # a coordinator takes over explicitly by acting


def reply(
    session: Session, staff: StaffAccount, case: HandoffCase, text: str, *, address: str | None = None
) -> Message:
    """Send the medewerker's message to the person, live."""
    _require_open(case)
    _ensure_claimed_by(session, staff, case, address)
    audit(session, staff, "reply", case_id=case.id, conversation_id=case.conversation_id, address=address)
    return store_message(
        session, case.conversation, author=Author.STAFF, text=text, delivered=True, staff_name=staff.display_name
    )


def typing(staff: StaffAccount, case: HandoffCase) -> None:
    """Show the person that a medewerker is typing."""
    if case.status != CLOSED and case.claimed_by == staff.id:
        events.publish_typing(case.conversation_id, "staff")


def transfer(
    session: Session, staff: StaffAccount, case: HandoffCase, queue: str, note: str, *, address: str | None = None
) -> HandoffCase:
    """Hand the case to another organisation with a note ("warme overdracht"); the intake goes along."""
    _require_open(case)
    if queue == case.queue:
        raise CaseConflict("De zaak staat al bij deze organisatie.")
    if session.scalar(select(Organisation).where(Organisation.name == queue)) is None:
        raise CaseConflict("Deze organisatie is onbekend.")
    old_queue = case.queue
    case.transferred_from = old_queue
    case.queue = queue
    case.note = note
    case.claimed_by = None
    case.claimed_at = None
    case.queued_at = utcnow()
    case.status = ConversationStatus.WACHT_OP_MEDEWERKER.value
    audit(
        session,
        staff,
        "transfer",
        case_id=case.id,
        conversation_id=case.conversation_id,
        address=address,
        detail={"van": old_queue, "naar": queue},
    )
    session.commit()
    conversation = case.conversation
    set_status(session, conversation, ConversationStatus.WACHT_OP_MEDEWERKER, queue=queue)
    store_message(session, conversation, author=Author.SYSTEM, delivered=True, text=TRANSFER_NOTICE.format(queue=queue))
    events.publish_case(old_queue, case.id, "transferred_out")
    events.publish_case(queue, case.id, "new")
    return case


def _finish(case: HandoffCase, outcome: str, note: str | None) -> None:
    case.status = CLOSED
    case.outcome = outcome
    case.outcome_note = note
    case.closed_at = utcnow()


def _tell_rasa_about_staff_part(session: Session, rasa: RasaClient, case: HandoffCase) -> None:
    """Append the medewerker's messages to the Rasa tracker, then resume it (slots stay as they were)."""
    since = case.created_at
    staff_messages = [m for m in transcript(session, case) if m.author == Author.STAFF and m.created_at >= since]
    try:
        for message in staff_messages:
            rasa.append_event(
                case.conversation_id, {"event": "bot", "text": message.text, "metadata": {"author": "staff"}}
            )
        rasa.append_event(case.conversation_id, {"event": "resume"})
    except RasaUnavailable as error:
        # The tracker (and its slots) is still in Rasa's store; the next message resumes it anyway.
        log_event("ED-3005", conversation=case.conversation_id, reason=type(error.__cause__ or error).__name__)


def handback(
    session: Session, staff: StaffAccount, case: HandoffCase, rasa: RasaClient, *, address: str | None = None
) -> HandoffCase:
    """Give the conversation back to the bot; the person's next message goes to Rasa again."""
    _require_open(case)
    _finish(case, HANDBACK_OUTCOME, None)
    callbacks.forget_for_case(session, case)  # the bot has the person again: nobody will call back
    audit(session, staff, "handback", case_id=case.id, conversation_id=case.conversation_id, address=address)
    session.commit()
    _tell_rasa_about_staff_part(session, rasa, case)
    conversation = case.conversation
    set_status(session, conversation, ConversationStatus.BOT)
    store_message(session, conversation, author=Author.SYSTEM, delivered=True, text=HANDBACK_NOTICE)
    events.publish_case(case.queue, case.id, "closed")
    return case


def close(
    session: Session,
    staff: StaffAccount,
    case: HandoffCase,
    outcome: str,
    note: str | None = None,
    *,
    address: str | None = None,
) -> HandoffCase:
    """Close the case with an outcome; the person is told and can start again with the bot."""
    _require_open(case)
    if outcome not in OUTCOMES:
        raise CaseConflict("Kies een uitkomst uit de lijst.")
    _finish(case, outcome, note)
    # Data minimisation: the callback has happened (or will not); the contact details go with the
    # close, in the same transaction, and never reach the CaseSummary.
    callbacks.forget_for_case(session, case)
    audit(
        session,
        staff,
        "close",
        case_id=case.id,
        conversation_id=case.conversation_id,
        address=address,
        detail={"uitkomst": outcome},
    )
    session.commit()
    conversation: Conversation = case.conversation
    set_status(session, conversation, ConversationStatus.GESLOTEN)
    store_message(session, conversation, author=Author.SYSTEM, delivered=True, text=CLOSED_NOTICE)
    events.publish_case(case.queue, case.id, "closed")
    return case
