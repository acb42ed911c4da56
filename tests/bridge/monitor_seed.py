"""A hand-counted Regiomonitor data set: 21 conversations, 20 of them on Monday 2 November 2026 (Dutch time).

| group | n | channel  | regio     | intake            | first queue      | case                                              |
|-------|---|----------|-----------|-------------------|------------------|---------------------------------------------------|
| A     | 8 | web      | Flevoland | done (ww, scholing)| UWV             | gevraagd, claimed after 10 min, geholpen at 120 min |
| B     | 6 | telegram | Flevoland | done (werkgever, zorg)| Gemeente Almere | frustratie, claimed 40 min, transferred to WSP Flevoland, doorverwezen at 300 min |
| C     | 4 | web      | Flevoland | stopped at uitkering | -             | -                                                 |
| D     | 2 | web      | -         | no tracker at all | -                | -                                                 |
| E     | 1 | web      | -         | none; 00:30 on 3 November (another day) | - | -                                         |

D's two start at 00:30 and 23:30 on 2 November (Dutch time): both count for that day.
Messages to the bot: A 3 each (0 not understood), B 4 each (1), C 2 each (2) -> 56, of which 14 not understood.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bridge.models import AuditLog, Conversation, HandoffCase
from bridge.services.staff import ensure_organisation
from tests.bridge.tracker_support import TrackerDB, new_id

DAY = date(2026, 11, 2)
MORNING = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
WSP = "Werkgeversservicepunt Flevoland"
FREE_TEXT = ("bij Jan de Vries", "geheim-plan", "Atlantis")  # must never reach the roll-up


def _event(
    sender: str, kind: str, at: float, *, intent: str | None = None, action: str | None = None, **data: Any
) -> dict[str, Any]:
    return {
        "sender_id": sender,
        "type_name": kind,
        "timestamp": at,
        "intent_name": intent,
        "action_name": action,
        "data": json.dumps({"event": kind, **data}),
    }


def _tracker(
    sender: str, start: datetime, *, slots: dict[str, Any], questions: list[str], done: bool, user: int, fallback: int
) -> list[dict[str, Any]]:
    """Rasa's events for one conversation: the form, its questions, slots, user messages."""
    t = start.timestamp()
    rows = [
        _event(sender, "action", t, action="intake_form", name="intake_form"),
        _event(sender, "active_loop", t, name="intake_form"),
    ]
    for question in questions:
        rows.append(_event(sender, "slot", t, name="requested_slot", value=question))
    for name, value in slots.items():
        rows.append(_event(sender, "slot", t, name=name, value=value))
    for index in range(user):
        rows.append(_event(sender, "user", t, intent="nlu_fallback" if index < fallback else "inform", text="..."))
    if done:
        rows += [
            _event(sender, "action", t, action="intake_form", name="intake_form"),
            _event(sender, "slot", t, name="requested_slot", value=None),
            _event(sender, "active_loop", t, name=None),
        ]
    return rows


def _conversation(session: Session, channel: str, at: datetime) -> str:
    conversation = Conversation(id=new_id(), channel=channel, status="gesloten", created_at=at, updated_at=at)
    session.add(conversation)
    return conversation.id


def _case(
    session: Session,
    conversation_id: str,
    *,
    queue: str,
    reden: str,
    intake: dict[str, Any],
    at: datetime,
    claim_min: int,
    close_min: int,
    outcome: str,
    transfer_to: str | None = None,
) -> None:
    case = HandoffCase(
        id=new_id(),
        conversation_id=conversation_id,
        queue=transfer_to or queue,
        status="gesloten",
        reden=reden,
        intake=intake,
        outcome=outcome,
        created_at=at,
        queued_at=at,
        claimed_at=at + timedelta(minutes=claim_min),
        closed_at=at + timedelta(minutes=close_min),
        transferred_from=queue if transfer_to else None,
    )
    session.add(case)
    session.add(
        AuditLog(action="claim", organisation=queue, case_id=case.id, created_at=at + timedelta(minutes=claim_min))
    )
    if transfer_to:
        session.add(
            AuditLog(
                action="transfer",
                organisation=queue,
                case_id=case.id,
                detail={"van": queue, "naar": transfer_to},
                created_at=at + timedelta(minutes=claim_min + 5),
            )
        )
        # The receiving organisation claims it later: the wait counts to the first claim.
        session.add(
            AuditLog(
                action="claim",
                organisation=transfer_to,
                case_id=case.id,
                created_at=at + timedelta(minutes=claim_min + 60),
            )
        )


def seed(session: Session, tracker: TrackerDB) -> None:
    """Write the data set above (bridge database and Rasa's tracker store)."""
    ensure_organisation(session, WSP)
    events: list[dict[str, Any]] = []
    a_intake = {
        "rol": "werkzoekende",
        "uitkering": "ww",
        "behoefte": "scholing",
        "arbeidsmarktregio": "Flevoland",
        "gemeente": "Almere",
        "arrangeur": "uwv",
    }
    for i in range(8):
        at = MORNING + timedelta(minutes=i)
        cid = _conversation(session, "web", at)
        _case(
            session,
            cid,
            queue="UWV",
            reden="gevraagd",
            intake=a_intake,
            at=at,
            claim_min=10,
            close_min=120,
            outcome="geholpen",
        )
        events += _tracker(
            cid,
            at,
            slots={
                **{k: a_intake[k] for k in ("rol", "uitkering", "behoefte", "arbeidsmarktregio")},
                "regelingen": ["scholing-tijdens-ww", "ontwikkeladvies"],
            },
            questions=["rol", "uitkering", "gemeente", "behoefte"],
            done=True,
            user=3,
            fallback=0,
        )
    b_intake = {
        "rol": "werkgever",
        "sector": "zorg",
        "behoefte": "personeel_vinden",
        "arbeidsmarktregio": "Flevoland",
        "gemeente": "Almere",
        "arrangeur": "gemeente",
    }
    for i in range(6):
        at = MORNING + timedelta(hours=2, minutes=i)
        cid = _conversation(session, "telegram", at)
        _case(
            session,
            cid,
            queue="Gemeente Almere",
            reden="frustratie",
            intake=b_intake,
            at=at,
            claim_min=40,
            close_min=300,
            outcome="doorverwezen",
            transfer_to=WSP,
        )
        events += _tracker(
            cid,
            at,
            slots={
                **{k: b_intake[k] for k in ("rol", "sector", "behoefte", "arbeidsmarktregio")},
                "regelingen": ["loonkostensubsidie"],
                "regeling": "stap-budget",
            },
            questions=["rol", "gemeente", "sector", "behoefte"],
            done=True,
            user=4,
            fallback=1,
        )
    for i in range(4):
        at = MORNING + timedelta(hours=4, minutes=i)
        cid = _conversation(session, "web", at)
        junk = {"sector": FREE_TEXT[0], "regelingen": [FREE_TEXT[1]]} if i == 0 else {}
        events += _tracker(
            cid,
            at,
            slots={"rol": "werkende", "arbeidsmarktregio": "Flevoland", **junk},
            questions=["rol", "uitkering"],
            done=False,
            user=2,
            fallback=2,
        )
    _conversation(session, "web", datetime(2026, 11, 1, 23, 30, tzinfo=UTC))  # D: 00:30 on 2 November
    _conversation(session, "web", datetime(2026, 11, 2, 22, 30, tzinfo=UTC))  # D: 23:30 on 2 November
    late = _conversation(session, "web", datetime(2026, 11, 2, 23, 30, tzinfo=UTC))  # E: 00:30 on 3 November
    events += [_event(late, "slot", MORNING.timestamp(), name="arbeidsmarktregio", value=FREE_TEXT[2])]
    session.commit()
    with tracker.engine.begin() as connection:
        from bridge.privacy.tracker_store import EVENTS

        connection.execute(EVENTS.insert(), events)
