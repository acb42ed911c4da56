"""Handoff cases: created by the action server, listed for staff."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import func, select

from bridge.api.deps import SessionDep, require_service_token, require_staff_token
from bridge.models import Conversation, ConversationStatus, HandoffCase
from bridge.schemas.handoff import HandoffCreate, HandoffCreated, HandoffPublic, HandoffsPublic
from bridge.services.queues import queue_for

internal_router = APIRouter(prefix="/internal/handoffs", tags=["internal"], dependencies=[Depends(require_service_token)])
router = APIRouter(prefix="/api/handoffs", tags=["handoffs"], dependencies=[Depends(require_staff_token)])


@internal_router.post("", status_code=status.HTTP_201_CREATED, response_model=HandoffCreated)
def create_handoff(body: HandoffCreate, session: SessionDep) -> HandoffCreated:
    """Hand a conversation to the arrangeur's queue, with the intake the bot collected."""
    conversation = session.get(Conversation, body.conversation_id)
    if conversation is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Onbekend gesprek.")
    intake = body.intake.model_dump()
    case = HandoffCase(
        conversation_id=conversation.id,
        queue=queue_for(intake),
        status=ConversationStatus.WACHT_OP_MEDEWERKER.value,
        reden=body.reden,
        intake=intake,
    )
    session.add(case)
    session.flush()  # assigns the id used in the transcript link
    case.intake = {**intake, "transcript_url": f"/api/conversations/{conversation.id}"}
    conversation.status = ConversationStatus.WACHT_OP_MEDEWERKER.value
    session.commit()
    return HandoffCreated(id=case.id, queue=case.queue, status=case.status)


@router.get("", response_model=HandoffsPublic)
def read_handoffs(session: SessionDep, status_filter: str | None = None) -> HandoffsPublic:
    """All handoff cases, newest first (staff only)."""
    query = select(HandoffCase).order_by(HandoffCase.created_at.desc())
    if status_filter:
        query = query.where(HandoffCase.status == status_filter)
    cases = session.scalars(query).all()
    count = session.scalar(select(func.count()).select_from(HandoffCase)) or 0
    return HandoffsPublic(data=[HandoffPublic.model_validate(c) for c in cases], count=count)
