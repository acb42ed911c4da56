"""Staff API, audit log: who did what in my organisation (coordinator, beheerder)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from bridge.api.deps import SessionDep
from bridge.api.staff_auth import require_role
from bridge.models import AuditLog, StaffAccount, StaffRole
from bridge.schemas.errors import errors
from bridge.schemas.ids import is_id
from bridge.schemas.staff import AuditEntry

router = APIRouter(prefix="/api/staff/audit", tags=["staff"], responses=errors(401))


@router.get("", response_model=list[AuditEntry], responses=errors(403))
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
