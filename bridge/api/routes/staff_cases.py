"""Staff API, cases: my organisation's queue; read, claim, reply, transfer, hand back, close.

Every case route is limited to the staff member's own organisation (404 for any other case).
A case that is closed or claimed by a colleague answers 409 (bridge/api/errors.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from bridge.api.deps import RasaDep, SessionDep
from bridge.api.staff_auth import CurrentStaff, client_address
from bridge.api.staff_views import OwnCase, case_summary
from bridge.schemas.callback import CallbackForStaff
from bridge.schemas.errors import BODY, errors
from bridge.schemas.staff import CaseDetail, CasesPublic, CaseSummary, CloseIn, ReplyIn, StaffMessage, TransferIn
from bridge.services import cases

router = APIRouter(prefix="/api/staff", tags=["staff"], responses=errors(401))


@router.get("/queue", response_model=CasesPublic)
def read_queue(session: SessionDep, staff: CurrentStaff) -> CasesPublic:
    """Open cases of my organisation, longest waiting first."""
    data = [case_summary(c, staff) for c in cases.queue_cases(session, staff.organisation.name)]
    return CasesPublic(data=data, count=len(data))


@router.get("/cases/{case_id}", response_model=CaseDetail, responses=errors(404))
def read_case(case: OwnCase, request: Request, session: SessionDep, staff: CurrentStaff) -> CaseDetail:
    """Intake and full transcript of one case; every read is written to the audit log."""
    view = cases.view_case(session, staff, case, address=client_address(request))
    return CaseDetail(
        **case_summary(case, staff).model_dump(),
        outcome=case.outcome,
        outcome_note=case.outcome_note,
        closed_at=case.closed_at,
        messages=[StaffMessage.model_validate(m) for m in view.messages],
        terugbelverzoek=CallbackForStaff.of(view.callback) if view.callback else None,
    )


@router.post("/cases/{case_id}/claim", response_model=CaseSummary, responses=errors(403, 404, 409))
def claim_case(case: OwnCase, request: Request, session: SessionDep, staff: CurrentStaff) -> CaseSummary:
    """Take the case; the person sees that a medewerker has joined."""
    cases.claim(session, staff, case, address=client_address(request))
    return case_summary(case, staff)


@router.post(
    "/cases/{case_id}/messages",
    response_model=StaffMessage,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*BODY, 403, 404, 409),
)
def reply_case(
    case: OwnCase, body: ReplyIn, request: Request, session: SessionDep, staff: CurrentStaff
) -> StaffMessage:
    """Send a message to the person, live (claims the case when nobody has)."""
    message = cases.reply(session, staff, case, body.text, address=client_address(request))
    return StaffMessage.model_validate(message)


@router.post("/cases/{case_id}/typing", status_code=status.HTTP_204_NO_CONTENT, responses=errors(403, 404))
def typing_case(case: OwnCase, staff: CurrentStaff) -> None:
    """Show the person a typing indicator."""
    cases.typing(staff, case)


@router.post("/cases/{case_id}/transfer", response_model=CaseSummary, responses=errors(*BODY, 403, 404, 409))
def transfer_case(
    case: OwnCase, body: TransferIn, request: Request, session: SessionDep, staff: CurrentStaff
) -> CaseSummary:
    """Hand the case to another organisation with a note; the intake goes along."""
    cases.transfer(session, staff, case, body.queue, body.note, address=client_address(request))
    return case_summary(case, staff)


@router.post("/cases/{case_id}/handback", response_model=CaseSummary, responses=errors(403, 404, 409))
def handback_case(
    case: OwnCase, request: Request, session: SessionDep, staff: CurrentStaff, rasa: RasaDep
) -> CaseSummary:
    """Give the conversation back to the bot, slots intact."""
    cases.handback(session, staff, case, rasa, address=client_address(request))
    return case_summary(case, staff)


@router.post("/cases/{case_id}/close", response_model=CaseSummary, responses=errors(*BODY, 403, 404, 409))
def close_case(case: OwnCase, body: CloseIn, request: Request, session: SessionDep, staff: CurrentStaff) -> CaseSummary:
    """Close the case with an outcome."""
    cases.close(session, staff, case, body.outcome, body.note, address=client_address(request))
    return case_summary(case, staff)
