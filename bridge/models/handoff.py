"""A handoff case: a conversation waiting for, or handled by, counter staff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bridge.models.base import Base, UtcDateTime, new_uuid, timestamp_column, utcnow
from bridge.models.conversation import Conversation
from bridge.models.staff import StaffAccount


class HandoffCase(Base):
    __tablename__ = "handoff_cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    # The organisation queue, e.g. "UWV" or "Werkgeversservicepunt Flevoland".
    queue: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    reden: Mapped[str] = mapped_column(String(30))
    intake: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str | None] = mapped_column(String(30))
    # The latest transfer note ("warme overdracht"), shown to the receiving organisation.
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp_column()
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When the case entered its current queue: the waiting time staff see.
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The queue the case came from on its latest transfer.
    transferred_from: Mapped[str | None] = mapped_column(String(200))
    outcome_note: Mapped[str | None] = mapped_column(Text)

    conversation: Mapped[Conversation] = relationship()
    claimer: Mapped[StaffAccount | None] = relationship(lazy="joined")
