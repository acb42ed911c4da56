"""Erasing conversations: on the person's request (DELETE) and when their retention ends.

What goes: the conversation, every message (the transcript), every handoff case with its notes
and contact details (also a callback request, bridge.models.callback), the plan with its versions
and link (bridge.models.plan), the conversation id in the
audit log, and the Rasa tracker.
What stays of a *closed* case: a `CaseSummary` (intake summary + outcome, see SUMMARY_FIELDS),
so the organisation can account for its work; it is deleted after RETENTION_DAYS_CASE_SUMMARY.
An open case (nobody finished helping yet) is deleted without a summary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bridge.core.db import rowcount
from bridge.core.logging import log_event
from bridge.models import (
    AuditLog,
    CallbackRequest,
    CaseSummary,
    Conversation,
    ConversationStatus,
    HandoffCase,
    Message,
    Plan,
    PlanVersie,
)
from bridge.privacy.tracker_store import RasaTrackerStore
from bridge.services import events

# The intake fields a case summary keeps: facts about the question, nothing that names the person
# (no contact details, no free text, no link to the transcript).
SUMMARY_FIELDS = ("rol", "uitkering", "gemeente", "arbeidsmarktregio", "sector", "behoefte", "arrangeur", "regelingen")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CHUNK = 500
CLOSED = ConversationStatus.GESLOTEN.value


@dataclass
class ErasureCounts:
    """What was (or, in a dry run, would be) deleted from the bridge database."""

    conversations: int = 0
    messages: int = 0
    cases_summarised: int = 0
    cases_deleted: int = 0
    callbacks: int = 0  # callback requests (contact details given with consent) of open cases
    open_cases: list[tuple[str, str]] = field(default_factory=list)  # (queue, case id), for the consoles


def is_conversation_id(value: str) -> bool:
    """Bridge conversation ids (= Rasa sender ids) are lower-case uuid4 strings."""
    return bool(_UUID.match(value))


def summary_intake(intake: dict[str, Any] | None) -> dict[str, Any]:
    """The intake reduced to SUMMARY_FIELDS, with only plain values (codes, names, lists of slugs)."""
    kept: dict[str, Any] = {}
    for name in SUMMARY_FIELDS:
        value = (intake or {}).get(name)
        if isinstance(value, str) and len(value) <= 100:
            kept[name] = value
        elif isinstance(value, list):
            kept[name] = [v for v in value if isinstance(v, str) and len(v) <= 100]
    return kept


def _summary_of(case: HandoffCase, channel: str) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        queue=case.queue,
        channel=channel,
        reden=case.reden,
        intake=summary_intake(case.intake),
        outcome=case.outcome,
        transferred_from=case.transferred_from,
        created_at=case.created_at,
        closed_at=case.closed_at or case.created_at,
    )


def erase_from_database(session: Session, conversation_ids: Sequence[str], *, dry_run: bool = False) -> ErasureCounts:
    """Delete these conversations from the bridge database (commits unless `dry_run`).

    Closed cases become a CaseSummary; open cases are deleted. Works in chunks so a retention run
    over many conversations stays within the databases' parameter limits.
    """
    counts = ErasureCounts()
    for start in range(0, len(conversation_ids), _CHUNK):
        ids = list(conversation_ids[start : start + _CHUNK])
        conversations = session.scalars(select(Conversation).where(Conversation.id.in_(ids))).all()
        if not conversations:
            continue
        found = [c.id for c in conversations]
        channels = {c.id: c.channel for c in conversations}
        cases = session.scalars(select(HandoffCase).where(HandoffCase.conversation_id.in_(found))).unique().all()
        counts.conversations += len(found)
        for case in cases:
            if case.status == CLOSED:
                counts.cases_summarised += 1
                if not dry_run and session.get(CaseSummary, case.id) is None:
                    session.add(_summary_of(case, channels[case.conversation_id]))
            else:
                counts.cases_deleted += 1
                counts.open_cases.append((case.queue, case.id))
        case_ids = [case.id for case in cases]
        if dry_run:
            counts.messages += (
                session.scalar(select(func.count()).select_from(Message).where(Message.conversation_id.in_(found))) or 0
            )
            counts.callbacks += (
                session.scalar(
                    select(func.count()).select_from(CallbackRequest).where(CallbackRequest.case_id.in_(case_ids))
                )
                or 0
            )
            continue
        session.flush()  # the summaries exist before their cases go
        # The audit log keeps who saw which case when (BIO), but no longer which conversation it was.
        session.execute(update(AuditLog).where(AuditLog.conversation_id.in_(found)).values(conversation_id=None))
        # Explicitly, not only by ON DELETE CASCADE: a SQLite connection without PRAGMA foreign_keys
        # (e.g. a hand-made engine in a script) would otherwise leave the contact details behind.
        counts.callbacks += rowcount(
            session.execute(delete(CallbackRequest).where(CallbackRequest.case_id.in_(case_ids)))
        )
        # Mijn plan (issue 15): the plan and every version go with the conversation (its link stops working).
        plan_ids = select(Plan.id).where(Plan.conversation_id.in_(found)).scalar_subquery()
        session.execute(delete(PlanVersie).where(PlanVersie.plan_id.in_(plan_ids)))
        session.execute(delete(Plan).where(Plan.conversation_id.in_(found)))
        session.execute(delete(HandoffCase).where(HandoffCase.conversation_id.in_(found)))
        counts.messages += rowcount(session.execute(delete(Message).where(Message.conversation_id.in_(found))))
        session.execute(delete(Conversation).where(Conversation.id.in_(found)))
        session.commit()
    session.expunge_all()  # nothing deleted may linger in the identity map
    return counts


def erase_conversation(
    session: Session, tracker_store: RasaTrackerStore, conversation_id: str, *, trigger: str = "verzoek"
) -> bool:
    """Erase one conversation everywhere (bridge database, then Rasa's tracker store); idempotent.

    Returns whether anything was found. Raises TrackerStoreUnavailable when the tracker store
    cannot be reached: the bridge part is then done, and calling again finishes the rest.
    """
    if not is_conversation_id(conversation_id):
        return False  # never an id of ours: nothing to erase, and no sender id of someone else's
    conversation = session.get(Conversation, conversation_id)
    channel = conversation.channel if conversation is not None else None
    counts = erase_from_database(session, [conversation_id])
    for queue, case_id in counts.open_cases:
        events.publish_case(queue, case_id, "closed")  # the case leaves the organisation's queue
    tracker_rows = tracker_store.delete_senders([conversation_id])
    found = counts.conversations > 0 or tracker_rows > 0
    if found:
        log_event("ED-5001", conversation=conversation_id, channel=channel or "onbekend", trigger=trigger)
    return found
