"""The staff console at /console: server-rendered pages (Jinja2), forms with CSRF, no inline scripts."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import delete, select

import contract
from bridge.api.deps import RasaDep, SessionDep, SettingsDep, denied, log_denied
from bridge.api.staff_auth import (
    SESSION_COOKIE,
    clear_session_cookie,
    client_address,
    csrf_matches,
    optional_staff_session,
    set_session_cookie,
)
from bridge.knowledge.loader import get_knowledge_base
from bridge.models import Organisation, ReplyTemplate, StaffSession
from bridge.plan import render as plan_render
from bridge.schemas.callback import CallbackForStaff
from bridge.schemas.ids import is_id
from bridge.schemas.text import Text
from bridge.services import callbacks, cases, plans
from bridge.services.staff import LoginThrottled, audit, authenticate, end_session, start_session

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
LOGIN_CSRF_COOKIE = "elkedeur_login_csrf"
NOTICE_COOKIE = "elkedeur_melding"
CSRF_REFUSED = "De beveiligingscode klopt niet. Laad de pagina opnieuw."
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

router = APIRouter(prefix="/console", include_in_schema=False)

# The contract's labels (rol, uitkering, arrangeur, reden, status) plus the console's own.
LABELS: dict[str, dict[str, str]] = {
    **contract.LABELS,
    "author": {"user": "Inwoner", "bot": "Digitale assistent", "system": "Melding"},
    "outcome": {**cases.OUTCOMES, cases.HANDBACK_OUTCOME: "Teruggegeven aan de digitale assistent"},
}


def label(kind: str, value: Any) -> str:
    """Dutch label for a slot or status value."""
    return contract.label(kind, value, LABELS)


def waiting(seconds: int) -> str:
    """ "4 min", "1 uur 5 min"."""
    minutes = seconds // 60
    if minutes < 1:
        return "net binnen"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} uur {minutes % 60} min"


def local_time(moment: datetime) -> str:
    """ "14:05" in Dutch time (stored times come back as aware UTC)."""
    return moment.astimezone(AMSTERDAM).strftime("%H:%M")


def local_datetime(moment: datetime) -> str:
    """ "23-11-2026 14:05" in Dutch time."""
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


@lru_cache
def _templates() -> Jinja2Templates:
    """The Jinja2 environment (built on first use)."""
    templates = Jinja2Templates(directory=HERE / "templates")  # autoescape on for .html
    templates.env.filters["label"] = lambda value, kind: label(kind, value)
    templates.env.globals["waiting"] = waiting
    templates.env.filters["klok"] = local_time
    templates.env.filters["datum_klok"] = local_datetime
    templates.env.globals["OUTCOMES"] = cases.OUTCOMES
    return templates


def console_session(staff_session: Annotated[StaffSession | None, Depends(optional_staff_session)]) -> StaffSession:
    if staff_session is None:
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": "/console/login"})
    return staff_session


ConsoleSession = Annotated[StaffSession, Depends(console_session)]


def checked_session(
    request: Request, staff_session: ConsoleSession, csrf_token: Annotated[str, Form()] = ""
) -> StaffSession:
    """For state-changing forms: the hidden csrf_token field must match the session (else 403, logged as ED-6002)."""
    if not csrf_matches(staff_session.csrf_token, csrf_token):
        raise denied(request, status.HTTP_403_FORBIDDEN, CSRF_REFUSED, "csrf")
    return staff_session


CheckedSession = Annotated[StaffSession, Depends(checked_session)]


def _render(request: Request, name: str, staff_session: StaffSession | None, **context: Any) -> HTMLResponse:
    context["melding"] = unquote(request.cookies.get(NOTICE_COOKIE, "")) or None
    context.setdefault("staff", staff_session.staff if staff_session else None)
    context.setdefault("csrf_token", staff_session.csrf_token if staff_session else "")
    response = _templates().TemplateResponse(request, name, context)
    response.headers["Cache-Control"] = "no-store"  # transcripts must not stay in a shared browser cache
    _take_notice(request, response)
    return response


def _back(url: str, melding: str | None = None) -> RedirectResponse:
    """Redirect after a form (PRG); the notice travels in a short-lived cookie, not in the URL,
    so nobody can put their own text on a console page with a crafted link."""
    response = RedirectResponse(url, status.HTTP_303_SEE_OTHER)
    if melding:
        response.set_cookie(
            NOTICE_COOKIE, quote(melding), max_age=60, httponly=True, samesite="strict", path="/console"
        )
    return response


def _take_notice(request: Request, response: Response) -> None:
    if NOTICE_COOKIE in request.cookies:
        response.delete_cookie(NOTICE_COOKIE, path="/console")


@router.get("/login")
def login_page(request: Request, fout: str | None = None) -> HTMLResponse:
    """The login form (with a double-submit CSRF token)."""
    token = secrets.token_urlsafe(32)
    response = _render(request, "login.html", None, login_csrf=token, fout=fout)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/console")
    return response


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[Text, Form(max_length=254)],
    password: Annotated[Text, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Check the credentials; on success start a session and go to the queue.

    A refusal (form token, throttling, credentials) is logged as ED-6002 with a reason code, never the e-mail address."""
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token):
        log_denied(request, "csrf")
        return RedirectResponse("/console/login?fout=verlopen", status.HTTP_303_SEE_OTHER)
    try:
        account = authenticate(session, email, password, client_address(request))
    except LoginThrottled:
        log_denied(request, "login_geblokkeerd")
        return RedirectResponse("/console/login?fout=geblokkeerd", status.HTTP_303_SEE_OTHER)
    if account is None:
        log_denied(request, "login")
        return RedirectResponse("/console/login?fout=onjuist", status.HTTP_303_SEE_OTHER)
    new_session = start_session(session, account)
    audit(session, account, "login", address=client_address(request))
    session.commit()
    response = RedirectResponse("/console", status.HTTP_303_SEE_OTHER)
    set_session_cookie(response, new_session.token, settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, staff_session: CheckedSession) -> Response:
    """End the session and go back to the login page."""
    audit(session, staff_session.staff, "logout", address=client_address(request))
    session.commit()
    end_session(session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/console/login", status.HTTP_303_SEE_OTHER)
    clear_session_cookie(response)
    return response


def _queue_context(session: SessionDep, staff_session: StaffSession) -> dict[str, Any]:
    staff = staff_session.staff
    open_cases = cases.queue_cases(session, staff.organisation.name)
    return {
        "cases": [(c, cases.waiting_seconds(c)) for c in open_cases],
        "waiting_count": sum(1 for c in open_cases if c.claimed_by is None),
        # Only whether a callback was asked for; the number is shown on the (audited) case page.
        "callback_cases": callbacks.cases_with_request(session, [c.id for c in open_cases]),
    }


@router.get("")
def queue_page(request: Request, session: SessionDep, staff_session: ConsoleSession) -> HTMLResponse:
    """What is waiting in my organisation's queue."""
    return _render(request, "queue.html", staff_session, **_queue_context(session, staff_session))


@router.get("/wachtrij")
def queue_fragment(request: Request, session: SessionDep, staff_session: ConsoleSession) -> HTMLResponse:
    """Only the queue table, for live refresh by console.js."""
    return _render(request, "_queue_table.html", staff_session, **_queue_context(session, staff_session))


def _own_case(session: SessionDep, staff_session: StaffSession, case_id: str) -> Any:
    try:
        if not is_id(case_id):  # e.g. a NUL byte, which PostgreSQL answers with an error, not "not found"
            raise cases.CaseNotFound
        return cases.get_case_for(session, staff_session.staff, case_id)
    except cases.CaseNotFound:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "Deze zaak bestaat niet of hoort niet bij uw organisatie."
        ) from None


@router.get("/zaken/{case_id}")
def case_page(case_id: str, request: Request, session: SessionDep, staff_session: ConsoleSession) -> HTMLResponse:
    """One case: intake summary first, what to do next, then the transcript and the actions."""
    staff = staff_session.staff
    case = _own_case(session, staff_session, case_id)
    view = cases.view_case(session, staff, case, address=client_address(request))
    organisations = session.scalars(
        select(Organisation.name).where(Organisation.name != case.queue).order_by(Organisation.name)
    ).all()
    reply_templates = session.scalars(
        select(ReplyTemplate)
        .where(ReplyTemplate.organisation_id == staff.organisation_id)
        .order_by(ReplyTemplate.title)
    ).all()
    return _render(
        request,
        "case.html",
        staff_session,
        case=case,
        messages=view.messages,
        waiting_seconds=cases.waiting_seconds(case),
        organisations=organisations,
        reply_templates=reply_templates,
        mine=case.claimed_by == staff.id,
        channel=case.conversation.channel,
        terugbelverzoek=CallbackForStaff.of(view.callback) if view.callback else None,
        plan_html=_plan_view(session, staff_session, case, request),
    )


def _plan_view(session: SessionDep, staff_session: StaffSession, case: Any, request: Request) -> Any:
    """The person's plan beside the intake (issue 15); every view is audited."""
    plan = plans.for_conversation(session, case.conversation_id)
    if plan is None:
        return None
    audit(
        session,
        staff_session.staff,
        "plan_view",
        case_id=case.id,
        conversation_id=case.conversation_id,
        address=client_address(request),
        detail={"versie": plans.latest(plan).nummer},
    )
    session.commit()
    return plan_render.console_fragment(plan)


AFSPRAAK_TOO_LONG = f"De afspraak is te lang. Gebruik maximaal {plans.MAX_AFSPRAAK} tekens."


@router.post("/zaken/{case_id}/plan/afspraken")
def afspraak_form(
    case_id: str,
    request: Request,
    session: SessionDep,
    staff_session: CheckedSession,
    rasa: RasaDep,
    wat: Annotated[Text, Form(max_length=20_000)],
    wie: Annotated[Text, Form(max_length=20_000)] = "",
    wanneer: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Write down an afspraak in the person's plan (made from the intake when it has none yet); audited."""
    case = _own_case(session, staff_session, case_id)
    staff = staff_session.staff
    back = f"/console/zaken/{case_id}#plan"
    if case.status == cases.CLOSED:
        return _back(back, "Deze zaak is al afgesloten.")
    if case.claimed_by not in (None, staff.id) and staff.role == "medewerker":
        return _back(back, "Een collega heeft deze zaak opgepakt; alleen die collega kan afspraken maken.")
    if not wat.strip():
        return _back(back, "Schrijf op wat er is afgesproken.")
    if len(wat) > plans.MAX_AFSPRAAK or len(wie) > plans.MAX_WIE:
        return _back(
            back,
            AFSPRAAK_TOO_LONG
            if len(wat) > plans.MAX_AFSPRAAK
            else f"Vul bij 'wie' maximaal {plans.MAX_WIE} tekens in.",
        )
    try:
        datum = date.fromisoformat(wanneer) if wanneer else None
    except ValueError:
        return _back(back, "Vul de datum in als dag-maand-jaar, of laat hem leeg.")
    conversation = case.conversation
    intake = plans.intake_for(session, rasa, conversation)
    plan = plans.ensure_plan(session, get_knowledge_base(), conversation, intake, date.today(), require_advice=False)
    plans.add_afspraak(
        session,
        plan,
        staff,
        case=case,
        wat=wat.strip(),
        wie=wie.strip() or "U",
        wanneer=datum,
        address=client_address(request),
    )
    return _back(back, "De afspraak staat in het plan.")


def case_conflict(request: Request, error: cases.CaseConflict) -> Response:
    """A form on a case that is closed or claimed by a colleague: back to the case with the reason
    (bridge/main.py routes every CaseConflict raised under /console here)."""
    return _back(f"/console/zaken/{request.path_params.get('case_id', '')}", error.message)


@router.post("/zaken/{case_id}/oppakken")
def claim_form(case_id: str, request: Request, session: SessionDep, staff_session: CheckedSession) -> Response:
    case = _own_case(session, staff_session, case_id)
    cases.claim(session, staff_session.staff, case, address=client_address(request))
    return _back(f"/console/zaken/{case_id}")


@router.post("/zaken/{case_id}/antwoord")
def reply_form(
    case_id: str,
    request: Request,
    session: SessionDep,
    staff_session: CheckedSession,
    text: Annotated[Text, Form(min_length=1, max_length=2000)],
) -> Response:
    case = _own_case(session, staff_session, case_id)
    if not text.strip():
        return _back(f"/console/zaken/{case_id}", "Het bericht is leeg.")
    cases.reply(session, staff_session.staff, case, text.strip(), address=client_address(request))
    return _back(f"/console/zaken/{case_id}")


@router.post("/zaken/{case_id}/doorzetten")
def transfer_form(
    case_id: str,
    request: Request,
    session: SessionDep,
    staff_session: CheckedSession,
    queue: Annotated[Text, Form(max_length=200)],
    note: Annotated[Text, Form(max_length=2000)] = "",
) -> Response:
    case = _own_case(session, staff_session, case_id)
    if not note.strip():
        return _back(f"/console/zaken/{case_id}", "Schrijf een korte notitie voor de collega's die de zaak krijgen.")
    cases.transfer(session, staff_session.staff, case, queue, note.strip(), address=client_address(request))
    return _back("/console", f"Zaak doorgezet naar {queue}.")


@router.post("/zaken/{case_id}/terug-naar-bot")
def handback_form(
    case_id: str, request: Request, session: SessionDep, staff_session: CheckedSession, rasa: RasaDep
) -> Response:
    case = _own_case(session, staff_session, case_id)
    cases.handback(session, staff_session.staff, case, rasa, address=client_address(request))
    return _back("/console", "Het gesprek is teruggegeven aan de digitale assistent.")


@router.post("/zaken/{case_id}/afsluiten")
def close_form(
    case_id: str,
    request: Request,
    session: SessionDep,
    staff_session: CheckedSession,
    outcome: Annotated[Text, Form(max_length=30)],
    note: Annotated[Text, Form(max_length=2000)] = "",
) -> Response:
    case = _own_case(session, staff_session, case_id)
    cases.close(session, staff_session.staff, case, outcome, note.strip() or None, address=client_address(request))
    return _back("/console", "De zaak is afgesloten.")


@router.get("/sjablonen")
def templates_page(request: Request, session: SessionDep, staff_session: ConsoleSession) -> HTMLResponse:
    """Saved replies of my organisation."""
    rows = session.scalars(
        select(ReplyTemplate)
        .where(ReplyTemplate.organisation_id == staff_session.staff.organisation_id)
        .order_by(ReplyTemplate.title)
    ).all()
    return _render(request, "sjablonen.html", staff_session, reply_templates=rows)


@router.post("/sjablonen")
def template_add(
    session: SessionDep,
    staff_session: CheckedSession,
    title: Annotated[Text, Form(min_length=1, max_length=100)],
    body: Annotated[Text, Form(min_length=1, max_length=2000)],
) -> Response:
    session.add(
        ReplyTemplate(organisation_id=staff_session.staff.organisation_id, title=title.strip(), body=body.strip())
    )
    session.commit()
    return _back("/console/sjablonen")


@router.post("/sjablonen/{template_id}/verwijderen")
def template_delete(template_id: int, session: SessionDep, staff_session: CheckedSession) -> Response:
    session.execute(
        delete(ReplyTemplate).where(
            ReplyTemplate.id == template_id, ReplyTemplate.organisation_id == staff_session.staff.organisation_id
        )
    )
    session.commit()
    return _back("/console/sjablonen")
