"""A local fake of the Telegram Bot API: python-telegram-bot talks to it through `base_url`.

It implements what the connector uses (getMe, getUpdates, sendMessage, sendDocument, editMessageReplyMarkup,
answerCallbackQuery, setWebhook, deleteWebhook), records every call, and can inject updates,
429 answers, failures (502) and redeliveries (Telegram resends updates a crashed client never confirmed).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "123456:TEST-token-for-the-fake-api"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Elke Deur",
    "username": "elkedeur_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeBotApi:
    """The fake server's state; every public method is safe to call from the test thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0  # highest update id the client confirmed with `offset`
        self.next_update_id = 500
        self.next_message_id = 1
        self.rate_limit_next: list[int] = []  # retry_after seconds for the next sendMessage calls
        self.fail_next: list[int] = []  # HTTP status for the next sendMessage calls (502: down, 403: blocked)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # ---------- lifecycle ----------
    def start(self) -> None:
        app = Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Bot API did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    # ---------- injecting updates ----------
    def _add_update(self, body: dict[str, Any]) -> int:
        with self.lock:
            self.next_update_id += 1
            update = {"update_id": self.next_update_id, **body}
            self.updates.append(update)
            return self.next_update_id

    @staticmethod
    def _user(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "nl"}

    def _message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        with self.lock:
            self.next_message_id += 1
            message_id = self.next_message_id
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._user(chat_id),
            **content,
        }

    def text_update(self, chat_id: int, text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"message": self._message(chat_id, **content)}

    def send_text(self, chat_id: int, text: str) -> int:
        return self._add_update(self.text_update(chat_id, text))

    def send_photo(self, chat_id: int) -> int:
        photo = [{"file_id": "AgAD-photo", "file_unique_id": "uniq-photo", "width": 90, "height": 90}]
        return self._add_update({"message": self._message(chat_id, photo=photo)})

    def press(self, chat_id: int, bot_message: dict[str, Any], data: str) -> int:
        query = {
            "id": f"cq-{time.monotonic_ns()}",
            "from": self._user(chat_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": bot_message,
        }
        return self._add_update({"callback_query": query})

    def redeliver_all(self) -> None:
        """Forget the confirmations, as Telegram does for a client that died before confirming."""
        with self.lock:
            self.confirmed = 0

    # ---------- inspecting ----------
    def calls_of(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[Call]:
        return [c for c in self.calls_of("sendMessage") if int(c.params["chat_id"]) == chat_id]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; calls: {[(c.method, c.params) for c in self.calls][-10:]}")

    # ---------- the Bot API ----------
    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            body: dict[str, Any] = await request.json()
            return body
        form = await request.form()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, UploadFile):  # a sent file (sendDocument): kept with its name and bytes
                params[key] = {"filename": value.filename, "content": await value.read()}
                await value.close()
                continue
            text = str(value)
            try:
                params[key] = json.loads(text) if text[:1] in "[{" else text
            except json.JSONDecodeError:
                params[key] = text
        return params

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != TOKEN:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        method = request.path_params["method"]
        params = await self._params(request)
        if method != "getUpdates":
            with self.lock:
                self.calls.append(Call(method, params))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return JSONResponse(
                {"ok": False, "error_code": 404, "description": f"Not Found: {method}"}, status_code=404
            )
        result = await handler(params)
        if isinstance(result, JSONResponse):
            return result
        return JSONResponse({"ok": True, "result": result})

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        with self.lock:
            self.calls.append(Call("getUpdates", params))
            if offset:
                self.confirmed = max(self.confirmed, offset - 1)
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                pending = [u for u in self.updates if u["update_id"] > self.confirmed]
            if pending or time.monotonic() >= deadline:
                return pending
            await asyncio.sleep(0.05)

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        with self.lock:
            if self.fail_next:
                status = self.fail_next.pop(0)
                return JSONResponse(
                    {"ok": False, "error_code": status, "description": f"Error {status}"}, status_code=status
                )
            if self.rate_limit_next:
                retry_after = self.rate_limit_next.pop(0)
                return JSONResponse(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry_after}",
                        "parameters": {"retry_after": retry_after},
                    },
                    status_code=429,
                )
            self.next_message_id += 1
            message_id = self.next_message_id
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        with self.lock:
            self.next_message_id += 1
            message_id = self.next_message_id
        document = params.get("document") or {}
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "caption": params.get("caption", ""),
            "document": {
                "file_id": f"doc-{message_id}",
                "file_unique_id": f"doc-{message_id}",
                "file_name": document.get("filename") if isinstance(document, dict) else None,
            },
        }

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        return {
            "message_id": int(params.get("message_id") or 0),
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": int(params.get("chat_id") or 0), "type": "private"},
            "text": "…",
        }

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True
