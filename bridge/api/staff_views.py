"""What the staff API routers share: the case of my organisation (404 otherwise) and its API shapes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status

from bridge.api.deps import SessionDep
from bridge.api.staff_auth import CurrentStaff
from bridge.models import HandoffCase, StaffAccount
from bridge.schemas.ids import is_id
from bridge.schemas.staff import CaseSummary, StaffPublic
from bridge.services import cases

CASE_NOT_FOUND = "Deze zaak bestaat niet of hoort niet bij uw organisatie."


def staff_public(staff: StaffAccount) -> StaffPublic:
    return StaffPublic(
        id=staff.id,
        email=staff.email,
        display_name=staff.display_name,
        role=staff.role,
        organisation=staff.organisation.name,
    )


def case_summary(case: HandoffCase, staff: StaffAccount) -> CaseSummary:
    """A case as the queue shows it."""
    return CaseSummary(
        id=case.id,
        conversation_id=case.conversation_id,
        channel=case.conversation.channel,
        queue=case.queue,
        status=case.status,
        reden=case.reden,
        intake=case.intake,
        waiting_seconds=cases.waiting_seconds(case),
        claimed_by=case.claimed_by,
        claimed_by_name=case.claimer.display_name if case.claimer else None,
        claimed_by_me=case.claimed_by == staff.id,
        transferred_from=case.transferred_from,
        note=case.note,
        created_at=case.created_at,
        queued_at=case.queued_at,
    )


def own_case(case_id: str, session: SessionDep, staff: CurrentStaff) -> HandoffCase:
    """The case `case_id` if it is in my organisation's queue; 404 otherwise (any role)."""
    try:
        if not is_id(case_id):
            raise cases.CaseNotFound
        return cases.get_case_for(session, staff, case_id)
    except cases.CaseNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, CASE_NOT_FOUND) from None


OwnCase = Annotated[HandoffCase, Depends(own_case)]
