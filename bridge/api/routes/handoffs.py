"""Handoff cases: created by the action server, listed for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import func, select

from bridge.api.deps import SessionDep, require_service_token
from bridge.api.staff_auth import staff_or_token
from bridge.models import Conversation, ConversationStatus, HandoffCase, StaffAccount
from bridge.schemas.errors import BODY, errors
from bridge.schemas.handoff import HandoffCreate, HandoffCreated, HandoffPublic, HandoffsPublic
from bridge.schemas.ids import is_id
from bridge.services.cases import hand_over

internal_router = APIRouter(
    prefix="/internal/handoffs", tags=["internal"], dependencies=[Depends(require_service_token)]
)
router = APIRouter(prefix="/api/handoffs", tags=["handoffs"])


@internal_router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=HandoffCreated, responses=errors(*BODY, 401, 404)
)
def create_handoff(body: HandoffCreate, session: SessionDep) -> HandoffCreated:
    """Hand a conversation to the arrangeur's queue, with the intake the bot collected."""
    conversation = session.get(Conversation, body.conversation_id) if is_id(body.conversation_id) else None
    if conversation is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Onbekend gesprek.")
    case = hand_over(session, conversation, reden=body.reden, intake=body.intake.model_dump())
    return HandoffCreated(id=case.id, queue=case.queue, status=case.status)


@router.get("", response_model=HandoffsPublic, responses=errors(401))
def read_handoffs(
    session: SessionDep,
    staff: Annotated[StaffAccount | None, Depends(staff_or_token)],
    status_filter: ConversationStatus | None = None,
) -> HandoffsPublic:
    """Handoff cases, newest first: a staff member sees their own organisation, the STAFF_TOKEN all."""
    query = select(HandoffCase).order_by(HandoffCase.created_at.desc())
    count_query = select(func.count()).select_from(HandoffCase)
    if staff is not None:
        query = query.where(HandoffCase.queue == staff.organisation.name)
        count_query = count_query.where(HandoffCase.queue == staff.organisation.name)
    if status_filter:
        query = query.where(HandoffCase.status == status_filter)
    cases = session.scalars(query).unique().all()
    count = session.scalar(count_query) or 0
    return HandoffsPublic(data=[HandoffPublic.model_validate(c) for c in cases], count=count)
