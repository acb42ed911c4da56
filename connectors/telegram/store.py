"""The connector's own state: which Telegram chat belongs to which bridge conversation.

The chat id is needed to push staff replies, so it is stored; it is never logged. Logs use
`chat_key`, a keyed hash (HMAC-SHA256 with the bot token) that cannot be turned back into the id.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS chats (
    chat_key TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    conversation_id TEXT NOT NULL UNIQUE,
    last_delivered INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS handled_updates (update_id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Telegram's update ids only grow; old ones need not be kept forever.
KEEP_UPDATES = 10_000


@dataclass(frozen=True)
class ChatLink:
    chat_key: str
    chat_id: int
    conversation_id: str
    last_delivered: int


class Store:
    """A small SQLite database, safe to use from the event loop thread and worker threads."""

    def __init__(self, path: str, secret: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._secret = secret.encode()

    def close(self) -> None:
        self._db.close()

    def chat_key(self, chat_id: int) -> str:
        """Pseudonym of a chat for logs and lookups."""
        return hmac.new(self._secret, str(chat_id).encode(), hashlib.sha256).hexdigest()[:20]

    def claim_update(self, update_id: int) -> bool:
        """True the first time an update id is seen; False for a repeat (after a restart or retry)."""
        with self._lock:
            try:
                self._db.execute("INSERT INTO handled_updates(update_id) VALUES (?)", (update_id,))
            except sqlite3.IntegrityError:
                return False
            self._db.execute(
                "DELETE FROM handled_updates WHERE update_id < ?", (update_id - KEEP_UPDATES,)
            )
            return True

    def link(self, chat_id: int, conversation_id: str) -> ChatLink:
        """Map the chat to a (new) conversation."""
        key = self.chat_key(chat_id)
        with self._lock:
            self._db.execute(
                "INSERT INTO chats(chat_key, chat_id, conversation_id, last_delivered) VALUES (?, ?, ?, 0) "
                "ON CONFLICT(chat_key) DO UPDATE SET conversation_id = excluded.conversation_id, last_delivered = 0",
                (key, chat_id, conversation_id),
            )
        return ChatLink(key, chat_id, conversation_id, 0)

    def _one(self, where: str, value: object) -> ChatLink | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT chat_key, chat_id, conversation_id, last_delivered FROM chats WHERE {where} = ?", (value,)
            ).fetchone()
        return ChatLink(*row) if row else None

    def by_chat(self, chat_id: int) -> ChatLink | None:
        return self._one("chat_key", self.chat_key(chat_id))

    def by_conversation(self, conversation_id: str) -> ChatLink | None:
        return self._one("conversation_id", conversation_id)

    def delivered(self, conversation_id: str) -> int:
        link = self.by_conversation(conversation_id)
        return link.last_delivered if link else 0

    def mark_delivered(self, conversation_id: str, message_id: int) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE chats SET last_delivered = MAX(last_delivered, ?) WHERE conversation_id = ?",
                (message_id, conversation_id),
            )

    def forget(self, chat_id: int) -> str | None:
        """Remove the chat (and its chat id) from the store; returns its conversation id."""
        link = self.by_chat(chat_id)
        if link is None:
            return None
        with self._lock:
            self._db.execute("DELETE FROM chats WHERE chat_key = ?", (link.chat_key,))
        return link.conversation_id

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
