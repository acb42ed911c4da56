"""UtcDateTime: every stored time comes back timezone-aware UTC, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.core.db import make_engine
from bridge.models import Conversation, Message
from tests.bridge.conftest import migrate


def test_times_are_stored_as_utc_and_come_back_aware(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    amsterdam_summer = timezone(timedelta(hours=2))
    try:
        with Session(engine) as session:
            conversation = Conversation(channel="web")
            session.add(conversation)
            session.flush()
            session.add(
                Message(
                    conversation_id=conversation.id,
                    author="user",
                    text="hallo",
                    created_at=datetime(2026, 7, 1, 14, 0, tzinfo=amsterdam_summer),
                )
            )
            session.commit()
        with Session(engine) as session:
            stored = session.scalars(select(Message)).one()
            assert stored.created_at == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
            assert stored.created_at.utcoffset() == timedelta(0)
            assert stored.conversation.created_at.tzinfo is not None
            # Comparisons in SQL see the same instant, whatever offset the parameter has.
            later = datetime(2026, 7, 1, 13, 30, tzinfo=amsterdam_summer)  # 11:30 UTC
            assert session.scalars(select(Message).where(Message.created_at > later)).all() == [stored]
    finally:
        engine.dispose()
