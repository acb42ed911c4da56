"""Mijn plan (issue 15): one plan per conversation, reached through a capability link, with versions.

The link's token is never stored: only its SHA-256 (`token_hash`); revoking clears it. The plan
belongs to its conversation and goes with it (erasure, retention: ON DELETE CASCADE and explicit
deletes in bridge.privacy.erasure). Every change is a new `PlanVersie` holding the whole content.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bridge.models.base import Base, UtcDateTime, new_uuid, timestamp_column, utcnow


class Plan(Base):
    __tablename__ = "plannen"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_plannen_token_hash"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True, index=True
    )
    # SHA-256 (hex) of the link's token; null while no link is valid (revoked, or made by staff first).
    token_hash: Mapped[str | None] = mapped_column(String(64))
    token_created_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The newest version the person has seen: the page shows what changed after it.
    laatst_bekeken_versie: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    versies: Mapped[list[PlanVersie]] = relationship(
        back_populates="plan", order_by="PlanVersie.nummer", cascade="all, delete-orphan"
    )


class PlanVersie(Base):
    __tablename__ = "plan_versies"
    __table_args__ = (UniqueConstraint("plan_id", "nummer", name="uq_plan_versies_nummer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plannen.id", ondelete="CASCADE"), index=True)
    nummer: Mapped[int] = mapped_column(Integer)
    # The whole plan at this version (bridge.services.plan_content): situatie, arrangeur, loket,
    # regelingen, stappen, afspraken. Never contact details, BSN or IBAN.
    inhoud: Mapped[dict[str, Any]] = mapped_column(JSON)
    # What changed against the previous version, in Dutch, for the person.
    wijzigingen: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = timestamp_column()

    plan: Mapped[Plan] = relationship(back_populates="versies")
