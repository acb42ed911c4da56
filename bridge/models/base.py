"""Declarative base and shared column helpers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import DeclarativeBase, mapped_column


class Base(DeclarativeBase):
    pass


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


def timestamp_column(**kwargs):  # type: ignore[no-untyped-def]
    """A timezone-aware timestamp, defaulting to now."""
    return mapped_column(DateTime(timezone=True), default=utcnow, **kwargs)
