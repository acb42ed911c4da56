"""API shapes of the staff API (/api/staff/...)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bridge.schemas.conversation import MAX_MESSAGE_LENGTH

Outcome = Literal["geholpen", "doorverwezen", "geen_contact", "dubbel", "anders"]
Role = Literal["medewerker", "coordinator", "beheerder"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("Dit veld mag niet leeg zijn.")
    return value.strip()


class LoginIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1000)


class StaffPublic(BaseModel):
    id: str
    email: str
    display_name: str
    role: str
    organisation: str


class LoginOut(BaseModel):
    staff: StaffPublic
    # Send this back in the X-CSRF-Token header on every POST/DELETE.
    csrf_token: str


class StaffMessage(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author: str
    text: str | None
    payload: str | None
    staff_name: str | None
    created_at: datetime


class CaseSummary(BaseModel):
    id: str
    conversation_id: str
    channel: str
    queue: str
    status: str
    reden: str
    intake: dict[str, Any]
    waiting_seconds: int
    claimed_by: str | None
    claimed_by_name: str | None
    claimed_by_me: bool
    transferred_from: str | None
    note: str | None
    created_at: datetime
    queued_at: datetime | None


class CasesPublic(BaseModel):
    data: list[CaseSummary]
    count: int


class CaseDetail(CaseSummary):
    outcome: str | None
    outcome_note: str | None
    closed_at: datetime | None
    messages: list[StaffMessage]


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)
    _clean = field_validator("text")(_not_blank)


class TransferIn(BaseModel):
    queue: str = Field(min_length=1, max_length=200)
    # Required: the receiving organisation must know why the case comes to them.
    note: str = Field(min_length=1, max_length=2000)
    _clean = field_validator("note")(_not_blank)


class CloseIn(BaseModel):
    outcome: Outcome
    note: str | None = Field(None, max_length=2000)


class OrganisationPublic(BaseModel):
    name: str
    waiting: int


class TemplateIn(BaseModel):
    title: str = Field(min_length=1, max_length=100)
    body: str = Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)


class TemplatePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str


class AccountCreate(BaseModel):
    organisation: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=100)
    role: Role = "medewerker"
    password: str = Field(min_length=12, max_length=1000)


class AuditEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: str | None
    organisation: str | None
    action: str
    case_id: str | None
    conversation_id: str | None
    detail: dict[str, Any] | None
    created_at: datetime
