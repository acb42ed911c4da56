"""API shapes of handoff cases."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bridge.schemas.text import Text
from bridge.schemas.times import UtcDateTime


class Intake(BaseModel):
    """What the bot learnt before the handoff, so nobody tells their story twice."""

    rol: Text | None = None
    uitkering: Text | None = None
    gemeente: Text | None = None
    arbeidsmarktregio: Text | None = None
    sector: Text | None = None
    behoefte: Text | None = None
    arrangeur: Text | None = None
    regelingen: list[Text] = []
    contact: dict[Text, Text | None] | None = None  # free text too: nothing a database cannot store


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
    created_at: UtcDateTime
    closed_at: UtcDateTime | None


class HandoffsPublic(BaseModel):
    data: list[HandoffPublic]
    count: int
