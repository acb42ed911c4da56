"""HTTP client of the bridge's public conversation API, as the Telegram connector uses it."""

from __future__ import annotations

from typing import Any

import httpx


class BridgeError(Exception):
    """The bridge did not answer as expected (down, or an error status)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BridgeClient:
    """Async calls to /api/conversations…; one httpx client for the connector's lifetime."""

    def __init__(self, base_url: str, service_token: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.service_token = service_token
        # The service token identifies the connector, so the bridge can tell it from one busy browser
        # (all Telegram users arrive from this one address).
        headers = {"Authorization": f"Bearer {service_token}"} if service_token else {}
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, headers=headers)

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise BridgeError(f"bridge unreachable: {type(error).__name__}") from None
        if response.status_code >= 400:
            detail = (
                response.json().get("detail")
                if response.headers.get("content-type", "").startswith("application/json")
                else None
            )
            raise BridgeError(
                detail if isinstance(detail, str) else f"HTTP {response.status_code}", response.status_code
            )
        return response

    async def create_conversation(self) -> str:
        """A new conversation on the telegram channel."""
        response = await self._call("POST", "/api/conversations", json={"channel": "telegram"})
        return str(response.json()["id"])

    async def send(
        self, conversation_id: str, *, text: str | None = None, payload: str | None = None
    ) -> dict[str, Any]:
        """Send the user's message; the bridge answers `{"message_id", "replies": [{"id", "author", ...}]}`."""
        body = {"payload": payload} if payload else {"text": text}
        response = await self._call("POST", f"/api/conversations/{conversation_id}/messages", json=body)
        answer: dict[str, Any] = response.json()
        return answer

    async def conversation(self, conversation_id: str) -> dict[str, Any]:
        response = await self._call("GET", f"/api/conversations/{conversation_id}")
        body: dict[str, Any] = response.json()
        return body

    async def erase(self, conversation_id: str) -> bool:
        """Erase the conversation in the bridge; False when the bridge has no erasure endpoint yet."""
        try:
            await self._call("DELETE", f"/api/conversations/{conversation_id}")
        except BridgeError as error:
            if error.status in (404, 405):
                return False
            raise
        return True

    async def plan_link(self, conversation_id: str) -> dict[str, Any]:
        """A new link to the person's plan (the previous link stops working); BridgeError 409 before any advice."""
        response = await self._call("POST", f"/api/conversations/{conversation_id}/plan")
        body: dict[str, Any] = response.json()
        return body

    async def plan_pdf(self, path: str) -> bytes:
        """The plan as a PDF, fetched from the bridge by its path (/plan/<token>/pdf)."""
        response = await self._call("GET", path)
        return response.content

    def events_url(self, channel: str, after: int | None) -> str:
        """WebSocket URL of the bridge's channel events (staff and system messages)."""
        base = "ws" + self.base_url.removeprefix("http")
        query = f"channel={channel}" + (f"&after={after}" if after is not None else "")
        return f"{base}/internal/events?{query}"
