"""Staff API, accounts: a beheerder creates staff accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from bridge.api.deps import SessionDep
from bridge.api.staff_auth import client_address, require_role
from bridge.api.staff_views import staff_public
from bridge.models import StaffAccount, StaffRole
from bridge.schemas.errors import BODY, ErrorOut, ValidationErrorOut, errors
from bridge.schemas.staff import AccountCreate, StaffPublic
from bridge.services.staff import WeakPassword, audit, create_staff_account

router = APIRouter(prefix="/api/staff/accounts", tags=["staff"], responses=errors(401))


@router.post(
    "",
    response_model=StaffPublic,
    status_code=status.HTTP_201_CREATED,
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
            session,
            organisation=body.organisation,
            email=body.email,
            password=body.password,
            display_name=body.display_name,
            role=StaffRole(body.role),
        )
    except (WeakPassword, ValueError) as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    audit(
        session,
        admin,
        "account_create",
        address=client_address(request),
        detail={"account": account.id, "organisatie": body.organisation, "rol": body.role},
    )
    session.commit()
    return staff_public(account)
