"""The person's plan at its capability link: /plan/<token> (page, live content, ticks, PDF, new link, revoke).

The token in the path is the only key; it is never logged (uvicorn's access log is off, event logs
mask the path) and never sent on as a Referer. Unknown or revoked links get a plain Dutch 404 page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bridge.api.deps import SessionDep, SettingsDep
from bridge.core.config import Settings
from bridge.models import Plan
from bridge.plan import pdf, render
from bridge.services import plans

router = APIRouter(prefix="/plan", include_in_schema=False)

PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
NOT_FOUND_TITLE = "Dit plan is niet (meer) te openen"
NOT_FOUND_TEXT = (
    "De link is niet juist, of hij is ingetrokken. Het kan ook zijn dat het gesprek is gewist.",
    "Heeft u uw plan nog nodig? Vraag in de chat opnieuw om uw plan; u krijgt dan een nieuwe link.",
)
REVOKED_TITLE = "De link is ingetrokken"
REVOKED_TEXT = (
    "Niemand kan uw plan nu nog openen met deze link.",
    "Wilt u uw plan weer zien? Vraag in de chat opnieuw om uw plan; u krijgt dan een nieuwe link.",
)


def public_link(request: Request, settings: Settings, path: str) -> str:
    """The absolute address of a path, as people outside reach the bridge."""
    base = settings.public_base_url.rstrip("/") or str(request.base_url).rstrip("/")
    return f"{base}{path}"


def _html(body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status_code, headers=PRIVATE_HEADERS)


def _message(title: str, lines: tuple[str, ...], status_code: int) -> HTMLResponse:
    return _html(render.render("plan_melding.html", titel=title, zinnen=lines), status_code)


def not_found() -> HTMLResponse:
    return _message(NOT_FOUND_TITLE, NOT_FOUND_TEXT, 404)


def _page_body(plan: Plan, token: str, *, fragment: bool) -> str:
    """The plan with what changed since the last visit; the person has now seen this version."""
    values = render.context(plan, mode="pagina", token=token, nieuw=plans.unseen_versions(plan))
    return render.render("_plan.html" if fragment else "plan.html", **values)


@router.get("/{token}")
def plan_page(token: str, session: SessionDep) -> Response:
    """The plan page."""
    plan = plans.by_token(session, token)
    if plan is None:
        return not_found()
    body = _page_body(plan, token, fragment=False)
    plans.mark_seen(session, plan)
    return _html(body)


@router.get("/{token}/inhoud")
def plan_fragment(token: str, session: SessionDep) -> Response:
    """Only the plan's content, for the live update of an open page."""
    plan = plans.by_token(session, token)
    if plan is None:
        return not_found()
    body = _page_body(plan, token, fragment=True)
    plans.mark_seen(session, plan)
    return _html(body)


@router.get("/{token}/stand")
def plan_state(token: str, session: SessionDep) -> Response:
    """The newest version number (the open page polls it)."""
    plan = plans.by_token(session, token)
    if plan is None:
        return JSONResponse({"detail": NOT_FOUND_TITLE}, 404, headers=PRIVATE_HEADERS)
    return JSONResponse({"versie": plans.latest(plan).nummer}, headers=PRIVATE_HEADERS)


@router.post("/{token}/stappen")
def tick_steps(
    token: str, request: Request, session: SessionDep, klaar: Annotated[list[str] | None, Form()] = None
) -> Response:
    """Keep the ticked steps (a new version when something changed)."""
    plan = plans.by_token(session, token)
    if plan is None:
        return not_found()
    known = {s["id"] for s in plans.latest(plan).inhoud.get("stappen", [])}
    versie = plans.set_steps_done(session, plan, {s for s in klaar or [] if s in known})
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"versie": versie.nummer if versie else plans.latest(plan).nummer}, headers=PRIVATE_HEADERS)
    return RedirectResponse(f"/plan/{token}", 303, headers=PRIVATE_HEADERS)


@router.get("/{token}/pdf")
def plan_pdf(token: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The plan as a tagged PDF (PDF/UA-1) with the link and the date printed."""
    plan = plans.by_token(session, token)
    if plan is None:
        return not_found()
    content = pdf.plan_pdf(plan, link=public_link(request, settings, f"/plan/{token}"))
    return Response(
        content,
        media_type="application/pdf",
        headers={
            **PRIVATE_HEADERS,
            "Content-Disposition": 'attachment; filename="mijn-plan.pdf"',
        },
    )


@router.post("/{token}/nieuwe-link")
def new_link(token: str, session: SessionDep) -> Response:
    """Replace the link: the old one stops working at once."""
    plan = plans.by_token(session, token)
    if plan is None:
        return not_found()
    issued = plans.renew_link(session, plan)
    return RedirectResponse(issued.path, 303, headers=PRIVATE_HEADERS)


@router.post("/{token}/intrekken")
def revoke_link(token: str, session: SessionDep) -> Response:
    """Revoke the link: nobody can open the plan with it any more."""
    plan = plans.by_token(session, token)
    if plan is None:
        return not_found()
    plans.revoke(session, plan)
    return _message(REVOKED_TITLE, REVOKED_TEXT, 200)
