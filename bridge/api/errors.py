"""Exception handlers of the API: a service exception becomes its HTTP answer in one place."""

from __future__ import annotations

from fastapi import Request, status
from fastapi.responses import JSONResponse

from bridge.services.cases import CaseConflict


async def case_conflict(request: Request, exc: Exception) -> JSONResponse:
    """409 with the Dutch reason: the case is closed, or a colleague has it."""
    message = exc.message if isinstance(exc, CaseConflict) else str(exc)
    return JSONResponse({"detail": message}, status_code=status.HTTP_409_CONFLICT)
