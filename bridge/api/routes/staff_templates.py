"""Staff API, templates: saved replies of my organisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from sqlalchemy import delete, select

from bridge.api.deps import SessionDep
from bridge.api.staff_auth import CurrentStaff
from bridge.core.db import rowcount
from bridge.models import ReplyTemplate
from bridge.schemas.errors import BODY, errors
from bridge.schemas.staff import TemplateIn, TemplatePublic

router = APIRouter(prefix="/api/staff/templates", tags=["staff"], responses=errors(401))

# Template ids are 32-bit integers in the database; a larger number is a 422, not a database error.
TemplateId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("", response_model=list[TemplatePublic])
def read_templates(session: SessionDep, staff: CurrentStaff) -> list[TemplatePublic]:
    """Saved replies of my organisation."""
    rows = session.scalars(
        select(ReplyTemplate)
        .where(ReplyTemplate.organisation_id == staff.organisation_id)
        .order_by(ReplyTemplate.title)
    )
    return [TemplatePublic.model_validate(t) for t in rows]


@router.post("", response_model=TemplatePublic, status_code=status.HTTP_201_CREATED, responses=errors(*BODY, 403))
def create_template(body: TemplateIn, session: SessionDep, staff: CurrentStaff) -> TemplatePublic:
    """Save a reply for my organisation."""
    template = ReplyTemplate(organisation_id=staff.organisation_id, title=body.title.strip(), body=body.body.strip())
    session.add(template)
    session.commit()
    return TemplatePublic.model_validate(template)


@router.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(403, 404))
def delete_template(template_id: TemplateId, session: SessionDep, staff: CurrentStaff) -> None:
    """Remove a saved reply of my organisation."""
    result = session.execute(
        delete(ReplyTemplate).where(
            ReplyTemplate.id == template_id, ReplyTemplate.organisation_id == staff.organisation_id
        )
    )
    session.commit()
    if rowcount(result) == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dit sjabloon bestaat niet.")
