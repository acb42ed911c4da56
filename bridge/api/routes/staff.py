"""Staff API: log in, see your organisation's queue, claim, read, reply, transfer, hand back, close.

Every case route is limited to the staff member's own organisation (404 for any other case).
State-changing requests need the session's CSRF token in the X-CSRF-Token header.
"""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, WebSocket, status
from sqlalchemy import delete, func, select

from bridge.api.deps import RasaDep, SessionDep, SettingsDep
from bridge.api.routes.events import pump, same_origin
from bridge.api.staff_auth import (
    SESSION_COOKIE,
    CurrentStaff,
    client_address,
    clear_session_cookie,
    optional_staff_session,
    require_role,
    set_session_cookie,
)
from bridge.core.db import get_sessionmaker
from bridge.models import AuditLog, HandoffCase, Organisation, ReplyTemplate, StaffAccount, StaffRole
from bridge.schemas.callback import CallbackForStaff
from bridge.schemas.errors import BODY, ErrorOut, ValidationErrorOut, errors
from bridge.schemas.ids import is_id
from bridge.schemas.staff import (
    AccountCreate,
    AuditEntry,
    CaseDetail,
    CasesPublic,
    CaseSummary,
    CloseIn,
    LoginIn,
    LoginOut,
    OrganisationPublic,
    ReplyIn,
    StaffMessage,
    StaffPublic,
    TemplateIn,
    TemplatePublic,
    TransferIn,
)
from bridge.services import callbacks, cases, events
from bridge.services.staff import (
    LoginThrottled,
    WeakPassword,
    audit,
    authenticate,
    create_staff_account,
    end_session,
    start_session,
)

# Every route but login needs a session (401); POST/DELETE also its CSRF token (403).
router = APIRouter(prefix="/api/staff", tags=["staff"], responses=errors(401))

THROTTLED = "Te veel mislukte pogingen. Wacht een kwartier en probeer het dan opnieuw."
BAD_LOGIN = "E-mailadres of wachtwoord klopt niet."
CASE_NOT_FOUND = "Deze zaak bestaat niet of hoort niet bij uw organisatie."
# Template ids are 32-bit integers in the database; a larger number is a 422, not a database error.
TemplateId = Annotated[int, Path(ge=1, le=2**31 - 1)]


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


def _case_or_404(session: SessionDep, staff: StaffAccount, case_id: str) -> HandoffCase:
    try:
        if not is_id(case_id):
            raise cases.CaseNotFound
        return cases.get_case_for(session, staff, case_id)
    except cases.CaseNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, CASE_NOT_FOUND) from None


def _conflict(error: cases.CaseConflict) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, error.message)


@router.post("/login", response_model=LoginOut, responses=errors(*BODY, 429))
def login(body: LoginIn, request: Request, response: Response, session: SessionDep, settings: SettingsDep) -> LoginOut:
    """Log in; sets the HttpOnly session cookie and returns the CSRF token for later requests."""
    try:
        account = authenticate(session, body.email, body.password, client_address(request))
    except LoginThrottled:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, THROTTLED) from None
    if account is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, BAD_LOGIN)
    new_session = start_session(session, account)
    audit(session, account, "login", address=client_address(request))
    session.commit()
    set_session_cookie(response, new_session.token, settings)
    return LoginOut(staff=staff_public(account), csrf_token=new_session.csrf_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=errors(403))
def logout(request: Request, response: Response, session: SessionDep, staff: CurrentStaff) -> None:
    """End the session."""
    audit(session, staff, "logout", address=client_address(request))
    session.commit()
    end_session(session, request.cookies.get(SESSION_COOKIE))
    clear_session_cookie(response)


@router.get("/me", response_model=StaffPublic)
def read_me(staff: CurrentStaff) -> StaffPublic:
    """Who is logged in."""
    return staff_public(staff)


@router.get("/queue", response_model=CasesPublic)
def read_queue(session: SessionDep, staff: CurrentStaff) -> CasesPublic:
    """Open cases of my organisation, longest waiting first."""
    data = [case_summary(c, staff) for c in cases.queue_cases(session, staff.organisation.name)]
    return CasesPublic(data=data, count=len(data))


@router.get("/organisations", response_model=list[OrganisationPublic])
def read_organisations(session: SessionDep, staff: CurrentStaff) -> list[OrganisationPublic]:
    """Organisations a case can be transferred to, with how many cases wait there."""
    waiting = dict(
        session.execute(
            select(HandoffCase.queue, func.count()).where(HandoffCase.status != cases.CLOSED).group_by(HandoffCase.queue)
        ).all()
    )
    names = session.scalars(select(Organisation.name).order_by(Organisation.name)).all()
    return [OrganisationPublic(name=n, waiting=waiting.get(n, 0)) for n in names]


@router.get("/cases/{case_id}", response_model=CaseDetail, responses=errors(404))
def read_case(case_id: str, request: Request, session: SessionDep, staff: CurrentStaff) -> CaseDetail:
    """Intake and full transcript of one case; every read is written to the audit log."""
    case = _case_or_404(session, staff, case_id)
    callback = callbacks.for_case(session, case)
    audit(session, staff, "case_view", case_id=case.id, conversation_id=case.conversation_id,
          address=client_address(request), detail=callbacks.audit_detail(callback))
    session.commit()
    return CaseDetail(
        **case_summary(case, staff).model_dump(),
        outcome=case.outcome,
        outcome_note=case.outcome_note,
        closed_at=case.closed_at,
        messages=[StaffMessage.model_validate(m) for m in cases.transcript(session, case)],
        terugbelverzoek=CallbackForStaff.of(callback) if callback else None,
    )


@router.post("/cases/{case_id}/claim", response_model=CaseSummary, responses=errors(403, 404, 409))
def claim_case(case_id: str, request: Request, session: SessionDep, staff: CurrentStaff) -> CaseSummary:
    """Take the case; the person sees that a medewerker has joined."""
    case = _case_or_404(session, staff, case_id)
    try:
        cases.claim(session, staff, case, address=client_address(request))
    except cases.CaseConflict as error:
        raise _conflict(error) from None
    return case_summary(case, staff)


@router.post(
    "/cases/{case_id}/messages", response_model=StaffMessage, status_code=status.HTTP_201_CREATED,
    responses=errors(*BODY, 403, 404, 409),
)
def reply_case(case_id: str, body: ReplyIn, request: Request, session: SessionDep, staff: CurrentStaff) -> StaffMessage:
    """Send a message to the person, live (claims the case when nobody has)."""
    case = _case_or_404(session, staff, case_id)
    try:
        message = cases.reply(session, staff, case, body.text, address=client_address(request))
    except cases.CaseConflict as error:
        raise _conflict(error) from None
    return StaffMessage.model_validate(message)


@router.post("/cases/{case_id}/typing", status_code=status.HTTP_204_NO_CONTENT, responses=errors(403, 404))
def typing_case(case_id: str, session: SessionDep, staff: CurrentStaff) -> None:
    """Show the person a typing indicator."""
    cases.typing(staff, _case_or_404(session, staff, case_id))


@router.post("/cases/{case_id}/transfer", response_model=CaseSummary, responses=errors(*BODY, 403, 404, 409))
def transfer_case(case_id: str, body: TransferIn, request: Request, session: SessionDep, staff: CurrentStaff) -> CaseSummary:
    """Hand the case to another organisation with a note; the intake goes along."""
    case = _case_or_404(session, staff, case_id)
    try:
        cases.transfer(session, staff, case, body.queue, body.note, address=client_address(request))
    except cases.CaseConflict as error:
        raise _conflict(error) from None
    return case_summary(case, staff)


@router.post("/cases/{case_id}/handback", response_model=CaseSummary, responses=errors(403, 404, 409))
def handback_case(case_id: str, request: Request, session: SessionDep, staff: CurrentStaff, rasa: RasaDep) -> CaseSummary:
    """Give the conversation back to the bot, slots intact."""
    case = _case_or_404(session, staff, case_id)
    try:
        cases.handback(session, staff, case, rasa, address=client_address(request))
    except cases.CaseConflict as error:
        raise _conflict(error) from None
    return case_summary(case, staff)


@router.post("/cases/{case_id}/close", response_model=CaseSummary, responses=errors(*BODY, 403, 404, 409))
def close_case(case_id: str, body: CloseIn, request: Request, session: SessionDep, staff: CurrentStaff) -> CaseSummary:
    """Close the case with an outcome."""
    case = _case_or_404(session, staff, case_id)
    try:
        cases.close(session, staff, case, body.outcome, body.note, address=client_address(request))
    except cases.CaseConflict as error:
        raise _conflict(error) from None
    return case_summary(case, staff)


@router.get("/templates", response_model=list[TemplatePublic])
def read_templates(session: SessionDep, staff: CurrentStaff) -> list[TemplatePublic]:
    """Saved replies of my organisation."""
    rows = session.scalars(
        select(ReplyTemplate).where(ReplyTemplate.organisation_id == staff.organisation_id).order_by(ReplyTemplate.title)
    )
    return [TemplatePublic.model_validate(t) for t in rows]


@router.post(
    "/templates", response_model=TemplatePublic, status_code=status.HTTP_201_CREATED, responses=errors(*BODY, 403)
)
def create_template(body: TemplateIn, session: SessionDep, staff: CurrentStaff) -> TemplatePublic:
    """Save a reply for my organisation."""
    template = ReplyTemplate(organisation_id=staff.organisation_id, title=body.title.strip(), body=body.body.strip())
    session.add(template)
    session.commit()
    return TemplatePublic.model_validate(template)


@router.delete("/templates/{template_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(403, 404))
def delete_template(template_id: TemplateId, session: SessionDep, staff: CurrentStaff) -> None:
    """Remove a saved reply of my organisation."""
    result = session.execute(
        delete(ReplyTemplate).where(ReplyTemplate.id == template_id, ReplyTemplate.organisation_id == staff.organisation_id)
    )
    session.commit()
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dit sjabloon bestaat niet.")


@router.post(
    "/accounts", response_model=StaffPublic, status_code=status.HTTP_201_CREATED,
    responses={
        **errors(*BODY, 403),
        422: {"model": ValidationErrorOut | ErrorOut, "description": "Invalid body, weak password or e-mail taken."},
    },
)
def create_account(
    body: AccountCreate,
    request: Request,
    session: SessionDep,
    admin: Annotated[StaffAccount, Depends(require_role(StaffRole.BEHEERDER))],
) -> StaffPublic:
    """Create a staff account (beheerder only)."""
    try:
        account = create_staff_account(
            session, organisation=body.organisation, email=body.email, password=body.password,
            display_name=body.display_name, role=StaffRole(body.role),
        )
    except (WeakPassword, ValueError) as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    audit(session, admin, "account_create", address=client_address(request),
          detail={"account": account.id, "organisatie": body.organisation, "rol": body.role})
    session.commit()
    return staff_public(account)


@router.get("/audit", response_model=list[AuditEntry], responses=errors(403))
def read_audit(
    session: SessionDep,
    staff: Annotated[StaffAccount, Depends(require_role(StaffRole.COORDINATOR, StaffRole.BEHEERDER))],
    case_id: str | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The audit log of my organisation, newest first (coordinator, beheerder)."""
    query = (
        select(AuditLog)
        .where(AuditLog.organisation == staff.organisation.name)
        .order_by(AuditLog.id.desc())
        .limit(max(1, min(limit, 1000)))
    )
    if case_id:
        if not is_id(case_id):
            return []  # no case has such an id
        query = query.where(AuditLog.case_id == case_id)
    return [AuditEntry.model_validate(e) for e in session.scalars(query)]


def _ws_staff(websocket: WebSocket, case_id: str | None) -> tuple[str, str, str | None] | None:
    """(staff id, queue, conversation id of the case) for a valid session, else None."""
    with get_sessionmaker()() as session:
        staff_session = optional_staff_session(websocket, session)
        if staff_session is None:
            return None
        staff = staff_session.staff
        conversation_id = None
        if case_id:
            try:
                conversation_id = cases.get_case_for(session, staff, case_id).conversation_id
            except cases.CaseNotFound:
                return None
        return staff.id, staff.organisation.name, conversation_id


@router.websocket("/events")
async def staff_events(websocket: WebSocket, case: str | None = None) -> None:
    """Live console updates: case changes in my queue, and (with ?case=) that case's messages."""
    if not same_origin(websocket):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    who = await to_thread.run_sync(_ws_staff, websocket, case)
    if who is None:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    _, queue, conversation_id = who
    topics = [events.queue_topic(queue)]
    if conversation_id:
        topics.append(events.conversation_topic(conversation_id))
    async with events.get_event_hub().subscribe(*topics) as subscription:
        await websocket.accept()
        await pump(websocket, subscription)
