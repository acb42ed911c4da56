"""The connector's store as several instances share it: two Store objects (two engines, as two
processes have) on one SQLite file and on one PostgreSQL database, racing from threads."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import create_engine, inspect, select

from connectors.telegram import store as store_module
from connectors.telegram.store import Store, chats

SECRET = "123456:bot-token"
T = TypeVar("T")


@pytest.fixture
def two_stores(database_url: str) -> Iterator[tuple[Store, Store]]:
    first, second = Store(database_url, SECRET), Store(database_url, SECRET)
    yield first, second
    first.close()
    second.close()


def race(*calls: Callable[[], T]) -> list[T]:
    """Run the calls in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # surfaced below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return [results[i] for i in range(len(calls))]


def test_each_update_is_claimed_by_exactly_one_instance(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores
    for update_id in range(1000, 1030):
        claims = race(lambda: first.claim_update(update_id), lambda: second.claim_update(update_id))  # noqa: B023 (called in this iteration)
        assert sorted(claims) == [False, True], f"update {update_id}: {claims}"
    assert first.claim_update(1000) is False and second.claim_update(1029) is False


def test_first_messages_of_a_new_chat_at_two_instances_end_in_one_conversation(
    two_stores: tuple[Store, Store], database_url: str
) -> None:
    first, second = two_stores
    for chat_id in range(-1_000_000_000_005, -1_000_000_000_000):  # 64-bit ids, as Telegram's
        a, b = race(lambda: first.link(chat_id, f"conv-a{chat_id}"), lambda: second.link(chat_id, f"conv-b{chat_id}"))  # noqa: B023
        assert a == b, "both instances use the conversation that won"
        assert a.conversation_id in (f"conv-a{chat_id}", f"conv-b{chat_id}") and a.chat_id == chat_id
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            assert len(connection.execute(select(chats)).all()) == 5
    finally:
        engine.dispose()


def test_one_instance_at_a_time_delivers_and_nothing_wanted_is_left_behind(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores
    first.link(555, "conv-1")
    a_took, b_took = race(lambda: first.take_turn("conv-1", "A"), lambda: second.take_turn("conv-1", "B"))
    assert [a_took, b_took].count(True) == 1, "exactly one instance gets the turn"
    holder, owner, other = (first, "A", second) if a_took else (second, "B", first)
    assert other.take_turn("conv-1", "X") is False, "not while another instance holds the turn"
    assert holder.take_turn("conv-1", owner) is False, "not re-entrant: a second task of the holder waits too"

    other.want("conv-1", 12)  # e.g. the staff event reached the other instance
    assert holder.delivered("conv-1", owner, 10) is True
    assert holder.end_turn("conv-1", owner) is False, "12 is still wanted: the holder goes on"
    assert holder.delivered("conv-1", owner, 12) is True
    assert holder.delivered("conv-1", owner, 11) is True  # never goes back
    assert other.delivery_state("conv-1") == store_module.DeliveryState(555, 12, 12)
    assert holder.end_turn("conv-1", owner) is True
    assert other.take_turn("conv-1", "X") is True
    assert holder.delivered("conv-1", owner, 13) is False, "a turn given back is not the old owner's any more"
    other.drop_turn("conv-1", "X")
    assert other.undelivered() == []
    other.want("conv-1", 14)
    assert holder.undelivered() == ["conv-1"]


def test_a_turn_left_by_a_crashed_instance_expires(
    two_stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two_stores
    first.link(556, "conv-2")
    first.want("conv-2", 3)
    monkeypatch.setattr(store_module, "TURN_SECONDS", -1.0)  # every turn is over as soon as it is taken
    assert first.take_turn("conv-2", "A") is True
    assert second.undelivered() == ["conv-2"], "the sweep sees it"
    assert second.take_turn("conv-2", "B") is True
    assert first.delivered("conv-2", "A", 3) is False, "the crashed owner cannot move the cursor any more"


def test_forget_removes_the_chat_id(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores
    link = first.link(557, "conv-3")
    assert second.by_conversation("conv-3") == link
    assert "557" not in first.chat_key(557) and len(first.chat_key(557)) == 20
    assert second.forget(557) == "conv-3"
    assert first.by_chat(557) is None and first.forget(557) is None
    assert first.delivery_state("conv-3") is None
    first.set_meta("events_after", "41")
    second.set_meta("events_after", "42")
    assert first.get_meta("events_after") == "42" and first.get_meta("nothing") is None


def test_instances_starting_together_create_the_tables_once(database_url: str) -> None:
    stores = race(*[lambda: Store(database_url, SECRET) for _ in range(4)])
    try:
        assert stores[0].claim_update(1) is True and stores[3].claim_update(1) is False
    finally:
        for store in stores:
            store.close()


def test_state_of_the_single_file_connector_is_taken_over(tmp_path: Path) -> None:
    """var/telegram.db of a connector before issue #10 keeps its chats, cursor and handled updates."""
    path = tmp_path / "telegram.db"
    legacy = sqlite3.connect(path)
    legacy.executescript(
        "CREATE TABLE chats (chat_key TEXT PRIMARY KEY, chat_id INTEGER NOT NULL,"
        " conversation_id TEXT NOT NULL UNIQUE, last_delivered INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE handled_updates (update_id INTEGER PRIMARY KEY);"
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    )
    key = Store(f"sqlite:///{tmp_path / 'other.db'}", SECRET).chat_key(555)
    legacy.execute("INSERT INTO chats VALUES (?, 555, 'conv-old', 7)", (key,))
    legacy.execute("INSERT INTO handled_updates VALUES (10)")
    legacy.execute("INSERT INTO meta VALUES ('events_after', '7')")
    legacy.commit()
    legacy.close()

    store = Store(f"sqlite:///{path}", SECRET)
    try:
        assert store.by_chat(555) == store_module.ChatLink(key, 555, "conv-old", 7)
        assert store.delivery_state("conv-old") == store_module.DeliveryState(555, 7, 7)
        assert store.claim_update(10) is False
        assert store.get_meta("events_after") == "7"
    finally:
        store.close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {
                "telegram_chats",
                "telegram_updates",
                "telegram_meta",
                "telegram_alembic_version",
            }
    finally:
        engine.dispose()


def test_the_default_sqlite_file_and_its_directory_are_created(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'var' / 'telegram.db'}", SECRET)
    try:
        assert store.claim_update(5) is True
    finally:
        store.close()
    assert (tmp_path / "var" / "telegram.db").exists()


def test_tables_of_something_else_in_the_same_sqlite_file_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    other.execute("INSERT INTO meta VALUES ('schema', '3')")
    other.commit()
    other.close()
    Store(f"sqlite:///{path}", SECRET).close()
    other = sqlite3.connect(path)
    try:
        assert other.execute("SELECT value FROM meta").fetchall() == [("3",)]
    finally:
        other.close()
