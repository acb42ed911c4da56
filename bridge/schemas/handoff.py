"""API shapes of handoff cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Intake(BaseModel):
    """What the bot learnt before the handoff, so nobody tells their story twice."""

    rol: str | None = None
    uitkering: str | None = None
    gemeente: str | None = None
    arbeidsmarktregio: str | None = None
    sector: str | None = None
    behoefte: str | None = None
    arrangeur: str | None = None
    regelingen: list[str] = []
    contact: dict[str, Any] | None = None


class HandoffCreate(BaseModel):
    conversation_id: str
    reden: Literal["gevraagd", "crisis", "frustratie", "niet_begrepen", "storing"] = "gevraagd"
    intake: Intake = Field(default_factory=Intake)


class HandoffCreated(BaseModel):
    id: str
    queue: str
    status: str


class HandoffPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    conversation_id: str
    queue: str
    status: str
    reden: str
    intake: dict[str, Any]
    outcome: str | None
    created_at: datetime
    closed_at: datetime | None


class HandoffsPublic(BaseModel):
    data: list[HandoffPublic]
    count: int
