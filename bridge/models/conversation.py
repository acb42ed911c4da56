"""A conversation with one person on one channel, and every message in it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bridge.models.base import Base, new_uuid, timestamp_column, utcnow


class ConversationStatus(enum.StrEnum):
    """Who answers the person now (public contract values)."""

    BOT = "bot"
    WACHT_OP_MEDEWERKER = "wacht_op_medewerker"
    MEDEWERKER = "medewerker"
    GESLOTEN = "gesloten"


class Author(enum.StrEnum):
    USER = "user"
    BOT = "bot"
    STAFF = "staff"
    SYSTEM = "system"


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    status: Mapped[str] = mapped_column(String(30), default=ConversationStatus.BOT.value)
    # The person is told once, kindly, not to share numbers such as a BSN in the chat.
    privacy_notice_shown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.id", cascade="all, delete-orphan"
    )


class Message(Base):
    __tablename__ = "messages"
    # A channel that retries a message sends the same client id: stored once per conversation.
    __table_args__ = (UniqueConstraint("conversation_id", "client_message_id", name="uq_messages_client_message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(10))
    text: Mapped[str | None] = mapped_column(Text)
    # The button payload the user chose, e.g. "/inform_werkgever".
    payload: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    staff_name: Mapped[str | None] = mapped_column(String(100))
    # False until the message has reached its recipient (Rasa or the staff queue).
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optional id the channel gave the user's message (retries reuse it); NULLs never clash.
    client_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = timestamp_column()

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
