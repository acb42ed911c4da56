"""Counter staff: organisations (= queues), accounts, sessions, login attempts, audit log, templates."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bridge.models.base import Base, UtcDateTime, new_uuid, timestamp_column


class StaffRole(enum.StrEnum):
    """What a staff member may do (cases stay limited to their own organisation for every role)."""

    MEDEWERKER = "medewerker"  # claims and answers cases of their organisation
    COORDINATOR = "coordinator"  # also takes over claimed cases and reads the audit log
    BEHEERDER = "beheerder"  # also manages staff accounts


class Organisation(Base):
    """An organisation; its name is the queue name of its handoff cases (e.g. "Gemeente Almere")."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = timestamp_column()

    staff: Mapped[list[StaffAccount]] = relationship(back_populates="organisation")


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    # The name the citizen sees ("Sanne van UWV"); a first name is enough.
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20), default=StaffRole.MEDEWERKER.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = timestamp_column()
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="staff", lazy="joined")


class StaffSession(Base):
    """A logged-in browser; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = timestamp_column()
    last_seen_at: Mapped[datetime] = timestamp_column()
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())

    staff: Mapped[StaffAccount] = relationship(lazy="joined")


class LoginAttempt(Base):
    """One failed login, kept briefly for throttling per account and per address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = timestamp_column(index=True)


class AuditLog(Base):
    """Who did or saw what, when. No foreign keys: the log outlives deleted cases and accounts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[str | None] = mapped_column(String(36), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200), index=True)
    # e.g. case_view, claim, reply, transfer, handback, close, login, logout, account_create
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(36))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = timestamp_column(index=True)


class ReplyTemplate(Base):
    """A saved reply of one organisation, picked in the console."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp_column()
