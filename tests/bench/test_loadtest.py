"""The load test's own checks: it must notice a message stored twice, lost or left unanswered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from bench.loadtest import Sent, check_database, conversation_turns
from tests.bridge.conftest import migrate


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bridge.db'}"
    migrate(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO conversations (id, channel, status, privacy_notice_shown, created_at, "
                "updated_at) VALUES ('c1', 'web', 'bot', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    return url


def _insert(url: str, author: str, client_id: str | None, delivered: bool = True) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO messages (conversation_id, author, text, delivered, client_message_id, created_at) "
                "VALUES ('c1', :a, 'x', :d, :m, CURRENT_TIMESTAMP)"
            ),
            {"a": author, "d": delivered, "m": client_id},
        )
    engine.dispose()


def test_all_stored_once_and_answered_is_ok(tmp_path: Path) -> None:
    url = _database(tmp_path)
    for client_id in ("m1", "m2"):
        _insert(url, "user", client_id)
        _insert(url, "bot", None)
    sent = Sent(conversation_ids=["c1"], acknowledged=[("c1", "m1", "hoi"), ("c1", "m2", "ik zoek werk")])
    counts = check_database(url, sent)
    assert counts["ok"] is True
    assert (counts["user_messages_stored"], counts["user_messages_answered"]) == (2, 2)


def test_lost_unanswered_and_undelivered_messages_fail_the_check(tmp_path: Path) -> None:
    url = _database(tmp_path)
    _insert(url, "user", "m1")
    _insert(url, "bot", None)
    _insert(url, "user", "m2", delivered=False)  # no reply follows
    sent = Sent(conversation_ids=["c1"], acknowledged=[("c1", "m1", "a"), ("c1", "m2", "b"), ("c1", "m3", "c")])
    counts = check_database(url, sent)
    assert counts["ok"] is False
    assert counts["acknowledged_but_missing"] == 1
    assert counts["user_messages_answered"] == 1
    assert counts["user_messages_delivered"] == 1


def test_every_conversation_gets_the_asked_number_of_turns() -> None:
    scripts = conversation_turns(20)
    assert scripts and all(len(turns) == 20 for turns in scripts)
    assert len({tuple(t) for t in scripts}) > 1  # not all people type the same
