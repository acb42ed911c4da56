"""Relay between Telegram and the bridge: send what the person writes, deliver what is stored.

Every message the person should see (bot, staff, system) is delivered once, in bridge message id
order: the bridge answers a POST with the stored replies and their ids (the conversation is read
back only when they do not follow on from what the chat already has), and staff messages arrive
live over the bridge's channel WebSocket, at every connector instance. Per conversation the store keeps `last_delivered`
and a delivery turn that one instance at a time holds, so all these paths, in any number of
instances, send each message once.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import uuid
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from connectors.telegram.bridge_client import BridgeClient, BridgeError
from connectors.telegram.logs import log_event
from connectors.telegram.store import ChatLink, Store

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
            log_event("ED-7001", retry_after=wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")


def keyboard(message_id: int, buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup:
    """One button per row; callback data is short (message id and index), payloads stay in the bridge."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(b["title"])[:64], callback_data=f"{message_id}:{i}")] for i, b in enumerate(buttons)]
    )


@dataclass(frozen=True)
class Answer:
    """The bridge's answer to a POST: the replies with their ids, and the user's own message id."""

    message_id: int | None
    replies: list[dict[str, Any]]

    @classmethod
    def of(cls, body: dict[str, Any]) -> Answer:
        replies = [reply for reply in body.get("replies") or [] if reply.get("id") is not None]
        message_id = body.get("message_id")
        return cls(int(message_id) if message_id is not None else None, replies)

    @property
    def wanted(self) -> int:
        return max((int(reply["id"]) for reply in self.replies), default=0)

    def follows_on(self, last_delivered: int) -> bool:
        """True when these replies are all the chat lacks: every id after `last_delivered` up to the
        last reply is a reply or the user's own message (which is not sent back to the chat)."""
        known = {int(reply["id"]) for reply in self.replies}
        if self.message_id is not None:
            known.add(self.message_id)
        return bool(self.replies) and all(i in known for i in range(last_delivered + 1, self.wanted + 1))


class Relay:
    """Moves messages between one bot and the bridge; several instances may share one store."""

    def __init__(self, bridge: BridgeClient, store: Store, *, sweep_seconds: float = 30.0) -> None:
        self.bridge = bridge
        self.store = store
        self.sweep_seconds = sweep_seconds
        # Names this process in delivery turns. New at every start, so a restarted instance never
        # takes a turn it held before the crash for a live one.
        self.instance = uuid.uuid4().hex

    async def link_for(self, chat_id: int) -> ChatLink:
        """The chat's conversation, created in the bridge on first contact."""
        link = self.store.by_chat(chat_id)
        if link is not None:
            return link
        conversation_id = await self.bridge.create_conversation()
        link = self.store.link(chat_id, conversation_id)
        if link.conversation_id == conversation_id:
            log_event("ED-7002", chat=chat_id)
            return link
        # Another instance linked this chat first (its first messages arrived at both at once):
        # use that conversation; ours is still empty, so erase it rather than leave it behind.
        log_event("ED-7003", chat=chat_id)
        with contextlib.suppress(BridgeError):
            await self.bridge.erase(conversation_id)
        return link

    async def relay(self, bot: Bot, chat_id: int, *, text: str | None = None, payload: str | None = None) -> None:
        """Send the person's message to the bridge and deliver everything new."""
        link = await self.link_for(chat_id)
        try:
            body = await self.bridge.send(link.conversation_id, text=text, payload=payload)
        except BridgeError as error:
            if error.status != 404:
                raise
            # The bridge erased the conversation (retention term, or erased elsewhere): drop the old
            # link with its chat id and start a new conversation, as for a new chat.
            self.store.forget(chat_id)
            log_event("ED-7004", chat=chat_id)
            link = await self.link_for(chat_id)
            body = await self.bridge.send(link.conversation_id, text=text, payload=payload)
        answer = Answer.of(body)
        if answer.replies:
            # The bot's replies have no event of their own: the POST's answer carries them, with ids.
            await self.deliver(bot, link.conversation_id, answer.wanted, answer=answer)

    async def deliver(self, bot: Bot, conversation_id: str, wanted: int, *, answer: Answer | None = None) -> None:
        """Make every message up to id `wanted` reach the chat once, in id order, whichever instance sends it.

        Each instance records what it wants delivered, then tries to take the conversation's turn.
        Only the turn holder sends; it gives the turn back only when nothing wanted is left, so a
        message another instance wanted meanwhile is never left behind. `answer` holds the replies
        of a POST, which save the read when they follow on from what the chat already has.
        """
        if wanted:
            self.store.want(conversation_id, wanted)
        if not self.store.take_turn(conversation_id, self.instance):
            return
        try:
            while True:
                state = self.store.delivery_state(conversation_id)
                if state is None:
                    return  # the chat was forgotten (/stop, /vergeet)
                if answer is not None and answer.follows_on(state.last_delivered):
                    messages, fresh = answer.replies, False
                else:
                    messages, fresh = await self._messages(conversation_id), True
                answer = None
                for message in messages:
                    if message.get("author") == "user" or int(message["id"]) <= state.last_delivered:
                        continue
                    await self._send_or_skip(bot, state.chat_id, message)
                    if not self.store.delivered(conversation_id, self.instance, int(message["id"])):
                        return  # our turn expired and another instance took over
                # A fresh read holds every message wanted before it; one that is not there was erased.
                if fresh and not self.store.delivered(conversation_id, self.instance, state.wanted):
                    return
                if self.store.end_turn(conversation_id, self.instance):
                    return
        except BaseException:
            self.store.drop_turn(conversation_id, self.instance)
            raise

    async def _messages(self, conversation_id: str) -> list[dict[str, Any]]:
        try:
            conversation = await self.bridge.conversation(conversation_id)
        except BridgeError as error:
            if error.status == 404:
                return []  # erased in the bridge: nothing left to deliver
            raise
        messages: list[dict[str, Any]] = conversation["messages"]
        return messages

    async def _send_or_skip(self, bot: Bot, chat_id: int, message: dict[str, Any]) -> None:
        """Send; when Telegram refuses this chat or message for good, skip it rather than retry forever."""
        try:
            await self._send(bot, chat_id, message)
        except (Forbidden, BadRequest) as error:  # e.g. the person blocked the bot
            log_event("ED-7005", error=type(error).__name__, chat=chat_id)

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
            send = partial(
                bot.send_message,
                chat_id,
                body,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
            await with_retry(send)

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
                    log_event("ED-7006")
                    backoff = 1.0
                    async for raw in websocket:
                        await self.on_event(bot, json.loads(raw))
            except asyncio.CancelledError:
                raise
            except (OSError, WebSocketException, TimeoutError) as error:
                log_event("ED-7007", error=type(error).__name__)
            except Exception as error:
                log_event("ED-7014", task="events", error=type(error).__name__)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)

    async def on_event(self, bot: Bot, event: dict[str, Any]) -> None:
        """Deliver a message event to its chat and move the catch-up cursor past it."""
        if event.get("type") != "message" or "conversation_id" not in event:
            return
        message_id = int(event["message"]["id"])
        try:
            await self.deliver(bot, str(event["conversation_id"]), message_id)
        except (TelegramError, BridgeError) as error:
            # It stays wanted in the store: the sweep delivers it once Telegram and the bridge answer.
            log_event("ED-7005", error=type(error).__name__)
        # Shared by the instances; going back a little after a race only repeats catch-up events,
        # which `last_delivered` turns into no-ops.
        cursor = int(self.store.get_meta(EVENTS_CURSOR) or 0)
        if message_id > cursor:
            self.store.set_meta(EVENTS_CURSOR, str(message_id))

    async def sweep(self, bot: Bot) -> None:
        """Deliver what was left behind: by an instance that crashed during its turn, or after a failure."""
        while True:
            for conversation_id in self.store.undelivered():
                try:
                    await self.deliver(bot, conversation_id, 0)
                except (TelegramError, BridgeError) as error:
                    log_event("ED-7008", error=type(error).__name__)
                except Exception as error:  # e.g. the state database is briefly away: try again next round
                    log_event("ED-7014", task="sweep", error=type(error).__name__)
            await asyncio.sleep(self.sweep_seconds)
