"""Error answers of the API, so the OpenAPI spec documents every status code a route can give.

Routes list their refusals with `responses=errors(...)`; the fuzz tests in tests/security check
that every answer's status code and body are documented.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorOut(BaseModel):
    """A refusal; `detail` is a Dutch message that a channel or the console can show as it is."""

    detail: str


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    """FastAPI's answer to a request that does not fit the schema."""

    detail: list[ValidationIssue]


_DESCRIPTIONS = {
    400: "The body is not valid JSON text.",
    401: "Not logged in, or the token is missing or wrong.",
    403: "Logged in, but the CSRF token is missing or wrong, or the role may not do this.",
    404: "Not found (for staff: or not a case of their organisation).",
    409: "The case is closed, or a colleague has it.",
    413: "The body is larger than MAX_BODY_BYTES.",
    429: "Too many requests (or failed logins) from this address or for this conversation; see Retry-After.",
}
# Any route that reads a JSON body: unreadable or too large.
BODY = (400, 413)


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that refuses with these status codes (body: ErrorOut)."""
    return {code: {"model": ErrorOut, "description": _DESCRIPTIONS[code]} for code in codes}
