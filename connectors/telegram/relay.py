"""Relay between Telegram and the bridge: send what the person writes, deliver what is stored.

Every message the person should see (bot, staff, system) is delivered once, by its bridge
message id: after a POST we read the conversation back, and staff messages arrive live over the
bridge's channel WebSocket. `last_delivered` per conversation makes both paths idempotent.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import warnings
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import MessageLimit, ParseMode
from telegram.error import RetryAfter, TelegramError
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from connectors.telegram.bridge_client import BridgeClient
from connectors.telegram.store import ChatLink, Store

logger = logging.getLogger("elkedeur.telegram")

CHANNEL = "telegram"
# Room for the HTML of links and the author prefix within Telegram's 4096 characters.
CHUNK_LENGTH = MessageLimit.MAX_TEXT_LENGTH - 600
MAX_RETRIES = 5
EVENTS_CURSOR = "events_after"
LINK_RE = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^\s)]+)\)|\bhttps?://[^\s<>\"']+")
BUTTONS_ONLY_TEXT = "Kies een antwoord:"
AUTHOR_PREFIX = {"staff": "Medewerker", "system": "Melding"}

T = TypeVar("T")


def to_html(text: str) -> str:
    """Telegram HTML: everything escaped; [tekst](url) and bare http(s) URLs become links."""
    parts: list[str] = []
    last = 0
    for match in LINK_RE.finditer(text):
        label, url = match.group(1), match.group(2)
        end = match.end()
        if url is None:
            url = match.group(0).rstrip(".,;:!?)")
            end = match.start() + len(url)
            label = url
        parts.append(html.escape(text[last : match.start()], quote=False))
        parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(label, quote=False)}</a>')
        last = end
    parts.append(html.escape(text[last:], quote=False))
    return "".join(parts)


def split_text(text: str, limit: int = CHUNK_LENGTH) -> list[str]:
    """Split at paragraph, line or word boundaries so every piece fits in one Telegram message."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut <= limit // 2:
            cut = limit  # one very long word: cut it hard
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def retry_seconds(error: RetryAfter) -> float:
    """Seconds Telegram asks us to wait (int or timedelta, depending on PTB settings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 announces the move to timedelta on access
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def with_retry(call: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot API call, waiting as long as Telegram says on 429 Too Many Requests."""
    for attempt in range(MAX_RETRIES):
        try:
            return await call()
        except RetryAfter as error:
            if attempt == MAX_RETRIES - 1:
                raise
            wait = retry_seconds(error)
            logger.warning("telegram_rate_limited", extra={"retry_after": wait})
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")


def keyboard(message_id: int, buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup:
    """One button per row; callback data is short (message id and index), payloads stay in the bridge."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(b["title"])[:64], callback_data=f"{message_id}:{i}")] for i, b in enumerate(buttons)]
    )


class Relay:
    """Moves messages between one bot and the bridge."""

    def __init__(self, bridge: BridgeClient, store: Store) -> None:
        self.bridge = bridge
        self.store = store
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def link_for(self, chat_id: int, *, new: bool = False) -> ChatLink:
        """The chat's conversation, created in the bridge on first contact."""
        link = None if new else self.store.by_chat(chat_id)
        if link is None:
            conversation_id = await self.bridge.create_conversation()
            link = self.store.link(chat_id, conversation_id)
            logger.info("telegram_conversation_linked", extra={"chat_key": link.chat_key})
        return link

    async def relay(self, bot: Bot, chat_id: int, *, text: str | None = None, payload: str | None = None) -> None:
        """Send the person's message to the bridge and deliver everything new."""
        link = await self.link_for(chat_id)
        await self.bridge.send(link.conversation_id, text=text, payload=payload)
        await self.deliver_new(bot, link.conversation_id)

    async def deliver_new(self, bot: Bot, conversation_id: str) -> dict[str, Any]:
        """Read the conversation back and send every message not yet delivered."""
        conversation = await self.bridge.conversation(conversation_id)
        for message in conversation["messages"]:
            await self.push(bot, conversation_id, message)
        return conversation

    async def push(self, bot: Bot, conversation_id: str, message: dict[str, Any]) -> None:
        """Deliver one stored message to its chat, exactly once."""
        if message.get("author") == "user":
            return
        async with self._locks[conversation_id]:
            link = self.store.by_conversation(conversation_id)
            if link is None or message["id"] <= link.last_delivered:
                return
            await self._send(bot, link.chat_id, message)
            self.store.mark_delivered(conversation_id, int(message["id"]))

    async def _send(self, bot: Bot, chat_id: int, message: dict[str, Any]) -> None:
        text = message.get("text") or ""
        buttons = message.get("buttons") or []
        if not text.strip() and not buttons:
            return
        chunks = split_text(text) or [BUTTONS_ONLY_TEXT]
        prefix = AUTHOR_PREFIX.get(str(message.get("author")))
        for index, chunk in enumerate(chunks):
            body = to_html(chunk)
            if prefix and index == 0:
                body = f"<b>{prefix}:</b> {body}"
            markup = keyboard(int(message["id"]), buttons) if buttons and index == len(chunks) - 1 else None
            await with_retry(
                lambda body=body, markup=markup: bot.send_message(
                    chat_id,
                    body,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            )

    async def button_payload(self, conversation_id: str, data: str) -> tuple[str, str] | None:
        """(payload, title) of the button behind callback data "message_id:index", if it still exists."""
        try:
            message_id, index = (int(part) for part in data.split(":", 1))
        except ValueError:
            return None
        conversation = await self.bridge.conversation(conversation_id)
        for message in conversation["messages"]:
            if message["id"] == message_id and 0 <= index < len(message.get("buttons") or []):
                button = message["buttons"][index]
                return str(button["payload"]), str(button["title"])
        return None

    async def listen(self, bot: Bot) -> None:
        """Follow the bridge's telegram channel events (staff and system messages); reconnect forever."""
        backoff = 1.0
        while True:
            cursor = self.store.get_meta(EVENTS_CURSOR)
            url = self.bridge.events_url(CHANNEL, int(cursor) if cursor else None)
            headers = {"Authorization": f"Bearer {self.bridge.service_token}"}
            try:
                async with connect(url, additional_headers=headers, open_timeout=10) as websocket:
                    logger.info("telegram_events_connected")
                    backoff = 1.0
                    async for raw in websocket:
                        await self.on_event(bot, json.loads(raw))
            except asyncio.CancelledError:
                raise
            except (OSError, WebSocketException, TimeoutError) as error:
                logger.warning("telegram_events_disconnected", extra={"error": type(error).__name__})
            except Exception:
                logger.exception("telegram_events_failed")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)

    async def on_event(self, bot: Bot, event: dict[str, Any]) -> None:
        """Deliver a message event to its chat and move the catch-up cursor past it."""
        if event.get("type") != "message" or "conversation_id" not in event:
            return
        message = event["message"]
        try:
            await self.push(bot, str(event["conversation_id"]), message)
        except TelegramError as error:
            # E.g. the person blocked the bot: skip this message rather than retry it forever.
            logger.warning("telegram_push_failed", extra={"error": type(error).__name__})
        cursor = int(self.store.get_meta(EVENTS_CURSOR) or 0)
        if message["id"] > cursor:
            self.store.set_meta(EVENTS_CURSOR, str(message["id"]))
