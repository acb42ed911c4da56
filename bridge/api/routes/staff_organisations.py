"""Staff API, organisations: where a case can be transferred to."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from bridge.api.deps import SessionDep
from bridge.api.staff_auth import CurrentStaff
from bridge.models import HandoffCase, Organisation
from bridge.schemas.errors import errors
from bridge.schemas.staff import OrganisationPublic
from bridge.services import cases

router = APIRouter(prefix="/api/staff", tags=["staff"], responses=errors(401))


@router.get("/organisations", response_model=list[OrganisationPublic])
def read_organisations(session: SessionDep, staff: CurrentStaff) -> list[OrganisationPublic]:
    """Organisations a case can be transferred to, with how many cases wait there."""
    waiting = dict(
        session.execute(
            select(HandoffCase.queue, func.count())
            .where(HandoffCase.status != cases.CLOSED)
            .group_by(HandoffCase.queue)
        ).all()
    )
    names = session.scalars(select(Organisation.name).order_by(Organisation.name)).all()
    return [OrganisationPublic(name=n, waiting=waiting.get(n, 0)) for n in names]
