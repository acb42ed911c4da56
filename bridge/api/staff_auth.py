"""Staff authentication for the staff API and the console: session cookie, CSRF, token path."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request, Response, status
from fastapi.requests import HTTPConnection

from bridge.api.deps import SessionDep, SettingsDep, denied, unauthorized
from bridge.core.config import Settings
from bridge.core.tokens import bearer_matches, token_matches
from bridge.models import StaffAccount, StaffRole, StaffSession
from bridge.services.staff import SESSION_LIFETIME, load_session

SESSION_COOKIE = "elkedeur_staff"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
NOT_LOGGED_IN = "Niet aangemeld. Meld u aan in de console."
CSRF_FAILED = "De beveiligingscode van dit formulier klopt niet. Laad de pagina opnieuw en probeer het nog eens."


def client_address(connection: HTTPConnection) -> str:
    """The caller's address (for throttling and the audit log)."""
    return connection.client.host if connection.client else "onbekend"


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """HttpOnly + SameSite=Strict; Secure in productie (served over TLS)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=settings.environment == "productie",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def csrf_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return token_matches(given, expected)


def optional_staff_session(connection: HTTPConnection, session: SessionDep) -> StaffSession | None:
    """The logged-in session of this request, if any (works for HTTP and WebSocket)."""
    return load_session(session, connection.cookies.get(SESSION_COOKIE))


def current_staff_session(
    request: Request,
    staff_session: Annotated[StaffSession | None, Depends(optional_staff_session)],
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> StaffSession:
    """A logged-in staff member; state-changing requests must carry the session's CSRF token."""
    if staff_session is None:
        raise denied(request, status.HTTP_401_UNAUTHORIZED, NOT_LOGGED_IN, "sessie")
    if request.method not in SAFE_METHODS and not csrf_matches(staff_session.csrf_token, x_csrf_token):
        raise denied(request, status.HTTP_403_FORBIDDEN, CSRF_FAILED, "csrf")
    return staff_session


StaffSessionDep = Annotated[StaffSession, Depends(current_staff_session)]


def current_staff(staff_session: StaffSessionDep) -> StaffAccount:
    return staff_session.staff


CurrentStaff = Annotated[StaffAccount, Depends(current_staff)]


def require_role(*roles: StaffRole):  # type: ignore[no-untyped-def]
    """Dependency factory: the staff member must have one of `roles`."""

    def _check(connection: HTTPConnection, staff: CurrentStaff) -> StaffAccount:
        if staff.role not in roles:
            raise denied(connection, status.HTTP_403_FORBIDDEN, "Dit mag alleen een " + " of ".join(roles) + ".", "rol")
        return staff

    return _check


def staff_or_token(
    connection: HTTPConnection,
    settings: SettingsDep,
    staff_session: Annotated[StaffSession | None, Depends(optional_staff_session)],
    authorization: Annotated[str | None, Header()] = None,
) -> StaffAccount | None:
    """Read-only staff listing: a logged-in staff member, or the STAFF_TOKEN (tests, evaluations).

    Returns None for the token holder, who sees every queue.
    """
    if bearer_matches(authorization, settings.staff_token):
        return None
    if staff_session is not None:
        return staff_session.staff
    raise unauthorized(connection)
