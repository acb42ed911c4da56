"""Staff API, session: log in, log out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status

from bridge.api.deps import SessionDep, SettingsDep, denied, log_denied
from bridge.api.staff_auth import SESSION_COOKIE, CurrentStaff, clear_session_cookie, client_address, set_session_cookie
from bridge.api.staff_views import staff_public
from bridge.schemas.errors import BODY, errors
from bridge.schemas.staff import LoginIn, LoginOut, StaffPublic
from bridge.services.staff import LoginThrottled, audit, authenticate, end_session, start_session

# Every route but login needs a session (401); POST/DELETE also its CSRF token (403).
router = APIRouter(prefix="/api/staff", tags=["staff"], responses=errors(401))

THROTTLED = "Te veel mislukte pogingen. Wacht een kwartier en probeer het dan opnieuw."
BAD_LOGIN = "E-mailadres of wachtwoord klopt niet."


@router.post("/login", response_model=LoginOut, responses=errors(*BODY, 429))
def login(body: LoginIn, request: Request, response: Response, session: SessionDep, settings: SettingsDep) -> LoginOut:
    """Log in; sets the HttpOnly session cookie and returns the CSRF token for later requests.

    A refused login is logged as ED-6002 with a reason code only (never the e-mail address)."""
    try:
        account = authenticate(session, body.email, body.password, client_address(request))
    except LoginThrottled:
        log_denied(request, "login_geblokkeerd")
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, THROTTLED) from None
    if account is None:
        raise denied(request, status.HTTP_401_UNAUTHORIZED, BAD_LOGIN, "login")
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
