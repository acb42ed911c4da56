"""The connector's own state, shared by every connector instance: chats, handled updates, delivery turns.

One SQLAlchemy URL (`TELEGRAM_STATE_URL`): a SQLite file for one instance, PostgreSQL (the bridge's
database; every table is prefixed `telegram_`) when several instances run behind a load balancer.
Each decision two instances could take at once is one atomic statement on a unique key or a
conditional UPDATE, so it holds across processes and hosts, not just within one event loop.

The tables come from the connector's own Alembic chain (connectors/telegram/migrations), which
every instance brings up to date when it starts; the bridge's migrations leave them alone.

The chat id is needed to push staff replies, so it is stored; it is never logged. Logs use
`chat_key`, a keyed hash (HMAC-SHA256 with the bot token) that cannot be turned back into the id.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = threading.Lock()

# Telegram's update ids only grow; old ones need not be kept forever.
KEEP_UPDATES = 10_000
# How long a delivery turn holds without being renewed: longer than one send with its 429 waits,
# short enough that a crashed instance's conversations are picked up again soon (see Relay.sweep).
TURN_SECONDS = 120.0
# Every table name starts with `telegram_`, so the tables are recognisable in a shared database
# (and the bridge's Alembic leaves them alone: bridge/alembic/env.py skips that prefix). The
# migrations in connectors/telegram/migrations create them; this metadata describes them.
metadata = MetaData()

chats = Table(
    "telegram_chats",
    metadata,
    Column("chat_key", String(40), primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("conversation_id", String(64), nullable=False, unique=True),
    # Highest bridge message id sent to the chat; messages go out in id order.
    Column("last_delivered", BigInteger, nullable=False, server_default="0"),
    # Highest bridge message id some instance saw that must reach the chat.
    Column("wanted", BigInteger, nullable=False, server_default="0"),
    # The instance whose turn it is to send to this chat, and until when (epoch seconds).
    Column("turn_owner", String(64), nullable=True),
    Column("turn_until", Float, nullable=True),
)
handled_updates = Table(
    "telegram_updates", metadata, Column("update_id", BigInteger, primary_key=True, autoincrement=False)
)
meta = Table(
    "telegram_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)


@dataclass(frozen=True)
class ChatLink:
    chat_key: str
    chat_id: int
    conversation_id: str
    last_delivered: int


@dataclass(frozen=True)
class DeliveryState:
    chat_id: int
    last_delivered: int
    wanted: int


def make_engine(url: str) -> Engine:
    """An engine for the state; SQLite gets WAL and a busy timeout, as several instances may share a file."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the connector's tables up to date (`alembic upgrade head` of its own chain)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's migration context is global to the process: one migration at a time per process
    # (other processes are kept apart by the database, see Store._migrate).
    with _MIGRATION_LOCK, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def state_url(url: str) -> str:
    """`url`, with the directory of a SQLite file created (var/ may not exist yet)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return url


class Store:
    """The connector's tables on any SQLAlchemy URL; every method is one short transaction."""

    def __init__(self, url: str, secret: str) -> None:
        self._engine: Engine = make_engine(state_url(url))
        self._secret = secret.encode()
        self._dialect = self._engine.dialect.name
        self._migrate()

    def _migrate(self, attempts: int = 5) -> None:
        """Run the connector's migrations. Instances started together race to run them; the loser's
        transaction is rolled back, and its retry finds them done."""
        for attempt in range(attempts):
            try:
                migrate(self._engine)
                return
            except DatabaseError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def close(self) -> None:
        self._engine.dispose()

    def chat_key(self, chat_id: int) -> str:
        """Pseudonym of a chat for logs and lookups."""
        return hmac.new(self._secret, str(chat_id).encode(), hashlib.sha256).hexdigest()[:20]

    def _insert(self, table: Table) -> Any:
        """INSERT with the dialect's ON CONFLICT support (SQLite and PostgreSQL both have it)."""
        return (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(table)

    # ---------- updates ----------
    def claim_update(self, update_id: int) -> bool:
        """True for exactly one caller per update id, across instances; False for a repeat."""
        with self._engine.begin() as connection:
            # RETURNING, not rowcount: the row comes back only when this INSERT created it.
            claimed = connection.execute(
                self._insert(handled_updates)
                .values(update_id=update_id)
                .on_conflict_do_nothing()
                .returning(handled_updates.c.update_id)
            ).first()
            if claimed is not None:
                connection.execute(
                    handled_updates.delete().where(handled_updates.c.update_id < update_id - KEEP_UPDATES)
                )
        return claimed is not None

    # ---------- chat ↔ conversation ----------
    def link(self, chat_id: int, conversation_id: str) -> ChatLink:
        """Map the chat to `conversation_id`, unless another instance linked it first: the link that holds.

        Two instances can see the first messages of a new chat at once and each create a
        conversation; the unique chat key lets exactly one of them win, the other reads the winner's.
        """
        key = self.chat_key(chat_id)
        with self._engine.begin() as connection:
            connection.execute(
                self._insert(chats)
                .values(chat_key=key, chat_id=chat_id, conversation_id=conversation_id)
                .on_conflict_do_nothing(index_elements=[chats.c.chat_key])
            )
        link = self.by_chat(chat_id)
        if link is None:  # forgotten (/stop, /vergeet) in the same instant: link again
            return self.link(chat_id, conversation_id)
        return link

    def _one(self, where: Any) -> ChatLink | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(chats.c.chat_key, chats.c.chat_id, chats.c.conversation_id, chats.c.last_delivered).where(where)
            ).first()
        return ChatLink(*row) if row else None

    def by_chat(self, chat_id: int) -> ChatLink | None:
        return self._one(chats.c.chat_key == self.chat_key(chat_id))

    def by_conversation(self, conversation_id: str) -> ChatLink | None:
        return self._one(chats.c.conversation_id == conversation_id)

    def forget(self, chat_id: int) -> str | None:
        """Remove the chat (and its chat id) from the store; returns its conversation id."""
        key = self.chat_key(chat_id)
        with self._engine.begin() as connection:
            row = connection.execute(
                chats.delete().where(chats.c.chat_key == key).returning(chats.c.conversation_id)
            ).first()
        return str(row[0]) if row else None

    # ---------- delivery: one instance at a time per conversation, in id order ----------
    def want(self, conversation_id: str, message_id: int) -> None:
        """Record that message `message_id` (and everything before it) must reach the chat."""
        with self._engine.begin() as connection:
            connection.execute(
                update(chats)
                .where(chats.c.conversation_id == conversation_id, chats.c.wanted < message_id)
                .values(wanted=message_id)
            )

    def take_turn(self, conversation_id: str, owner: str) -> bool:
        """Become the one instance that sends to this chat now; False while another one is at it."""
        now = time.time()
        with self._engine.begin() as connection:
            taken = connection.execute(
                update(chats)
                .where(
                    chats.c.conversation_id == conversation_id,
                    # Not re-entrant on purpose: a second task of the same instance leaves it to the first.
                    or_(chats.c.turn_owner.is_(None), chats.c.turn_until < now),
                )
                .values(turn_owner=owner, turn_until=now + TURN_SECONDS)
            ).rowcount
        return taken == 1

    def delivered(self, conversation_id: str, owner: str, message_id: int) -> bool:
        """Move `last_delivered` up to `message_id` and renew the turn; False when the turn was lost."""
        with self._engine.begin() as connection:
            kept = connection.execute(
                update(chats)
                .where(chats.c.conversation_id == conversation_id, chats.c.turn_owner == owner)
                .values(
                    last_delivered=func.max(chats.c.last_delivered, message_id)
                    if self._dialect == "sqlite"
                    else func.greatest(chats.c.last_delivered, message_id),
                    turn_until=time.time() + TURN_SECONDS,
                )
            ).rowcount
        return kept == 1

    def delivery_state(self, conversation_id: str) -> DeliveryState | None:
        """Where delivery to the conversation's chat stands; None when no chat is linked to it."""
        with self._engine.connect() as connection:
            row = connection.execute(
                select(chats.c.chat_id, chats.c.last_delivered, chats.c.wanted).where(
                    chats.c.conversation_id == conversation_id
                )
            ).first()
        return DeliveryState(int(row[0]), int(row[1]), int(row[2])) if row else None

    def end_turn(self, conversation_id: str, owner: str) -> bool:
        """Give the turn back, but only when nothing wanted is left; False: deliver again (or turn lost)."""
        with self._engine.begin() as connection:
            ended = connection.execute(
                update(chats)
                .where(
                    chats.c.conversation_id == conversation_id,
                    chats.c.turn_owner == owner,
                    chats.c.wanted <= chats.c.last_delivered,
                )
                .values(turn_owner=None, turn_until=None)
            ).rowcount
        return ended == 1

    def drop_turn(self, conversation_id: str, owner: str) -> None:
        """Give the turn back after a failure; what is still wanted waits for the next attempt."""
        with self._engine.begin() as connection:
            connection.execute(
                update(chats)
                .where(chats.c.conversation_id == conversation_id, chats.c.turn_owner == owner)
                .values(turn_owner=None, turn_until=None)
            )

    def undelivered(self, limit: int = 100) -> list[str]:
        """Conversations with wanted messages and no instance at it (it failed, or crashed)."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(chats.c.conversation_id)
                .where(
                    chats.c.wanted > chats.c.last_delivered,
                    or_(chats.c.turn_owner.is_(None), chats.c.turn_until < time.time()),
                )
                .limit(limit)
            ).all()
        return [str(row[0]) for row in rows]

    # ---------- small shared values (the events cursor) ----------
    def get_meta(self, key: str) -> str | None:
        with self._engine.connect() as connection:
            value = connection.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                self._insert(meta)
                .values(key=key, value=value)
                .on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value})
            )
