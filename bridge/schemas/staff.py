"""API shapes of the staff API (/api/staff/...)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bridge.schemas.callback import CallbackForStaff
from bridge.schemas.conversation import MAX_MESSAGE_LENGTH
from bridge.schemas.text import Text
from bridge.schemas.times import UtcDateTime

Outcome = Literal["geholpen", "doorverwezen", "geen_contact", "dubbel", "anders"]
Role = Literal["medewerker", "coordinator", "beheerder"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("Dit veld mag niet leeg zijn.")
    return value.strip()


class LoginIn(BaseModel):
    email: Text = Field(max_length=254)
    password: Text = Field(max_length=1000)


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
    created_at: UtcDateTime


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
    created_at: UtcDateTime
    queued_at: UtcDateTime | None


class CasesPublic(BaseModel):
    data: list[CaseSummary]
    count: int


class CaseDetail(CaseSummary):
    outcome: str | None
    outcome_note: str | None
    closed_at: UtcDateTime | None
    messages: list[StaffMessage]
    # Given on purpose, with consent, while the case is open; deleted when it closes.
    terugbelverzoek: CallbackForStaff | None = None


class ReplyIn(BaseModel):
    text: Text = Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)
    _clean = field_validator("text")(_not_blank)


class TransferIn(BaseModel):
    queue: Text = Field(min_length=1, max_length=200)
    # Required: the receiving organisation must know why the case comes to them.
    note: Text = Field(min_length=1, max_length=2000)
    _clean = field_validator("note")(_not_blank)


class CloseIn(BaseModel):
    outcome: Outcome
    note: Text | None = Field(None, max_length=2000)


class OrganisationPublic(BaseModel):
    name: str
    waiting: int


class TemplateIn(BaseModel):
    title: Text = Field(min_length=1, max_length=100)
    body: Text = Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)


class TemplatePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str


class AccountCreate(BaseModel):
    organisation: Text = Field(min_length=1, max_length=200)
    email: Text = Field(min_length=3, max_length=254)
    display_name: Text = Field(min_length=1, max_length=100)
    role: Role = "medewerker"
    password: Text = Field(min_length=12, max_length=1000)


class AuditEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: str | None
    organisation: str | None
    action: str
    case_id: str | None
    conversation_id: str | None
    detail: dict[str, Any] | None
    created_at: UtcDateTime
